import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { EAST, expectCode, makeShop, orderFor, reload, stock } from '../helpers/shop.js';
import { webhookPayments } from '../helpers/webhook-payments.js';

async function shopWith3ds() {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const { payments, webhook } = webhookPayments(clock);
  const shop = makeShop({ clock, payments });
  await stock(shop.ff, 'east', { 'TEE-M': 5 });
  const order = await shop.ff.orders.place(orderFor({ 'TEE-M': 1 }, { payment: { method: 'tok_3ds' } }));
  expect(order.status).toBe('pending_payment');
  const paymentId = order.payment.paymentId as string;
  return { ...shop, payments, webhook, order, paymentId };
}

const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

describe('payments.handleWebhook', () => {
  it('applies a completed 3-D Secure authorization once, however often the webhook arrives', async () => {
    const { ff, payments, webhook, order, paymentId } = await shopWith3ds();
    await payments.completeAction(paymentId, 'approve');
    const hook = await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' });
    const first = await ff.payments.handleWebhook('sandbox', hook);
    expect(first).toMatchObject({ eventId: 'evt_1', orderId: order.id, applied: true });
    expect((await reload(ff, order.id)).status).toBe('processing');
    const again = await ff.payments.handleWebhook('sandbox', hook);
    expect(again.applied).toBe(false);
    expect(count(await ff.orders.history(order.id), 'payment.authorized')).toBe(1);
  });

  it('ignores a late requires_action event after the authorization was applied', async () => {
    const { ff, payments, webhook, order, paymentId } = await shopWith3ds();
    await payments.completeAction(paymentId, 'approve');
    await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_2', paymentId, status: 'authorized' }));
    const before = await reload(ff, order.id);
    const late = await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_1', paymentId, status: 'requires_action' }));
    expect(late.applied).toBe(false);
    expect(await reload(ff, order.id)).toEqual(before);
  });

  it('reads the state from the provider, not from the event body', async () => {
    const { ff, webhook, order, paymentId } = await shopWith3ds();
    // The body claims "authorized" but the customer never finished 3-D Secure.
    const result = await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' }));
    expect(result.applied).toBe(false);
    expect((await reload(ff, order.id)).status).toBe('pending_payment');
  });

  it('records an abandoned 3-D Secure challenge as a failed payment', async () => {
    const { ff, payments, webhook, order, paymentId } = await shopWith3ds();
    await payments.completeAction(paymentId, 'decline');
    const result = await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_1', paymentId, status: 'failed' }));
    expect(result.applied).toBe(true);
    const after = await reload(ff, order.id);
    expect(after.status).toBe('payment_failed');
    expect(after.payment.lastError).not.toBeNull();
  });

  it('refuses a forged webhook and changes nothing', async () => {
    const { ff, payments, webhook, order, paymentId } = await shopWith3ds();
    await payments.completeAction(paymentId, 'approve');
    const forged = await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' }, 'whsec_attacker');
    const error = await expectCode(ff.payments.handleWebhook('sandbox', forged), 'WEBHOOK_SIGNATURE_INVALID');
    expect(error.details.reason).toBe('mismatch');
    const tampered = await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' });
    await expectCode(ff.payments.handleWebhook('sandbox', { ...tampered, rawBody: tampered.rawBody.replace('evt_1', 'evt_9') }), 'WEBHOOK_SIGNATURE_INVALID');
    expect((await reload(ff, order.id)).status).toBe('pending_payment');
  });

  it('acknowledges payments it does not know without touching any order', async () => {
    const { ff, webhook } = await shopWith3ds();
    const result = await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_x', paymentId: 'pay_elsewhere', status: 'authorized' }));
    expect(result).toEqual({ eventId: 'evt_x', orderId: null, applied: false, order: null });
  });

  it('voids an authorization that completes after the order was cancelled', async () => {
    const { ff, payments, webhook, order, paymentId } = await shopWith3ds();
    // A provider that cannot void a challenge still open: the cancel's void changes nothing there.
    const realVoid = payments.void;
    payments.void = async (request) => {
      const seen = await payments.retrieve({ paymentId: request.paymentId });
      return seen?.status === 'requires_action' ? seen : realVoid(request);
    };
    await ff.orders.cancel(order.id, { reason: 'customer gave up' });
    const cancelled = await reload(ff, order.id);
    await payments.completeAction(paymentId, 'approve');
    const result = await ff.payments.handleWebhook('sandbox', await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' }));
    expect(result.applied).toBe(false);
    expect(await reload(ff, order.id)).toEqual(cancelled);
    expect(payments.payments().find((p) => p.paymentId === paymentId)?.status).toBe('voided');
  });

  it('rejects an unknown provider, a provider without webhooks and a body that is not raw', async () => {
    const { ff, webhook, paymentId } = await shopWith3ds();
    const hook = await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' });
    await expectCode(ff.payments.handleWebhook('stripe', hook), 'NOT_FOUND');
    await expectCode(ff.payments.handleWebhook('sandbox', { headers: hook.headers, rawBody: JSON.parse(hook.rawBody) }), 'VALIDATION_FAILED');
    const plain = makeShop();
    await expectCode(plain.ff.payments.handleWebhook('sandbox', hook), 'CONFIGURATION_ERROR');
  });

  it('authorizes once when two engines on one store receive the same webhook concurrently', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const { payments, webhook } = webhookPayments(clock);
    const storage = memoryStorage();
    const engines = [0, 1].map(() => createFulfillment({ storage, clock, locations: [EAST], carriers: [sandboxCarrier({ clock })], payments }));
    const [a, b] = engines as [ReturnType<typeof createFulfillment>, ReturnType<typeof createFulfillment>];
    await a.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 3 });
    const order = await a.orders.place(orderFor({ 'TEE-M': 1 }, { payment: { method: 'tok_3ds' } }));
    const paymentId = order.payment.paymentId as string;
    await payments.completeAction(paymentId, 'approve');
    const hook = await webhook({ eventId: 'evt_1', paymentId, status: 'authorized' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).payments.handleWebhook('sandbox', hook)));
    expect(results.filter((r) => r.applied).length).toBe(1);
    expect(count(await a.orders.history(order.id), 'payment.authorized')).toBe(1);
    expect((await b.orders.get(order.id))?.status).toBe('processing');
  });
});
