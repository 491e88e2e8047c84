// Split shipments under single-capture providers (the first hand-over takes
// the whole amount due; later cancellations and short picks are refunded) and
// multi-capture providers (each hand-over captures its own value).
import { describe, expect, it } from 'vitest';
import { createFulfillment } from '../../src/index.js';
import { type SandboxPaymentOptions, sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { EAST, WEST, makeShop, orderFor, pickAndPack, reload, stock } from '../helpers/shop.js';

type Ledger = { payments: { ledger(): { operation: string; amount: number }[] } };
const captures = (shop: Ledger) => shop.payments.ledger().filter((e) => e.operation === 'capture').map((e) => e.amount);
const refunds = (shop: Ledger) => shop.payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount);

// One TEE only at EAST, MUGs only at WEST: the order splits into two shipments.
async function splitOrder(captureMode: SandboxPaymentOptions['captures'], mugs = 1, policy = {}) {
  const shop = makeShop({ policy: { retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 }, ...policy } }, { payment: { captures: captureMode } });
  await stock(shop.ff, 'east', { TEE: 1 });
  await stock(shop.ff, 'west', { MUG: mugs });
  const order = await shop.ff.orders.place(orderFor({ TEE: 1, MUG: mugs }));
  expect(order.shipments).toHaveLength(2);
  const east = order.shipments.find((s) => s.locationId === 'east') as (typeof order.shipments)[0];
  const west = order.shipments.find((s) => s.locationId === 'west') as (typeof order.shipments)[0];
  return { ...shop, order, east, west, shipping: order.totals.shipping.amount, total: order.payment.amount.amount };
}

describe('captures at hand-over, split shipments', () => {
  it('a multi-capture provider is charged per shipment as each leaves', async () => {
    const shop = await splitOrder('multiple');
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    expect(captures(shop)).toEqual([1000 + shop.shipping]);
    await pickAndPack(shop.ff, shop.west);
    await shop.ff.fulfillment.ship(shop.west.id);
    expect(captures(shop)).toEqual([1000 + shop.shipping, 1000]);
    expect((await reload(shop.ff, shop.order.id)).payment).toMatchObject({ status: 'captured', captured: shop.total, refunded: 0 });
  });

  it('a single-capture provider is charged the whole amount once, at the first hand-over', async () => {
    const shop = await splitOrder('single');
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    expect(captures(shop)).toEqual([shop.total]);
    await pickAndPack(shop.ff, shop.west);
    await shop.ff.fulfillment.ship(shop.west.id);
    expect(captures(shop), 'no second capture is attempted').toEqual([shop.total]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.status).toBe('shipped');
    expect(after.payment).toMatchObject({ status: 'captured', captured: shop.total, refunded: 0 });
  });

  it('single capture: cancelling the rest after the first hand-over refunds exactly the cancelled value', async () => {
    const shop = await splitOrder('single');
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer changed their mind' });
    expect(refunds(shop)).toEqual([1000]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.payment).toMatchObject({ captured: shop.total, refunded: 1000, status: 'partially_refunded' });
    // What the customer paid in the end is what left the building.
    expect(after.payment.captured - after.payment.refunded).toBe(1000 + shop.shipping);
  });

  it('multi capture: cancelling the rest refunds nothing, as the rest was never captured', async () => {
    const shop = await splitOrder('multiple');
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer changed their mind' });
    expect(refunds(shop)).toEqual([]);
    expect(captures(shop)).toEqual([1000 + shop.shipping]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.payment.captured - after.payment.refunded).toBe(1000 + shop.shipping);
  });

  it('single capture: a short pick after the whole amount was taken refunds the missing units, and nothing is captured again', async () => {
    const shop = await splitOrder('single', 2, { shortPick: 'cancel' });
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    expect(captures(shop)).toEqual([shop.total]);
    await shop.ff.fulfillment.confirmPick(shop.west.id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    expect(refunds(shop)).toEqual([1000]);
    await shop.ff.fulfillment.pack(shop.west.id);
    await shop.ff.fulfillment.ship(shop.west.id);
    expect(captures(shop), 'still one capture').toEqual([shop.total]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.payment).toMatchObject({ captured: shop.total, refunded: 1000 });
    expect(after.payment.captured - after.payment.refunded).toBe(2000 + shop.shipping);
  });

  it('multi capture: a short pick is simply never captured', async () => {
    const shop = await splitOrder('multiple', 2, { shortPick: 'cancel' });
    await pickAndPack(shop.ff, shop.east);
    await shop.ff.fulfillment.ship(shop.east.id);
    await shop.ff.fulfillment.confirmPick(shop.west.id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    await shop.ff.fulfillment.pack(shop.west.id);
    await shop.ff.fulfillment.ship(shop.west.id);
    expect(refunds(shop)).toEqual([]);
    expect(captures(shop)).toEqual([1000 + shop.shipping, 1000]);
  });
});

describe('a hand-over taken over by a cancellation after its lease lapsed', () => {
  it('the capture that went through is refunded once, by the cancellation, not again by the runner', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const payments = sandboxPayment({ clock, captures: 'multiple' });
    const gates: (() => void)[] = [];
    const capture = payments.capture.bind(payments);
    let captures = 0;
    // The west capture reaches the provider; its answer is held back past the lease.
    payments.capture = async (request, options) => {
      const result = await capture(request, options);
      if (++captures === 2) await new Promise<void>((resolve) => gates.push(resolve));
      return result;
    };
    const policy = { retry: { timeoutMs: 600_000, retries: 0, baseDelayMs: 1 } };
    const shop = makeShop({ clock, payments, policy });
    await stock(shop.ff, 'east', { TEE: 1 });
    await stock(shop.ff, 'west', { MUG: 1 });
    const order = await shop.ff.orders.place(orderFor({ TEE: 1, MUG: 1 }));
    const [east, west] = ['east', 'west'].map((l) => order.shipments.find((s) => s.locationId === l) as (typeof order.shipments)[0]);
    await pickAndPack(shop.ff, east!);
    await shop.ff.fulfillment.ship(east!.id);
    await pickAndPack(shop.ff, west!);
    const runner = shop.ff.fulfillment.ship(west!.id).catch((err: unknown) => err);
    for (let i = 0; i < 200 && gates.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(gates).toHaveLength(1);
    clock.advance(61_000); // the runner's lease lapses while its capture answer is out
    const other = createFulfillment({ storage: shop.storage, clock, locations: [EAST, WEST], carriers: [shop.carrier], payments, notifier: shop.notifier, policy });
    await other.orders.cancel(order.id, { reason: 'customer called' });
    gates[0]!();
    await runner;
    const paid = payments.payments().find((p) => p.paymentId === order.payment.paymentId)!;
    // East shipped and stays paid; west's capture went back exactly once.
    const eastValue = paid.captured - 1000;
    expect(paid.refunded).toBe(1000);
    expect(paid.captured - paid.refunded).toBe(eastValue);
    expect(payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount)).toEqual([1000]);
    const after = await reload(shop.ff, order.id);
    expect(after.payment.refunded).toBe(paid.refunded);
  });
});
