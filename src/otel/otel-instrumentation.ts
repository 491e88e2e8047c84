// OpenTelemetry for fulfillkit: a span per command and per adapter attempt,
// the command's ids carried in the context into its adapter calls, and the
// shop's key metrics. Loads @opentelemetry/api lazily; without it, a no-op.
import type * as OtelApi from '@opentelemetry/api';
import type { AdapterCallInfo, Instrumentation, OutboxDeliveryInfo, TelemetryAttributes } from '../ports/instrumentation.js';

type Api = typeof OtelApi;

/** Options of {@link otelInstrumentation}. */
export interface OtelInstrumentationOptions {
  /** The OpenTelemetry API module; loaded with `import('@opentelemetry/api')` when omitted. */
  api?: Api;
  /** Where spans go. @default api.trace.getTracer('fulfillkit') */
  tracer?: OtelApi.Tracer;
  /** Where metrics go. @default api.metrics.getMeter('fulfillkit') */
  meter?: OtelApi.Meter;
}

interface Telemetry {
  api: Api;
  tracer: OtelApi.Tracer;
  /** Context key under which a command keeps the ids its adapter calls inherit. */
  ids: symbol;
  ordersPlaced: OtelApi.Counter;
  reservationsRefused: OtelApi.Counter;
  commandDuration: OtelApi.Histogram;
  adapterDuration: OtelApi.Histogram;
  outboxLag: OtelApi.Histogram;
  outboxParked: OtelApi.Counter;
}

const ID_KEYS = ['fulfillkit.order.id', 'fulfillkit.shipment.id', 'fulfillkit.return.id', 'fulfillkit.carrier.id'] as const;

/**
 * Instrumentation hooks backed by OpenTelemetry. Spans: one per command
 * (`orders.place`, `fulfillment.ship`, ...; attributes `fulfillkit.order.id`,
 * `fulfillkit.shipment.id`, `fulfillkit.outcome`) and one per adapter attempt,
 * its child (`carrier.createShipment`, `payment.authorize`, ...; attributes
 * `fulfillkit.carrier.id` or `fulfillkit.payment.provider`,
 * `fulfillkit.retry.count`, the command's ids). Metrics:
 * `fulfillkit.orders.placed`, `fulfillkit.reservations.refused`,
 * `fulfillkit.command.duration`, `fulfillkit.adapter.duration` (ms),
 * `fulfillkit.outbox.lag` (ms, per delivered message), `fulfillkit.outbox.parked`.
 * Without `@opentelemetry/api` installed every hook just runs its work.
 *
 * @example
 * ```ts
 * import { otelInstrumentation } from 'fulfillkit/otel';
 * const ff = createFulfillment({ storage, payments, instrumentation: otelInstrumentation() });
 * ```
 */
export function otelInstrumentation(options: OtelInstrumentationOptions = {}): Instrumentation {
  let telemetry: Telemetry | null | undefined;
  const loading: Promise<Telemetry | null> = (options.api ? Promise.resolve(options.api) : _importApi()).then((api) => {
    telemetry = api ? _telemetry(api, options) : null;
    return telemetry;
  });
  const ready = async (): Promise<Telemetry | null> => (telemetry !== undefined ? telemetry : loading);

  return {
    async command(name, attributes, run) {
      const t = await ready();
      if (t === null) return run();
      const { api } = t;
      const started = performance.now();
      const parent = api.context.active();
      const inherited = { ...(parent.getValue(t.ids) as TelemetryAttributes | undefined), ..._defined(attributes) };
      return t.tracer.startActiveSpan(name, { kind: api.SpanKind.INTERNAL, attributes: inherited }, parent.setValue(t.ids, inherited), async (span) => {
        let outcome = 'ok';
        try {
          const result = await run();
          for (const [key, value] of Object.entries(_resultIds(name, result))) {
            span.setAttribute(key, value);
            inherited[key] = value;
          }
          if (name === 'orders.place') t.ordersPlaced.add(1);
          return result;
        } catch (err) {
          outcome = _outcome(err);
          if (name === 'orders.place' && outcome === 'INSUFFICIENT_STOCK') t.reservationsRefused.add(1);
          _recordError(api, span, err);
          throw err;
        } finally {
          span.setAttribute('fulfillkit.outcome', outcome);
          span.end();
          t.commandDuration.record(performance.now() - started, { 'fulfillkit.command': name, 'fulfillkit.outcome': outcome });
        }
      });
    },

    async adapterCall(call, run) {
      const t = await ready();
      if (t === null) return run();
      const { api } = t;
      const started = performance.now();
      const attributes = _adapterAttributes(call, api.context.active().getValue(t.ids) as TelemetryAttributes | undefined);
      return t.tracer.startActiveSpan(`${call.kind}.${call.method}`, { kind: api.SpanKind.CLIENT, attributes }, async (span) => {
        let outcome = 'ok';
        try {
          return await run();
        } catch (err) {
          outcome = _outcome(err);
          _recordError(api, span, err);
          throw err;
        } finally {
          span.setAttribute('fulfillkit.outcome', outcome);
          span.end();
          t.adapterDuration.record(performance.now() - started, {
            'fulfillkit.adapter.kind': call.kind,
            'fulfillkit.adapter.id': call.adapterId,
            'fulfillkit.adapter.method': call.method,
            'fulfillkit.outcome': outcome,
          });
        }
      });
    },

    outboxDelivery(info: OutboxDeliveryInfo) {
      const t = telemetry;
      if (!t) return;
      if (info.outcome === 'delivered') t.outboxLag.record(Math.max(0, info.lagMs), { 'fulfillkit.outbox.topic': info.topic });
      if (info.outcome === 'parked') t.outboxParked.add(1, { 'fulfillkit.outbox.topic': info.topic });
    },
  };
}

// ---- internals ---------------------------------------------------------------

async function _importApi(): Promise<Api | null> {
  try {
    return (await import('@opentelemetry/api')) as Api;
  } catch {
    return null;
  }
}

function _telemetry(api: Api, options: OtelInstrumentationOptions): Telemetry {
  const meter = options.meter ?? api.metrics.getMeter('fulfillkit');
  return {
    api,
    tracer: options.tracer ?? api.trace.getTracer('fulfillkit'),
    ids: Symbol('fulfillkit.ids'),
    ordersPlaced: meter.createCounter('fulfillkit.orders.placed', { description: 'Orders placed (successful orders.place calls)' }),
    reservationsRefused: meter.createCounter('fulfillkit.reservations.refused', { description: 'Placements refused for insufficient stock' }),
    commandDuration: meter.createHistogram('fulfillkit.command.duration', { unit: 'ms', description: 'Duration of commands' }),
    adapterDuration: meter.createHistogram('fulfillkit.adapter.duration', { unit: 'ms', description: 'Latency of adapter calls, per attempt' }),
    outboxLag: meter.createHistogram('fulfillkit.outbox.lag', { unit: 'ms', description: 'From outbox write to delivery' }),
    outboxParked: meter.createCounter('fulfillkit.outbox.parked', { description: 'Outbox messages given up on' }),
  };
}

function _defined(attributes: TelemetryAttributes): TelemetryAttributes {
  const out: TelemetryAttributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

// Ids a command learns only from its result: the order a placement created, the order of a shipment.
function _resultIds(name: string, result: unknown): Record<string, string> {
  if (result === null || typeof result !== 'object') return {};
  const r = result as { id?: unknown; orderId?: unknown; order?: { id?: unknown } | null };
  const ids: Record<string, string> = {};
  if (name.startsWith('orders.') && typeof r.id === 'string') ids['fulfillkit.order.id'] = r.id;
  if (typeof r.orderId === 'string') ids['fulfillkit.order.id'] = r.orderId;
  // Shipment-scoped commands answer `{ order, shipment }`.
  if (r.order !== null && typeof r.order === 'object' && typeof r.order.id === 'string') ids['fulfillkit.order.id'] = r.order.id;
  return ids;
}

function _adapterAttributes(call: AdapterCallInfo, inherited: TelemetryAttributes | undefined): OtelApi.Attributes {
  const attributes: OtelApi.Attributes = {};
  for (const key of ID_KEYS) {
    const value = inherited?.[key];
    if (value !== undefined) attributes[key] = value;
  }
  const idKey = {
    carrier: 'fulfillkit.carrier.id',
    payment: 'fulfillkit.payment.provider',
    notifier: 'fulfillkit.notifier.id',
    relay: 'fulfillkit.relay.id',
  }[call.kind];
  attributes[idKey] = call.adapterId;
  attributes['fulfillkit.adapter.kind'] = call.kind;
  attributes['fulfillkit.adapter.method'] = call.method;
  attributes['fulfillkit.retry.count'] = call.attempt - 1;
  if (call.orderId !== undefined) attributes['fulfillkit.order.id'] = call.orderId;
  if (call.shipmentId !== undefined) attributes['fulfillkit.shipment.id'] = call.shipmentId;
  return attributes;
}

function _outcome(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

function _recordError(api: Api, span: OtelApi.Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
