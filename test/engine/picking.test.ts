// Step 4, picking: batched, bin-sorted pick lists per location, and pick
// confirmation with short picks backordered or cancelled per policy.
import { describe, expect, it } from 'vitest';
import { expectCode, makeShop, orderFor, pickAndPack, reload, shipmentOf, stock, storeState } from '../helpers/shop.js';

describe('fulfillment.pickList', () => {
  it('batches the shipments of a location into bin-sorted rows naming the shipments they serve', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 10, CAP: 10, TEE: 10 }, { MUG: 'C-02-1', CAP: 'A-10-3', TEE: 'A-02-1' });
    await stock(ff, 'west', { MUG: 10 });
    const a = await ff.orders.place(orderFor({ MUG: 1, CAP: 2 }));
    const b = await ff.orders.place(orderFor({ MUG: 3, TEE: 1 }));
    const c = await ff.orders.place(orderFor({ MUG: 8 })); // the 6 left east + 2 west
    const sa = shipmentOf(a).id;
    const sb = shipmentOf(b).id;
    const sc = shipmentOf(c, 'east').id;

    const list = await ff.fulfillment.pickList({ locationId: 'east' });
    expect(list.locationId).toBe('east');
    expect(new Set(list.shipmentIds)).toEqual(new Set([sa, sb, sc]));
    expect(list.rows.map((r) => [r.sku, r.bin, r.quantity])).toEqual([
      ['TEE', 'A-02-1', 1],
      ['CAP', 'A-10-3', 2],
      ['MUG', 'C-02-1', 10],
    ]);
    const mug = list.rows.find((r) => r.sku === 'MUG')!;
    expect(mug.shipments.map((s) => [s.shipmentId, s.quantity]).sort()).toEqual(
      [
        [sa, 1],
        [sb, 3],
        [sc, 6],
      ].sort(),
    );
    expect(list.totalUnits).toBe(13);

    for (const id of [a.id, b.id]) expect(shipmentOf(await reload(ff, id)).status).toBe('picking');
    expect(shipmentOf(await reload(ff, c.id), 'west').status).toBe('pending');
    expect((await ff.fulfillment.pickList({ locationId: 'east' })).shipmentIds).toEqual([]);
    expect((await ff.fulfillment.pickList({ locationId: 'west' })).shipmentIds).toEqual([shipmentOf(c, 'west').id]);
  });

  it('respects the limit and leaves the rest for the next list', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 10 });
    for (let i = 0; i < 3; i++) await ff.orders.place(orderFor({ MUG: 1 }));
    expect((await ff.fulfillment.pickList({ locationId: 'east', limit: 2 })).shipmentIds).toHaveLength(2);
    expect((await ff.fulfillment.pickList({ locationId: 'east', limit: 2 })).shipmentIds).toHaveLength(1);
  });

  it('does not list orders that are unpaid', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 10 });
    await ff.orders.place(orderFor({ MUG: 1 }, { payment: { method: 'tok_decline' } }));
    expect((await ff.fulfillment.pickList({ locationId: 'east' })).shipmentIds).toEqual([]);
  });

  it('refuses an unknown location', async () => {
    const { ff } = makeShop();
    await expectCode(ff.fulfillment.pickList({ locationId: 'mars' }), 'NOT_FOUND');
  });
});

describe('fulfillment.confirmPick', () => {
  it('a full pick records picked quantities and keeps the order processing', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    const { order: after } = await ff.fulfillment.confirmPick(shipmentOf(order).id, { lines: [{ sku: 'MUG', quantity: 2 }] });
    expect(after.status).toBe('processing');
    expect(shipmentOf(after).lines).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 2, picked: 2 })]);
  });

  it("a short pick under 'backorder' backorders the missing units, corrects stock, and a receipt fills them", async () => {
    const { ff, notifier } = makeShop({ policy: { backorders: true, shortPick: 'backorder' } });
    await stock(ff, 'east', { MUG: 3 });
    const order = await ff.orders.place(orderFor({ MUG: 3 }));
    const shipmentId = shipmentOf(order).id;
    await ff.fulfillment.pickList({ locationId: 'east' });

    const { order: short } = await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    expect(short.status).toBe('backordered');
    expect(short.lines[0]).toMatchObject({ quantity: 3, backordered: 1, cancelled: 0 });
    expect(shipmentOf(short).lines).toEqual([expect.objectContaining({ quantity: 2, picked: 2 })]);
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 2, reserved: 2 });
    await ff.outbox.dispatch();
    expect(notifier.sent({ template: 'order.backordered' })).toHaveLength(1);

    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 1 });
    const filled = await reload(ff, order.id);
    expect(filled.status).toBe('processing');
    expect(filled.lines[0]?.backordered).toBe(0);
    const pending = filled.shipments.filter((s) => s.status === 'pending');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.lines).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 1 })]);
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 3, reserved: 3 });
    expect(await ff.inventory.reconcile()).toEqual([]);
  });

  it("a short pick under 'cancel' cancels the missing units and refunds them when already captured", async () => {
    const { ff, payments, notifier } = makeShop({ policy: { capture: 'on_place', shortPick: 'cancel' } });
    await stock(ff, 'east', { MUG: 3 });
    const order = await ff.orders.place(orderFor({ MUG: 3 }));
    expect(order.payment.captured).toBe(3000);

    const { order: short } = await ff.fulfillment.confirmPick(shipmentOf(order).id, { lines: [{ sku: 'MUG', quantity: 2 }] });
    expect(short.status).toBe('processing');
    expect(short.lines[0]).toMatchObject({ cancelled: 1, backordered: 0 });
    expect(short.payment).toMatchObject({ refunded: 1000, status: 'partially_refunded' });
    expect(payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount)).toEqual([1000]);
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 2, reserved: 2 });
    await ff.outbox.dispatch();
    expect(notifier.sent({ template: 'payment.refunded' })).toHaveLength(1);
    expect(notifier.sent({ template: 'order.cancelled' })).toHaveLength(1);
  });

  it("a short pick under 'cancel' after another shipment was charged refunds nothing that was charged for shipped goods", async () => {
    const { ff, payments } = makeShop({ policy: { shortPick: 'cancel' } });
    await stock(ff, 'east', { MUG: 2 });
    await stock(ff, 'west', { MUG: 2 });
    const order = await ff.orders.place(orderFor({ MUG: 4 }));
    await pickAndPack(ff, shipmentOf(order, 'east'));
    await ff.fulfillment.ship(shipmentOf(order, 'east').id);
    const west = shipmentOf(order, 'west');
    const { order: short } = await ff.fulfillment.confirmPick(west.id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    expect(short.payment).toMatchObject({ captured: 2000, refunded: 0 });
    await ff.fulfillment.pack(west.id);
    await ff.fulfillment.ship(west.id);
    const done = await reload(ff, order.id);
    expect(done.status).toBe('shipped');
    expect(done.payment).toMatchObject({ captured: 3000, refunded: 0 });
    expect(payments.ledger().filter((e) => e.operation === 'refund')).toEqual([]);
  });

  it('picking nothing with capture on_place refunds everything, shipping included', async () => {
    const { ff } = makeShop({ policy: { capture: 'on_place' } });
    await stock(ff, 'east', { MUG: 2 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }, { shipping: { speed: 'standard', price: { amount: 500, currency: 'USD' } } }));
    const { order: after } = await ff.fulfillment.confirmPick(shipmentOf(order).id, { lines: [] });
    expect(after.status).toBe('cancelled');
    expect(after.payment).toMatchObject({ captured: 2500, refunded: 2500, status: 'refunded' });
  });

  it('picking nothing at all cancels the shipment and the order', async () => {
    const { ff, payments } = makeShop();
    await stock(ff, 'east', { MUG: 2 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    const { order: after } = await ff.fulfillment.confirmPick(shipmentOf(order).id, { lines: [] });
    expect(shipmentOf(after).status).toBe('cancelled');
    expect(after.status).toBe('cancelled');
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 0, reserved: 0 });
    // Nothing will ship, so the authorization must not stay open.
    expect(payments.payments()[0]?.status).toBe('voided');
  });

  it('an invalid confirmation is VALIDATION_FAILED and changes nothing', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 3 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
    const shipmentId = shipmentOf(order).id;
    const before = await storeState(shop, ['MUG', 'CAP']);

    await expectCode(shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'CAP', quantity: 1 }] }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 3 }] }), 'VALIDATION_FAILED');
    await expectCode(
      shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'MUG', quantity: 2 }] }),
      'VALIDATION_FAILED',
    );
    await expectCode(shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: -1 }] }), 'VALIDATION_FAILED');
    await expectCode(shop.ff.fulfillment.confirmPick('shp_nope', { lines: [] }), 'NOT_FOUND');
    expect(await storeState(shop, ['MUG', 'CAP'])).toEqual(before);
  });

  it('confirming a packed shipment is INVALID_TRANSITION', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 3 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    const shipmentId = shipmentOf(order).id;
    await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }] });
    await ff.fulfillment.pack(shipmentId);
    await expectCode(ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }] }), 'INVALID_TRANSITION');
  });
});
