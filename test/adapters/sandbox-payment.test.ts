import { describe, expect, it } from 'vitest';
import { type SandboxPayment, sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import type { PaymentResult } from '../../src/ports/payment.js';
import type { BackendFault } from '../../src/testing/adapter-checks.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { describePaymentConformance } from '../../src/testing/payment-conformance.js';

// How the sandbox plays each backend fault of the kit.
const SANDBOX_FAULTS = {
  server_error: 'error',
  rate_limited: 'rate_limited',
  timeout: 'timeout',
  network_error: 'network',
  client_error: 'rejected',
  error_body: 'error_body',
  lost_reply: 'late',
} as const;

const clock = fakeClock();
const kitOptions = {
  methods: {
    approve: 'tok_visa',
    decline: 'tok_decline',
    requiresAction: 'tok_3ds',
    declines: {
      card_declined: 'tok_decline',
      insufficient_funds: 'tok_insufficient_funds',
      expired_card: 'tok_expired',
      incorrect_cvc: 'tok_incorrect_cvc',
      fraudulent: 'tok_fraudulent',
      processing_error: 'tok_processing_error',
      do_not_honor: 'tok_do_not_honor',
    },
  },
  settle: async (p: SandboxPayment, payment: PaymentResult) => void (await p.completeAction(payment.paymentId, 'approve')),
  abandon: async (p: SandboxPayment, payment: PaymentResult) => void (await p.completeAction(payment.paymentId, 'decline')),
  injectFault: (p: SandboxPayment, fault: BackendFault) => p.injectFault(SANDBOX_FAULTS[fault]),
  open: (p: SandboxPayment) => p.open(),
  signedWebhook: (p: SandboxPayment, payment: PaymentResult) => p.webhookFor(payment.paymentId),
  staleWebhook: (p: SandboxPayment, payment: PaymentResult) => p.webhookFor(payment.paymentId, { signedAt: new Date(clock.now().getTime() - 3_600_000) }),
};

describePaymentConformance('sandboxPayment', () => sandboxPayment({ clock, webhookSecret: 'whsec_pay' }), kitOptions);
describePaymentConformance('sandboxPayment (single capture)', () => sandboxPayment({ clock, captures: 'single', webhookSecret: 'whsec_pay' }), kitOptions);

const authorizeRequest = (method: string, key = 'ord_1:authorize:1') => ({
  orderId: 'ord_1',
  amount: { amount: 5000, currency: 'USD' },
  method,
  customer: { email: 'ada@example.com' },
  idempotencyKey: key,
});

describe('sandboxPayment', () => {
  it('answers each test method as documented', async () => {
    const payments = sandboxPayment();
    expect((await payments.authorize(authorizeRequest('4242 4242 4242 4242', 'a'))).status).toBe('authorized');
    expect((await payments.authorize(authorizeRequest('tok_decline', 'b'))).failure?.code).toBe('card_declined');
    expect((await payments.authorize(authorizeRequest('4000000000009995', 'c'))).failure?.code).toBe('insufficient_funds');
    expect((await payments.authorize(authorizeRequest('tok_expired', 'd'))).failure?.code).toBe('expired_card');
    expect((await payments.authorize(authorizeRequest('tok_3ds', 'e'))).status).toBe('requires_action');
    await expect(payments.authorize(authorizeRequest('tok_timeout', 'f'))).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: true });
    expect(await payments.retrieve({ idempotencyKey: 'f' })).toBeNull();
    const strict = sandboxPayment({ unknownMethods: 'decline' });
    expect((await strict.authorize(authorizeRequest('pm_whatever'))).failure?.code).toBe('invalid_payment_method');
  });

  it('completes 3-D Secure, and a replayed authorization reports the outcome', async () => {
    const payments = sandboxPayment();
    const pending = await payments.authorize(authorizeRequest('tok_3ds'));
    await payments.completeAction(pending.paymentId);
    expect(await payments.authorize(authorizeRequest('tok_3ds'))).toMatchObject({ paymentId: pending.paymentId, status: 'authorized', authorized: 5000 });
  });

  it('moves money once per key, even when the reply is lost', async () => {
    const payments = sandboxPayment({ fault: (op, attempt) => (op === 'capture' && attempt === 1 ? 'late' : null) });
    const p = await payments.authorize(authorizeRequest('tok_visa'));
    const capture = { paymentId: p.paymentId, amount: 3000, idempotencyKey: 'ord_1:capture:1' };
    await expect(payments.capture(capture)).rejects.toMatchObject({ retryable: true, details: { reason: 'timeout' } });
    expect(await payments.capture(capture)).toMatchObject({ captured: 3000, status: 'captured' });
    expect(payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
    expect(payments.payments()).toEqual([expect.objectContaining({ authorized: 5000, captured: 3000, refunded: 0 })]);
  });

  it('refuses a key reused for a different request', async () => {
    const payments = sandboxPayment();
    const p = await payments.authorize(authorizeRequest('tok_visa'));
    await payments.capture({ paymentId: p.paymentId, amount: 1000, idempotencyKey: 'k' });
    await expect(payments.capture({ paymentId: p.paymentId, amount: 2000, idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
  });

  it('explains refusals in details', async () => {
    const payments = sandboxPayment({ failures: { refund: 1 } });
    const p = await payments.authorize(authorizeRequest('tok_visa'));
    await payments.capture({ paymentId: p.paymentId, amount: 2000, idempotencyKey: 'c1' });
    await expect(payments.refund({ paymentId: p.paymentId, amount: 100, idempotencyKey: 'r0' })).rejects.toMatchObject({ retryable: true });
    await expect(payments.refund({ paymentId: p.paymentId, amount: 2500, idempotencyKey: 'r1' })).rejects.toMatchObject({
      code: 'PAYMENT_FAILED',
      details: { reason: 'exceeds_captured', captured: 2000, refunded: 0, requested: 2500 },
    });
    await expect(payments.capture({ paymentId: 'pay_nope', amount: 1, idempotencyKey: 'c2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('sandboxPayment: what real providers do', () => {
  it('gives every decline a reason from the documented list and keeps the raw code', async () => {
    const payments = sandboxPayment();
    const cases = { tok_decline: 'card_declined', tok_incorrect_cvc: 'incorrect_cvc', tok_fraudulent: 'fraudulent', tok_processing_error: 'processing_error', tok_do_not_honor: 'do_not_honor', tok_insufficient_funds: 'insufficient_funds', tok_expired: 'expired_card' };
    for (const [method, reason] of Object.entries(cases)) {
      const p = await payments.authorize(authorizeRequest(method, `k_${method}`));
      expect(p.status).toBe('failed');
      expect(p.failure).toMatchObject({ code: reason, reason });
    }
  });

  it('with single captures, the first capture closes the authorization', async () => {
    const payments = sandboxPayment({ captures: 'single' });
    expect(payments.capabilities).toMatchObject({ partialCapture: true, multipleCaptures: false });
    const p = await payments.authorize(authorizeRequest('tok_visa'));
    expect((await payments.capture({ paymentId: p.paymentId, amount: 3000, idempotencyKey: 'c1' })).captured).toBe(3000);
    expect((await payments.capture({ paymentId: p.paymentId, amount: 3000, idempotencyKey: 'c1' })).captured).toBe(3000);
    await expect(payments.capture({ paymentId: p.paymentId, amount: 1000, idempotencyKey: 'c2' })).rejects.toMatchObject({
      code: 'PAYMENT_FAILED',
      details: { reason: 'capture_closed' },
    });
    expect((await payments.retrieve({ paymentId: p.paymentId }))?.captured).toBe(3000);
  });

  it('signs webhooks that its parseWebhook verifies, and a second instance shares the account', async () => {
    const payments = sandboxPayment({ webhookSecret: 'whsec_pay' });
    expect(payments.capabilities.webhooks).toBe(true);
    const p = await payments.authorize(authorizeRequest('tok_visa'));
    const hook = await payments.webhookFor(p.paymentId);
    const event = await payments.parseWebhook?.(hook.rawBody, hook.headers);
    expect(event).toMatchObject({ paymentId: p.paymentId, status: 'authorized', type: 'payment.authorized', eventId: expect.stringMatching(/^evt_/) });
    await expect(payments.parseWebhook?.(`${String(hook.rawBody)} `, hook.headers)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    const other = payments.open();
    expect((await other.authorize(authorizeRequest('tok_visa'))).paymentId).toBe(p.paymentId);
    expect(await other.retrieve({ paymentId: p.paymentId })).toEqual(await payments.retrieve({ paymentId: p.paymentId }));
  });
});
