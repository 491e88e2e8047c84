// fulfillkit/otel with the OpenTelemetry SDK's in-memory span exporter and a
// metric reader: spans per command and adapter attempt, parentage through the
// context, ids and retry counts as attributes, and the shop's metrics.
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { otelInstrumentation } from '../../src/otel.js';
import type { NotificationAdapter } from '../../src/ports/notifier.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import { expectCode, makeShop, orderFor, pickAndPack, shipmentOf, stock } from '../helpers/shop.js';

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const contextManager = new AsyncLocalStorageContextManager();

function meterSetup() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('test'),
    /** Sum of a counter, or count of a histogram, over all its points matching `where`. */
    async value(name: string, where: Record<string, unknown> = {}): Promise<number> {
      await reader.forceFlush();
      const all: ResourceMetrics[] = exporter.getMetrics();
      const last = all[all.length - 1];
      let total = 0;
      for (const scope of last?.scopeMetrics ?? []) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints) {
            if (!Object.entries(where).every(([k, v]) => point.attributes[k] === v)) continue;
            const v = point.value as number | { count: number };
            total += typeof v === 'number' ? v : v.count;
          }
        }
      }
      return total;
    },
    shutdown: () => provider.shutdown(),
  };
}

function named(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((s) => s.name === name);
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

beforeAll(() => {
  api.context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  api.context.disable();
  await tracerProvider.shutdown();
});
beforeEach(() => spans.reset());

describe('otelInstrumentation', () => {
  it('traces a command with its adapter calls as children, carrying ids, providers and outcomes', async () => {
    const metrics = meterSetup();
    const instrumentation = otelInstrumentation({ api, tracer: tracerProvider.getTracer('t'), meter: metrics.meter });
    const { ff } = makeShop({ instrumentation });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));

    const [place] = named('orders.place');
    expect(place?.attributes).toMatchObject({ 'fulfillkit.order.id': order.id, 'fulfillkit.outcome': 'ok' });
    const [authorize] = named('payment.authorize');
    expect(authorize?.attributes).toMatchObject({
      'fulfillkit.payment.provider': 'sandbox',
      'fulfillkit.adapter.kind': 'payment',
      'fulfillkit.order.id': order.id,
      'fulfillkit.retry.count': 0,
      'fulfillkit.outcome': 'ok',
    });
    expect(authorize?.kind).toBe(api.SpanKind.CLIENT);
    expect(parentOf(authorize as ReadableSpan)).toBe(place?.spanContext().spanId);
    expect(authorize?.spanContext().traceId).toBe(place?.spanContext().traceId);

    const shipment = shipmentOf(order);
    await pickAndPack(ff, shipment);
    await ff.fulfillment.ship(shipment.id);
    const [ship] = named('fulfillment.ship');
    expect(ship?.attributes).toMatchObject({ 'fulfillkit.shipment.id': shipment.id, 'fulfillkit.order.id': order.id });
    for (const name of ['carrier.getRates', 'carrier.createShipment']) {
      const [span] = named(name);
      expect(span?.attributes, name).toMatchObject({ 'fulfillkit.carrier.id': 'sandbox', 'fulfillkit.shipment.id': shipment.id });
      expect(parentOf(span as ReadableSpan)).toBe(ship?.spanContext().spanId);
    }
    expect(await metrics.value('fulfillkit.orders.placed')).toBe(1);
    expect(await metrics.value('fulfillkit.adapter.duration', { 'fulfillkit.adapter.kind': 'carrier' })).toBeGreaterThanOrEqual(2);
    expect(await metrics.value('fulfillkit.command.duration', { 'fulfillkit.command': 'fulfillment.ship' })).toBe(1);
    await metrics.shutdown();
  });

  it('gives every attempt its span with the retry count, and marks failures with their code', async () => {
    const metrics = meterSetup();
    const instrumentation = otelInstrumentation({ api, tracer: tracerProvider.getTracer('t'), meter: metrics.meter });
    const { ff } = makeShop({ instrumentation }, { carrier: { failures: { createShipment: 2 } } });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    const shipment = shipmentOf(order);
    await pickAndPack(ff, shipment);
    await ff.fulfillment.ship(shipment.id);
    const attempts = named('carrier.createShipment').sort((a, b) => Number(a.attributes['fulfillkit.retry.count']) - Number(b.attributes['fulfillkit.retry.count']));
    expect(attempts.map((s) => [s.attributes['fulfillkit.retry.count'], s.attributes['fulfillkit.outcome']])).toEqual([
      [0, 'CARRIER_ERROR'],
      [1, 'CARRIER_ERROR'],
      [2, 'ok'],
    ]);
    expect(attempts[0]?.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(attempts[0]?.events.some((e) => e.name === 'exception')).toBe(true);

    await expectCode(ff.orders.place(orderFor({ 'TEE-M': 50 })), 'INSUFFICIENT_STOCK');
    const refused = named('orders.place').find((s) => s.attributes['fulfillkit.outcome'] === 'INSUFFICIENT_STOCK');
    expect(refused?.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(await metrics.value('fulfillkit.reservations.refused')).toBe(1);
    expect(await metrics.value('fulfillkit.orders.placed')).toBe(1);
    await metrics.shutdown();
  });

  it('runs adapters inside their span, so their own instrumentation nests under the command', async () => {
    const instrumentation = otelInstrumentation({ api, tracer: tracerProvider.getTracer('t') });
    let active: api.SpanContext | undefined;
    const notifier: NotificationAdapter = {
      id: 'probe',
      capabilities: { channels: ['email'] },
      async send() {
        active = api.trace.getActiveSpan()?.spanContext();
        return { messageId: 'm1' };
      },
    };
    const { ff } = makeShop({ instrumentation, notifier });
    await stock(ff, 'east', { 'TEE-M': 5 });
    await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    await ff.outbox.dispatch();
    const [send] = named('notifier.send');
    expect(send?.attributes).toMatchObject({ 'fulfillkit.notifier.id': 'probe' });
    expect(active?.spanId).toBe(send?.spanContext().spanId);
    const [dispatch] = named('outbox.dispatch');
    expect(parentOf(send as ReadableSpan)).toBe(dispatch?.spanContext().spanId);
  });

  it('traces each relay publish under the dispatch, with the order it belongs to', async () => {
    const instrumentation = otelInstrumentation({ api, tracer: tracerProvider.getTracer('t') });
    const relay = { id: 'quiet', publish: async () => undefined };
    const { ff } = makeShop({ instrumentation, relay });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    await ff.outbox.dispatch();
    const publishes = named('relay.publish');
    expect(publishes).toHaveLength((await ff.orders.history(order.id)).length);
    const [dispatch] = named('outbox.dispatch');
    for (const span of publishes) {
      expect(span.attributes).toMatchObject({ 'fulfillkit.relay.id': 'quiet', 'fulfillkit.order.id': order.id, 'fulfillkit.outcome': 'ok' });
      expect(parentOf(span)).toBe(dispatch?.spanContext().spanId);
    }
  });

  it('measures outbox lag and counts parked messages', async () => {
    const metrics = meterSetup();
    const instrumentation = otelInstrumentation({ api, tracer: tracerProvider.getTracer('t'), meter: metrics.meter });
    const refusing: NotificationAdapter = {
      id: 'refusing',
      capabilities: { channels: ['email'] },
      async send() {
        throw new FulfillmentError('ADAPTER_ERROR', 'mailbox does not exist', { retryable: false });
      },
    };
    const first = makeShop({ instrumentation });
    await stock(first.ff, 'east', { 'TEE-M': 5 });
    await first.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    first.clock.advance(1_500);
    expect((await first.ff.outbox.dispatch()).delivered).toBe(1);
    expect(await metrics.value('fulfillkit.outbox.lag', { 'fulfillkit.outbox.topic': 'notification' })).toBe(1);
    const second = makeShop({ instrumentation, notifier: refusing });
    await stock(second.ff, 'east', { 'TEE-M': 5 });
    await second.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    expect((await second.ff.outbox.dispatch()).parked).toBe(1);
    expect(await metrics.value('fulfillkit.outbox.parked')).toBe(1);
    await metrics.shutdown();
  });

  it('leaves commands, results and errors untouched', async () => {
    const traced = makeShop({ instrumentation: otelInstrumentation({ api, tracer: tracerProvider.getTracer('t') }) });
    const plain = makeShop();
    for (const { ff } of [traced, plain]) await stock(ff, 'east', { 'TEE-M': 5 });
    const a = await traced.ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'k' });
    const b = await plain.ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'k' });
    const view = (o: typeof a) => ({ status: o.status, totals: o.totals, payment: o.payment.status, lines: o.lines.map((l) => [l.sku, l.quantity]) });
    expect(view(a)).toEqual(view(b));
    expect(await traced.ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'k' })).toEqual(await traced.ff.orders.get(a.id));
    await expectCode(traced.ff.orders.get(42 as never), 'VALIDATION_FAILED');
    expect(traced.ff.storageCapabilities).toEqual(traced.storage.capabilities);
  });
});
