// Port for publishing domain events to a message broker. The engine writes
// every event to the outbox with the state change; `outbox.dispatch()` hands
// them to the relay one order at a time, in the order they happened.
import type { DomainEvent } from '../domain/events.js';

/**
 * Publishes domain events to a broker at least once. `fulfillkit/nats` and
 * `fulfillkit/amqp` implement it; a host may bring its own.
 *
 * Contract: `publish` resolves only once the broker has durably taken the
 * event (a JetStream ack, a publisher confirm). It may be called again with
 * an event it already published (after a crash or a lost ack), so it must
 * mark the message with `event.id` for the broker or the consumer to drop
 * the duplicate. Throw a `FulfillmentError` with `retryable: false` for an
 * event the broker will never take (it is parked); anything else is retried
 * with backoff, without limit, and later events of the same order wait.
 *
 * @example
 * ```ts
 * const relay: EventRelay = {
 *   id: 'log',
 *   async publish(event) {
 *     await appendToLog(event.id, JSON.stringify(event));
 *   },
 * };
 * const ff = createFulfillment({ storage, relay });
 * await ff.outbox.dispatch(); // publishes what is due
 * ```
 */
export interface EventRelay {
  /** Names the relay in errors and telemetry. */
  readonly id: string;
  /** Publish one event; resolve when the broker has it. */
  publish(event: DomainEvent): Promise<void>;
}
