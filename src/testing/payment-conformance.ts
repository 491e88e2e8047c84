// Conformance kit for PaymentAdapter: idempotent money movements that never
// capture beyond the authorization nor refund beyond the capture.
import { nanoid } from 'nanoid';
import { expect } from './runner.js';
import { paymentResultSchema, paymentWebhookEventSchema } from '../domain/adapter-results.js';
import { PAYMENT_DECLINE_REASONS, type PaymentDeclineReason } from '../domain/payment.js';
import { PAYMENT_STATUSES } from '../domain/status.js';
import type { WebhookHeaders } from '../ports/carrier.js';
import type { PaymentAdapter, PaymentResult, PaymentWebhookEvent } from '../ports/payment.js';
import type { SignedWebhookRequest } from '../tracking/webhook-signature.js';
import {
  type AdapterCheck,
  type BackendFault,
  describeAdapterChecks,
  expectErrorCode,
  expectRejection,
  expectValid,
  RETRYABLE_FAULTS,
  runAdapterCheck,
} from './adapter-checks.js';
import type { ConformanceOptions } from './describe-options.js';

/** Options of {@link describePaymentConformance}. */
export interface PaymentConformanceOptions<A extends PaymentAdapter = PaymentAdapter> extends ConformanceOptions {
  /**
   * Payment-method tokens: one that approves and, when the provider has them, one
   * that declines, one per decline reason it can simulate, and one that asks
   * for 3-D Secure (`requiresAction`, completed by `settle` / `abandon`).
   */
  methods: {
    approve: string;
    decline?: string;
    declines?: Partial<Record<PaymentDeclineReason, string>>;
    requiresAction?: string;
  };
  /**
   * Complete an authorization that answered `requires_action` (3-D Secure, a bank transfer arriving).
   * @defaultValue none: `approve` must authorize at once
   */
  settle?(adapter: A, payment: PaymentResult): void | Promise<void>;
  /**
   * Abandon an authorization that answered `requires_action` (the customer fails or leaves 3-D Secure).
   * @defaultValue the abandon half of the 3-D Secure check is skipped
   */
  abandon?(adapter: A, payment: PaymentResult): void | Promise<void>;
  /**
   * Make the adapter's next request to its backend fail with `fault` (see {@link BackendFault}).
   * @defaultValue the fault checks are skipped
   */
  injectFault?(adapter: A, fault: BackendFault): void | Promise<void>;
  /**
   * A second adapter instance on the same provider account, sharing nothing in memory.
   * @defaultValue the second-instance checks are skipped
   */
  open?(adapter: A): A | Promise<A>;
  /**
   * The genuine, correctly signed webhook the provider would send now about `payment`.
   * Needed when `capabilities.webhooks` is true.
   * @defaultValue the webhook checks are skipped
   */
  signedWebhook?(adapter: A, payment: PaymentResult): SignedWebhookRequest | Promise<SignedWebhookRequest>;
  /**
   * A genuine webhook about `payment` signed too long ago to be accepted.
   * @defaultValue the stale-webhook check is skipped (schemes without a timestamp rely on event ids)
   */
  staleWebhook?(adapter: A, payment: PaymentResult): SignedWebhookRequest | Promise<SignedWebhookRequest>;
  /**
   * A currency without minor units the provider accepts, for the zero-decimal check;
   * `false` when it takes none.
   * @defaultValue 'JPY'
   */
  zeroDecimalCurrency?: string | false;
  /**
   * Currency of the test payments.
   * @defaultValue 'USD'
   */
  currency?: string;
  /**
   * Amount of the test payments in minor units (at least 100).
   * @defaultValue 5000
   */
  amount?: number;
}

/** One payment check. */
export type PaymentCheck = AdapterCheck<PaymentAdapter, PaymentConformanceOptions<PaymentAdapter>>;

const needsFaults = (_: PaymentAdapter, o: PaymentConformanceOptions): string | null =>
  o.injectFault === undefined ? 'no injectFault hook given' : null;
const needsOpen = (_: PaymentAdapter, o: PaymentConformanceOptions): string | null => (o.open === undefined ? 'no open hook given' : null);
const needsWebhooks = (a: PaymentAdapter, o: PaymentConformanceOptions): string | null =>
  !a.capabilities.webhooks ? 'capabilities.webhooks is false' : o.signedWebhook === undefined ? 'no signedWebhook hook given' : null;

/** Every payment check, in report order; each `run` is a plain async function (see {@link runPaymentCheck}). */
export const paymentConformanceChecks: readonly PaymentCheck[] = [
  {
    name: 'capabilities: flags match the methods present',
    async run(payments) {
      expect(typeof payments.id === 'string' && payments.id.length > 0, 'id').toBe(true);
      const flags = payments.capabilities;
      for (const flag of ['partialCapture', 'multipleCaptures', 'partialRefund', 'asynchronous', 'lookupByIdempotencyKey', 'webhooks'] as const) {
        expect(typeof flags[flag], `capabilities.${flag} is a boolean`).toBe('boolean');
      }
      expect(typeof payments.parseWebhook, `webhooks: ${flags.webhooks} ${flags.webhooks ? 'needs' : 'means no'} parseWebhook`).toBe(
        flags.webhooks ? 'function' : 'undefined',
      );
      if (flags.multipleCaptures) expect(flags.partialCapture, 'multipleCaptures: true implies partialCapture: true').toBe(true);
    },
  },
  {
    name: 'authorize: approves the approve method for the full amount',
    async run(payments, options) {
      const p = await authorized(payments, options);
      expect(p.authorized, 'the whole amount is held').toBe(amountOf(options));
      expect(p.captured).toBe(0);
      expect(p.refunded).toBe(0);
      expect(p.amount).toEqual({ amount: amountOf(options), currency: options.currency ?? 'USD' });
      expect(p.failure).toBeNull();
    },
  },
  {
    name: 'authorize: a decline is a failed result, not an exception',
    skipReason: (_, o) => (o.methods.decline === undefined ? 'no decline method given' : null),
    async run(payments, options) {
      const p = await payments.authorize(authorizeRequest(options, options.methods.decline as string));
      expectConsistent(p);
      expect(p.status, 'a decline answers status failed').toBe('failed');
      expect(typeof p.failure?.code, 'a decline says why in failure.code').toBe('string');
      expect(p.authorized, 'nothing is held after a decline').toBe(0);
    },
  },
  {
    name: 'authorize: a decline gives a reason from the documented list',
    skipReason: (_, o) => (o.methods.decline === undefined ? 'no decline method given' : null),
    async run(payments, options) {
      const p = await payments.authorize(authorizeRequest(options, options.methods.decline as string));
      expectValid(paymentResultSchema, p, 'the declined payment');
      expect(
        PAYMENT_DECLINE_REASONS as readonly unknown[],
        `failure.reason (${String(p.failure?.reason)}) is one of PAYMENT_DECLINE_REASONS; the raw code stays in failure.code`,
      ).toContain(p.failure?.reason);
    },
  },
  {
    name: 'authorize: each kind of decline maps to its reason',
    skipReason: (_, o) => (Object.keys(o.methods.declines ?? {}).length === 0 ? 'no methods.declines given' : null),
    async run(payments, options) {
      for (const [reason, method] of Object.entries(options.methods.declines ?? {})) {
        const p = await payments.authorize(authorizeRequest(options, method as string));
        expectConsistent(p);
        expect(p.status, `${method} declines`).toBe('failed');
        expect(p.failure?.reason, `${method} is declined as ${reason} (raw code ${String(p.failure?.code)})`).toBe(reason);
        expect(p.authorized, 'nothing is held after a decline').toBe(0);
      }
    },
  },
  {
    name: 'authorize: amounts in a zero-decimal currency are whole units',
    skipReason: (_, o) => (o.zeroDecimalCurrency === false ? 'zeroDecimalCurrency is false' : null),
    async run(payments, options) {
      const currency = options.zeroDecimalCurrency || 'JPY';
      const yen = { ...options, currency, amount: 1234 };
      const p = await authorized(payments, yen);
      expect(p.amount, `1234 ${currency} stays 1234 (not 123400 or 12.34)`).toEqual({ amount: 1234, currency });
      expect(p.authorized).toBe(1234);
      const captured = await payments.capture({ paymentId: p.paymentId, amount: 1234, idempotencyKey: `cap_${nanoid()}` });
      expect(captured.captured, `the whole ${currency} amount is captured`).toBe(1234);
    },
  },
  {
    name: 'authorize: 3-D Secure waits for the customer, then authorizes or fails',
    skipReason: (_, o) =>
      o.methods.requiresAction === undefined ? 'no methods.requiresAction given' : o.settle === undefined ? 'no settle hook given' : null,
    async run(payments, options) {
      const method = options.methods.requiresAction as string;
      const pending = await payments.authorize(authorizeRequest(options, method));
      expectConsistent(pending);
      expect(pending.status, 'the challenge is pending').toBe('requires_action');
      expect(pending.authorized, 'nothing is held until the customer completes it').toBe(0);
      await options.settle?.(payments, pending);
      const done = await payments.retrieve({ paymentId: pending.paymentId });
      expect(done?.status, 'completed 3-D Secure authorizes').toBe('authorized');
      expect(done?.authorized).toBe(amountOf(options));
      if (options.abandon) {
        const other = await payments.authorize(authorizeRequest(options, method));
        await options.abandon(payments, other);
        const failed = await payments.retrieve({ paymentId: other.paymentId });
        expect(failed?.status, 'abandoned 3-D Secure fails').toBe('failed');
        expect(failed?.authorized).toBe(0);
        expect(PAYMENT_DECLINE_REASONS as readonly unknown[], 'the failure has a documented reason').toContain(failed?.failure?.reason);
      }
    },
  },
  {
    name: 'authorize: a second instance on the same account returns the same payment for the same key',
    skipReason: needsOpen,
    async run(payments, options) {
      const request = authorizeRequest(options, options.methods.approve);
      const first = await payments.authorize(request);
      const other = await (options.open as NonNullable<PaymentConformanceOptions['open']>)(payments);
      const again = await other.authorize(request);
      expect(again.paymentId, 'idempotency lives with the provider, not in one instance’s memory').toBe(first.paymentId);
    },
  },
  {
    name: 'authorize: same idempotency key authorizes once',
    async run(payments, options) {
      const request = authorizeRequest(options, options.methods.approve);
      const first = await payments.authorize(request);
      const again = await payments.authorize(request);
      expect(again.paymentId, 'a retried authorization returns the first payment').toBe(first.paymentId);
      const other = await payments.authorize({ ...request, idempotencyKey: `auth_${nanoid()}` });
      expect(other.paymentId, 'a new key is a new payment').not.toBe(first.paymentId);
    },
  },
  {
    name: 'capture: takes the full authorization',
    async run(payments, options) {
      const p = await authorized(payments, options);
      const captured = await payments.capture({ paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` });
      expectConsistent(captured);
      expect(captured.status).toBe('captured');
      expect(captured.captured).toBe(p.authorized);
    },
  },
  {
    name: 'capture: a partial capture takes less than authorized',
    skipReason: (a) => (a.capabilities.partialCapture ? null : 'capabilities.partialCapture is false'),
    async run(payments, options) {
      const p = await authorized(payments, options);
      const part = Math.floor(p.authorized / 3);
      const result = await payments.capture({ paymentId: p.paymentId, amount: part, idempotencyKey: `cap_${nanoid()}` });
      expectConsistent(result);
      expect(result.status).toBe('captured');
      expect(result.captured, 'exactly the requested part is taken').toBe(part);
    },
  },
  {
    name: 'capture: a single-capture provider refuses a second capture',
    skipReason: (a) => (a.capabilities.multipleCaptures ? 'capabilities.multipleCaptures is true' : null),
    async run(payments, options) {
      const p = await authorized(payments, options);
      const first = payments.capabilities.partialCapture ? Math.floor(p.authorized / 2) : p.authorized;
      await payments.capture({ paymentId: p.paymentId, amount: first, idempotencyKey: `cap_${nanoid()}` });
      const rest = p.authorized - first;
      if (rest > 0) {
        await expectRefusal(
          payments.capture({ paymentId: p.paymentId, amount: rest, idempotencyKey: `cap_${nanoid()}` }),
          'multipleCaptures is false, yet a second capture was taken',
        );
      }
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured, 'only the first capture was taken').toBe(first);
    },
  },
  {
    name: 'capture: partial capture leaves the rest open',
    skipReason: (a) =>
      !a.capabilities.partialCapture ? 'capabilities.partialCapture is false' : !a.capabilities.multipleCaptures ? 'capabilities.multipleCaptures is false' : null,
    async run(payments, options) {
      const p = await authorized(payments, options);
      const part = Math.floor(p.authorized / 4);
      const first = await payments.capture({ paymentId: p.paymentId, amount: part, idempotencyKey: `cap_${nanoid()}` });
      expect(first.captured).toBe(part);
      const rest = await payments.capture({ paymentId: p.paymentId, amount: p.authorized - part, idempotencyKey: `cap_${nanoid()}` });
      expectConsistent(rest);
      expect(rest.captured, 'the rest of the authorization could still be captured').toBe(p.authorized);
    },
  },
  {
    name: 'capture: same idempotency key captures once',
    async run(payments, options) {
      const p = await authorized(payments, options);
      const amount = payments.capabilities.partialCapture ? Math.floor(p.authorized / 2) : p.authorized;
      const request = { paymentId: p.paymentId, amount, idempotencyKey: `cap_${nanoid()}` };
      await payments.capture(request);
      const again = await payments.capture(request);
      expect(again.captured, 'a retried capture must not take the money twice').toBe(amount);
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured).toBe(amount);
    },
  },
  {
    name: 'capture: a second instance on the same account captures once for the same key',
    skipReason: needsOpen,
    async run(payments, options) {
      const p = await authorized(payments, options);
      const request = { paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` };
      await payments.capture(request);
      const other = await (options.open as NonNullable<PaymentConformanceOptions['open']>)(payments);
      const again = await other.capture(request).catch((error: Error) => {
        throw new Error(`a second instance retrying the same capture key failed instead of answering the capture: ${error.message}`, { cause: error });
      });
      expect(again.captured, 'a retried capture from another process takes the money once').toBe(p.authorized);
      expect((await other.retrieve({ paymentId: p.paymentId }))?.captured).toBe(p.authorized);
    },
  },
  {
    name: 'faults: 5xx, 429, timeouts and network errors are retryable',
    skipReason: needsFaults,
    async run(payments, options) {
      for (const fault of RETRYABLE_FAULTS) {
        const p = await authorized(payments, options);
        const request = { paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` };
        await options.injectFault?.(payments, fault);
        const error = await expectRejection(payments.capture(request), `a ${fault} answer was taken as a capture`);
        expect(error.retryable, `a ${fault} is thrown with retryable: true, so the engine retries (${String(error.message)})`).toBe(true);
        expect((await payments.capture(request)).captured, 'the retry captures').toBe(p.authorized);
      }
    },
  },
  {
    name: 'faults: a 4xx is a final failure',
    skipReason: needsFaults,
    async run(payments, options) {
      const p = await authorized(payments, options);
      await options.injectFault?.(payments, 'client_error');
      const error = await expectRejection(
        payments.capture({ paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` }),
        'a 4xx answer was taken as a capture',
      );
      expect(error.retryable === true, `a 4xx is not retryable: retrying cannot help (${String(error.message)})`).toBe(false);
    },
  },
  {
    name: 'faults: a 200 with an error body is never a capture',
    skipReason: needsFaults,
    async run(payments, options) {
      const p = await authorized(payments, options);
      await options.injectFault?.(payments, 'error_body');
      const answer = await payments.capture({ paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` }).then(
        (result) => result,
        () => null,
      );
      if (answer !== null) {
        expectValid(paymentResultSchema, answer, 'the answer to a capture that hit an error body');
        expect(answer.captured, 'an error body answered with 200 was reported as a capture').toBe(0);
      }
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured, 'nothing was captured').toBe(0);
    },
  },
  {
    name: 'faults: a retry after a lost reply captures once',
    skipReason: needsFaults,
    async run(payments, options) {
      const p = await authorized(payments, options);
      const amount = payments.capabilities.partialCapture ? Math.floor(p.authorized / 2) : p.authorized;
      const request = { paymentId: p.paymentId, amount, idempotencyKey: `cap_${nanoid()}` };
      await options.injectFault?.(payments, 'lost_reply');
      await payments.capture(request).then(
        () => undefined,
        (error: { retryable?: unknown; message?: unknown }) => {
          expect(error.retryable, `a lost reply is retryable (${String(error.message)})`).toBe(true);
        },
      );
      const retried = await payments.capture(request).catch((error: Error) => {
        throw new Error(`retrying a capture whose reply was lost failed instead of answering that capture: ${error.message}`, { cause: error });
      });
      expect(retried.captured, 'the retry answers the capture already taken').toBe(amount);
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured, 'the money was taken once').toBe(amount);
    },
  },
  {
    name: 'capture: never exceeds the authorization',
    async run(payments, options) {
      const p = await authorized(payments, options);
      const tooMuch = { paymentId: p.paymentId, amount: p.authorized + 1, idempotencyKey: `cap_${nanoid()}` };
      await expectRefusal(payments.capture(tooMuch), 'captured more than was authorized');
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured, 'nothing was captured').toBe(0);
    },
  },
  {
    name: 'void: releases an uncaptured authorization',
    async run(payments, options) {
      const p = await authorized(payments, options);
      const voided = await payments.void({ paymentId: p.paymentId, idempotencyKey: `void_${nanoid()}` });
      expect(voided.status).toBe('voided');
      expect(voided.captured).toBe(0);
    },
  },
  {
    name: 'void: voiding twice is a no-op',
    async run(payments, options) {
      const p = await authorized(payments, options);
      await payments.void({ paymentId: p.paymentId, idempotencyKey: `void_${nanoid()}` });
      const again = await payments.void({ paymentId: p.paymentId, idempotencyKey: `void_${nanoid()}` });
      expect(again.status).toBe('voided');
    },
  },
  {
    name: 'void: a captured payment cannot be voided',
    async run(payments, options) {
      const p = await authorized(payments, options);
      await payments.capture({ paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` });
      await expectRefusal(payments.void({ paymentId: p.paymentId, idempotencyKey: `void_${nanoid()}` }), 'voided a captured payment');
      const after = await payments.retrieve({ paymentId: p.paymentId });
      expect(after?.status, 'the capture stands').toBe('captured');
      expect(after?.captured).toBe(p.authorized);
    },
  },
  {
    name: 'refund: returns part of the captured amount',
    skipReason: (a) => (a.capabilities.partialRefund ? null : 'capabilities.partialRefund is false'),
    async run(payments, options) {
      const p = await captured(payments, options);
      const part = await payments.refund({ paymentId: p.paymentId, amount: 100, idempotencyKey: `ref_${nanoid()}` });
      expectConsistent(part);
      expect(part.status).toBe('partially_refunded');
      expect(part.refunded).toBe(100);
      const rest = await payments.refund({ paymentId: p.paymentId, amount: p.captured - 100, idempotencyKey: `ref_${nanoid()}` });
      expect(rest.status).toBe('refunded');
      expect(rest.refunded).toBe(p.captured);
    },
  },
  {
    name: 'refund: never exceeds captured',
    async run(payments, options) {
      const p = await captured(payments, options);
      await expectRefusal(
        payments.refund({ paymentId: p.paymentId, amount: p.captured + 1, idempotencyKey: `ref_${nanoid()}` }),
        'refunded more than was captured',
        'PAYMENT_FAILED',
      );
      if (payments.capabilities.partialRefund) {
        await payments.refund({ paymentId: p.paymentId, amount: 100, idempotencyKey: `ref_${nanoid()}` });
        await expectRefusal(
          payments.refund({ paymentId: p.paymentId, amount: p.captured - 99, idempotencyKey: `ref_${nanoid()}` }),
          'refunds together exceeded the capture',
          'PAYMENT_FAILED',
        );
      }
      const after = await payments.retrieve({ paymentId: p.paymentId });
      expect(after?.refunded, 'refused refunds moved no money').toBe(payments.capabilities.partialRefund ? 100 : 0);
      if (after !== null) expectConsistent(after);
    },
  },
  {
    name: 'refund: same idempotency key refunds once',
    async run(payments, options) {
      const p = await captured(payments, options);
      const amount = payments.capabilities.partialRefund ? 100 : p.captured;
      const request = { paymentId: p.paymentId, amount, idempotencyKey: `ref_${nanoid()}` };
      await payments.refund(request);
      const again = await payments.refund(request);
      expect(again.refunded, 'a retried refund must not pay back twice').toBe(amount);
      expect((await payments.retrieve({ paymentId: p.paymentId }))?.refunded).toBe(amount);
    },
  },
  {
    name: 'retrieve: unknown id is null',
    async run(payments) {
      expect(await payments.retrieve({ paymentId: `pay_missing_${nanoid()}` })).toBeNull();
    },
  },
  {
    name: 'retrieve: finds an authorization by its idempotency key',
    skipReason: (a) => (a.capabilities.lookupByIdempotencyKey ? null : 'capabilities.lookupByIdempotencyKey is false'),
    async run(payments, options) {
      const request = authorizeRequest(options, options.methods.approve);
      const p = await payments.authorize(request);
      expect((await payments.retrieve({ idempotencyKey: request.idempotencyKey }))?.paymentId).toBe(p.paymentId);
      expect(await payments.retrieve({ idempotencyKey: `auth_missing_${nanoid()}` })).toBeNull();
    },
  },
  {
    name: 'parseWebhook: accepts a signed webhook about a payment',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { payment, webhook } = await paymentWithWebhook(payments, options);
      const event = await parse(payments, webhook);
      expectValid(paymentWebhookEventSchema, event, 'the webhook event');
      expect(event.paymentId, 'the event names the payment it is about').toBe(payment.paymentId);
    },
  },
  {
    name: 'parseWebhook: maps the status the provider reports',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { payment, webhook } = await paymentWithWebhook(payments, options);
      const event = await parse(payments, webhook);
      const current = await payments.retrieve({ paymentId: payment.paymentId });
      if (event.status !== undefined) expect(event.status, 'the event status is the payment’s status in fulfillkit’s vocabulary').toBe(current?.status);
    },
  },
  {
    name: 'parseWebhook: takes the raw body as bytes too',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { webhook } = await paymentWithWebhook(payments, options);
      const text = typeof webhook.rawBody === 'string' ? webhook.rawBody : new TextDecoder().decode(webhook.rawBody);
      expect(await parse(payments, { ...webhook, rawBody: new TextEncoder().encode(text) })).toEqual(await parse(payments, { ...webhook, rawBody: text }));
    },
  },
  {
    name: 'parseWebhook: rejects a forged signature',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { webhook } = await paymentWithWebhook(payments, options);
      for (const [how, forged] of forgeries(webhook)) {
        await expectErrorCode(parse(payments, forged), 'WEBHOOK_SIGNATURE_INVALID', `accepted a forged webhook (${how})`);
      }
    },
  },
  {
    name: 'parseWebhook: rejects a webhook without a signature',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { webhook } = await paymentWithWebhook(payments, options);
      await expectErrorCode(
        parse(payments, { rawBody: webhook.rawBody, headers: { 'content-type': 'application/json' } }),
        'WEBHOOK_SIGNATURE_INVALID',
        'accepted an unsigned webhook',
      );
    },
  },
  {
    name: 'parseWebhook: rejects a stale signature',
    skipReason: (a, o) => needsWebhooks(a, o) ?? (o.staleWebhook === undefined ? 'no staleWebhook hook given' : null),
    async run(payments, options) {
      const payment = await authorized(payments, options);
      const stale = await options.staleWebhook?.(payments, payment);
      await expectErrorCode(parse(payments, stale as SignedWebhookRequest), 'WEBHOOK_SIGNATURE_INVALID', 'accepted a replayed webhook');
    },
  },
  {
    name: 'parseWebhook: a replayed webhook yields the same event id',
    skipReason: needsWebhooks,
    async run(payments, options) {
      const { webhook } = await paymentWithWebhook(payments, options);
      const first = await parse(payments, webhook);
      const again = await parse(payments, webhook);
      expect(again.eventId, 'a redelivered webhook keeps its event id, so the engine drops the repeat').toBe(first.eventId);
    },
  },
];

/**
 * Run the payment checks against `factory()`'s adapters, one vitest test per check.
 *
 * @example
 * ```ts
 * import { describePaymentConformance } from 'fulfillkit/testing';
 *
 * describePaymentConformance('stripe (test mode)', () => stripePayment({ client }), {
 *   methods: { approve: 'pm_card_visa', decline: 'pm_card_chargeDeclined' },
 * });
 * ```
 */
export function describePaymentConformance<A extends PaymentAdapter>(
  name: string,
  factory: () => A | Promise<A>,
  options: PaymentConformanceOptions<A>,
): void {
  describeAdapterChecks(`payment conformance: ${name}`, paymentConformanceChecks, factory, options as unknown as PaymentConformanceOptions);
}

/**
 * Run one payment check by name; rejects when the adapter breaks the promise.
 *
 * @example
 * ```ts
 * await expect(runPaymentCheck('refund: never exceeds captured', generousPayments, options)).rejects.toThrow();
 * ```
 */
export function runPaymentCheck<A extends PaymentAdapter>(name: string, adapter: A, options: PaymentConformanceOptions<A>): Promise<void> {
  return runAdapterCheck(paymentConformanceChecks, name, adapter as PaymentAdapter, options as unknown as PaymentConformanceOptions);
}

// ---- helpers ----------------------------------------------------------------

const amountOf = (options: PaymentConformanceOptions) => options.amount ?? 5000;

function authorizeRequest(options: PaymentConformanceOptions, method: string) {
  return {
    orderId: `ord_${nanoid()}`,
    amount: { amount: amountOf(options), currency: options.currency ?? 'USD' },
    method,
    customer: { email: 'conformance@example.com' },
    idempotencyKey: `auth_${nanoid()}`,
  };
}

async function authorized(payments: PaymentAdapter, options: PaymentConformanceOptions): Promise<PaymentResult> {
  let p = await payments.authorize(authorizeRequest(options, options.methods.approve));
  if (p.status === 'requires_action' && options.settle !== undefined) {
    await options.settle(payments, p);
    p = (await payments.retrieve({ paymentId: p.paymentId })) ?? p;
  }
  expectConsistent(p);
  expect(p.status, `the approve method authorizes${options.settle ? ' once settled' : ''}`).toBe('authorized');
  return p;
}

async function captured(payments: PaymentAdapter, options: PaymentConformanceOptions): Promise<PaymentResult> {
  const p = await authorized(payments, options);
  return payments.capture({ paymentId: p.paymentId, amount: p.authorized, idempotencyKey: `cap_${nanoid()}` });
}

async function expectRefusal(promise: Promise<unknown>, accepted: string, code?: string): Promise<void> {
  if (code !== undefined) {
    await expectErrorCode(promise, code, accepted);
    return;
  }
  await promise.then(
    () => {
      throw new Error(accepted);
    },
    () => undefined,
  );
}

async function paymentWithWebhook(payments: PaymentAdapter, options: PaymentConformanceOptions) {
  const payment = await authorized(payments, options);
  const webhook = await (options.signedWebhook as NonNullable<PaymentConformanceOptions['signedWebhook']>)(payments, payment);
  return { payment, webhook };
}

function parse(payments: PaymentAdapter, webhook: SignedWebhookRequest): Promise<PaymentWebhookEvent> {
  if (payments.parseWebhook === undefined) throw new Error('capabilities.webhooks is true but parseWebhook is missing');
  return payments.parseWebhook(webhook.rawBody, webhook.headers);
}

/** Ways to forge a webhook from a genuine one: the body changed under the same signature, or the signature altered. */
function forgeries(webhook: SignedWebhookRequest): [string, SignedWebhookRequest][] {
  const text = typeof webhook.rawBody === 'string' ? webhook.rawBody : new TextDecoder().decode(webhook.rawBody);
  const out: [string, SignedWebhookRequest][] = [
    ['body with trailing whitespace', { ...webhook, rawBody: `${text} ` }],
    ['body with one character changed', { ...webhook, rawBody: /[0-9]/.test(text) ? text.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10)) : `${text}x` }],
  ];
  const headers: WebhookHeaders = {};
  let altered = false;
  for (const [key, value] of Object.entries(webhook.headers)) {
    const flipped = typeof value === 'string' ? value.replace(/[0-9a-f]{32,}/i, (hex) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0')) : value;
    altered ||= flipped !== value;
    headers[key] = flipped;
  }
  if (altered) out.push(['signature with one digit changed', { rawBody: webhook.rawBody, headers }]);
  return out;
}

/** The invariants of every payment view: a known status and `refunded <= captured <= authorized`. */
function expectConsistent(p: PaymentResult): void {
  expect(PAYMENT_STATUSES as readonly string[], `status ${p.status} is a payment status`).toContain(p.status);
  expect(typeof p.paymentId === 'string' && p.paymentId.length > 0, 'paymentId').toBe(true);
  expect(p.refunded, 'refunded <= captured').toBeLessThanOrEqual(p.captured);
  expect(p.captured, 'captured <= authorized').toBeLessThanOrEqual(p.authorized);
  expect(p.authorized, 'authorized <= amount').toBeLessThanOrEqual(p.amount.amount);
}
