// Property: whatever mix of captures, refunds and voids, and whatever faults
// (lost replies, 5xx, 429) hit them, retrying each call with its key moves money
// at most once per key, and the adapter's view equals the money moved.
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFulfillmentError, type PaymentAdapter } from '../../src/index.js';
import { stripePayment } from '../../src/stripe.js';
import { type StripeFake, startStripeFake } from '../fakes/stripe-fake.js';

let single: StripeFake;
let multi: StripeFake;
beforeAll(async () => {
  [single, multi] = await Promise.all([startStripeFake(), startStripeFake({ multicapture: true, asyncRefunds: true })]);
});
afterAll(async () => {
  await Promise.all([single.close(), multi.close()]);
});

type Step = { op: 'capture' | 'refund' | 'void'; amount: number; fault: 'none' | 'lose-reply' | 'status-500' | 'status-429' };
const step = fc.record({
  op: fc.constantFrom('capture', 'refund', 'void'),
  amount: fc.integer({ min: 1, max: 3000 }),
  fault: fc.constantFrom('none', 'none', 'lose-reply', 'status-500', 'status-429'),
}) as fc.Arbitrary<Step>;

async function attempt(payments: PaymentAdapter, s: Step, paymentId: string, key: string) {
  const request = { paymentId, amount: s.amount, idempotencyKey: key };
  if (s.op === 'capture') return payments.capture(request);
  if (s.op === 'refund') return payments.refund(request);
  return payments.void({ paymentId, idempotencyKey: key });
}

for (const [name, account] of [
  ['single capture', () => single],
  ['multicapture', () => multi],
] as const) {
  it(`stripe (${name}): retried calls under faults move money once per key and the view matches`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const fake = account();
        const client = new Stripe('sk_test_prop', { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 });
        const payments = stripePayment({ client, multicapture: fake === multi });
        const authorized = await payments.authorize({
          orderId: 'ord_prop',
          amount: { amount: 5000, currency: 'USD' },
          method: 'pm_card_visa',
          customer: { email: 'prop@example.com' },
          idempotencyKey: `auth_${Math.random()}`,
        });
        const paymentId = authorized.paymentId;
        for (const [i, s] of steps.entries()) {
          const key = `${s.op}_${i}_${paymentId}`;
          const target = s.op === 'refund' ? /^POST \/v1\/refunds$/ : new RegExp(`${paymentId}/${s.op === 'void' ? 'cancel' : 'capture'}$`);
          // Two of each, because the official client retries a closed connection once on its own.
          if (s.fault === 'lose-reply') for (let n = 0; n < 2; n++) fake.http.inject({ kind: 'lose-reply', match: target });
          if (s.fault === 'status-500') fake.http.inject({ kind: 'status', status: 500, body: { error: { type: 'api_error', message: 'x' } }, match: target });
          if (s.fault === 'status-429') fake.http.inject({ kind: 'status', status: 429, body: { error: { type: 'rate_limit_error', message: 'x' } }, match: target });
          for (let tries = 0; tries < 3; tries++) {
            try {
              await attempt(payments, s, paymentId, key);
              break;
            } catch (err) {
              if (!(isFulfillmentError(err) && err.retryable)) break;
            }
          }
        }
        const view = await payments.retrieve({ paymentId });
        const moved = fake.movements.filter((m) => m.intent === paymentId);
        const sum = (kind: string) => moved.filter((m) => m.kind === kind).reduce((n, m) => n + m.amount, 0);
        expect(view?.captured).toBe(sum('capture'));
        expect(view?.refunded).toBe(sum('refund'));
        expect(sum('refund')).toBeLessThanOrEqual(sum('capture'));
        expect(sum('capture')).toBeLessThanOrEqual(5000);
        // At most one movement per step: a retried key never moves money again.
        expect(moved.filter((m) => m.kind === 'capture').length).toBeLessThanOrEqual(steps.filter((s) => s.op === 'capture').length);
        expect(moved.filter((m) => m.kind === 'refund').length).toBeLessThanOrEqual(steps.filter((s) => s.op === 'refund').length);
        if (fake === single) expect(moved.filter((m) => m.kind === 'capture').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 15 },
    );
  });
}
