import { describe, expect, it } from 'vitest';
import type { Parcel } from '../../src/domain/shipment.js';
import { packingSlip } from '../../src/packing/packing-slip.js';

function parcel(items: { sku: string; quantity: number }[], extra: Partial<Parcel> = {}): Parcel {
  return {
    boxId: 'carton-s',
    dimensions: { length: 25, width: 18, height: 10, unit: 'cm' },
    weight: { value: 1.2, unit: 'kg' },
    items,
    fragile: false,
    giftWrap: false,
    ...extra,
  };
}

describe('packingSlip', () => {
  it('lists each parcel with its lines and flags, and tells the packer what to do', () => {
    const slip = packingSlip({
      orderId: 'o1',
      reference: '#1001',
      shipmentId: 's1',
      giftMessage: 'Happy birthday, Ada!',
      notes: 'Leave with the neighbour ',
      parcels: [parcel([{ sku: 'TEE', quantity: 2 }]), parcel([{ sku: 'MUG', quantity: 1 }], { fragile: true, giftWrap: true })],
      lines: [
        { lineId: 'l1', sku: 'TEE', name: 'T-shirt', quantity: 2 },
        { lineId: 'l2', sku: 'MUG', name: 'Mug', quantity: 1, fragile: true, giftWrap: true },
      ],
    });
    expect(slip.parcelCount).toBe(2);
    expect(slip.totalUnits).toBe(3);
    expect(slip.parcels[1]).toMatchObject({
      number: 2,
      fragile: true,
      giftWrap: true,
      contents: [{ lineId: 'l2', sku: 'MUG', name: 'Mug', quantity: 1, fragile: true, giftWrap: true }],
    });
    expect(slip.instructions).toEqual([
      'Parcel 2 of 2 is fragile: pad every item and apply FRAGILE labels.',
      'Gift-wrap in parcel 2: Mug (MUG) × 1.',
      'Put the gift message card in parcel 2.',
      'Customer note: Leave with the neighbour',
    ]);
    expect(slip.giftMessage).toBe('Happy birthday, Ada!');
    expect(slip.hidePrices).toBe(true);
    expect(slip.missing).toEqual([]);
  });

  it('splits one SKU across its gift-wrapped and plain lines in line order', () => {
    const slip = packingSlip({
      orderId: 'o1',
      reference: null,
      shipmentId: 's1',
      giftMessage: null,
      parcels: [parcel([{ sku: 'SOCKS', quantity: 3 }])],
      lines: [
        { lineId: 'gift', sku: 'SOCKS', name: 'Socks', quantity: 1, giftWrap: true },
        { lineId: 'plain', sku: 'SOCKS', name: 'Socks', quantity: 2 },
      ],
    });
    expect(slip.parcels[0]?.contents.map((c) => [c.lineId, c.quantity, c.giftWrap])).toEqual([
      ['gift', 1, true],
      ['plain', 2, false],
    ]);
    expect(slip.parcels[0]?.giftWrap).toBe(true);
    expect(slip.instructions).toEqual(['Gift-wrap in parcel 1: Socks (SOCKS) × 1.']);
  });

  it('flags own packaging, units no parcel holds, and parcel units no line explains', () => {
    const slip = packingSlip({
      orderId: 'o1',
      reference: null,
      shipmentId: 's1',
      giftMessage: '  ',
      parcels: [parcel([{ sku: 'SKI', quantity: 1 }], { boxId: null }), parcel([{ sku: 'EXTRA', quantity: 1 }])],
      lines: [
        { lineId: 'l1', sku: 'SKI', name: null, quantity: 1 },
        { lineId: 'l2', sku: 'POLES', name: null, quantity: 2 },
      ],
    });
    expect(slip.giftMessage).toBeNull();
    expect(slip.hidePrices).toBe(false);
    expect(slip.missing).toEqual([{ lineId: 'l2', sku: 'POLES', quantity: 2 }]);
    expect(slip.parcels[1]?.contents).toEqual([
      { lineId: null, sku: 'EXTRA', name: null, quantity: 1, fragile: false, giftWrap: false },
    ]);
    expect(slip.instructions).toEqual([
      'Parcel 1 of 2 ships in its own packaging: label it as is.',
      'Not in any parcel: POLES × 2 (line l2).',
    ]);
  });
});
