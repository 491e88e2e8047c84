import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aisleOrdinal, compareBins, compareSegments, parseBin, walkPathComparator } from '../../src/picking/walk-path.js';

describe('parseBin', () => {
  it('splits aisle, bay and level, and rejects malformed codes', () => {
    expect(parseBin('A-03-2')).toEqual({ aisle: 'A', bay: '03', level: '2', rest: [] });
    expect(parseBin('12-4')).toEqual({ aisle: '12', bay: '4', level: '', rest: [] });
    expect(parseBin('A--2')).toBeNull();
    expect(parseBin('A_1')).toBeNull();
  });
});

describe('compareSegments', () => {
  it('compares digit runs by value and letter codes like spreadsheet columns', () => {
    expect(['10', '2', '03', '1'].sort(compareSegments)).toEqual(['1', '2', '03', '10']);
    expect(['AA', 'B', 'a', 'Z'].sort(compareSegments)).toEqual(['a', 'B', 'Z', 'AA']);
  });
});

describe('aisleOrdinal', () => {
  it('reads the position of numbered and lettered aisles', () => {
    expect(aisleOrdinal('A')).toBe(1);
    expect(aisleOrdinal('d')).toBe(4);
    expect(aisleOrdinal('AA')).toBe(27);
    expect(aisleOrdinal('07')).toBe(7);
    expect(aisleOrdinal('B2')).toBeNull();
  });
});

describe('compareBins', () => {
  it('walks bays up odd aisles and down even ones, levels ascending within a bay', () => {
    const bins = ['B-01-1', 'A-10-1', 'C-02-1', 'A-2-2', 'B-05-1', 'A-2-1', 'C-11-1', 'B-05-3'];
    expect([...bins].sort(compareBins)).toEqual([
      'A-2-1',
      'A-2-2',
      'A-10-1',
      'B-05-1',
      'B-05-3',
      'B-01-1',
      'C-02-1',
      'C-11-1',
    ]);
  });

  it('uses the aisle number for parity with numbered aisles', () => {
    expect(['2-1-1', '2-9-1', '1-9-1', '1-1-1'].sort(compareBins)).toEqual(['1-1-1', '1-9-1', '2-9-1', '2-1-1']);
  });

  it('puts malformed codes after valid ones and missing bins last', () => {
    expect([null, 'A--1', 'Z-1-1', 'A-1-1'].sort(compareBins)).toEqual(['A-1-1', 'Z-1-1', 'A--1', null]);
  });

  it('is a consistent ordering (antisymmetric and transitive)', () => {
    const bin = fc.option(
      fc
        .tuple(fc.constantFrom('A', 'B', 'C', '1', '2', 'AA', 'B2'), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 }))
        .map(([a, b, l]) => `${a}-${String(b).padStart(2, '0')}-${l}`),
      { nil: null },
    );
    fc.assert(
      fc.property(bin, bin, bin, (a, b, c) => {
        expect(Math.sign(compareBins(a, b))).toBe(-Math.sign(compareBins(b, a)) || 0);
        if (compareBins(a, b) <= 0 && compareBins(b, c) <= 0) expect(compareBins(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('walkPathComparator', () => {
  it('alternates over visited aisles only, so a skipped aisle does not flip the direction', () => {
    const bins = ['A-01-1', 'A-05-1', 'C-04-1', 'C-09-1', 'D-03-1', 'D-08-1'];
    // B is empty: C is the 2nd aisle walked (descending), D the 3rd (ascending).
    expect([...bins].sort(walkPathComparator(bins))).toEqual(['A-01-1', 'A-05-1', 'C-09-1', 'C-04-1', 'D-03-1', 'D-08-1']);
    // The warehouse-position comparator would walk C ascending and D descending.
    expect([...bins].sort(compareBins)).toEqual(['A-01-1', 'A-05-1', 'C-04-1', 'C-09-1', 'D-08-1', 'D-03-1']);
  });
});
