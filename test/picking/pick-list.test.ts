import { describe, expect, it } from 'vitest';
import { buildPickList, compareBins } from '../../src/picking/pick-list.js';

// A small warehouse: aisles A-C, bays 1-12, levels 1-3.
const bins = new Map<string, string | null>([
  ['TEE-S', 'A-02-1'],
  ['TEE-M', 'A-10-2'],
  ['MUG', 'B-03-1'],
  ['CAP', 'B-11-1'],
  ['SOCKS', 'C-01-3'],
  ['BAG', 'C-07-1'],
  ['POSTER', null],
]);

describe('buildPickList', () => {
  it('batches one SKU across shipments into a single row', () => {
    const list = buildPickList({
      locationId: 'east',
      bins,
      shipments: [
        { shipmentId: 's1', orderId: 'o1', lines: [{ lineId: 'l1', sku: 'MUG', quantity: 2 }] },
        { shipmentId: 's2', orderId: 'o2', lines: [{ lineId: 'l7', sku: 'MUG', quantity: 1 }] },
      ],
    });
    expect(list).toEqual({
      locationId: 'east',
      rows: [
        {
          sku: 'MUG',
          bin: 'B-03-1',
          quantity: 3,
          shipments: [
            { shipmentId: 's1', orderId: 'o1', lineId: 'l1', quantity: 2 },
            { shipmentId: 's2', orderId: 'o2', lineId: 'l7', quantity: 1 },
          ],
        },
      ],
      shipmentIds: ['s1', 's2'],
      totalUnits: 3,
    });
  });

  it('orders rows along the serpentine path with unbinned SKUs last', () => {
    const list = buildPickList({
      locationId: 'east',
      bins,
      shipments: [
        {
          shipmentId: 's1',
          orderId: 'o1',
          lines: [
            { lineId: 'a', sku: 'POSTER', quantity: 1 },
            { lineId: 'b', sku: 'BAG', quantity: 1 },
            { lineId: 'c', sku: 'MUG', quantity: 1 },
            { lineId: 'd', sku: 'TEE-M', quantity: 1 },
          ],
        },
        {
          shipmentId: 's2',
          orderId: 'o2',
          lines: [
            { lineId: 'e', sku: 'SOCKS', quantity: 4 },
            { lineId: 'f', sku: 'CAP', quantity: 1 },
            { lineId: 'g', sku: 'TEE-S', quantity: 2 },
            { lineId: 'h', sku: 'UNKNOWN', quantity: 1 },
          ],
        },
      ],
    });
    // A up (2, 10), B down (11, 3), C up (1, 7), then no bin: POSTER, UNKNOWN by SKU.
    expect(list.rows.map((r) => [r.sku, r.bin])).toEqual([
      ['TEE-S', 'A-02-1'],
      ['TEE-M', 'A-10-2'],
      ['CAP', 'B-11-1'],
      ['MUG', 'B-03-1'],
      ['SOCKS', 'C-01-3'],
      ['BAG', 'C-07-1'],
      ['POSTER', null],
      ['UNKNOWN', null],
    ]);
    expect(list.totalUnits).toBe(12);
    expect(list.shipmentIds).toEqual(['s1', 's2']);
  });

  it('alternates direction over the aisles this list visits', () => {
    const list = buildPickList({
      locationId: 'east',
      bins,
      shipments: [
        {
          shipmentId: 's1',
          orderId: 'o1',
          lines: [
            { lineId: 'a', sku: 'TEE-S', quantity: 1 },
            { lineId: 'b', sku: 'SOCKS', quantity: 1 },
            { lineId: 'c', sku: 'BAG', quantity: 1 },
          ],
        },
      ],
    });
    // Nothing in aisle B, so C is walked second: descending.
    expect(list.rows.map((r) => r.bin)).toEqual(['A-02-1', 'C-07-1', 'C-01-3']);
  });

  it('keeps separate lines of one shipment apart within the row and skips empty lines', () => {
    const list = buildPickList({
      locationId: 'east',
      bins,
      shipments: [
        {
          shipmentId: 's1',
          orderId: 'o1',
          lines: [
            { lineId: 'l1', sku: 'CAP', quantity: 1 },
            { lineId: 'l2', sku: 'CAP', quantity: 2 },
            { lineId: 'l3', sku: 'MUG', quantity: 0 },
          ],
        },
      ],
    });
    expect(list.rows).toHaveLength(1);
    expect(list.rows[0]?.quantity).toBe(3);
    expect(list.rows[0]?.shipments.map((s) => s.lineId)).toEqual(['l1', 'l2']);
  });

  it('returns an empty list for no shipments', () => {
    expect(buildPickList({ locationId: 'x', bins, shipments: [] })).toEqual({
      locationId: 'x',
      rows: [],
      shipmentIds: [],
      totalUnits: 0,
    });
  });

  it('re-exports compareBins for hosts that sort their own lists', () => {
    expect(compareBins('A-1-1', null)).toBeLessThan(0);
  });
});
