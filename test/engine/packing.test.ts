// Step 5, packing: cartonization from the box catalog or the packer's own
// parcels, special handling carried to parcels and the packing slip.
import { describe, expect, it } from 'vitest';
import { defaultBoxes } from '../../src/packing/default-boxes.js';
import { expectCode, makeShop, orderFor, shipmentOf, stock } from '../helpers/shop.js';

async function pickedShipment(extra: Parameters<typeof orderFor>[1] = {}, units: Record<string, number> = { MUG: 2 }) {
  const shop = makeShop();
  await stock(shop.ff, 'east', { MUG: 10, VASE: 10 });
  const order = await shop.ff.orders.place(orderFor(units, extra));
  const shipment = shipmentOf(order);
  await shop.ff.fulfillment.confirmPick(shipment.id, { lines: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
  return { ...shop, order, shipmentId: shipment.id };
}

describe('fulfillment.pack', () => {
  it('cartonizes from the default boxes when no parcels are given', async () => {
    const { ff, shipmentId } = await pickedShipment();
    const result = await ff.fulfillment.pack(shipmentId);
    expect(result.shipment.status).toBe('packed');
    expect(result.shipment.parcels.length).toBeGreaterThan(0);
    const boxIds = new Set(defaultBoxes.map((b) => b.id));
    for (const parcel of result.shipment.parcels) expect(boxIds.has(parcel.boxId ?? '')).toBe(true);
    const packed = result.shipment.parcels.flatMap((p) => p.items).reduce((n, i) => n + i.quantity, 0);
    expect(packed).toBe(2);
    // Two 400 g mugs plus the carton's own weight.
    const grams = result.shipment.parcels.reduce((n, p) => n + (p.weight.unit === 'kg' ? p.weight.value * 1000 : p.weight.value), 0);
    expect(grams).toBeGreaterThan(800);
  });

  it("uses the packer's parcels when given", async () => {
    const { ff, shipmentId } = await pickedShipment();
    const parcel = {
      dimensions: { length: 30, width: 20, height: 10, unit: 'cm' as const },
      weight: { value: 1.1, unit: 'kg' as const },
      items: [{ sku: 'MUG', quantity: 2 }],
    };
    const result = await ff.fulfillment.pack(shipmentId, { parcels: [parcel] });
    expect(result.shipment.parcels).toEqual([{ ...parcel, fragile: false, giftWrap: false }]);
    expect(result.packingSlip.parcelCount).toBe(1);
  });

  it('carries fragile and gift-wrap lines to parcels and the slip, with the gift message', async () => {
    const input = orderFor({ MUG: 1, VASE: 1 }, { giftMessage: 'Happy birthday, Ada!', notes: 'Leave at the door' });
    input.lines[1] = { ...input.lines[1]!, fragile: true, giftWrap: true, name: 'Glass vase' };
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 10, VASE: 10 });
    const order = await shop.ff.orders.place(input);
    const shipment = shipmentOf(order);
    await shop.ff.fulfillment.confirmPick(shipment.id, { lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'VASE', quantity: 1 }] });

    const { shipment: packed, packingSlip } = await shop.ff.fulfillment.pack(shipment.id);
    const vaseParcel = packed.parcels.find((p) => p.items.some((i) => i.sku === 'VASE'));
    expect(vaseParcel).toMatchObject({ fragile: true, giftWrap: true });
    expect(packingSlip.giftMessage).toBe('Happy birthday, Ada!');
    expect(packingSlip.orderId).toBe(order.id);
    expect(packingSlip.totalUnits).toBe(2);
    const rows = packingSlip.parcels.flatMap((p) => p.contents);
    expect(rows.find((r) => r.sku === 'VASE')).toMatchObject({ fragile: true, giftWrap: true, name: 'Glass vase' });
    expect(rows.find((r) => r.sku === 'MUG')).toMatchObject({ fragile: false, giftWrap: false });
    expect(packingSlip.instructions.join(' ').toLowerCase()).toMatch(/fragile/);
  });

  it('packing an already packed shipment is INVALID_TRANSITION and keeps the first parcels', async () => {
    const { ff, shipmentId, order } = await pickedShipment();
    const first = await ff.fulfillment.pack(shipmentId);
    const error = await expectCode(ff.fulfillment.pack(shipmentId), 'INVALID_TRANSITION');
    expect(error.details).toMatchObject({ status: 'packed' });
    const after = await ff.orders.get(order.id);
    expect(shipmentOf(after!).parcels).toEqual(first.shipment.parcels);
    expect(after?.version).toBe(first.order.version);
  });

  it('refuses parcels that do not match the schema', async () => {
    const { ff, shipmentId } = await pickedShipment();
    await expectCode(ff.fulfillment.pack(shipmentId, { parcels: [] }), 'VALIDATION_FAILED');
    await expectCode(ff.fulfillment.pack(shipmentId, { parcels: [{ weight: { value: 1, unit: 'kg' } } as never] }), 'VALIDATION_FAILED');
    await expectCode(ff.fulfillment.pack('shp_missing'), 'NOT_FOUND');
  });

  it('a unit heavier than any parcel may be is VALIDATION_FAILED', async () => {
    const input = orderFor({ MUG: 1 });
    input.lines[0] = { ...input.lines[0]!, weight: { value: 400, unit: 'kg' } };
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 1 });
    const order = await shop.ff.orders.place(input);
    await shop.ff.fulfillment.confirmPick(shipmentOf(order).id, { lines: [{ sku: 'MUG', quantity: 1 }] });
    const error = await expectCode(shop.ff.fulfillment.pack(shipmentOf(order).id), 'VALIDATION_FAILED');
    expect(error.details.unpacked).toEqual([expect.objectContaining({ sku: 'MUG' })]);
    expect(shipmentOf((await shop.ff.orders.get(order.id))!).status).toBe('picking');
  });
});
