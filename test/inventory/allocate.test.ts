import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address, Coordinates } from '../../src/domain/address.js';
import { isFulfillmentError } from '../../src/domain/errors.js';
import type { LocationLevel } from '../../src/domain/inventory.js';
import type { Location } from '../../src/domain/location.js';
import {
  type Allocation,
  type AllocationInput,
  type AllocationLine,
  allocate,
  allocationStrategies,
  findAllocationProblems,
  validateAllocation,
} from '../../src/inventory/allocate.js';

const NEW_YORK: Coordinates = { lat: 40.7128, lng: -74.006 };
const CHICAGO: Coordinates = { lat: 41.8781, lng: -87.6298 };
const LOS_ANGELES: Coordinates = { lat: 34.0522, lng: -118.2437 };
const PHILADELPHIA: Coordinates = { lat: 39.9526, lng: -75.1652 };
const SAN_DIEGO: Coordinates = { lat: 32.7157, lng: -117.1611 };

function address(city: string, postalCode: string, country = 'US'): Address {
  return { name: city, line1: '1 Dock Rd', city, postalCode, country };
}

function location(id: string, coordinates: Coordinates | undefined, priority?: number, country = 'US'): Location {
  return {
    id,
    name: id,
    address: address(id, country === 'US' ? '10001' : 'M5V 2T6', country),
    ...(coordinates ? { coordinates } : {}),
    ...(priority === undefined ? {} : { priority }),
  };
}

function level(sku: string, locationId: string, available: number): LocationLevel {
  return { sku, locationId, onHand: available, reserved: 0, safetyStock: 0, available, reorderPoint: null, bin: null };
}

const ny = location('ny', NEW_YORK, 2);
const chi = location('chi', CHICAGO, 1);
const la = location('la', LOS_ANGELES);

function input(
  lines: AllocationLine[],
  levels: LocationLevel[],
  options: { locations?: Location[]; to?: Coordinates | null; country?: string } = {},
): AllocationInput {
  return {
    lines,
    levels,
    locations: options.locations ?? [ny, chi, la],
    destination: {
      address: address('Dest', options.country === 'CA' ? 'M5V 2T6' : '19103', options.country ?? 'US'),
      coordinates: options.to === undefined ? null : options.to,
    },
  };
}

const everywhere = (sku: string, units = 10) => [level(sku, 'ny', units), level(sku, 'chi', units), level(sku, 'la', units)];

describe('priority', () => {
  it('fills from the lowest priority first, unset priority last, splitting a line when needed', () => {
    const result = allocate(
      input([{ lineId: 'l1', sku: 'A', quantity: 4 }], [level('A', 'ny', 5), level('A', 'chi', 3), level('A', 'la', 10)]),
      'priority',
    );
    expect(result).toEqual({
      assignments: [
        { locationId: 'chi', lines: [{ lineId: 'l1', sku: 'A', quantity: 3 }] },
        { locationId: 'ny', lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }] },
      ],
      shortfall: [],
    });
  });

  it('falls back to listing order among equal priorities', () => {
    const a = location('a', undefined);
    const b = location('b', undefined);
    const result = allocate(
      input([{ lineId: 'l1', sku: 'A', quantity: 1 }], [level('A', 'a', 1), level('A', 'b', 1)], { locations: [b, a] }),
      'priority',
    );
    expect(result.assignments.map((x) => x.locationId)).toEqual(['b']);
  });

  it('lets lines of one SKU share a single pool per location', () => {
    const result = allocate(
      input(
        [
          { lineId: 'l1', sku: 'A', quantity: 2 },
          { lineId: 'l2', sku: 'A', quantity: 2 },
        ],
        [level('A', 'chi', 3), level('A', 'ny', 1)],
      ),
      'priority',
    );
    expect(result.assignments).toEqual([
      {
        locationId: 'chi',
        lines: [
          { lineId: 'l1', sku: 'A', quantity: 2 },
          { lineId: 'l2', sku: 'A', quantity: 1 },
        ],
      },
      { locationId: 'ny', lines: [{ lineId: 'l2', sku: 'A', quantity: 1 }] },
    ]);
  });

  it('reports what no location can serve and ignores stock at unknown locations', () => {
    const result = allocate(
      input([{ lineId: 'l1', sku: 'A', quantity: 20 }], [...everywhere('A', 6), level('A', 'ghost', 100)]),
      'priority',
    );
    expect(result.shortfall).toEqual([{ lineId: 'l1', sku: 'A', quantity: 2 }]);
    expect(result.assignments.map((a) => a.locationId)).toEqual(['chi', 'ny', 'la']);
  });

  it('treats negative availability as none', () => {
    const result = allocate(input([{ lineId: 'l1', sku: 'A', quantity: 1 }], [level('A', 'chi', -3)]), 'priority');
    expect(result).toEqual({ assignments: [], shortfall: [{ lineId: 'l1', sku: 'A', quantity: 1 }] });
  });
});

describe('nearest', () => {
  it('ships from New York to Philadelphia and from Los Angeles to San Diego', () => {
    const lines = [{ lineId: 'l1', sku: 'A', quantity: 2 }];
    expect(allocate(input(lines, everywhere('A'), { to: PHILADELPHIA }), 'nearest').assignments[0]?.locationId).toBe('ny');
    expect(allocate(input(lines, everywhere('A'), { to: SAN_DIEGO }), 'nearest').assignments[0]?.locationId).toBe('la');
  });

  it('splits to the next nearest location (Chicago before New York from San Diego)', () => {
    const result = allocate(
      input([{ lineId: 'l1', sku: 'A', quantity: 3 }], [level('A', 'la', 1), level('A', 'ny', 5), level('A', 'chi', 5)], {
        to: SAN_DIEGO,
      }),
      'nearest',
    );
    expect(result.assignments).toEqual([
      { locationId: 'la', lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }] },
      { locationId: 'chi', lines: [{ lineId: 'l1', sku: 'A', quantity: 2 }] },
    ]);
  });

  it('without coordinates prefers same-country locations, then priority order', () => {
    const toronto = location('yyz', undefined, 9, 'CA');
    const locations = [ny, chi, la, toronto];
    const levels = [...everywhere('A'), level('A', 'yyz', 10)];
    const lines = [{ lineId: 'l1', sku: 'A', quantity: 1 }];
    expect(allocate(input(lines, levels, { locations, country: 'CA' }), 'nearest').assignments[0]?.locationId).toBe('yyz');
    expect(allocate(input(lines, levels, { locations }), 'nearest').assignments[0]?.locationId).toBe('chi');
  });

  it('puts locations without coordinates after those with', () => {
    const nowhere = location('nowhere', undefined, 0);
    const result = allocate(
      input([{ lineId: 'l1', sku: 'A', quantity: 1 }], [level('A', 'nowhere', 5), level('A', 'la', 5)], {
        locations: [nowhere, la],
        to: PHILADELPHIA,
      }),
      'nearest',
    );
    expect(result.assignments[0]?.locationId).toBe('la');
  });
});

describe('fewestShipments', () => {
  const lines = [
    { lineId: 'l1', sku: 'A', quantity: 2 },
    { lineId: 'l2', sku: 'B', quantity: 2 },
  ];
  const split = [level('A', 'chi', 5), level('B', 'ny', 5), level('A', 'la', 2), level('B', 'la', 2)];

  it('prefers the one location that has everything, where priority would split', () => {
    expect(allocate(input(lines, split), 'priority').assignments.map((a) => a.locationId)).toEqual(['chi', 'ny']);
    expect(allocate(input(lines, split), 'fewestShipments')).toEqual({
      assignments: [
        {
          locationId: 'la',
          lines: [
            { lineId: 'l1', sku: 'A', quantity: 2 },
            { lineId: 'l2', sku: 'B', quantity: 2 },
          ],
        },
      ],
      shortfall: [],
    });
  });

  it('breaks ties among complete locations by priority, then distance', () => {
    const levels = [...everywhere('A'), ...everywhere('B')];
    expect(allocate(input(lines, levels, { to: LOS_ANGELES }), 'fewestShipments').assignments[0]?.locationId).toBe('chi');
    const equal = [location('ny', NEW_YORK, 1), location('chi', CHICAGO, 1), location('la', LOS_ANGELES, 1)];
    expect(
      allocate(input(lines, levels, { locations: equal, to: SAN_DIEGO }), 'fewestShipments').assignments[0]?.locationId,
    ).toBe('la');
    expect(
      allocate(input(lines, levels, { locations: equal, to: PHILADELPHIA }), 'fewestShipments').assignments[0]?.locationId,
    ).toBe('ny');
  });

  it('covers the order with as few locations as a greedy set cover finds', () => {
    const three = [
      { lineId: 'l1', sku: 'A', quantity: 1 },
      { lineId: 'l2', sku: 'B', quantity: 1 },
      { lineId: 'l3', sku: 'C', quantity: 1 },
    ];
    const locations = [location('la', LOS_ANGELES, 1), location('ny', NEW_YORK, 2), location('chi', CHICAGO, 3)];
    const levels = [level('A', 'la', 1), level('A', 'ny', 1), level('B', 'ny', 1), level('C', 'chi', 1)];
    expect(allocate(input(three, levels, { locations }), 'priority').assignments).toHaveLength(3);
    const fewest = allocate(input(three, levels, { locations }), 'fewestShipments');
    expect(fewest.assignments.map((a) => a.locationId)).toEqual(['ny', 'chi']);
    expect(fewest.shortfall).toEqual([]);
  });

  it('still serves what it can and reports the rest as shortfall', () => {
    const result = allocate(input(lines, [level('A', 'ny', 1)]), 'fewestShipments');
    expect(result.assignments).toEqual([{ locationId: 'ny', lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }] }]);
    expect(result.shortfall).toEqual([
      { lineId: 'l1', sku: 'A', quantity: 1 },
      { lineId: 'l2', sku: 'B', quantity: 2 },
    ]);
  });
});

describe('host functions', () => {
  const base = input([{ lineId: 'l1', sku: 'A', quantity: 3 }], everywhere('A', 2));
  const expectConfigError = (fn: () => unknown, code: string) => {
    try {
      fn();
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(isFulfillmentError(err, 'CONFIGURATION_ERROR')).toBe(true);
      const problems = (err as { details: { problems: { code: string }[] } }).details.problems;
      expect(problems.map((p) => p.code)).toContain(code);
    }
  };

  it('accepts a sound answer and recomputes its shortfall', () => {
    const result = allocate(base, () => ({
      assignments: [
        { locationId: 'la', lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }] },
        { locationId: 'la', lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }] },
      ],
      shortfall: [],
    }));
    expect(result).toEqual({
      assignments: [{ locationId: 'la', lines: [{ lineId: 'l1', sku: 'A', quantity: 2 }] }],
      shortfall: [{ lineId: 'l1', sku: 'A', quantity: 1 }],
    });
  });

  it('rejects over-allocation, invented locations and lines, wrong SKUs and bad quantities', () => {
    const one = (locationId: string, lineId: string, sku: string, quantity: number) => () =>
      allocate(base, () => ({ assignments: [{ locationId, lines: [{ lineId, sku, quantity }] }], shortfall: [] }));
    expectConfigError(one('la', 'l1', 'A', 3), 'OVER_AVAILABLE');
    expectConfigError(one('mars', 'l1', 'A', 1), 'UNKNOWN_LOCATION');
    expectConfigError(one('la', 'l9', 'A', 1), 'UNKNOWN_LINE');
    expectConfigError(one('la', 'l1', 'B', 1), 'SKU_MISMATCH');
    expectConfigError(one('la', 'l1', 'A', 1.5), 'BAD_QUANTITY');
    expectConfigError(
      () =>
        allocate(base, () => ({
          assignments: ['ny', 'chi', 'la'].map((locationId) => ({ locationId, lines: [{ lineId: 'l1', sku: 'A', quantity: 2 }] })),
          shortfall: [],
        })),
      'OVER_ORDERED',
    );
  });

  it('wraps a throwing function and rejects unknown strategy names', () => {
    expect(() =>
      allocate(base, () => {
        throw new Error('boom');
      }),
    ).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
    expect(() => allocate(base, 'random' as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
    expect(() => allocate(base, 'toString' as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });

  it('lets a host wrap a built-in strategy', () => {
    const onlyCoasts = (i: AllocationInput): Allocation =>
      allocationStrategies.priority({ ...i, locations: i.locations.filter((l) => l.id !== 'chi') });
    expect(allocate(base, onlyCoasts).assignments.map((a) => a.locationId)).toEqual(['ny', 'la']);
  });
});

describe('every strategy (property)', () => {
  const SKUS = ['A', 'B', 'C'];
  const LOCATION_IDS = ['l0', 'l1', 'l2', 'l3'];
  const coordinates = fc.record({ lat: fc.double({ min: -89, max: 89, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }) });
  const arbitraryInput = fc
    .record({
      locations: fc.tuple(
        ...LOCATION_IDS.map((id) =>
          fc.record({ coords: fc.option(coordinates, { nil: undefined }), priority: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }).map(
            ({ coords, priority }) => location(id, coords, priority),
          ),
        ),
      ),
      levels: fc.array(
        fc.record({ sku: fc.constantFrom(...SKUS), locationId: fc.constantFrom(...LOCATION_IDS), available: fc.integer({ min: -2, max: 6 }) }),
        { maxLength: 10 },
      ),
      lines: fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 5 }),
      to: fc.option(coordinates, { nil: null }),
    })
    .map(({ locations, levels, lines, to }) => {
      // One level row per SKU and location, as storage returns them.
      const unique = new Map(levels.map((l) => [`${l.sku}|${l.locationId}`, level(l.sku, l.locationId, l.available)]));
      return input(
        lines.map((l, i) => ({ lineId: `line${i}`, ...l })),
        [...unique.values()],
        { locations, to },
      );
    });

  it('never allocates more than available or ordered, and assigned + shortfall = ordered', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.constantFrom('priority', 'nearest', 'fewestShipments' as const), (i, strategy) => {
        const result = allocate(i, strategy);
        expect(findAllocationProblems(i, result)).toEqual([]);
        const taken = new Map<string, number>();
        const perLine = new Map<string, number>();
        for (const a of result.assignments) {
          for (const l of a.lines) {
            expect(l.quantity).toBeGreaterThan(0);
            taken.set(`${l.sku}|${a.locationId}`, (taken.get(`${l.sku}|${a.locationId}`) ?? 0) + l.quantity);
            perLine.set(l.lineId, (perLine.get(l.lineId) ?? 0) + l.quantity);
          }
        }
        for (const [key, units] of taken) {
          const lv = i.levels.find((l) => `${l.sku}|${l.locationId}` === key);
          expect(units).toBeLessThanOrEqual(Math.max(0, lv?.available ?? 0));
        }
        for (const s of result.shortfall) perLine.set(s.lineId, (perLine.get(s.lineId) ?? 0) + s.quantity);
        for (const line of i.lines) expect(perLine.get(line.lineId)).toBe(line.quantity);
        expect(new Set(result.assignments.map((a) => a.locationId)).size).toBe(result.assignments.length);
        // A built-in answer survives host validation unchanged.
        expect(validateAllocation(i, result)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('fewestShipments uses one location whenever one can serve everything', () => {
    fc.assert(
      fc.property(arbitraryInput, (i) => {
        const demand = new Map<string, number>();
        for (const l of i.lines) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
        const someoneHasAll = i.locations.some((loc) =>
          [...demand].every(([sku, units]) => (i.levels.find((l) => l.sku === sku && l.locationId === loc.id)?.available ?? 0) >= units),
        );
        if (someoneHasAll) expect(allocate(i, 'fewestShipments').assignments).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
