// Conformance kit for NotificationAdapter: messages arrive whole, once per
// idempotency key, and an outage is an error rather than a silent success.
import { nanoid } from 'nanoid';
import { expect } from './runner.js';
import type { Notification, NotificationAdapter, NotificationChannel } from '../ports/notifier.js';
import { type AdapterCheck, describeAdapterChecks, runAdapterCheck } from './adapter-checks.js';
import type { ConformanceOptions } from './describe-options.js';

/** Options of {@link describeNotifierConformance}. */
export interface NotifierConformanceOptions<A extends NotificationAdapter = NotificationAdapter> extends ConformanceOptions {
  /**
   * What the recipient side has received from `adapter` so far, counted the way
   * the provider counts (a repeat under one idempotency key that it drops is not there).
   * @defaultValue the delivery checks are skipped
   */
  delivered?(adapter: A): readonly Notification[] | Promise<readonly Notification[]>;
  /**
   * Build an adapter whose provider is down, to check that `send` throws.
   * @defaultValue the outage check is skipped
   */
  unavailable?(): A | Promise<A>;
  /**
   * Recipient per channel for test messages.
   * @defaultValue `{ email: 'customer@example.com', sms: '+15555550100', push: 'device-1', webhook: 'https://hooks.example/orders' }`
   */
  recipients?: Partial<Record<NotificationChannel, string>>;
}

/** One notifier check. */
export type NotifierCheck = AdapterCheck<NotificationAdapter, NotifierConformanceOptions<NotificationAdapter>>;

const CHANNELS: readonly NotificationChannel[] = ['email', 'sms', 'push', 'webhook'];
const needsDelivered = (_: NotificationAdapter, o: NotifierConformanceOptions) => (o.delivered === undefined ? 'no delivered hook given' : null);

/** Every notifier check, in report order; each `run` is a plain async function (see {@link runNotifierCheck}). */
export const notifierConformanceChecks: readonly NotifierCheck[] = [
  {
    name: 'capabilities: declares the channels it delivers on',
    async run(notifier) {
      expect(typeof notifier.id === 'string' && notifier.id.length > 0, 'id').toBe(true);
      expect(notifier.capabilities.channels.length, 'at least one channel').toBeGreaterThan(0);
      for (const channel of notifier.capabilities.channels) expect(CHANNELS, `channel ${channel}`).toContain(channel);
    },
  },
  {
    name: 'send: returns a messageId string or null',
    async run(notifier, options) {
      const result = await notifier.send(sample(notifier, options));
      expect(result.messageId === null || (typeof result.messageId === 'string' && result.messageId.length > 0), 'messageId').toBe(true);
    },
  },
  {
    name: 'send: delivers template, recipient, data and key',
    skipReason: needsDelivered,
    async run(notifier, options) {
      const message = sample(notifier, options);
      await notifier.send(message);
      const mine = (await deliveredOf(notifier, options)).filter((m) => m.idempotencyKey === message.idempotencyKey);
      expect(mine, 'the message arrived').toHaveLength(1);
      expect(mine[0], 'it arrived whole').toMatchObject({
        template: message.template,
        to: message.to,
        channel: message.channel,
        data: message.data,
      });
    },
  },
  {
    name: 'send: same idempotency key is delivered once',
    skipReason: needsDelivered,
    async run(notifier, options) {
      const message = sample(notifier, options);
      const first = await notifier.send(message);
      const again = await notifier.send(structuredClone(message));
      const mine = (await deliveredOf(notifier, options)).filter((m) => m.idempotencyKey === message.idempotencyKey);
      expect(mine.length, 'a retried send must not notify the customer twice').toBe(1);
      if (first.messageId !== null && again.messageId !== null) expect(again.messageId, 'same key, same message').toBe(first.messageId);
    },
  },
  {
    name: 'send: different keys are delivered separately',
    skipReason: needsDelivered,
    async run(notifier, options) {
      const a = sample(notifier, options);
      const b = { ...sample(notifier, options), data: a.data };
      await notifier.send(a);
      await notifier.send(b);
      const keys = new Set((await deliveredOf(notifier, options)).map((m) => m.idempotencyKey));
      expect(keys.has(a.idempotencyKey) && keys.has(b.idempotencyKey), 'two keys, two messages').toBe(true);
    },
  },
  {
    name: 'send: a provider outage throws instead of reporting success',
    skipReason: (_, o) => (o.unavailable === undefined ? 'no unavailable hook given' : null),
    async run(_, options) {
      const broken = await (options.unavailable as NonNullable<NotifierConformanceOptions['unavailable']>)();
      let threw: unknown = null;
      try {
        await broken.send(sample(broken, options));
      } catch (error) {
        threw = error;
      }
      expect(threw, 'an undelivered message must not be reported as sent').not.toBeNull();
      const retryable = (threw as { retryable?: unknown }).retryable;
      if (retryable !== undefined) expect(retryable, 'an outage is worth retrying').toBe(true);
    },
  },
];

/**
 * Run the notifier checks against `factory()`'s adapters, one vitest test per check.
 *
 * @example
 * ```ts
 * import { describeNotifierConformance } from 'fulfillkit/testing';
 *
 * describeNotifierConformance('postmark', () => postmarkNotifier({ client: fakeClient() }), {
 *   delivered: async (n) => fakeClient.outbox(),
 * });
 * ```
 */
export function describeNotifierConformance<A extends NotificationAdapter>(
  name: string,
  factory: () => A | Promise<A>,
  options: NotifierConformanceOptions<A> = {},
): void {
  describeAdapterChecks(`notifier conformance: ${name}`, notifierConformanceChecks, factory, options as unknown as NotifierConformanceOptions);
}

/**
 * Run one notifier check by name; rejects when the adapter breaks the promise.
 *
 * @example
 * ```ts
 * await expect(runNotifierCheck('send: same idempotency key is delivered once', chattyNotifier, options)).rejects.toThrow();
 * ```
 */
export function runNotifierCheck<A extends NotificationAdapter>(name: string, adapter: A, options: NotifierConformanceOptions<A> = {}): Promise<void> {
  return runAdapterCheck(notifierConformanceChecks, name, adapter as NotificationAdapter, options as unknown as NotifierConformanceOptions);
}

function sample(notifier: NotificationAdapter, options: NotifierConformanceOptions): Notification {
  const channel = notifier.capabilities.channels[0] ?? 'email';
  const defaults: Record<NotificationChannel, string> = {
    email: 'customer@example.com',
    sms: '+15555550100',
    push: 'device-1',
    webhook: 'https://hooks.example/orders',
  };
  return {
    channel,
    to: options.recipients?.[channel] ?? defaults[channel],
    template: 'shipment.shipped',
    data: { orderId: `ord_${nanoid()}`, trackingNumber: 'SBX000000000001', items: [{ sku: 'TEE-M', quantity: 2 }] },
    idempotencyKey: `notify_${nanoid()}`,
  };
}

async function deliveredOf(notifier: NotificationAdapter, options: NotifierConformanceOptions): Promise<readonly Notification[]> {
  return (options.delivered as NonNullable<NotifierConformanceOptions['delivered']>)(notifier);
}
