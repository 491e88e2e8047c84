// Publishes domain events to a RabbitMQ (AMQP 0-9-1) exchange over a confirm
// channel: a publish resolves only on the broker's confirm, the event id is
// the message's `message-id`, and a lost connection is reopened on next use.
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { FulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { EventRelay } from '../ports/relay.js';
import { CLOUD_EVENT_CONTENT_TYPE, toCloudEvent } from '../relay/cloud-event.js';

/** Options of {@link amqpRelay}. */
export interface AmqpRelayOptions {
  /**
   * Open a connection, e.g. `() => amqplib.connect('amqp://127.0.0.1')`.
   * Called again whenever the previous connection was lost.
   */
  connect: () => Promise<ChannelModel>;
  /** The exchange to publish to, declared as a durable `topic` exchange; the routing key is the event type. @default 'fulfillkit.events' */
  exchange?: string;
  /** The envelope's `source`. @default 'fulfillkit' */
  source?: string;
  /** How long to wait for a connection, and for a publisher confirm. @default 5000 */
  timeoutMs?: number;
  /**
   * Treat a message no queue is bound to receive as a failure to retry, not a
   * success (publishes are `mandatory`). Turn off when unrouted events may be dropped. @default true
   */
  requireRoute?: boolean;
  /** Names the relay in errors and telemetry. @default 'amqp' */
  id?: string;
}

/** A relay to RabbitMQ; `close()` closes the connection it opened. */
export interface AmqpRelay extends EventRelay {
  /** Close the channel and connection. */
  close(): Promise<void>;
}

interface Session {
  connection: ChannelModel;
  channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable. */
  returned: Set<string>;
}

/**
 * A relay to RabbitMQ with publisher confirms. Messages are persistent, carry
 * the event id as `message-id` and the type as `type`; RabbitMQ keeps every
 * copy it is given, so consumers drop duplicates by `message-id`.
 *
 * @example
 * ```ts
 * import amqplib from 'amqplib';
 * import { amqpRelay } from 'fulfillkit/amqp';
 *
 * const relay = amqpRelay({ connect: () => amqplib.connect('amqp://guest:guest@127.0.0.1:5672') });
 * const ff = createFulfillment({ storage, relay });
 * setInterval(() => ff.outbox.dispatch(), 1000);
 * // a consumer: bind a queue to 'fulfillkit.events' with 'order.#', 'shipment.#', ...
 * ```
 */
export function amqpRelay(options: AmqpRelayOptions): AmqpRelay {
  if (typeof options?.connect !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'amqpRelay needs connect: () => amqplib.connect(url)');
  }
  const exchange = options.exchange ?? 'fulfillkit.events';
  const source = options.source ?? 'fulfillkit';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const mandatory = options.requireRoute ?? true;
  const id = options.id ?? 'amqp';
  let session: Promise<Session> | null = null;
  let closed = false;

  const open = (): Promise<Session> => {
    // Retryable: the events stay in the outbox for a process whose relay is open.
    if (closed) return Promise.reject(new Error(`relay ${id} is closed`));
    if (session === null) {
      const opening = _openSession(options.connect, exchange, timeoutMs, () => {
        if (session === opening) session = null;
      });
      session = opening;
      opening.catch(() => {
        if (session === opening) session = null;
      });
    }
    return session;
  };

  return {
    id,
    async publish(event: DomainEvent) {
      let s: Session;
      try {
        s = await open();
      } catch (err) {
        throw _failure(id, event, 'connecting', err);
      }
      const body = Buffer.from(JSON.stringify(toCloudEvent(event, source)));
      try {
        await _confirmed(timeoutMs, (done) =>
          s.channel.publish(
            exchange,
            event.type,
            body,
            {
              messageId: event.id,
              type: event.type,
              contentType: CLOUD_EVENT_CONTENT_TYPE,
              timestamp: Math.floor(Date.parse(event.at) / 1000),
              appId: source,
              persistent: true,
              mandatory,
            },
            done,
          ),
        );
      } catch (err) {
        throw _failure(id, event, 'publishing', err);
      }
      if (s.returned.delete(event.id)) {
        throw new FulfillmentError('ADAPTER_ERROR', `Event ${event.id} (${event.type}) reached no queue on exchange ${exchange}`, {
          retryable: true,
          details: { relay: id, exchange, routingKey: event.type, eventId: event.id },
        });
      }
    },
    async close() {
      closed = true;
      const current = session;
      session = null;
      if (current === null) return;
      const s = await current.catch(() => null);
      await s?.connection.close().catch(() => undefined);
    },
  };
}

// ---- internals ---------------------------------------------------------------

async function _openSession(connect: () => Promise<ChannelModel>, exchange: string, timeoutMs: number, lost: () => void): Promise<Session> {
  // A broker that accepts TCP but never finishes the handshake must not hold every later publish.
  const connecting = connect();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connection = await Promise.race([
    connecting,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        connecting.then((late) => late.close()).catch(() => undefined);
        reject(new Error(`no connection within ${timeoutMs} ms`));
      }, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  // Errors also arrive as 'close'; without a listener an 'error' would crash the process.
  connection.on('error', () => undefined);
  connection.on('close', lost);
  try {
    const channel = await connection.createConfirmChannel();
    const returned = new Set<string>();
    channel.on('error', () => undefined);
    channel.on('close', lost);
    channel.on('return', (message: ConsumeMessage) => {
      const messageId = message.properties.messageId as string | undefined;
      if (messageId) returned.add(messageId);
    });
    await channel.assertExchange(exchange, 'topic', { durable: true });
    return { connection, channel, returned };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}

// Publish and wait for the confirm (a channel that closes fails every
// outstanding confirm) or the timeout, whichever comes first.
function _confirmed(timeoutMs: number, send: (done: (err: unknown) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no publisher confirm within ${timeoutMs} ms`)), timeoutMs);
    try {
      send((err) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      });
    } catch (err) {
      clearTimeout(timer);
      reject(err);
    }
  });
}

function _failure(relayId: string, event: DomainEvent, step: string, err: unknown): FulfillmentError {
  const message = err instanceof Error ? err.message : String(err);
  // amqplib throws a RangeError for a message it can never encode; that will not get better.
  const permanent = err instanceof RangeError;
  return new FulfillmentError('ADAPTER_ERROR', `${step} event ${event.id} to RabbitMQ failed: ${message}`, {
    retryable: !permanent,
    ...(permanent ? {} : { cause: err }),
    details: { relay: relayId, eventId: event.id, error: message },
  });
}
