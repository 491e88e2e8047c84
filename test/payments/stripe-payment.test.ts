// The Stripe adapter through the official `stripe` client against the loopback Stripe fake.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/adapters.js';
import { isFulfillmentError } from '../../src/index.js';
import { stripePayment } from '../../src/stripe.js';
import { describePaymentConformance } from '../../src/testing.js';
import { backendFault } from '../fakes/http-fake.js';
import { type StripeFake, startStripeFake } from '../fakes/stripe-fake.js';

const SECRET = 'whsec_test_secret';
const fakes: StripeFake[] = [];
let fake: StripeFake;
let multi: StripeFake;

beforeAll(async () => {
  fake = await startStripeFake({ asyncRefunds: false });
  multi = await startStripeFake({ multicapture: true, asyncRefunds: true });
  fakes.push(fake, multi);
});
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});

const clientFor = (f: StripeFake, retries = 0) =>
  new Stripe('sk_test_fulfillkit', { host: '127.0.0.1', port: f.port, protocol: 'http', maxNetworkRetries: retries, timeout: 1_000 });

// The kit's hooks for one fake account: faults on the next money-moving request, a second
// instance on the same account, and events signed by the official client.
const signer = new Stripe('sk_test_fulfillkit');
function kitHooks(account: () => StripeFake) {
  const event = (paymentId: string, created: number) => {
    const payload = JSON.stringify({
      id: `evt_${paymentId}_${created}`,
      object: 'event',
      type: 'payment_intent.amount_capturable_updated',
      created,
      data: { object: account().intentView(paymentId) },
    });
    return { payload, created };
  };
  return {
    injectFault: (_: unknown, fault: Parameters<typeof backendFault>[0]) => {
      const faults = backendFault(fault, /^POST /, {
        errorBody: { error: { type: fault === 'client_error' ? 'invalid_request_error' : 'api_error', message: `injected ${fault}` } },
        hangMs: 2_500,
        closedConnectionRetries: 1,
      });
      for (const x of faults) account().http.inject(x);
    },
    open: () => stripePayment({ client: clientFor(account()), webhookSecret: SECRET }),
    signedWebhook: (_: unknown, p: { paymentId: string }) => {
      const { payload, created } = event(p.paymentId, Math.floor(Date.now() / 1000));
      return { rawBody: payload, headers: { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: created }) } };
    },
    staleWebhook: (_: unknown, p: { paymentId: string }) => {
      const { payload, created } = event(p.paymentId, Math.floor(Date.now() / 1000) - 3_600);
      return { rawBody: payload, headers: { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: created }) } };
    },
  };
}
const DECLINES = {
  card_declined: 'pm_card_chargeDeclined',
  insufficient_funds: 'pm_card_visa_chargeDeclinedInsufficientFunds',
  expired_card: 'pm_card_chargeDeclinedExpiredCard',
  fraudulent: 'pm_card_chargeDeclinedFraudulent',
} as const;

const request = (method = 'pm_card_visa', key = `auth_${Math.random().toString(36).slice(2)}`) => ({
  orderId: `ord_${key}`,
  amount: { amount: 5000, currency: 'USD' },
  method,
  customer: { email: 'ada@example.com' },
  idempotencyKey: key,
});

describePaymentConformance('stripe (single capture)', () => stripePayment({ client: clientFor(fake), webhookSecret: SECRET }), {
  methods: { approve: 'pm_card_visa', decline: 'pm_card_chargeDeclined', declines: DECLINES, requiresAction: 'pm_card_authenticationRequired' },
  settle: (_, p) => fake.completeAction(p.paymentId),
  abandon: (_, p) => fake.failAction(p.paymentId),
  ...kitHooks(() => fake),
});

describePaymentConformance(
  'stripe (multicapture, asynchronous refunds)',
  () => stripePayment({ client: clientFor(multi), multicapture: true, webhookSecret: SECRET }),
  {
    methods: { approve: 'pm_card_visa', decline: 'pm_card_visa_chargeDeclinedInsufficientFunds', declines: DECLINES },
    ...kitHooks(() => multi),
    open: () => stripePayment({ client: clientFor(multi), multicapture: true, webhookSecret: SECRET }),
  },
);

describe('stripePayment: wire format', () => {
  it('authorize sends a manual-capture PaymentIntent with the order id, key metadata and Idempotency-Key', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const r = request();
    const p = await payments.authorize(r);
    expect(p.status).toBe('authorized');
    const pi = fake.intents.get(p.paymentId);
    expect(pi?.capture_method).toBe('manual');
    expect(pi?.metadata).toMatchObject({ order_id: r.orderId, fulfillkit_idempotency_key: r.idempotencyKey });
    const sent = fake.http.requests.filter((q) => q.method === 'POST' && q.path === '/v1/payment_intents').at(-1);
    expect(sent?.headers['idempotency-key']).toBe(r.idempotencyKey);
    expect(new URLSearchParams(sent?.body).get('amount')).toBe('5000');
  });

  it('a decline is a failed result carrying the decline code and a normalized reason', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const p = await payments.authorize(request('pm_card_visa_chargeDeclinedInsufficientFunds'));
    expect(p.status).toBe('failed');
    expect(p.failure).toMatchObject({ code: 'insufficient_funds', reason: 'insufficient_funds' });
    expect(p.paymentId).toMatch(/^pi_/);
    const again = await payments.retrieve({ paymentId: p.paymentId });
    expect(again?.status).toBe('failed');
  });

  it('3-D Secure answers requires_action until the customer completes it', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const p = await payments.authorize(request('pm_card_authenticationRequired'));
    expect(p.status).toBe('requires_action');
    expect(p.authorized).toBe(0);
    fake.completeAction(p.paymentId);
    expect((await payments.retrieve({ paymentId: p.paymentId }))?.status).toBe('authorized');
  });

  it('a single-capture account releases the rest of the authorization with a partial capture', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    expect(payments.capabilities.multipleCaptures).toBe(false);
    const p = await payments.authorize(request());
    const c = await payments.capture({ paymentId: p.paymentId, amount: 3000, idempotencyKey: `cap_${p.paymentId}` });
    expect(c).toMatchObject({ status: 'captured', captured: 3000, authorized: 3000 });
    await expect(payments.capture({ paymentId: p.paymentId, amount: 1000, idempotencyKey: `cap2_${p.paymentId}` })).rejects.toMatchObject({
      code: 'PAYMENT_FAILED',
    });
    expect(fake.movements.filter((m) => m.intent === p.paymentId)).toEqual([{ intent: p.paymentId, kind: 'capture', amount: 3000 }]);
  });

  it('multicapture keeps the rest open with final_capture=false and closes it with the last capture', async () => {
    const payments = stripePayment({ client: clientFor(multi), multicapture: true });
    const p = await payments.authorize(request());
    const first = await payments.capture({ paymentId: p.paymentId, amount: 2000, idempotencyKey: `c1_${p.paymentId}` });
    expect(first).toMatchObject({ status: 'captured', captured: 2000, authorized: 5000 });
    const last = await payments.capture({ paymentId: p.paymentId, amount: 3000, idempotencyKey: `c2_${p.paymentId}` });
    expect(last).toMatchObject({ captured: 5000, authorized: 5000 });
    expect(multi.intents.get(p.paymentId)?.status).toBe('succeeded');
  });

  it('an asynchronous refund counts as refunded at once, so it is never paid twice, and settles later', async () => {
    const payments = stripePayment({ client: clientFor(multi), multicapture: true });
    const p = await payments.authorize(request());
    await payments.capture({ paymentId: p.paymentId, amount: 5000, idempotencyKey: `c_${p.paymentId}` });
    const r = await payments.refund({ paymentId: p.paymentId, amount: 5000, idempotencyKey: `r_${p.paymentId}` });
    expect(r).toMatchObject({ status: 'refunded', refunded: 5000 });
    expect([...multi.refunds.values()].find((x) => x.payment_intent === p.paymentId)?.status).toBe('pending');
    multi.settleRefunds();
    expect([...multi.refunds.values()].find((x) => x.payment_intent === p.paymentId)?.status).toBe('succeeded');
    expect(multi.events.some((e) => e.type === 'charge.refunded' && (e.data.object as { payment_intent: string }).payment_intent === p.paymentId)).toBe(true);
  });
});

describe('stripePayment: faults', () => {
  it.each([500, 503, 429])('HTTP %i is a retryable ADAPTER_ERROR and moves no money', async (status) => {
    const payments = stripePayment({ client: clientFor(fake) });
    fake.http.inject({ kind: 'status', status, body: { error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: 'injected' } }, match: /^POST \/v1\/payment_intents$/ });
    const r = request();
    const err = await payments.authorize(r).catch((e: unknown) => e);
    expect(isFulfillmentError(err, 'ADAPTER_ERROR') && err.retryable).toBe(true);
    expect([...fake.intents.values()].some((pi) => pi.metadata.fulfillkit_idempotency_key === r.idempotencyKey)).toBe(false);
    expect((await payments.authorize(r)).status).toBe('authorized');
  });

  // The official client retries a closed connection once even with retries off: lose both replies.
  it('a lost reply to a capture is retryable, and the retry with the same key captures once', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const p = await payments.authorize(request());
    fake.http.inject({ kind: 'lose-reply', match: /capture$/ });
    fake.http.inject({ kind: 'lose-reply', match: /capture$/ });
    const capture = { paymentId: p.paymentId, amount: 5000, idempotencyKey: `cap_${p.paymentId}` };
    const err = await payments.capture(capture).catch((e: unknown) => e);
    expect(isFulfillmentError(err, 'ADAPTER_ERROR') && err.retryable).toBe(true);
    const again = await payments.capture(capture);
    expect(again.captured).toBe(5000);
    expect(fake.movements.filter((m) => m.intent === p.paymentId && m.kind === 'capture')).toHaveLength(1);
  });

  it('the official client retrying on its own reuses the key, and still captures once', async () => {
    const payments = stripePayment({ client: clientFor(fake, 2) });
    const p = await payments.authorize(request());
    fake.http.inject({ kind: 'lose-reply', match: /capture$/ });
    const c = await payments.capture({ paymentId: p.paymentId, amount: 5000, idempotencyKey: `cap_${p.paymentId}` });
    expect(c.captured).toBe(5000);
    expect(fake.movements.filter((m) => m.intent === p.paymentId && m.kind === 'capture')).toHaveLength(1);
  });

  it('a lost reply to a refund is retried with the same key and refunds once', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const p = await payments.authorize(request());
    await payments.capture({ paymentId: p.paymentId, amount: 5000, idempotencyKey: `cap_${p.paymentId}` });
    fake.http.inject({ kind: 'lose-reply', match: /^POST \/v1\/refunds$/ });
    fake.http.inject({ kind: 'lose-reply', match: /^POST \/v1\/refunds$/ });
    const refund = { paymentId: p.paymentId, amount: 5000, idempotencyKey: `ref_${p.paymentId}` };
    await expect(payments.refund(refund)).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: true });
    expect((await payments.refund(refund)).refunded).toBe(5000);
    expect(fake.movements.filter((m) => m.intent === p.paymentId && m.kind === 'refund')).toHaveLength(1);
  });

  it('the engine deadline aborts a slow call as a retryable timeout', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    fake.http.inject({ kind: 'delay', ms: 400, match: /^POST \/v1\/payment_intents$/ });
    const err = await payments.authorize(request(), { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ADAPTER_ERROR', retryable: true, details: { reason: 'timeout' } });
  });

  it('a reused idempotency key with other parameters is IDEMPOTENCY_CONFLICT', async () => {
    const payments = stripePayment({ client: clientFor(fake) });
    const r = request();
    await payments.authorize(r);
    await expect(payments.authorize({ ...r, amount: { amount: 6000, currency: 'USD' } })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('a wrong API key is CONFIGURATION_ERROR', async () => {
    const payments = stripePayment({ client: new Stripe('sk_live_wrong', { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 }) });
    await expect(payments.authorize(request())).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('refuses a missing client at construction', () => {
    expect(() => stripePayment({ client: undefined as never })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });
});

describe('stripePayment: webhooks', () => {
  const stripe = new Stripe('sk_test_fulfillkit');
  const eventBody = (type: string, object: Record<string, unknown>) =>
    JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, created: 1_780_000_000, data: { object } });

  it('accepts an event signed by the official client and names the PaymentIntent', async () => {
    const payments = stripePayment({ client: clientFor(fake), webhookSecret: SECRET });
    const payload = eventBody('payment_intent.succeeded', { id: 'pi_123', object: 'payment_intent' });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const event = await payments.parseWebhook?.(payload, { 'Stripe-Signature': header });
    expect(event).toMatchObject({ paymentId: 'pi_123', type: 'payment_intent.succeeded', status: 'captured', occurredAt: new Date(1_780_000_000_000).toISOString() });
    expect(event?.eventId).toBe(JSON.parse(payload).id);
  });

  it('charge.refunded names the charge’s PaymentIntent', async () => {
    const payments = stripePayment({ client: clientFor(fake), webhookSecret: [SECRET, 'whsec_old'] });
    const payload = eventBody('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: 'pi_9' });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_old' });
    expect((await payments.parseWebhook?.(new TextEncoder().encode(payload), { 'stripe-signature': header }))?.paymentId).toBe('pi_9');
  });

  it('refuses a forged, missing or stale signature', async () => {
    const payments = stripePayment({ client: clientFor(fake), webhookSecret: SECRET });
    const payload = eventBody('payment_intent.canceled', { id: 'pi_1' });
    const forged = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    for (const [headers, reason] of [
      [{ 'stripe-signature': forged }, 'mismatch'],
      [{}, 'missing'],
      [{ 'stripe-signature': stale }, 'stale'],
    ] as const) {
      await expect(payments.parseWebhook?.(payload, headers)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', details: { reason } });
    }
    const tampered = payload.replace('pi_1', 'pi_2');
    const good = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    await expect(payments.parseWebhook?.(tampered, { 'stripe-signature': good })).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses a signed event that is not about a payment', async () => {
    const payments = stripePayment({ client: clientFor(fake), webhookSecret: SECRET });
    const payload = eventBody('customer.created', { id: 'cus_1' });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    await expect(payments.parseWebhook?.(payload, { 'stripe-signature': header })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('fulfillkit’s own signing is accepted by the official constructEvent', async () => {
    const payload = eventBody('payment_intent.succeeded', { id: 'pi_5' });
    const header = await signWebhook({ secret: SECRET, payload });
    expect(stripe.webhooks.constructEvent(payload, header, SECRET).type).toBe('payment_intent.succeeded');
  });

  it('an adapter without a webhook secret has no parseWebhook', () => {
    const payments = stripePayment({ client: clientFor(fake) });
    expect(payments.capabilities.webhooks).toBe(false);
    expect(payments.parseWebhook).toBeUndefined();
  });
});
