import { describe, expect, it } from 'vitest';
import { makeShop, orderFor } from '../helpers/shop.js';

describe('order lifecycle end to end', () => {
  it('takes an order from placement to delivery and a return', async () => {
    const { ff, clock, carrier, notifier, payments } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 5, bin: 'A-01-1' });
    const placed = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    expect(placed.status).toBe('processing');
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(2);

    const list = await ff.fulfillment.pickList({ locationId: 'east' });
    expect(list.rows).toHaveLength(1);
    const shipmentId = list.shipmentIds[0]!;
    await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }] });
    const packed = await ff.fulfillment.pack(shipmentId);
    expect(packed.shipment.parcels.length).toBeGreaterThan(0);
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    const level = await ff.inventory.level('TEE-M');
    expect(level).toMatchObject({ onHand: 3, reserved: 0 });
    expect(payments.payments()[0]?.captured).toBe(2000);

    clock.advance(10 * 86_400_000);
    const hooks = await carrier.webhooksSince();
    for (const hook of hooks) await ff.tracking.handleWebhook('sandbox', hook);
    const delivered = await ff.orders.get(placed.id);
    expect(delivered?.status).toBe('delivered');

    const rma = await ff.returns.request(placed.id, { lines: [{ sku: 'TEE-M', quantity: 1 }], reason: 'too small' });
    const received = await ff.returns.receive(rma.id, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    expect(received.status).toBe('refunded');
    const after = await ff.orders.get(placed.id);
    expect(after?.status).toBe('partially_returned');
    expect((await ff.inventory.level('TEE-M')).onHand).toBe(4);

    const dispatched = await ff.outbox.dispatch();
    expect(dispatched.delivered).toBeGreaterThan(0);
    const templates = notifier.messages.map((m) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['order.confirmed', 'shipment.shipped', 'shipment.delivered', 'return.received', 'payment.refunded']));
    expect(await ff.inventory.reconcile()).toEqual([]);
    const history = await ff.orders.history(placed.id);
    expect(history[0]?.type).toBe('order.placed');
  });
});
