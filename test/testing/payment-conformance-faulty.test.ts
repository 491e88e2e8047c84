// The payment kit must catch adapters that move money wrongly.
import { describe, expect, it } from 'vitest';
import { sandboxPayment } from '../../src/adapters/sandbox-payment.js';
import type { PaymentAdapter, PaymentResult } from '../../src/ports/payment.js';
import { runPaymentCheck } from '../../src/testing/payment-conformance.js';

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
});
