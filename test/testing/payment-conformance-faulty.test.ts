// The payment kit must catch adapters that move money wrongly.
import { describe, expect, it } from 'vitest';
import { type SandboxPayment, sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import type { PaymentAdapter, PaymentResult } from '../../src/ports/payment.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { type PaymentConformanceOptions, runPaymentCheck } from '../../src/testing/payment-conformance.js';

const options = { methods: { approve: 'tok_visa', decline: 'tok_decline' } };

/** A naive provider that keeps amounts in a map and checks nothing. */
function carelessPayments(flaws: { refundBeyondCapture?: boolean; captureTwice?: boolean; declineThrows?: boolean }): PaymentAdapter {
  const honest = sandboxPayment();
  const extra = new Map<string, Partial<PaymentResult>>();
  const view = (p: PaymentResult): PaymentResult => ({ ...p, ...extra.get(p.paymentId) });
  return {
    ...honest,
    async authorize(request) {
      if (flaws.declineThrows && request.method === 'tok_decline') throw new Error('card declined');
      return honest.authorize(request);
    },
    async capture(request) {
      if (!flaws.captureTwice) return honest.capture(request);
      // Forgets keys: every call captures again.
      const p = view((await honest.retrieve({ paymentId: request.paymentId })) as PaymentResult);
      const next = { status: 'captured' as const, captured: p.captured + request.amount, authorized: p.authorized * 2 };
      extra.set(request.paymentId, next);
      return { ...p, ...next };
    },
    async refund(request) {
      if (!flaws.refundBeyondCapture) return honest.refund(request);
      const p = view((await honest.retrieve({ paymentId: request.paymentId })) as PaymentResult);
      const refunded = p.refunded + request.amount;
      extra.set(request.paymentId, { ...extra.get(request.paymentId), refunded, captured: Math.max(p.captured, refunded) });
      return view(p);
    },
    async retrieve(ref) {
      const p = await honest.retrieve(ref);
      return p === null ? null : view(p);
    },
  };
}

describe('payment kit catches faulty adapters', () => {
  it('the honest sandbox passes the checks used below', async () => {
    for (const name of ['refund: never exceeds captured', 'capture: same idempotency key captures once', 'authorize: a decline is a failed result, not an exception']) {
      await runPaymentCheck(name, sandboxPayment(), options);
    }
  });

  it('a provider that refunds more than was captured fails', async () => {
    await expect(runPaymentCheck('refund: never exceeds captured', carelessPayments({ refundBeyondCapture: true }), options)).rejects.toThrow(
      /refunded more than was captured/,
    );
  });

  it('a provider that captures twice under one key fails', async () => {
    await expect(runPaymentCheck('capture: same idempotency key captures once', carelessPayments({ captureTwice: true }), options)).rejects.toThrow(
      /twice/,
    );
  });

  it('a provider that throws on a decline fails', async () => {
    await expect(
      runPaymentCheck('authorize: a decline is a failed result, not an exception', carelessPayments({ declineThrows: true }), options),
    ).rejects.toThrow(/card declined/);
  });

  it('a provider that keeps idempotency keys in memory fails the second-instance checks', async () => {
    // Sends captures without a key and remembers answers in a Map of its own.
    const naive = (inner: SandboxPayment): PaymentAdapter => {
      const seen = new Map<string, Promise<PaymentResult>>();
      let n = 0;
      return {
        ...inner,
        capture(request) {
          const known = seen.get(request.idempotencyKey) ?? inner.capture({ ...request, idempotencyKey: `anon_${++n}_${Math.random()}` });
          seen.set(request.idempotencyKey, known);
          return known;
        },
      };
    };
    const real = sandboxPayment();
    const hooks = { ...options, open: () => naive(real.open()) };
    await runPaymentCheck('capture: same idempotency key captures once', naive(real), hooks);
    await expect(runPaymentCheck('capture: a second instance on the same account captures once for the same key', naive(real), hooks)).rejects.toThrow(
      /a second instance retrying the same capture key failed/,
    );
    await runPaymentCheck('capture: a second instance on the same account captures once for the same key', real, { ...options, open: () => real.open() });
  });

  it('a provider that reports every failure as final fails the retryable-faults check', async () => {
    const real = sandboxPayment();
    const final: PaymentAdapter = {
      ...real,
      capture: (request) =>
        real.capture(request).catch((error: Error) => {
          throw new FulfillmentError('ADAPTER_ERROR', error.message, { retryable: false });
        }),
    };
    const hooks = { ...options, injectFault: () => real.injectFault('error') };
    await expect(runPaymentCheck('faults: 5xx, 429, timeouts and network errors are retryable', final, hooks)).rejects.toThrow(
      /server_error is thrown with retryable: true/,
    );
    await runPaymentCheck('faults: 5xx, 429, timeouts and network errors are retryable', real, hooks);
  });

  it('a provider that reads a 200 error body as a capture fails the error-body check', async () => {
    const real = sandboxPayment();
    let errorBody = false;
    const gullible: PaymentAdapter = {
      ...real,
      async capture(request) {
        if (!errorBody) return real.capture(request);
        errorBody = false;
        // The body was { error: {...} }; the adapter assumed success and reported the requested amount.
        const p = (await real.retrieve({ paymentId: request.paymentId })) as PaymentResult;
        return { ...p, status: 'captured', captured: request.amount };
      },
    };
    const hooks = { ...options, injectFault: (_: PaymentAdapter, fault: string) => void (errorBody = fault === 'error_body') };
    await expect(runPaymentCheck('faults: a 200 with an error body is never a capture', gullible, hooks)).rejects.toThrow(
      /an error body answered with 200 was reported as a capture/,
    );
    await runPaymentCheck('faults: a 200 with an error body is never a capture', real, { ...options, injectFault: () => real.injectFault('error_body') });
  });

  it('a provider that accepts any webhook fails the forged and unsigned checks', async () => {
    const clock = fakeClock();
    const real = sandboxPayment({ clock, webhookSecret: 'whsec_pay' });
    const trusting: PaymentAdapter = {
      ...real,
      async parseWebhook(rawBody) {
        const body = JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)) as { id: string; payment: string; type: string };
        return { eventId: body.id, paymentId: body.payment, type: body.type };
      },
    };
    const hooks: PaymentConformanceOptions = { ...options, signedWebhook: (_, p) => real.webhookFor(p.paymentId) };
    await runPaymentCheck('parseWebhook: accepts a signed webhook about a payment', trusting, hooks);
    await expect(runPaymentCheck('parseWebhook: rejects a forged signature', trusting, hooks)).rejects.toThrow(/accepted a forged webhook/);
    await expect(runPaymentCheck('parseWebhook: rejects a webhook without a signature', trusting, hooks)).rejects.toThrow(/unsigned/);
    await runPaymentCheck('parseWebhook: rejects a forged signature', real, hooks);
  });

  it('a provider whose declines carry only its own codes fails the reason check, naming the field', async () => {
    const real = sandboxPayment();
    const raw: PaymentAdapter = {
      ...real,
      async authorize(request) {
        const p = await real.authorize(request);
        return p.failure ? { ...p, failure: { code: p.failure.code, message: p.failure.message } } : p;
      },
    };
    await expect(runPaymentCheck('authorize: a decline gives a reason from the documented list', raw, options)).rejects.toThrow(
      /failure.reason \(undefined\) is one of PAYMENT_DECLINE_REASONS/,
    );
    const invented: PaymentAdapter = {
      ...real,
      async authorize(request) {
        const p = await real.authorize(request);
        return p.failure ? { ...p, failure: { ...p.failure, reason: 'generic_decline' as never } } : p;
      },
    };
    await expect(runPaymentCheck('authorize: a decline gives a reason from the documented list', invented, options)).rejects.toThrow(
      /^the declined payment is invalid: failure.reason: /,
    );
  });
});
