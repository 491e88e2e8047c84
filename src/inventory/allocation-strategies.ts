// The built-in allocation strategies: priority, nearest and fewestShipments.
// Each is deterministic: the same input always yields the same allocation.
import type { Location } from '../domain/location.js';
import {
  buildPool,
  byPriority,
  comparePriority,
  demandBySku,
  distanceToDestination,
  fillInOrder,
  poolAvailable,
} from './allocation-pool.js';
import type { AllocationFunction, AllocationInput } from './allocation-types.js';

/**
 * Serve each line from the location with the lowest `priority` that has stock
 * (unset priorities last, then the order `locations` lists them), splitting a
 * line across locations when one cannot cover it.
 *
 * @example
 * ```ts
 * const allocation = priorityAllocation({ lines, levels, locations, destination });
 * ```
 */
export const priorityAllocation: AllocationFunction = (input) => fillInOrder(input, byPriority(input.locations));

/**
 * Order locations nearest-first for a destination. With destination
 * coordinates: by great-circle distance, locations without coordinates after
 * those with; ties (and coordinate-less locations) go to same-country
 * locations first, then priority order. Without destination coordinates:
 * same-country locations first, then priority order.
 *
 * @example
 * ```ts
 * nearestFirst(input).map((l) => l.id); // ['ny', 'chi', 'la'] for a Philadelphia address
 * ```
 */
export function nearestFirst(input: AllocationInput): Location[] {
  const country = input.destination.address.country;
  const rank = new Map(byPriority(input.locations).map((l, i) => [l, i] as const));
  return [...input.locations]
    .map((location) => ({
      location,
      distance: distanceToDestination(location, input),
      domestic: location.address.country === country ? 0 : 1,
      rank: rank.get(location) ?? 0,
    }))
    .sort((a, b) => compareNumbers(a.distance, b.distance) || a.domestic - b.domestic || a.rank - b.rank)
    .map((e) => e.location);
}

/**
 * Serve each line from the nearest location with stock (see
 * {@link nearestFirst} for the order, including the fallback when the
 * destination has no coordinates), splitting across locations when needed.
 *
 * @example
 * ```ts
 * const allocation = nearestAllocation({ lines, levels, locations, destination: { address, coordinates: { lat: 40.7, lng: -74 } } });
 * ```
 */
export const nearestAllocation: AllocationFunction = (input) => fillInOrder(input, nearestFirst(input));

/**
 * Minimise the number of locations (shipments). When one location holds
 * everything, it wins (ties: lower `priority`, then nearer, then listing
 * order). Otherwise a greedy set cover: repeatedly pick the location that
 * covers the most still-unserved units, with the same tie-break, until no
 * location adds anything. Greedy set cover is not always optimal, but it is
 * predictable and fast.
 *
 * @example
 * ```ts
 * const allocation = fewestShipmentsAllocation({ lines, levels, locations, destination });
 * ```
 */
export const fewestShipmentsAllocation: AllocationFunction = (input) => {
  const pool = buildPool(input);
  const demand = demandBySku(input);
  const candidates = tieBreakOrder(input);

  const complete = candidates.find((location) =>
    [...demand].every(([sku, units]) => poolAvailable(pool, sku, location.id) >= units),
  );
  if (complete) return fillInOrder(input, [complete], pool);

  const remaining = new Map(demand);
  const chosen: Location[] = [];
  const unused = [...candidates];
  for (;;) {
    let bestIndex = -1;
    let bestCovered = 0;
    for (let i = 0; i < unused.length; i++) {
      const location = unused[i]!;
      let covered = 0;
      for (const [sku, units] of remaining) covered += Math.min(units, poolAvailable(pool, sku, location.id));
      if (covered > bestCovered) {
        bestIndex = i;
        bestCovered = covered;
      }
    }
    if (bestIndex < 0) break;
    const [location] = unused.splice(bestIndex, 1);
    if (!location) break;
    chosen.push(location);
    for (const [sku, units] of remaining) {
      remaining.set(sku, units - Math.min(units, poolAvailable(pool, sku, location.id)));
    }
  }
  return fillInOrder(input, chosen, pool);
};

/** Priority value, then distance to the destination, then listing order. */
function tieBreakOrder(input: AllocationInput): Location[] {
  return input.locations
    .map((location, index) => ({ location, index, distance: distanceToDestination(location, input) }))
    .sort(
      (a, b) =>
        comparePriority(a.location, b.location) || compareNumbers(a.distance, b.distance) || a.index - b.index,
    )
    .map((e) => e.location);
}

// Infinity - Infinity is NaN, which would break the sort.
function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
