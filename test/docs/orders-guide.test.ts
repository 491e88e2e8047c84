// What docs/guides/orders-and-returns.md says, checked: get returns null, holds
// leave the pick list, shipment fields, tracking.record and duplicates, returns
// with restock and refund, declines as results.
import { describe, expect, it } from 'vitest';
import { EAST, makeShop, orderFor } from '../helpers/shop.js';

describe('orders after checkout, as the guide describes them', () => {
  it('from hold to return', async () => {
    const { ff, clock } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 10 });
    const placed = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    expect(await ff.orders.get('ord_missing')).toBeNull();

    const held = await ff.orders.hold(placed.id, { reason: 'fraud check' });
    expect(held).toMatchObject({ status: 'on_hold', hold: { reason: 'fraud check' } });
    expect((await ff.fulfillment.pickList({ locationId: EAST.id })).shipmentIds).toEqual([]);
    expect((await ff.orders.releaseHold(placed.id)).status).toBe('processing');

    const list = await ff.fulfillment.pickList({ locationId: EAST.id });
    expect(list.shipmentIds).toHaveLength(1);
    const [shipmentId] = list.shipmentIds as [string];
    const lines = list.rows.flatMap((row) => row.shipments.filter((s) => s.shipmentId === shipmentId).map((s) => ({ sku: row.sku, quantity: s.quantity })));
    await ff.fulfillment.confirmPick(shipmentId, { lines });
    await ff.fulfillment.pack(shipmentId);
    const { order, shipment } = await ff.fulfillment.ship(shipmentId);
    expect(order.status).toBe('shipped');
    expect(shipment.rate?.carrierId).toBe('sandbox');
    expect(shipment.label?.trackingNumber).toMatch(/\S/);
    const err = await ff.orders.hold(placed.id, { reason: 'too late' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_TRANSITION' });

    const scan = {
      carrierId: shipment.rate!.carrierId,
      trackingNumber: shipment.label!.trackingNumber,
      status: 'delivered' as const,
      occurredAt: clock.iso(),
      eventId: 'scan-1',
    };
    expect(await ff.tracking.record(scan)).toMatchObject({ applied: true, shipment: { status: 'delivered' } });
    expect((await ff.tracking.record(scan)).applied).toBe(false);
    expect((await ff.orders.get(placed.id))?.status).toBe('delivered');
    await expect(ff.tracking.record({ ...scan, trackingNumber: 'UNKNOWN1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const rma = await ff.returns.request(placed.id, { lines: [{ sku: 'TEE-M', quantity: 1 }], reason: 'too small' });
    expect(rma.status).toBe('approved');
    const received = await ff.returns.receive(rma.id, { lines: [{ sku: 'TEE-M', quantity: 1, restock: true }] });
    expect(received).toMatchObject({ status: 'refunded', refund: { amount: placed.lines[0]?.unitPrice.amount, currency: placed.currency } });
    expect((await ff.orders.get(placed.id))?.status).toBe('partially_returned');
    expect((await ff.inventory.level('TEE-M')).onHand).toBe(9);
    expect((await ff.inventory.ledger('TEE-M')).at(-1)).toMatchObject({ type: 'returned', onHandDelta: 1 });
  });
});
