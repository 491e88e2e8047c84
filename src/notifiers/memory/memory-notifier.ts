// A notifier that keeps messages in memory: the default for development and
// the way tests read what customers would have received.
import { FulfillmentError } from '../../domain/errors.js';
import type { Notification, NotificationAdapter, NotificationChannel, SendResult } from '../../ports/notifier.js';

/** Options of {@link memoryNotifier}. */
export interface MemoryNotifierOptions {
  /**
   * Adapter id.
   * @defaultValue 'memory'
   */
  id?: string;
  /**
   * Channels it accepts.
   * @defaultValue ['email', 'sms', 'push', 'webhook']
   */
  channels?: readonly NotificationChannel[];
  /**
   * Make the first N sends fail with a retryable error, to exercise outbox retries.
   * @defaultValue 0
   */
  failTimes?: number;
  /**
   * Decide per send whether it fails (`'error'` retryable, `'rejected'` for good); `attempt` counts sends from 1.
   * @defaultValue never fails
   */
  fault?: (notification: Notification, attempt: number) => 'error' | 'rejected' | null;
}

/** A recorded message and the id it got. */
export interface RecordedNotification extends Notification {
  messageId: string;
}

/** The memory notifier plus its record of sent messages. */
export interface MemoryNotifier extends NotificationAdapter {
  /** Messages sent so far, oldest first; a repeated idempotency key appears once. */
  readonly messages: readonly RecordedNotification[];
  /** Messages sent so far, optionally only one template or recipient. */
  sent(filter?: { template?: Notification['template']; to?: string }): RecordedNotification[];
  /** Forget every message (keys included). */
  clear(): void;
}

/**
 * Records notifications instead of sending them. A message repeated under
 * the same idempotency key is recorded once and answers with the first
 * `messageId`, as a provider honouring keys would.
 *
 * @example
 * ```ts
 * const notifier = memoryNotifier();
 * const ff = createFulfillment({ notifier });
 * // ... place and ship an order, then:
 * await ff.outbox.dispatch();
 * expect(notifier.sent({ template: 'shipment.shipped' })).toHaveLength(1);
 * ```
 */
export function memoryNotifier(options: MemoryNotifierOptions = {}): MemoryNotifier {
  const id = options.id ?? 'memory';
  const channels = options.channels ?? ['email', 'sms', 'push', 'webhook'];
  const recorded: RecordedNotification[] = [];
  const byKey = new Map<string, RecordedNotification>();
  let attempts = 0;

  return {
    id,
    capabilities: { channels: [...channels] },
    get messages() {
      return recorded.map(copy);
    },

    async send(notification): Promise<SendResult> {
      attempts += 1;
      const fault = attempts <= (options.failTimes ?? 0) ? 'error' : (options.fault?.(notification, attempts) ?? null);
      if (fault !== null) {
        throw new FulfillmentError('ADAPTER_ERROR', `Notifier ${id} could not send ${notification.template}`, {
          retryable: fault === 'error',
          details: { notifier: id, reason: fault === 'error' ? 'unavailable' : 'rejected', idempotencyKey: notification.idempotencyKey },
        });
      }
      if (!channels.includes(notification.channel)) {
        throw new FulfillmentError('ADAPTER_ERROR', `Notifier ${id} does not deliver on ${notification.channel}`, {
          details: { notifier: id, reason: 'channel_unsupported', channel: notification.channel },
        });
      }
      const previous = byKey.get(notification.idempotencyKey);
      if (previous !== undefined) return { messageId: previous.messageId };
      const message: RecordedNotification = { ...copy(notification as RecordedNotification), messageId: `msg_${recorded.length + 1}` };
      recorded.push(message);
      byKey.set(message.idempotencyKey, message);
      return { messageId: message.messageId };
    },

    sent(filter = {}) {
      return recorded
        .filter((m) => (filter.template === undefined || m.template === filter.template) && (filter.to === undefined || m.to === filter.to))
        .map(copy);
    },

    clear() {
      recorded.length = 0;
      byKey.clear();
    },
  };
}

function copy(message: RecordedNotification): RecordedNotification {
  // Data is JSON by contract, so a JSON round trip is a faithful deep copy.
  return { ...message, data: JSON.parse(JSON.stringify(message.data)) as Record<string, unknown> };
}
