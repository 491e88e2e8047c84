// Orders bin codes ("A-03-2": aisle-bay-level) along a serpentine walk: up one
// aisle, down the next, so a picker never walks an aisle twice.

/** A bin code split into its aisle, bay and level parts. */
export interface BinAddress {
  aisle: string;
  bay: string;
  level: string;
  /** Any segments after the level, compared last. */
  rest: string[];
}

const SEGMENT = /^[A-Za-z0-9]+$/;

/**
 * Split a bin code into aisle, bay and level; `null` for codes that do not
 * follow the pattern (empty segments, stray characters). Missing trailing
 * parts are empty and sort first.
 *
 * @example
 * ```ts
 * parseBin('A-03-2'); // { aisle: 'A', bay: '03', level: '2', rest: [] }
 * ```
 */
export function parseBin(bin: string): BinAddress | null {
  const parts = bin.trim().split('-');
  if (parts.some((p) => !SEGMENT.test(p))) return null;
  const [aisle = '', bay = '', level = '', ...rest] = parts;
  return { aisle, bay, level, rest };
}

/**
 * Compare two code segments naturally: digit runs by value ("2" before "10",
 * "03" equal to "3"), letters case-insensitively, shorter letter codes first
 * ("Z" before "AA", as aisles are usually lettered).
 *
 * @example
 * ```ts
 * ['10', '2', 'AA', 'B'].sort(compareSegments); // ['2', '10', 'B', 'AA']
 * ```
 */
export function compareSegments(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    const xNum = /^\d/.test(x);
    const yNum = /^\d/.test(y);
    let c: number;
    if (xNum && yNum) c = Number(x) - Number(y);
    else if (xNum !== yNum) c = xNum ? -1 : 1;
    else c = x.length - y.length || (x.toUpperCase() < y.toUpperCase() ? -1 : x.toUpperCase() > y.toUpperCase() ? 1 : 0);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return ta.length - tb.length;
}

function tokens(s: string): string[] {
  return s.match(/\d+|\D+/g) ?? [];
}

/**
 * Position of an aisle in the warehouse when the code itself says it: a
 * number is its own position, letters count like spreadsheet columns
 * (A = 1, Z = 26, AA = 27). `null` for mixed codes such as "B2".
 *
 * @example
 * ```ts
 * aisleOrdinal('C'); // 3, an odd aisle: bays are walked ascending
 * ```
 */
export function aisleOrdinal(aisle: string): number | null {
  if (/^\d+$/.test(aisle)) return Number(aisle);
  if (/^[A-Za-z]+$/.test(aisle)) {
    let n = 0;
    for (const ch of aisle.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
    return n;
  }
  return null;
}

/**
 * Build a walking-path comparator. `ascendingIn(aisle)` says whether bays
 * are walked ascending (true) or descending (false) in that aisle.
 */
function walkComparator(ascendingIn: (aisle: string) => boolean): (a: string | null, b: string | null) => number {
  return (a, b) => {
    const pa = a === null ? null : parseBin(a);
    const pb = b === null ? null : parseBin(b);
    // Parsed bins first, then unparseable codes, then no bin at all.
    const ka = a === null ? 2 : pa === null ? 1 : 0;
    const kb = b === null ? 2 : pb === null ? 1 : 0;
    if (ka !== kb) return ka - kb;
    if (pa && pb) {
      const aisle = compareSegments(pa.aisle, pb.aisle);
      if (aisle !== 0) return aisle;
      const bay = compareSegments(pa.bay, pb.bay);
      if (bay !== 0) return ascendingIn(pa.aisle) ? bay : -bay;
      const level = compareSegments(pa.level, pb.level);
      if (level !== 0) return level;
      for (let i = 0; i < Math.max(pa.rest.length, pb.rest.length); i++) {
        const c = compareSegments(pa.rest[i] ?? '', pb.rest[i] ?? '');
        if (c !== 0) return c;
      }
    }
    if (a === b) return 0;
    return (a ?? '') < (b ?? '') ? -1 : 1;
  };
}

/**
 * Walking-path order of two bins, usable with `Array.prototype.sort`. Aisles
 * in natural order; bays ascending in odd aisles (A, C, 1, 3, ...) and
 * descending in even ones; then level. Because a pairwise comparator cannot
 * know which aisles a walk visits, the parity is the aisle's own position in
 * the warehouse ({@link aisleOrdinal}); mixed aisle codes walk ascending.
 * Unparseable codes come after valid ones and `null` (no bin) last.
 * {@link walkPathComparator} skips aisles that have nothing to pick instead.
 *
 * @example
 * ```ts
 * ['B-01-1', 'A-10-1', 'A-2-1', 'B-05-1', null].sort(compareBins);
 * // ['A-2-1', 'A-10-1', 'B-05-1', 'B-01-1', null]
 * ```
 */
export function compareBins(a: string | null, b: string | null): number {
  return byWarehouseAisle(a, b);
}

const byWarehouseAisle = walkComparator((aisle) => {
  const ordinal = aisleOrdinal(aisle);
  return ordinal === null || ordinal % 2 === 1;
});

/**
 * A walking-path comparator for one walk: the serpentine alternates over the
 * aisles that actually hold bins in `bins` (1st, 3rd, ... visited aisle
 * ascending; 2nd, 4th, ... descending), because a picker skips empty aisles
 * and enters the next one from the end where the last one left off.
 *
 * @example
 * ```ts
 * const bins = ['A-01-1', 'C-04-1', 'C-09-1'];
 * bins.sort(walkPathComparator(bins)); // ['A-01-1', 'C-09-1', 'C-04-1']: C is the 2nd visited aisle
 * ```
 */
export function walkPathComparator(bins: Iterable<string | null>): (a: string | null, b: string | null) => number {
  const aisles: string[] = [];
  for (const bin of bins) {
    const parsed = bin === null ? null : parseBin(bin);
    if (parsed && !aisles.some((a) => compareSegments(a, parsed.aisle) === 0)) aisles.push(parsed.aisle);
  }
  aisles.sort(compareSegments);
  return walkComparator((aisle) => {
    const index = aisles.findIndex((a) => compareSegments(a, aisle) === 0);
    return index < 0 || index % 2 === 0;
  });
}
