// confirmPick, pack and ship return one shape: the order as the command left it
// and the shipment acted on, taken from that order.
import { describe, expect, it } from 'vitest';
import { EAST, makeShop, orderFor } from '../helpers/shop.js';

describe('shipment-scoped commands return { order, shipment }', () => {
  it('each step shows the order status and the shipment it moved', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 5 });
    const placed = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    const [shipmentId] = (await ff.fulfillment.pickList({ locationId: EAST.id })).shipmentIds;
    if (!shipmentId) throw new Error('no shipment to pick');

    const picked = await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }] });
    expect(picked.order.id).toBe(placed.id);
    expect(picked.shipment.id).toBe(shipmentId);
    expect(picked.shipment.lines[0]?.picked).toBe(2);

    const packed = await ff.fulfillment.pack(shipmentId);
    expect(packed.shipment.status).toBe('packed');
    expect(packed.packingSlip).toBeDefined();

    const shipped = await ff.fulfillment.ship(shipmentId);
    expect(shipped.order.status).toBe('shipped');
    expect(shipped.shipment.status).toBe('shipped');
    expect(shipped.shipment.label?.trackingNumber).toMatch(/\S/);
    expect(shipped.order.shipments.find((s) => s.id === shipmentId)).toEqual(shipped.shipment);
    expect(await ff.orders.get(placed.id)).toEqual(shipped.order);
  });

  it('a short pick returns the order with the shortfall applied', async () => {
    const { ff } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: EAST.id, quantity: 5 });
    const placed = await ff.orders.place(orderFor({ 'TEE-M': 3 }));
    const [shipmentId] = (await ff.fulfillment.pickList({ locationId: EAST.id })).shipmentIds;
    const { order, shipment } = await ff.fulfillment.confirmPick(shipmentId as string, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    expect(order.id).toBe(placed.id);
    expect(shipment.id).toBe(shipmentId);
    expect(order).toEqual(await ff.orders.get(placed.id));
  });
});
