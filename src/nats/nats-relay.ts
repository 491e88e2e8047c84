// Publishes domain events to NATS JetStream, one CloudEvents envelope per
// message, the event id as `Nats-Msg-Id` so the stream drops duplicates.
import type { JetStreamClient } from '@nats-io/jetstream';
import { FulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { EventRelay } from '../ports/relay.js';
import { encodeCloudEvent, toCloudEvent } from '../relay/cloud-event.js';

/** Options of {@link natsRelay}. */
export interface NatsRelayOptions {
  /** A JetStream client, e.g. `jetstream(await connect({ servers }))`. The host owns (and closes) its connection. */
  jetstream: JetStreamClient;
  /**
   * Subject prefix: an event goes to `{subjectPrefix}.{event.type}`, e.g.
   * `fulfillkit.order.placed`. A stream must capture these subjects
   * (`fulfillkit.>`). @default 'fulfillkit'
   */
  subjectPrefix?: string;
  /** The envelope's `source`. @default 'fulfillkit' */
  source?: string;
  /** How long to wait for the stream's acknowledgement. @default 5000 */
  timeoutMs?: number;
  /** Names the relay in errors and telemetry. @default 'nats' */
  id?: string;
}

/**
 * A relay to NATS JetStream. Each publish waits for the stream's ack; the
 * event id travels as `Nats-Msg-Id`, so a repeated publish within the
 * stream's `duplicate_window` (2 minutes by default) is stored once.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { jetstream, jetstreamManager } from '@nats-io/jetstream';
 * import { natsRelay } from 'fulfillkit/nats';
 *
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * await (await jetstreamManager(nc)).streams.add({ name: 'FULFILLMENT', subjects: ['fulfillkit.>'] });
 * const ff = createFulfillment({ storage, relay: natsRelay({ jetstream: jetstream(nc) }) });
 * setInterval(() => ff.outbox.dispatch(), 1000);
 * ```
 */
export function natsRelay(options: NatsRelayOptions): EventRelay {
  if (typeof options?.jetstream?.publish !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'natsRelay needs a JetStream client (jetstream(connection))');
  }
  const prefix = options.subjectPrefix ?? 'fulfillkit';
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Invalid NATS subject prefix ${JSON.stringify(prefix)}`, { details: { subjectPrefix: prefix } });
  }
  const source = options.source ?? 'fulfillkit';
  const timeout = options.timeoutMs ?? 5_000;
  const id = options.id ?? 'nats';
  return {
    id,
    async publish(event: DomainEvent) {
      const subject = `${prefix}.${event.type}`;
      try {
        await options.jetstream.publish(subject, encodeCloudEvent(toCloudEvent(event, source)), { msgID: event.id, timeout });
      } catch (err) {
        throw _publishError(id, subject, event, err);
      }
    },
  };
}

// ---- internals ---------------------------------------------------------------

// A message over the server's max_payload never fits: park it. Everything else
// (timeouts, no stream yet, disconnected) may pass on a later try.
function _publishError(relayId: string, subject: string, event: DomainEvent, err: unknown): FulfillmentError {
  const message = err instanceof Error ? err.message : String(err);
  const details = { relay: relayId, subject, eventId: event.id, error: message };
  if (/max(imum)?[ _]payload/i.test(message)) {
    return new FulfillmentError('ADAPTER_ERROR', `NATS refused event ${event.id}: ${message}`, { retryable: false, details });
  }
  return new FulfillmentError('ADAPTER_ERROR', `Publishing event ${event.id} to ${subject} failed: ${message}`, { retryable: true, cause: err, details });
}
