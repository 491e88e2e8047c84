// Conformance kit for PaymentAdapter: idempotent money movements that never
// capture beyond the authorization nor refund beyond the capture.
import { nanoid } from 'nanoid';
import { expect } from './runner.js';
import { PAYMENT_STATUSES } from '../domain/status.js';
import type { PaymentAdapter, PaymentResult } from '../ports/payment.js';
import { type AdapterCheck, describeAdapterChecks, expectErrorCode, runAdapterCheck } from './adapter-checks.js';
import type { ConformanceOptions } from './describe-options.js';

/** Options of {@link describePaymentConformance}. */
export interface PaymentConformanceOptions<A extends PaymentAdapter = PaymentAdapter> extends ConformanceOptions {
  /** Payment-method tokens: one that approves and, when the provider has one, one that declines. */
  methods: { approve: string; decline?: string };
  /**
   * Complete an authorization that answered `requires_action` (3-D Secure, a bank transfer arriving).
   * @defaultValue none: `approve` must authorize at once
   */
  settle?(adapter: A, payment: PaymentResult): void | Promise<void>;
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

/** Every payment check, in report order; each `run` is a plain async function (see {@link runPaymentCheck}). */
export const paymentConformanceChecks: readonly PaymentCheck[] = [
  {
    name: 'capabilities: webhooks flag matches parseWebhook',
    async run(payments) {
      expect(typeof payments.id === 'string' && payments.id.length > 0, 'id').toBe(true);
      if (payments.capabilities.webhooks) expect(typeof payments.parseWebhook, 'webhooks: true needs parseWebhook').toBe('function');
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
    name: 'capture: partial capture leaves the rest open',
    skipReason: (a) => (a.capabilities.partialCapture ? null : 'capabilities.partialCapture is false'),
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

/** The invariants of every payment view: a known status and `refunded <= captured <= authorized`. */
function expectConsistent(p: PaymentResult): void {
  expect(PAYMENT_STATUSES as readonly string[], `status ${p.status} is a payment status`).toContain(p.status);
  expect(typeof p.paymentId === 'string' && p.paymentId.length > 0, 'paymentId').toBe(true);
  expect(p.refunded, 'refunded <= captured').toBeLessThanOrEqual(p.captured);
  expect(p.captured, 'captured <= authorized').toBeLessThanOrEqual(p.authorized);
  expect(p.authorized, 'authorized <= amount').toBeLessThanOrEqual(p.amount.amount);
}
