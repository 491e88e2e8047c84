// Step 8, delivery: failed attempts, return to sender, returns with partial
// and full refunds, and cancellation before and after a partial shipment.
import { describe, expect, it } from 'vitest';
import { DAY, expectCode, fulfil, makeShop, orderFor, pickAndPack, reload, shipmentOf, stock, storeState } from '../helpers/shop.js';

async function deliverAll(shop: ReturnType<typeof makeShop>, days = 10) {
  shop.clock.advance(days * DAY);
  for (const hook of await shop.carrier.webhooksSince()) await shop.ff.tracking.handleWebhook('sandbox', hook);
}

async function deliveredOrder(shop: ReturnType<typeof makeShop>, units = 3) {
  await stock(shop.ff, 'east', { MUG: 5 });
  const placed = await shop.ff.orders.place(orderFor({ MUG: units }));
  await fulfil(shop.ff, placed.id);
  await deliverAll(shop);
  return reload(shop.ff, placed.id);
}

describe('carrier outcomes', () => {
  it('a failed attempt, then delivery', async () => {
    const shop = makeShop({}, { carrier: { scenario: 'failed_then_delivered' } });
    await stock(shop.ff, 'east', { MUG: 5 });
    const placed = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    await fulfil(shop.ff, placed.id);

    shop.clock.advance(4 * DAY + 1);
    for (const hook of await shop.carrier.webhooksSince()) await shop.ff.tracking.handleWebhook('sandbox', hook);
    let order = await reload(shop.ff, placed.id);
    expect(shipmentOf(order)).toMatchObject({ status: 'delivery_failed', failedAttempts: 1 });
    expect(order.status).toBe('shipped');

    const since = shop.clock.now();
    shop.clock.advance(2 * DAY);
    for (const hook of await shop.carrier.webhooksSince(since)) await shop.ff.tracking.handleWebhook('sandbox', hook);
    order = await reload(shop.ff, placed.id);
    expect(shipmentOf(order)).toMatchObject({ status: 'delivered', failedAttempts: 1 });
    expect(shipmentOf(order).deliveredAt).not.toBeNull();
    expect(order.status).toBe('delivered');

    await shop.ff.outbox.dispatch();
    expect(shop.notifier.sent({ template: 'shipment.delivery_failed' })).toHaveLength(1);
    expect(shop.notifier.sent({ template: 'shipment.out_for_delivery' })).toHaveLength(2);
    expect(shop.notifier.sent({ template: 'shipment.delivered' })).toHaveLength(1);
  });

  it('return to sender after repeated failed attempts', async () => {
    const shop = makeShop({}, { carrier: { scenario: 'return_to_sender' } });
    await stock(shop.ff, 'east', { MUG: 5 });
    const placed = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    await fulfil(shop.ff, placed.id);
    await deliverAll(shop, 12);
    const order = await reload(shop.ff, placed.id);
    expect(shipmentOf(order)).toMatchObject({ status: 'returned_to_sender', failedAttempts: 2 });
    expect((await shop.ff.orders.history(placed.id)).map((e) => e.type)).toContain('shipment.returned_to_sender');
    await expectCode(shop.ff.returns.request(placed.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'x' }), 'INVALID_TRANSITION');
  });
});

describe('returns', () => {
  it('refuses more than was delivered with VALIDATION_FAILED and changes nothing', async () => {
    const shop = makeShop();
    const order = await deliveredOrder(shop);
    const before = await storeState(shop, ['MUG']);
    await expectCode(shop.ff.returns.request(order.id, { lines: [{ sku: 'MUG', quantity: 4 }], reason: 'too many' }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.returns.request(order.id, { lines: [{ sku: 'CAP', quantity: 1 }], reason: 'never bought' }), 'VALIDATION_FAILED');
    expect(await storeState(shop, ['MUG'])).toEqual(before);
  });

  it('an open return counts against what may still be returned', async () => {
    const shop = makeShop();
    const order = await deliveredOrder(shop);
    await shop.ff.returns.request(order.id, { lines: [{ sku: 'MUG', quantity: 2 }], reason: 'gift' });
    await expectCode(shop.ff.returns.request(order.id, { lines: [{ sku: 'MUG', quantity: 2 }], reason: 'again' }), 'VALIDATION_FAILED');
  });

  it('refuses a return before delivery and after the return window', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const placed = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    await fulfil(shop.ff, placed.id);
    await expectCode(shop.ff.returns.request(placed.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'early' }), 'INVALID_TRANSITION');
    await deliverAll(shop);
    shop.clock.advance(31 * DAY);
    await expectCode(shop.ff.returns.request(placed.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'late' }), 'VALIDATION_FAILED');
  });

  it('returning 1 of 3 refunds one unit and leaves the order partially_returned; the rest makes it returned', async () => {
    const shop = makeShop();
    const order = await deliveredOrder(shop);
    expect(order.status).toBe('delivered');
    expect(order.payment.captured).toBe(3000);

    const one = await shop.ff.returns.request(order.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'chipped' });
    expect(one.status).toBe('approved');
    const refunded = await shop.ff.returns.receive(one.id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    expect(refunded).toMatchObject({ status: 'refunded', refund: { amount: 1000, currency: 'USD' } });
    let after = await reload(shop.ff, order.id);
    expect(after.status).toBe('partially_returned');
    expect(after.payment).toMatchObject({ refunded: 1000, status: 'partially_refunded' });
    expect(shop.payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount)).toEqual([1000]);
    expect((await shop.ff.inventory.level('MUG')).onHand).toBe(3);

    const rest = await shop.ff.returns.request(order.id, { lines: [{ sku: 'MUG', quantity: 2 }], reason: 'changed mind' });
    await shop.ff.returns.receive(rest.id, { lines: [{ sku: 'MUG', quantity: 2, restock: false }] });
    after = await reload(shop.ff, order.id);
    expect(after.status).toBe('returned');
    expect(after.payment).toMatchObject({ refunded: 3000, status: 'refunded' });
    expect(shop.payments.payments()[0]).toMatchObject({ refunded: 3000, status: 'refunded' });
    expect((await shop.ff.inventory.level('MUG')).onHand).toBe(3); // not restocked
    await expectCode(shop.ff.returns.receive(rest.id, { lines: [{ sku: 'MUG', quantity: 2 }] }), 'INVALID_TRANSITION');
    expect(shop.payments.ledger().filter((e) => e.operation === 'refund')).toHaveLength(2);
    expect(await shop.ff.inventory.reconcile()).toEqual([]);
  });
});

describe('orders.cancel', () => {
  it('before shipping: releases the stock and voids the authorization', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
    const cancelled = await shop.ff.orders.cancel(order.id, { reason: 'customer request' });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancellation?.reason).toBe('customer request');
    expect(cancelled.payment.status).toBe('voided');
    expect(shipmentOf(cancelled).status).toBe('cancelled');
    expect(shop.payments.payments()[0]?.status).toBe('voided');
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 0 });
    await shop.ff.outbox.dispatch();
    expect(shop.notifier.sent({ template: 'order.cancelled' })).toHaveLength(1);
    await expectCode(shop.ff.orders.cancel(order.id, { reason: 'again' }), 'INVALID_TRANSITION');
    expect(shop.payments.ledger().filter((e) => e.operation === 'void')).toHaveLength(1);
  });

  it('before shipping with capture on_place: refunds in full', async () => {
    const shop = makeShop({ policy: { capture: 'on_place' } });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 2 }, { shipping: { speed: 'standard', price: { amount: 499, currency: 'USD' } } }));
    const cancelled = await shop.ff.orders.cancel(order.id, { reason: 'fraud' });
    expect(cancelled.payment).toMatchObject({ captured: 2499, refunded: 2499, status: 'refunded' });
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ reserved: 0 });
  });

  it('with a label bought but not shipped: voids the label too', async () => {
    const shop = makeShop({}, { payment: { failures: { capture: 3 } } });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    await pickAndPack(shop.ff, shipmentOf(order));
    await expectCode(shop.ff.fulfillment.ship(shipmentOf(order).id), 'ADAPTER_ERROR');
    const label = shipmentOf(await reload(shop.ff, order.id)).label!;
    await shop.ff.orders.cancel(order.id, { reason: 'card problem' });
    const events = shop.carrier.schedule(label.trackingNumber).map((e) => e.status);
    expect(events).toContain('cancelled');
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('an unpaid order can be cancelled and its stock comes back', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    expect((await shop.ff.orders.cancel(order.id, { reason: 'gave up' })).status).toBe('cancelled');
    expect((await shop.ff.inventory.level('MUG')).reserved).toBe(0);
  });

  it('after a partial shipment: cancels only the unshipped part and charges only what shipped', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 2 });
    await stock(shop.ff, 'west', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 3 }));
    const east = shipmentOf(order, 'east');
    await pickAndPack(shop.ff, east);
    await shop.ff.fulfillment.ship(east.id);
    expect((await reload(shop.ff, order.id)).status).toBe('partially_shipped');

    const after = await shop.ff.orders.cancel(order.id, { reason: 'rest no longer wanted' });
    expect(after.status).toBe('shipped');
    expect(shipmentOf(after, 'east').status).toBe('shipped');
    expect(shipmentOf(after, 'west').status).toBe('cancelled');
    expect(after.lines[0]).toMatchObject({ shipped: 2, cancelled: 1 });
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 0 });
    // The two shipped mugs were charged; the cancelled one never was, so nothing is refunded.
    const paid = shop.payments.payments()[0]!;
    expect(paid.captured - paid.refunded).toBe(2000);
    expect(after.payment.captured - after.payment.refunded).toBe(2000);
    expect(await shop.ff.inventory.reconcile()).toEqual([]);
  });

  it('after a partial shipment with capture on_place: refunds the cancelled units', async () => {
    const shop = makeShop({ policy: { capture: 'on_place' } });
    await stock(shop.ff, 'east', { MUG: 2 });
    await stock(shop.ff, 'west', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 3 }));
    const east = shipmentOf(order, 'east');
    await pickAndPack(shop.ff, east);
    await shop.ff.fulfillment.ship(east.id);
    const after = await shop.ff.orders.cancel(order.id, { reason: 'rest no longer wanted' });
    expect(after.payment).toMatchObject({ captured: 3000, refunded: 1000, status: 'partially_refunded' });
  });
});
