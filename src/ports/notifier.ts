// Port for sending customer notifications (email, SMS, webhooks).
import type { AdapterCallOptions } from './carrier.js';

/** Channels a notification can travel on. */
export type NotificationChannel = 'email' | 'sms' | 'push' | 'webhook';

/**
 * Every notification the engine sends, named after what happened.
 *
 * @example
 * ```ts
 * // A template per notification, checked at start-up so none is missing:
 * const missing = NOTIFICATION_TEMPLATES.filter((name) => !(name in emailTemplates));
 * if (missing.length) throw new Error(`no email template for ${missing.join(', ')}`);
 * ```
 */
export const NOTIFICATION_TEMPLATES = [
  'order.confirmed',
  'order.backordered',
  'order.payment_failed',
  'order.cancelled',
  'shipment.shipped',
  'shipment.out_for_delivery',
  'shipment.delivered',
  'shipment.delivery_failed',
  'payment.refunded',
  'return.received',
] as const;
/** A notification template name. */
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** One message to one recipient. */
export interface Notification {
  /** Channel to send on. */
  channel: NotificationChannel;
  /** Address on that channel: an email address, a phone number, a URL. */
  to: string;
  /** Which message this is. */
  template: NotificationTemplate;
  /** Values for the template (order id, tracking link, amounts...). JSON only. */
  data: Record<string, unknown>;
  /**
   * Stable across retries of the same message. Adapters that talk to a
   * provider pass it on (or drop repeats themselves) so a retry never sends twice.
   */
  idempotencyKey: string;
}

/** What an adapter knows about a sent message. */
export interface SendResult {
  /** The provider's id for the message, when it returns one. */
  messageId: string | null;
}

/** Optional behaviours of a notifier. */
export interface NotifierCapabilities {
  /** Channels this adapter can deliver on; the engine skips the others. */
  channels: readonly NotificationChannel[];
}

/**
 * Sends notifications. Called by `outbox.dispatch`, at least once per message:
 * throw to have the message retried later with backoff, return to mark it sent.
 *
 * @example
 * ```ts
 * const smtpNotifier: NotificationAdapter = {
 *   id: 'smtp',
 *   capabilities: { channels: ['email'] },
 *   async send(n) {
 *     const id = await mailer.send({ to: n.to, template: n.template, vars: n.data, key: n.idempotencyKey });
 *     return { messageId: id };
 *   },
 * };
 * ```
 */
export interface NotificationAdapter {
  /** Unique id of this adapter instance. */
  readonly id: string;
  /** What it can do. */
  readonly capabilities: NotifierCapabilities;
  /**
   * Deliver one message. Throwing a `FulfillmentError` with `retryable: false`
   * parks the message after its attempt; any other throw is retried with backoff.
   */
  send(notification: Notification, options?: AdapterCallOptions): Promise<SendResult>;
}
