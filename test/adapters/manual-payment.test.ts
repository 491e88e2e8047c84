import { describe, expect, it } from 'vitest';
import { manualPayment } from '../../src/payments/manual/manual-payment.js';
import { describePaymentConformance } from '../../src/testing/payment-conformance.js';

describePaymentConformance('manualPayment', () => manualPayment(), {
  methods: { approve: 'manual:bank_transfer', requiresAction: 'manual:bank_transfer' },
  settle: async (payments, p) => {
    await payments.markPaid(p.paymentId);
  },
  abandon: async (payments, p) => {
    await payments.markFailed(p.paymentId);
  },
});

const request = {
  orderId: 'ord_7',
  amount: { amount: 12900, currency: 'EUR' },
  method: 'manual:bank_transfer',
  customer: { email: 'ada@example.com' },
  idempotencyKey: 'ord_7:authorize:1',
};

describe('manualPayment', () => {
  it('waits for the money, then authorizes', async () => {
    const payments = manualPayment({ referencePrefix: 'BT' });
    const pending = await payments.authorize(request);
    expect(pending).toMatchObject({ status: 'requires_action', authorized: 0 });
    expect(pending.paymentId).toMatch(/^BT-[0-9A-Z]{10}$/);
    expect(payments.awaiting()).toEqual([{ reference: pending.paymentId, orderId: 'ord_7', method: 'manual:bank_transfer', amount: request.amount }]);
    await expect(payments.capture({ paymentId: pending.paymentId, amount: 100, idempotencyKey: 'c' })).rejects.toMatchObject({
      code: 'PAYMENT_FAILED',
      details: { reason: 'not_capturable' },
    });
    expect(await payments.markPaid(pending.paymentId)).toMatchObject({ status: 'authorized', authorized: 12900 });
    expect(await payments.markPaid(pending.paymentId)).toMatchObject({ status: 'authorized' });
    expect(payments.awaiting()).toEqual([]);
    expect(await payments.authorize(request)).toMatchObject({ paymentId: pending.paymentId, status: 'authorized' });
  });

  it('can record the money as captured at once (cash on delivery)', async () => {
    const payments = manualPayment();
    const p = await payments.authorize({ ...request, method: 'manual:cash_on_delivery' });
    expect(await payments.markPaid(p.paymentId, { captured: true })).toMatchObject({ status: 'captured', captured: 12900 });
    expect(payments.ledger().map((e) => e.operation)).toEqual(['settle', 'capture']);
  });

  it('records a payment that never comes, and refuses money for a voided one', async () => {
    const payments = manualPayment();
    const a = await payments.authorize(request);
    expect(await payments.markFailed(a.paymentId, 'Transfer deadline passed')).toMatchObject({
      status: 'failed',
      failure: { code: 'not_paid', message: 'Transfer deadline passed' },
    });
    const b = await payments.authorize({ ...request, idempotencyKey: 'other' });
    await payments.void({ paymentId: b.paymentId, idempotencyKey: 'v' });
    await expect(payments.markPaid(b.paymentId)).rejects.toMatchObject({ code: 'PAYMENT_FAILED' });
  });
});
