// Benchmark 6: what events to a broker and telemetry cost. Placement with a
// relay configured and with OpenTelemetry spans recorded, each against the same
// placements without; and events relayed to NATS JetStream in order per order
// through the outbox, against the same events published straight to the stream.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import * as api from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { memoryStorage } from '../src/storage/memory/memory-storage.js';
import { memoryNotifier } from '../src/notifiers/memory/memory-notifier.js';
import { sandboxCarrier } from '../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../src/payments/sandbox/sandbox-payment.js';
import type { DomainEvent } from '../src/domain/events.js';
import { type Fulfillment, type FulfillmentConfig, createFulfillment } from '../src/index.js';
import { natsRelay } from '../src/nats.js';
import { otelInstrumentation } from '../src/otel.js';
import type { EventRelay } from '../src/ports/relay.js';
import { encodeCloudEvent, toCloudEvent } from '../src/relay/cloud-event.js';
import { fakeClock } from '../src/testing/fake-clock.js';
import { compare, counterIds } from './harness.js';
import type { BenchResult, BenchSettings } from './report.js';
import { WAREHOUSE, benchOrder } from './shop.js';

function shop(extra: Partial<FulfillmentConfig>, namespace: string): Fulfillment {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  return createFulfillment({
    storage: memoryStorage(),
    clock,
    locations: [WAREHOUSE],
    carriers: [sandboxCarrier({ clock })],
    payments: sandboxPayment({ clock }),
    notifier: memoryNotifier(),
    generateId: counterIds(namespace),
    ...extra,
  });
}

async function stocked(ff: Fulfillment, units: number): Promise<Fulfillment> {
  await ff.inventory.receive({ sku: 'TEE-M', locationId: WAREHOUSE.id, quantity: units });
  await ff.inventory.receive({ sku: 'MUG-1', locationId: WAREHOUSE.id, quantity: units });
  return ff;
}

/** Placements/s of a shop built with `extra`, against a plain shop. */
async function placementCost(settings: BenchSettings, extra: () => Partial<FulfillmentConfig>) {
  const orders = settings.smoke ? 50 : 2_000;
  let run = 0;
  const side = (config: () => Partial<FulfillmentConfig>) => ({
    ops: orders,
    prepare: () => stocked(shop(config(), `r${++run}`), orders),
    run: async (prepared: unknown) => {
      const ff = prepared as Fulfillment;
      for (let i = 0; i < orders; i++) await ff.orders.place(benchOrder());
    },
  });
  return compare({ warmup: settings.smoke ? 0 : 1, runs: settings.smoke ? 1 : 7, subject: side(extra), baseline: side(() => ({})) });
}

const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined };

/** Benchmark 6a and 6b. */
export async function telemetryCostBench(settings: BenchSettings): Promise<BenchResult[]> {
  const orders = settings.smoke ? 50 : 2_000;
  const quiet: EventRelay = { id: 'quiet', publish: async () => undefined };
  const relayed = await placementCost(settings, () => ({ relay: quiet }));
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(discard)] }).getTracer('bench');
  const traced = await placementCost(settings, () => ({ instrumentation: otelInstrumentation({ api, tracer }) }));
  const note = `${orders.toLocaleString('en-US')} two-line orders placed one after another on the memory store per run`;
  return [
    {
      id: 'relay-placement-cost',
      benchmark: '6. Relay: cost of writing events to the outbox',
      subject: 'orders placed/s with a relay configured (each order write also appends one outbox message per event; not dispatched)',
      baseline: 'the same placements without a relay',
      unit: 'orders/s',
      subjectValue: relayed.subject,
      baselineValue: relayed.baseline,
      ratio: relayed.ratio,
      target: { on: 'ratio', kind: 'min', value: 0.8, label: '≥ 0.8×' },
      note,
    },
    {
      id: 'otel-placement-cost',
      benchmark: '6. Telemetry: cost of OpenTelemetry spans and metrics',
      subject: 'orders placed/s with otelInstrumentation recording every span (SDK tracer, span processor, discarding exporter)',
      baseline: 'the same placements without instrumentation',
      unit: 'orders/s',
      subjectValue: traced.subject,
      baselineValue: traced.baseline,
      ratio: traced.ratio,
      target: { on: 'ratio', kind: 'min', value: 0.7, label: '≥ 0.7×' },
      note,
    },
  ];
}

/** Benchmark 6c: events/s relayed to JetStream through the outbox, in order per order, against publishing them directly. */
export async function natsRelayBench(settings: BenchSettings): Promise<BenchResult> {
  const described = {
    id: 'nats-relay',
    benchmark: '6. Relay to NATS JetStream',
    baseline: 'the same events published straight to the stream, 200 in flight, no outbox and no order',
    unit: 'events/s',
    target: { on: 'ratio', kind: 'min', value: 0.3, label: '≥ 0.3×' },
    note: 'NATS server on 127.0.0.1:4222, memory-backed stream with de-duplication by Nats-Msg-Id',
  } as const;
  let nc: Awaited<ReturnType<typeof connect>>;
  try {
    nc = await connect({ servers: '127.0.0.1:4222', timeout: 2_000 });
  } catch (err) {
    const none = { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
    const reason = `no NATS at 127.0.0.1:4222 (${err instanceof Error ? err.message : String(err)})`;
    return { ...described, subject: 'events/s relayed by outbox.dispatch() to JetStream', subjectValue: none, baselineValue: none, ratio: none, skipped: reason };
  }
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const orders = settings.smoke ? 50 : 1_000;
  const name = `FFK_BENCH_${Date.now().toString(36)}`.toUpperCase();
  const prefix = `ffkbench.${name.toLowerCase()}`;
  await jsm.streams.add({ name, subjects: [`${prefix}.>`], storage: 'memory' as never });
  let run = 0;
  let events = 0;
  try {
    const result = await compare({
      warmup: settings.smoke ? 0 : 1,
      runs: settings.smoke ? 1 : 5,
      subject: {
        ops: 1,
        prepare: async () => {
          const ff = await stocked(shop({ relay: natsRelay({ jetstream: js, subjectPrefix: `${prefix}.r${++run}` }) }, `n${run}`), orders);
          let written = 0;
          ff.events.onAny(() => {
            written++;
          });
          for (let i = 0; i < orders; i++) await ff.orders.place(benchOrder());
          events = written;
          return ff;
        },
        run: async (prepared) => {
          const ff = prepared as Fulfillment;
          // A broker that went away (restarted without the memory stream) would keep every message pending: fail instead of waiting forever.
          let progressAt = performance.now();
          let left = Number.POSITIVE_INFINITY;
          for (;;) {
            await ff.outbox.dispatch({ batchSize: 200 });
            const stats = await ff.outbox.stats();
            if (stats.pending === 0 && stats.leased === 0) break;
            if (stats.pending + stats.leased < left) {
              left = stats.pending + stats.leased;
              progressAt = performance.now();
            } else if (performance.now() - progressAt > 60_000) {
              throw new Error(`NATS relay made no progress for 60 s with ${left} messages left: is the NATS server up with JetStream?`);
            }
          }
        },
      },
      baseline: {
        ops: 1,
        prepare: async () => {
          const ff = await stocked(shop({ relay: { id: 'collect', publish: async () => undefined } }, `b${++run}`), orders);
          const collected: DomainEvent[] = [];
          ff.events.onAny((e) => {
            collected.push(e);
          });
          for (let i = 0; i < orders; i++) await ff.orders.place(benchOrder());
          return collected;
        },
        run: async (prepared) => {
          const collected = prepared as DomainEvent[];
          // 200 publishes in flight at a time, as dispatch's batches are; no order is kept.
          for (let i = 0; i < collected.length; i += 200) {
            await Promise.all(
              collected
                .slice(i, i + 200)
                .map((e) => js.publish(`${prefix}.b${run}.${e.type}`, encodeCloudEvent(toCloudEvent(e, 'fulfillkit')), { msgID: e.id })),
            );
          }
        },
      },
    });
    const perRun = (s: typeof result.subject) => ({ ...s, median: s.median * events, min: s.min * events, max: s.max * events, samples: s.samples.map((v) => v * events) });
    return {
      ...described,
      subject: `events/s relayed by outbox.dispatch() to JetStream, acked one by one, in order per order (${events.toLocaleString("en-US")} events of ${orders.toLocaleString("en-US")} orders; their confirmation e-mails go out in the same dispatch)`,
      subjectValue: perRun(result.subject),
      baselineValue: perRun(result.baseline),
      ratio: result.ratio,
    };
  } finally {
    await jsm.streams.delete(name).catch(() => undefined);
    await nc.close();
  }
}
