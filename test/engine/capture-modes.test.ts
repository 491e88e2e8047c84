// Split shipments under single-capture providers (the first hand-over takes
// the whole amount due; later cancellations and short picks are refunded) and
// multi-capture providers (each hand-over captures its own value).
import { describe, expect, it } from 'vitest';
import type { SandboxPaymentOptions } from '../../src/adapters/sandbox-payment.js';
import { makeShop, orderFor, pickAndPack, reload, stock } from '../helpers/shop.js';

// One TEE only at EAST, one MUG only at WEST: the order splits into two shipments of $10 each.
async function splitOrder(payment: SandboxPaymentOptions['captures']) {
  const shop = makeShop({}, { payment: { captures: payment } });
  await stock(shop.ff, 'east', { TEE: 1 });
  await stock(shop.ff, 'west', { MUG: 1 });
  const order = await shop.ff.orders.place(orderFor({ TEE: 1, MUG: 1 }));
  expect(order.shipments).toHaveLength(2);
  const [first, second] = order.shipments as [(typeof order.shipments)[0], (typeof order.shipments)[0]];
  const shipping = order.totals.shipping.amount;
  return { ...shop, order, first, second, shipping, total: order.payment.amount.amount };
}

const captures = (shop: { payments: { ledger(): { operation: string; amount: number }[] } }) =>
  shop.payments.ledger().filter((e) => e.operation === 'capture').map((e) => e.amount);
const refunds = (shop: { payments: { ledger(): { operation: string; amount: number }[] } }) =>
  shop.payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount);

describe('captures at hand-over', () => {
  it('a multi-capture provider is charged per shipment as each leaves', async () => {
    const shop = await splitOrder('multiple');
    await pickAndPack(shop.ff, shop.first);
    await shop.ff.fulfillment.ship(shop.first.id);
    expect(captures(shop)).toEqual([1000 + shop.shipping]);
    await pickAndPack(shop.ff, shop.second);
    await shop.ff.fulfillment.ship(shop.second.id);
    expect(captures(shop)).toEqual([1000 + shop.shipping, 1000]);
    expect((await reload(shop.ff, shop.order.id)).payment).toMatchObject({ status: 'captured', captured: shop.total, refunded: 0 });
  });

  it('a single-capture provider is charged the whole amount once, at the first hand-over', async () => {
    const shop = await splitOrder('single');
    await pickAndPack(shop.ff, shop.first);
    await shop.ff.fulfillment.ship(shop.first.id);
    expect(captures(shop)).toEqual([shop.total]);
    await pickAndPack(shop.ff, shop.second);
    await shop.ff.fulfillment.ship(shop.second.id);
    expect(captures(shop), 'no second capture is attempted').toEqual([shop.total]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.status).toBe('shipped');
    expect(after.payment).toMatchObject({ status: 'captured', captured: shop.total, refunded: 0 });
  });

  it('single capture: cancelling the rest after the first hand-over refunds exactly the cancelled value', async () => {
    const shop = await splitOrder('single');
    await pickAndPack(shop.ff, shop.first);
    await shop.ff.fulfillment.ship(shop.first.id);
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer changed their mind' });
    expect(refunds(shop)).toEqual([1000]);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.payment).toMatchObject({ captured: shop.total, refunded: 1000, status: 'partially_refunded' });
    // What the customer paid in the end is what left the building.
    expect(after.payment.captured - after.payment.refunded).toBe(1000 + shop.shipping);
  });

  it('multi capture: cancelling the rest refunds nothing, as the rest was never captured', async () => {
    const shop = await splitOrder('multiple');
    await pickAndPack(shop.ff, shop.first);
    await shop.ff.fulfillment.ship(shop.first.id);
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer changed their mind' });
    expect(refunds(shop)).toEqual([]);
    expect(captures(shop)).toEqual([1000 + shop.shipping]);
  });

  it('single capture: a short pick after the whole amount was taken refunds the missing units', async () => {
    const shop = makeShop({ policy: { shortPick: 'cancel' } }, { payment: { captures: 'single' } });
    await stock(shop.ff, 'east', { TEE: 1 });
    await stock(shop.ff, 'west', { MUG: 2 });
    const order = await shop.ff.orders.place(orderFor({ TEE: 1, MUG: 2 }));
    const [first, second] = order.shipments as [(typeof order.shipments)[0], (typeof order.shipments)[0]];
    const total = order.payment.amount.amount;
    const east = first.locationId === 'east' ? first : second;
    const west = first.locationId === 'east' ? second : first;
    await pickAndPack(shop.ff, east);
    await shop.ff.fulfillment.ship(east.id);
    expect(captures(shop)).toEqual([total]);
    await shop.ff.fulfillment.confirmPick(west.id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    expect(refunds(shop)).toEqual([1000]);
    await shop.ff.fulfillment.pack(west.id);
    await shop.ff.fulfillment.ship(west.id);
    expect(captures(shop), 'still one capture').toEqual([total]);
    expect((await reload(shop.ff, order.id)).payment).toMatchObject({ captured: total, refunded: 1000 });
  });
});
