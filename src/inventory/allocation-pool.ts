// Shared machinery of the built-in strategies: one pool of available units per
// SKU and location that every line draws on, and location orderings.
import { greatCircleKm } from '../domain/address.js';
import type { Location } from '../domain/location.js';
import type { Allocation, AllocationInput, AllocatedLine, LocationAssignment } from './allocation-types.js';

/** Available units keyed by SKU then location id; lines sharing a SKU draw from the same counts. */
export type StockPool = Map<string, Map<string, number>>;

/** Build the pool from levels, ignoring locations that are not candidates and negative availability. */
export function buildPool(input: AllocationInput): StockPool {
  const known = new Set(input.locations.map((l) => l.id));
  const pool: StockPool = new Map();
  for (const level of input.levels) {
    if (!known.has(level.locationId)) continue;
    const available = Math.max(0, Math.floor(level.available));
    let bySku = pool.get(level.sku);
    if (!bySku) {
      bySku = new Map();
      pool.set(level.sku, bySku);
    }
    // Two level rows for one SKU and location should not happen; summing would overstate stock, so keep the smaller.
    const prior = bySku.get(level.locationId);
    bySku.set(level.locationId, prior === undefined ? available : Math.min(prior, available));
  }
  return pool;
}

/** Units of `sku` available at `locationId` in the pool. */
export function poolAvailable(pool: StockPool, sku: string, locationId: string): number {
  return pool.get(sku)?.get(locationId) ?? 0;
}

/** Units ordered per SKU, summed over lines. */
export function demandBySku(input: AllocationInput): Map<string, number> {
  const demand = new Map<string, number>();
  for (const line of input.lines) {
    if (line.quantity > 0) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  }
  return demand;
}

/** Priority ascending (unset last), then the order the host listed the locations in. */
export function byPriority(locations: Location[]): Location[] {
  return locations
    .map((location, index) => ({ location, index }))
    .sort((a, b) => comparePriority(a.location, b.location) || a.index - b.index)
    .map((e) => e.location);
}

/** Compare two locations by their `priority` field alone; unset sorts last. */
export function comparePriority(a: Location, b: Location): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/** Great-circle distance to the destination, or `Infinity` when either side lacks coordinates. */
export function distanceToDestination(location: Location, input: AllocationInput): number {
  const to = input.destination.coordinates;
  if (!to || !location.coordinates) return Number.POSITIVE_INFINITY;
  return greatCircleKm(location.coordinates, to);
}

/**
 * Fill every line, in input order, from the locations in the given order,
 * splitting a line across locations when the first cannot cover it. Mutates
 * `pool` so later lines of the same SKU see what earlier lines took.
 */
export function fillInOrder(input: AllocationInput, ordered: Location[], pool: StockPool = buildPool(input)): Allocation {
  const perLocation = new Map<string, AllocatedLine[]>();
  const shortfall: AllocatedLine[] = [];
  for (const line of input.lines) {
    let remaining = Math.max(0, line.quantity);
    for (const location of ordered) {
      if (remaining === 0) break;
      const bySku = pool.get(line.sku);
      const available = bySku?.get(location.id) ?? 0;
      if (available <= 0 || !bySku) continue;
      const take = Math.min(available, remaining);
      bySku.set(location.id, available - take);
      remaining -= take;
      const lines = perLocation.get(location.id) ?? [];
      lines.push({ lineId: line.lineId, sku: line.sku, quantity: take });
      perLocation.set(location.id, lines);
    }
    if (remaining > 0) shortfall.push({ lineId: line.lineId, sku: line.sku, quantity: remaining });
  }
  const assignments: LocationAssignment[] = [];
  for (const location of ordered) {
    const lines = perLocation.get(location.id);
    if (!lines || lines.length === 0) continue;
    perLocation.delete(location.id); // a location listed twice still yields one assignment
    assignments.push({ locationId: location.id, lines });
  }
  return { assignments, shortfall };
}
