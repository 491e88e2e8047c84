// Port for tracing and metrics. The core calls these hooks around commands,
// adapter calls and outbox deliveries and knows nothing of any telemetry SDK;
// `fulfillkit/otel` implements them with OpenTelemetry.
import type { OutboxTopic } from './storage.js';

/** Attribute values a hook receives; `undefined` values are to be left out. */
export type TelemetryAttributes = Record<string, string | number | boolean | undefined>;

/** One attempt of a call into an adapter. */
export interface AdapterCallInfo {
  /** Which port. */
  kind: 'carrier' | 'payment' | 'notifier' | 'relay';
  /** The adapter's `id`. */
  adapterId: string;
  /** The port method, e.g. `createShipment`. */
  method: string;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** The order the request names, when it names one. */
  orderId?: string;
  /** The shipment the request names, when it names one. */
  shipmentId?: string;
}

/** What happened to one outbox message in a dispatch. */
export interface OutboxDeliveryInfo {
  topic: OutboxTopic;
  outcome: 'delivered' | 'retrying' | 'parked';
  /** Delivery attempts so far, this one included. */
  attempts: number;
  /** Milliseconds from when the message was written to this outcome. */
  lagMs: number;
}

/**
 * Hooks around the engine's work. Each wrapper must call `run` exactly once
 * and return (or throw) what it returns (or throws); whatever context it sets
 * up around `run` is the context adapter calls run in.
 *
 * @example
 * ```ts
 * const timings: Instrumentation = {
 *   async command(name, attributes, run) {
 *     const started = performance.now();
 *     try { return await run(); } finally { console.log(name, attributes, performance.now() - started); }
 *   },
 *   adapterCall: (call, run) => run(),
 * };
 * const ff = createFulfillment({ instrumentation: timings });
 * ```
 */
export interface Instrumentation {
  /**
   * Around every command of the facade (`orders.place`, `fulfillment.ship`, ...).
   * `attributes` carries what the call names: `fulfillkit.order.id`,
   * `fulfillkit.shipment.id`, `fulfillkit.return.id`, `fulfillkit.carrier.id`.
   */
  command<T>(name: string, attributes: TelemetryAttributes, run: () => Promise<T>): Promise<T>;
  /** Around every attempt of a carrier, payment, notifier or relay call. */
  adapterCall<T>(call: AdapterCallInfo, run: () => Promise<T>): Promise<T>;
  /** After each outbox message a dispatch delivered, put back or parked. */
  outboxDelivery?(info: OutboxDeliveryInfo): void;
}
