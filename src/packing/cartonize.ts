// Choose cartons for a shipment: 3D first-fit-decreasing over a box catalog,
// with real placements so every parcel could actually be packed as computed.
import { FulfillmentError } from '../domain/errors.js';
import { boxSchema, type Box, type Parcel } from '../domain/shipment.js';
import { type Dimensions, fromGrams, toCentimetres, toGrams, type Weight, type WeightUnit } from '../domain/units.js';
import {
  type CartonSpace,
  emptySpace,
  findLayoutProblems,
  findPlacement,
  fitsEmpty,
  type Placement,
  place,
  type Size,
} from './extreme-points.js';

export { findLayoutProblems } from './extreme-points.js';
export type { Placement, Size } from './extreme-points.js';

/** Units of one SKU to pack, with what packing needs to know about them. */
export interface PackItem {
  sku: string;
  quantity: number;
  /** Weight of one unit; `null` uses `defaultItemWeight`. */
  weight: Weight | null;
  /** Outer dimensions of one unit; `null` uses `defaultItemDimensions`. */
  dimensions: Dimensions | null;
  /** Fragile units share cartons only with other fragile units. */
  fragile?: boolean;
  giftWrap?: boolean;
}

/** Options of {@link cartonize}. */
export interface CartonizeOptions {
  /**
   * Weight assumed for a unit without one.
   * @defaultValue `{ value: 500, unit: 'g' }`
   */
  defaultItemWeight?: Weight;
  /**
   * Dimensions assumed for a unit without them.
   * @defaultValue `{ length: 25, width: 20, height: 5, unit: 'cm' }`
   */
  defaultItemDimensions?: Dimensions;
  /**
   * Share of a carton's volume the contents may take, leaving room for void fill. In (0, 1].
   * @defaultValue 1
   */
  fillRatio?: number;
  /**
   * Heaviest unit that still ships as a parcel in its own packaging when no
   * carton takes it; heavier units are freight and come back in `unpacked`.
   * @defaultValue `{ value: 70, unit: 'kg' }` (about the 150 lb parcel limit of the large carriers)
   */
  maxParcelWeight?: Weight;
}

/** How one parcel was filled, for checking and for packing-station displays. */
export interface ParcelLayout {
  /** The carton, or `null` for a unit in its own packaging. */
  boxId: string | null;
  /** Interior in centimetres. */
  inner: Size;
  /** Where each unit sits, in centimetres from the carton's corner. */
  placements: (Placement & { sku: string })[];
  tareGrams: number;
  contentsGrams: number;
  /** The carton's `maxWeight` in grams; `null` for own packaging. */
  maxGrams: number | null;
}

/** What {@link cartonize} decided. */
export interface CartonizeResult {
  parcels: Parcel[];
  /** Units that could not ship as a parcel, with why. */
  unpacked: { sku: string; quantity: number; reason: string }[];
  /** `layouts[i]` shows how `parcels[i]` was filled. */
  layouts: ParcelLayout[];
  /** SKUs whose weight or dimensions were assumed from the defaults. */
  estimated: { sku: string; weight: boolean; dimensions: boolean }[];
}

interface Unit {
  sku: string;
  size: Size;
  grams: number;
  volume: number;
  fragile: boolean;
  giftWrap: boolean;
  weight: Weight;
  dimensions: Dimensions;
  signature: string;
}

interface Carton {
  box: Box;
  space: CartonSpace;
  tareGrams: number;
  maxGrams: number;
  volumeCap: number;
  grams: number;
  volume: number;
  units: Unit[];
  skus: string[];
  /** Unit kinds that failed since the last placement; they would fail again. */
  refused: Set<string>;
}

const DEFAULT_WEIGHT: Weight = { value: 500, unit: 'g' };
const DEFAULT_DIMENSIONS: Dimensions = { length: 25, width: 20, height: 5, unit: 'cm' };
const DEFAULT_MAX_PARCEL: Weight = { value: 70, unit: 'kg' };

/**
 * Pack items into cartons. Units are sorted by volume (then weight) largest
 * first; each goes into the first open carton where it fits (geometry, weight
 * including the tare, and `fillRatio`), otherwise a new carton is opened: the
 * smallest catalog box that holds it and everything still to pack, or, when
 * none holds everything, the one that takes the most of it. Fragile units
 * are packed in their own cartons, apart from non-fragile goods that could
 * crush them; a parcel is `giftWrap` when any unit in it is. A unit that fits
 * no carton ships in its own packaging (`boxId: null`) unless it weighs more
 * than `maxParcelWeight`, in which case it is listed in `unpacked`.
 *
 * @example
 * ```ts
 * const { parcels, unpacked } = cartonize(
 *   [{ sku: 'MUG', quantity: 4, weight: { value: 350, unit: 'g' }, dimensions: { length: 12, width: 9, height: 10, unit: 'cm' }, fragile: true }],
 *   defaultBoxes,
 * );
 * ```
 */
export function cartonize(items: PackItem[], boxes: Box[], options: CartonizeOptions = {}): CartonizeResult {
  const fillRatio = options.fillRatio ?? 1;
  if (!(fillRatio > 0 && fillRatio <= 1)) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `fillRatio must be in (0, 1], got ${fillRatio}`, {
      details: { fillRatio },
    });
  }
  const catalog = catalogOf(boxes);
  const { units, estimated } = expandUnits(items, options);
  const maxParcelGrams = toGrams(options.maxParcelWeight ?? DEFAULT_MAX_PARCEL);
  const result: CartonizeResult = { parcels: [], unpacked: [], layouts: [], estimated };
  const unpacked = new Map<string, { sku: string; quantity: number; reason: string }>();

  for (const group of [units.filter((u) => !u.fragile), units.filter((u) => u.fragile)]) {
    const sorted = group.sort(
      (a, b) => b.volume - a.volume || b.grams - a.grams || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0),
    );
    const open: Carton[] = [];
    const ownPackaging: Unit[] = [];
    const fittingBoxes = new Map<string, typeof catalog>();
    const fittingFor = (unit: Unit): typeof catalog => {
      let fitting = fittingBoxes.get(unit.signature);
      if (!fitting) {
        fitting = catalog.filter((c) => canHoldAlone(c.box, c.inner, c.volume * fillRatio, unit));
        fittingBoxes.set(unit.signature, fitting);
      }
      return fitting;
    };
    const placed = new Set<Unit>();
    sorted.forEach((unit, index) => {
      if (placed.has(unit) || open.some((carton) => tryAdd(carton, unit))) return;
      const fitting = fittingFor(unit);
      if (fitting.length > 0) {
        // Units no carton can take go in their own packaging; they must not steer the box choice.
        const rest = sorted.slice(index).filter((u) => fittingFor(u).length > 0);
        const { carton, tookAll } = chooseCarton(fitting, rest, fillRatio);
        if (tookAll) {
          // The trial already holds everything left; keep it instead of packing the same units twice.
          for (const u of carton.units) placed.add(u);
        } else {
          tryAdd(carton, unit);
        }
        open.push(carton);
        return;
      }
      if (unit.grams > maxParcelGrams) {
        const key = `${unit.sku}|over`;
        const entry = unpacked.get(key) ?? {
          sku: unit.sku,
          quantity: 0,
          reason: `A unit weighs ${round(unit.grams / 1000, 3)} kg, above the ${round(maxParcelGrams / 1000, 3)} kg parcel limit; ship it as freight`,
        };
        entry.quantity += 1;
        unpacked.set(key, entry);
        return;
      }
      ownPackaging.push(unit);
    });
    for (const carton of open) pushCarton(result, carton);
    for (const unit of ownPackaging) pushOwnPackaging(result, unit);
  }
  result.unpacked = [...unpacked.values()];
  return result;
}

type Catalog = { box: Box; inner: Size; volume: number }[];

// A shop passes the same box array on every call; validating and sorting it
// once per array keeps cartonizing a small order cheap.
const catalogs = new WeakMap<readonly Box[], Catalog>();

function catalogOf(boxes: Box[]): Catalog {
  const cached = catalogs.get(boxes);
  if (cached && cached.length === boxes.length && cached.every((c, i) => c.box === boxes[i])) return cached;
  const catalog = boxes
    .map((box) => {
      const parsed = boxSchema.safeParse(box);
      if (!parsed.success) {
        throw new FulfillmentError('CONFIGURATION_ERROR', `Box "${box?.id}" is not a valid carton`, {
          details: { boxId: box?.id, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const inner = toCentimetres(box.dimensions);
      return { box, inner, volume: inner.length * inner.width * inner.height };
    })
    .sort((a, b) => a.volume - b.volume || toGrams(a.box.maxWeight) - toGrams(b.box.maxWeight) || (a.box.id < b.box.id ? -1 : 1));
  catalogs.set(boxes, catalog);
  return catalog;
}

function expandUnits(items: PackItem[], options: CartonizeOptions): { units: Unit[]; estimated: CartonizeResult['estimated'] } {
  const units: Unit[] = [];
  const estimated: CartonizeResult['estimated'] = [];
  for (const item of items) {
    if (!Number.isInteger(item.quantity) || item.quantity < 0) {
      throw new FulfillmentError('VALIDATION_FAILED', `Quantity of ${item.sku} must be a whole number ≥ 0`, {
        details: { issues: [{ path: 'quantity', message: 'must be a non-negative integer' }], sku: item.sku },
      });
    }
    if (item.quantity === 0) continue;
    const weight = item.weight ?? options.defaultItemWeight ?? DEFAULT_WEIGHT;
    const dimensions = item.dimensions ?? options.defaultItemDimensions ?? DEFAULT_DIMENSIONS;
    if (!item.weight || !item.dimensions) {
      estimated.push({ sku: item.sku, weight: !item.weight, dimensions: !item.dimensions });
    }
    const size = toCentimetres(dimensions);
    const grams = toGrams(weight);
    const unit: Omit<Unit, 'signature'> = {
      sku: item.sku,
      size,
      grams,
      volume: size.length * size.width * size.height,
      fragile: item.fragile ?? false,
      giftWrap: item.giftWrap ?? false,
      weight,
      dimensions,
    };
    const signature = `${item.sku}|${size.length}|${size.width}|${size.height}|${grams}|${unit.giftWrap}`;
    for (let i = 0; i < item.quantity; i++) units.push({ ...unit, signature });
  }
  return { units, estimated };
}

function openCarton(box: Box, inner: Size, volumeCap: number): Carton {
  return {
    box,
    space: emptySpace(inner),
    tareGrams: toGrams(box.tareWeight),
    maxGrams: toGrams(box.maxWeight),
    volumeCap,
    grams: 0,
    volume: 0,
    units: [],
    skus: [],
    refused: new Set(),
  };
}

function canHoldAlone(box: Box, inner: Size, volumeCap: number, unit: Unit): boolean {
  return (
    toGrams(box.tareWeight) + unit.grams <= toGrams(box.maxWeight) + 1e-9 &&
    unit.volume <= volumeCap + 1e-9 &&
    fitsEmpty(inner, unit.size)
  );
}

// Place the unit if weight, volume and geometry allow; records refusals so identical units skip the search.
function tryAdd(carton: Carton, unit: Unit): boolean {
  if (carton.refused.has(unit.signature)) return false;
  let placement: Placement | null = null;
  if (
    carton.tareGrams + carton.grams + unit.grams <= carton.maxGrams + 1e-9 &&
    carton.volume + unit.volume <= carton.volumeCap + 1e-9
  ) {
    placement = findPlacement(carton.space, unit.size);
  }
  if (!placement) {
    carton.refused.add(unit.signature);
    return false;
  }
  place(carton.space, placement);
  carton.grams += unit.grams;
  carton.volume += unit.volume;
  carton.units.push(unit);
  carton.skus.push(unit.sku);
  carton.refused.clear();
  return true;
}

// Smallest box that takes every remaining unit (returned filled); otherwise an empty carton of
// the box that takes the most volume (smaller on ties).
function chooseCarton(
  fitting: { box: Box; inner: Size; volume: number }[],
  remaining: Unit[],
  fillRatio: number,
): { carton: Carton; tookAll: boolean } {
  let best = fitting[0]!;
  let bestVolume = -1;
  for (const candidate of fitting) {
    const trial = openCarton(candidate.box, candidate.inner, candidate.volume * fillRatio);
    let tookAll = true;
    for (const unit of remaining) if (!tryAdd(trial, unit)) tookAll = false;
    if (tookAll) return { carton: trial, tookAll };
    if (trial.volume > bestVolume + 1e-9) {
      best = candidate;
      bestVolume = trial.volume;
    }
  }
  return { carton: openCarton(best.box, best.inner, best.volume * fillRatio), tookAll: false };
}

function pushCarton(result: CartonizeResult, carton: Carton): void {
  const unit = carton.box.maxWeight.unit;
  result.parcels.push({
    boxId: carton.box.id,
    dimensions: { ...carton.box.dimensions },
    weight: roundUpWeight(carton.tareGrams + carton.grams, unit),
    items: countSkus(carton.units),
    fragile: carton.units.some((u) => u.fragile),
    giftWrap: carton.units.some((u) => u.giftWrap),
  });
  result.layouts.push({
    boxId: carton.box.id,
    inner: carton.space.inner,
    placements: carton.space.placements.map((p, i) => ({ ...p, sku: carton.skus[i]! })),
    tareGrams: carton.tareGrams,
    contentsGrams: carton.grams,
    maxGrams: carton.maxGrams,
  });
}

function pushOwnPackaging(result: CartonizeResult, unit: Unit): void {
  result.parcels.push({
    boxId: null,
    dimensions: { ...unit.dimensions },
    weight: { ...unit.weight },
    items: [{ sku: unit.sku, quantity: 1 }],
    fragile: unit.fragile,
    giftWrap: unit.giftWrap,
  });
  result.layouts.push({
    boxId: null,
    inner: unit.size,
    placements: [{ x: 0, y: 0, z: 0, ...unit.size, sku: unit.sku }],
    tareGrams: 0,
    contentsGrams: unit.grams,
    maxGrams: null,
  });
}

function countSkus(units: Unit[]): { sku: string; quantity: number }[] {
  const counts = new Map<string, number>();
  for (const u of units) counts.set(u.sku, (counts.get(u.sku) ?? 0) + 1);
  return [...counts].map(([sku, quantity]) => ({ sku, quantity }));
}

// Declared weights are rounded up so a parcel is never under-declared to the carrier.
function roundUpWeight(grams: number, unit: WeightUnit): Weight {
  const digits = unit === 'g' ? 0 : 3;
  const value = fromGrams(grams, unit).value;
  const factor = 10 ** digits;
  return { value: Math.ceil(value * factor - 1e-7) / factor, unit };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Check a cartonize result against its own layouts: every placement inside
 * its carton without overlaps, and no carton over its `maxWeight`. Empty when
 * sound; useful in tests and when a host edits parcels by hand.
 *
 * @example
 * ```ts
 * const result = cartonize(items, defaultBoxes);
 * expect(findCartonizeProblems(result)).toEqual([]);
 * ```
 */
export function findCartonizeProblems(result: CartonizeResult): string[] {
  const problems: string[] = [];
  result.layouts.forEach((layout, i) => {
    for (const p of findLayoutProblems(layout.inner, layout.placements)) problems.push(`parcel ${i}: ${p}`);
    if (layout.maxGrams !== null && layout.tareGrams + layout.contentsGrams > layout.maxGrams + 1e-6) {
      problems.push(`parcel ${i}: ${layout.tareGrams + layout.contentsGrams} g exceeds the carton's ${layout.maxGrams} g`);
    }
  });
  return problems;
}
