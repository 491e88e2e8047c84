import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFulfillmentError } from '../../src/domain/errors.js';
import type { Box } from '../../src/domain/shipment.js';
import { toCentimetres, toGrams } from '../../src/domain/units.js';
import { cartonize, findCartonizeProblems, type PackItem } from '../../src/packing/cartonize.js';
import { defaultBoxes } from '../../src/packing/default-boxes.js';

function box(id: string, l: number, w: number, h: number, maxKg = 30, tareG = 200): Box {
  return {
    id,
    name: id,
    dimensions: { length: l, width: w, height: h, unit: 'cm' },
    tareWeight: { value: tareG, unit: 'g' },
    maxWeight: { value: maxKg, unit: 'kg' },
  };
}

function item(sku: string, quantity: number, cm: [number, number, number], grams: number, extra: Partial<PackItem> = {}): PackItem {
  return {
    sku,
    quantity,
    weight: { value: grams, unit: 'g' },
    dimensions: { length: cm[0], width: cm[1], height: cm[2], unit: 'cm' },
    ...extra,
  };
}

describe('cartonize', () => {
  it('packs eight 10 cm cubes into one 20 cm cube, and a ninth into a second box', () => {
    const cube20 = box('cube-20', 20, 20, 20);
    const eight = cartonize([item('CUBE', 8, [10, 10, 10], 100)], [cube20]);
    expect(eight.parcels).toEqual([
      {
        boxId: 'cube-20',
        dimensions: { length: 20, width: 20, height: 20, unit: 'cm' },
        weight: { value: 1, unit: 'kg' },
        items: [{ sku: 'CUBE', quantity: 8 }],
        fragile: false,
        giftWrap: false,
      },
    ]);
    expect(eight.unpacked).toEqual([]);
    expect(findCartonizeProblems(eight)).toEqual([]);
    const nine = cartonize([item('CUBE', 9, [10, 10, 10], 100)], [cube20]);
    expect(nine.parcels.map((p) => p.items)).toEqual([[{ sku: 'CUBE', quantity: 8 }], [{ sku: 'CUBE', quantity: 1 }]]);
  });

  it('opens one bigger carton rather than many small ones when the bigger one takes everything', () => {
    const catalog = [box('cube-10', 10, 10, 10), box('cube-20', 20, 20, 20)];
    expect(cartonize([item('CUBE', 8, [10, 10, 10], 100)], catalog).parcels.map((p) => p.boxId)).toEqual(['cube-20']);
    expect(cartonize([item('CUBE', 1, [10, 10, 10], 100)], catalog).parcels.map((p) => p.boxId)).toEqual(['cube-10']);
  });

  it('turns a rod that only fits standing up', () => {
    const tall = box('tube', 10, 10, 60);
    const result = cartonize([item('ROD', 1, [55, 4, 4], 300)], [tall]);
    expect(result.parcels[0]?.boxId).toBe('tube');
    expect(result.layouts[0]?.placements[0]).toMatchObject({ x: 0, y: 0, z: 0, height: 55 });
    expect(findCartonizeProblems(result)).toEqual([]);
  });

  it('fills a box in layers when items must be rotated to fit side by side', () => {
    // Four 20×10×5 tiles fill a 20×20×10 box only if they lie in two layers of two.
    const result = cartonize([item('TILE', 4, [5, 20, 10], 50)], [box('flat', 20, 20, 10)]);
    expect(result.parcels).toHaveLength(1);
    expect(findCartonizeProblems(result)).toEqual([]);
  });

  it('respects maxWeight including the tare, which forces a second box', () => {
    const light = box('light', 40, 40, 40, 2, 200);
    const result = cartonize([item('BRICK', 3, [10, 10, 10], 800)], [light]);
    expect(result.parcels.map((p) => p.items[0]?.quantity)).toEqual([2, 1]);
    expect(result.parcels.map((p) => p.weight)).toEqual([
      { value: 1.8, unit: 'kg' },
      { value: 1, unit: 'kg' },
    ]);
    // A heavier carton leaves room for only one brick: 500 g + 2 × 800 g > 2 kg.
    const heavy = box('heavy', 40, 40, 40, 2, 500);
    expect(cartonize([item('BRICK', 3, [10, 10, 10], 800)], [heavy]).parcels.map((p) => p.items[0]?.quantity)).toEqual([1, 1, 1]);
  });

  it('ships an item larger than every box in its own packaging', () => {
    const result = cartonize([item('SKI', 1, [170, 20, 10], 2500)], defaultBoxes);
    expect(result.parcels).toEqual([
      {
        boxId: null,
        dimensions: { length: 170, width: 20, height: 10, unit: 'cm' },
        weight: { value: 2500, unit: 'g' },
        items: [{ sku: 'SKI', quantity: 1 }],
        fragile: false,
        giftWrap: false,
      },
    ]);
  });

  it('lists units above the parcel weight limit as unpacked freight', () => {
    const anvil = item('ANVIL', 2, [80, 60, 60], 90_000);
    const result = cartonize([anvil], defaultBoxes);
    expect(result.parcels).toEqual([]);
    expect(result.unpacked).toEqual([{ sku: 'ANVIL', quantity: 2, reason: expect.stringContaining('freight') }]);
    const allowed = cartonize([anvil], defaultBoxes, { maxParcelWeight: { value: 100, unit: 'kg' } });
    expect(allowed.parcels.map((p) => p.boxId)).toEqual([null, null]);
  });

  it('keeps fragile units apart from other goods and carries the gift-wrap flag', () => {
    const result = cartonize(
      [
        item('TEE', 2, [25, 20, 3], 200),
        item('MUG', 1, [12, 9, 10], 350, { fragile: true, giftWrap: true }),
      ],
      defaultBoxes,
    );
    expect(result.parcels.map((p) => [p.items, p.fragile, p.giftWrap])).toEqual([
      [[{ sku: 'TEE', quantity: 2 }], false, false],
      [[{ sku: 'MUG', quantity: 1 }], true, true],
    ]);
  });

  it('uses default dimensions and weight where an item has none, and says so', () => {
    const result = cartonize([{ sku: 'MYSTERY', quantity: 1, weight: null, dimensions: null }], [box('b', 30, 30, 30)], {
      defaultItemWeight: { value: 2, unit: 'kg' },
      defaultItemDimensions: { length: 30, width: 30, height: 30, unit: 'cm' },
    });
    expect(result.parcels[0]?.weight).toEqual({ value: 2.2, unit: 'kg' });
    expect(result.estimated).toEqual([{ sku: 'MYSTERY', weight: true, dimensions: true }]);
    const tooBig = cartonize([{ sku: 'MYSTERY', quantity: 1, weight: null, dimensions: null }], [box('b', 10, 10, 10)], {
      defaultItemDimensions: { length: 30, width: 30, height: 30, unit: 'cm' },
    });
    expect(tooBig.parcels[0]?.boxId).toBeNull();
  });

  it('converts inches and pounds', () => {
    const inchBox: Box = {
      id: 'in-box',
      name: '8 in cube',
      dimensions: { length: 8, width: 8, height: 8, unit: 'in' },
      tareWeight: { value: 0.5, unit: 'lb' },
      maxWeight: { value: 10, unit: 'lb' },
    };
    // 20 cm is 7.87 in: fits. 21 cm is 8.27 in: does not.
    expect(cartonize([item('A', 1, [20, 20, 20], 453.59237)], [inchBox]).parcels[0]).toMatchObject({
      boxId: 'in-box',
      weight: { value: 1.5, unit: 'lb' },
    });
    expect(cartonize([item('A', 1, [21, 20, 20], 100)], [inchBox]).parcels[0]?.boxId).toBeNull();
  });

  it('honours fillRatio', () => {
    const result = cartonize([item('CUBE', 8, [10, 10, 10], 100)], [box('cube-20', 20, 20, 20)], { fillRatio: 0.5 });
    expect(result.parcels.map((p) => p.items[0]?.quantity)).toEqual([4, 4]);
  });

  it('rejects a bad fillRatio, a bad box and a bad quantity', () => {
    const cube = item('CUBE', 1, [10, 10, 10], 100);
    expect(() => cartonize([cube], defaultBoxes, { fillRatio: 0 })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
    const broken = { ...box('x', 10, 10, 10), dimensions: { length: -1, width: 1, height: 1, unit: 'cm' } } as Box;
    expect(() => cartonize([cube], [broken])).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
    try {
      cartonize([{ ...cube, quantity: 1.5 }], defaultBoxes);
      expect.unreachable();
    } catch (err) {
      expect(isFulfillmentError(err, 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it('with no catalog ships every unit in its own packaging', () => {
    expect(cartonize([item('A', 2, [5, 5, 5], 10)], []).parcels.map((p) => p.boxId)).toEqual([null, null]);
  });
});

describe('cartonize (property)', () => {
  const arbitraryItems = fc.array(
    fc.record({
      sku: fc.constantFrom('A', 'B', 'C', 'D'),
      quantity: fc.integer({ min: 1, max: 6 }),
      cm: fc.tuple(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 1, max: 35 }), fc.integer({ min: 1, max: 30 })),
      grams: fc.integer({ min: 1, max: 12_000 }),
      fragile: fc.boolean(),
      giftWrap: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  );
  const arbitraryCatalog = fc.oneof(
    fc.constant(defaultBoxes),
    fc.array(
      fc
        .record({ l: fc.integer({ min: 5, max: 50 }), w: fc.integer({ min: 5, max: 50 }), h: fc.integer({ min: 5, max: 50 }), kg: fc.integer({ min: 1, max: 25 }) })
        .map(({ l, w, h, kg }) => box(`b${l}x${w}x${h}x${kg}`, l, w, h, kg)),
      { minLength: 1, maxLength: 4 },
    ),
  );

  it('places every unit exactly once, within weight, volume and walls, without overlaps', () => {
    fc.assert(
      fc.property(arbitraryItems, arbitraryCatalog, (raw, catalog) => {
        // One dimension/weight per SKU, as products have.
        const bySku = new Map<string, (typeof raw)[number]>(raw.map((r) => [r.sku, r]));
        const items = raw.map((r) => {
          const first = bySku.get(r.sku)!;
          return item(r.sku, r.quantity, first.cm, first.grams, { fragile: first.fragile, giftWrap: first.giftWrap });
        });
        const result = cartonize(items, catalog, { maxParcelWeight: { value: 10, unit: 'kg' } });

        const ordered = new Map<string, number>();
        for (const i of items) ordered.set(i.sku, (ordered.get(i.sku) ?? 0) + i.quantity);
        const seen = new Map<string, number>();
        for (const p of result.parcels) for (const i of p.items) seen.set(i.sku, (seen.get(i.sku) ?? 0) + i.quantity);
        for (const u of result.unpacked) seen.set(u.sku, (seen.get(u.sku) ?? 0) + u.quantity);
        expect(seen).toEqual(ordered);

        expect(findCartonizeProblems(result)).toEqual([]);
        expect(result.layouts).toHaveLength(result.parcels.length);
        result.parcels.forEach((parcel, i) => {
          const layout = result.layouts[i]!;
          expect(layout.placements.length).toBe(parcel.items.reduce((s, x) => s + x.quantity, 0));
          const fragile = parcel.items.map((x) => bySku.get(x.sku)!.fragile);
          expect(fragile.every((f) => f === parcel.fragile)).toBe(true);
          if (parcel.boxId == null) return;
          const carton = catalog.find((b) => b.id === parcel.boxId)!;
          expect(toGrams(parcel.weight)).toBeLessThanOrEqual(toGrams(carton.maxWeight) + 1);
          const inner = toCentimetres(carton.dimensions);
          const contents = parcel.items.reduce((s, x) => {
            const [l, w, h] = bySku.get(x.sku)!.cm;
            return s + l * w * h * x.quantity;
          }, 0);
          expect(contents).toBeLessThanOrEqual(inner.length * inner.width * inner.height);
        });
      }),
      { numRuns: 150 },
    );
  });
});
