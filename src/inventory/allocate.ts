// Decide which location(s) serve an order: run a built-in or host strategy and
// make sure its answer never promises stock that is not there.
import { FulfillmentError } from '../domain/errors.js';
import { buildPool, poolAvailable } from './allocation-pool.js';
import { fewestShipmentsAllocation, nearestAllocation, priorityAllocation } from './allocation-strategies.js';
import type {
  AllocatedLine,
  Allocation,
  AllocationFunction,
  AllocationInput,
  AllocationStrategy,
  LocationAssignment,
} from './allocation-types.js';

export type {
  AllocatedLine,
  Allocation,
  AllocationFunction,
  AllocationInput,
  AllocationLine,
  AllocationStrategy,
  LocationAssignment,
} from './allocation-types.js';
export { nearestFirst } from './allocation-strategies.js';

/**
 * The built-in strategies by name, for hosts that want to wrap one.
 *
 * @example
 * ```ts
 * const preferStores: AllocationFunction = (input) =>
 *   allocationStrategies.nearest({ ...input, locations: input.locations.filter((l) => l.id.startsWith('store-')) });
 * ```
 */
export const allocationStrategies: {
  priority: AllocationFunction;
  nearest: AllocationFunction;
  fewestShipments: AllocationFunction;
} = {
  priority: priorityAllocation,
  nearest: nearestAllocation,
  fewestShipments: fewestShipmentsAllocation,
};

/**
 * Allocate an order's lines to locations. Built-in strategies are trusted; a
 * host function's result goes through {@link validateAllocation} and its
 * shortfall is recomputed from what it assigned.
 *
 * @throws FulfillmentError `CONFIGURATION_ERROR` for an unknown strategy name
 *   or a host function that over-allocates or invents locations or lines.
 *
 * @example
 * ```ts
 * const { assignments, shortfall } = allocate(input, 'fewestShipments');
 * if (shortfall.length > 0) console.log('backorder', shortfall);
 * ```
 */
export function allocate(input: AllocationInput, strategy: AllocationStrategy): Allocation {
  if (typeof strategy === 'function') {
    let result: Allocation;
    try {
      result = strategy(input);
    } catch (err) {
      if (err instanceof FulfillmentError) throw err;
      throw new FulfillmentError('CONFIGURATION_ERROR', 'The allocation function threw', { cause: err });
    }
    return validateAllocation(input, result);
  }
  const builtIn = Object.hasOwn(allocationStrategies, strategy)
    ? allocationStrategies[strategy as keyof typeof allocationStrategies]
    : undefined;
  if (!builtIn) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Unknown allocation strategy "${String(strategy)}"`, {
      details: { strategy: String(strategy), known: Object.keys(allocationStrategies) },
    });
  }
  return builtIn(input);
}

/** One thing wrong with an allocation. */
export interface AllocationProblem {
  /** Stable kind of problem. */
  code: 'UNKNOWN_LOCATION' | 'UNKNOWN_LINE' | 'SKU_MISMATCH' | 'BAD_QUANTITY' | 'OVER_ORDERED' | 'OVER_AVAILABLE' | 'MALFORMED';
  message: string;
  locationId?: string;
  lineId?: string;
  sku?: string;
}

/**
 * Every problem with an allocation, empty when it is sound: each location and
 * line exists, SKUs match their lines, quantities are positive integers, no
 * line gets more than was ordered, and no SKU+location gives more than is
 * available (counting all lines that share the SKU).
 *
 * @example
 * ```ts
 * const problems = findAllocationProblems(input, hostAllocation);
 * if (problems.length) console.warn(problems.map((p) => p.message));
 * ```
 */
export function findAllocationProblems(input: AllocationInput, allocation: Allocation): AllocationProblem[] {
  const problems: AllocationProblem[] = [];
  if (!allocation || !Array.isArray(allocation.assignments)) {
    return [{ code: 'MALFORMED', message: 'Allocation must be an object with an assignments array' }];
  }
  const locations = new Set(input.locations.map((l) => l.id));
  const lines = new Map(input.lines.map((l) => [l.lineId, l] as const));
  const assignedPerLine = new Map<string, number>();
  const takenPerStock = new Map<string, { sku: string; locationId: string; units: number }>();

  for (const assignment of allocation.assignments) {
    const locationId = assignment?.locationId;
    if (!locations.has(locationId)) {
      problems.push({ code: 'UNKNOWN_LOCATION', message: `Location "${locationId}" is not a candidate location`, locationId });
      continue;
    }
    if (!Array.isArray(assignment.lines)) {
      problems.push({ code: 'MALFORMED', message: `Assignment for "${locationId}" has no lines array`, locationId });
      continue;
    }
    for (const entry of assignment.lines) {
      const line = lines.get(entry?.lineId);
      if (!line) {
        problems.push({ code: 'UNKNOWN_LINE', message: `Line "${entry?.lineId}" is not part of the order`, locationId, lineId: entry?.lineId });
        continue;
      }
      if (entry.sku !== line.sku) {
        problems.push({
          code: 'SKU_MISMATCH',
          message: `Line "${line.lineId}" is ${line.sku}, not ${entry.sku}`,
          locationId,
          lineId: line.lineId,
          sku: entry.sku,
        });
        continue;
      }
      if (!Number.isInteger(entry.quantity) || entry.quantity <= 0) {
        problems.push({
          code: 'BAD_QUANTITY',
          message: `Quantity ${entry.quantity} for line "${line.lineId}" at "${locationId}" is not a positive integer`,
          locationId,
          lineId: line.lineId,
        });
        continue;
      }
      assignedPerLine.set(line.lineId, (assignedPerLine.get(line.lineId) ?? 0) + entry.quantity);
      const key = `${line.sku}\u0000${locationId}`;
      const taken = takenPerStock.get(key) ?? { sku: line.sku, locationId, units: 0 };
      taken.units += entry.quantity;
      takenPerStock.set(key, taken);
    }
  }

  for (const [lineId, units] of assignedPerLine) {
    const line = lines.get(lineId)!;
    if (units > line.quantity) {
      problems.push({
        code: 'OVER_ORDERED',
        message: `Line "${lineId}" is allocated ${units} units but ${line.quantity} were ordered`,
        lineId,
        sku: line.sku,
      });
    }
  }
  const pool = buildPool(input);
  for (const { sku, locationId, units } of takenPerStock.values()) {
    const available = poolAvailable(pool, sku, locationId);
    if (units > available) {
      problems.push({
        code: 'OVER_AVAILABLE',
        message: `${units} units of ${sku} allocated at "${locationId}" but only ${available} available`,
        locationId,
        sku,
      });
    }
  }
  return problems;
}

/**
 * Check a (host) allocation and return it normalised: one assignment per
 * location, one entry per line within it, and `shortfall` recomputed as
 * ordered minus assigned so it can never disagree with the assignments.
 *
 * @throws FulfillmentError `CONFIGURATION_ERROR` with `details.problems` when
 *   the allocation checks find anything.
 *
 * @example
 * ```ts
 * const allocation = validateAllocation(input, myStrategy(input));
 * ```
 */
export function validateAllocation(input: AllocationInput, allocation: Allocation): Allocation {
  const problems = findAllocationProblems(input, allocation);
  if (problems.length > 0) {
    throw new FulfillmentError(
      'CONFIGURATION_ERROR',
      `The allocation strategy returned an impossible allocation: ${problems.map((p) => p.message).join('; ')}`,
      { details: { problems } },
    );
  }
  const merged = new Map<string, Map<string, AllocatedLine>>();
  const assigned = new Map<string, number>();
  for (const assignment of allocation.assignments) {
    const lines = merged.get(assignment.locationId) ?? new Map<string, AllocatedLine>();
    merged.set(assignment.locationId, lines);
    for (const entry of assignment.lines) {
      const prior = lines.get(entry.lineId);
      lines.set(entry.lineId, { lineId: entry.lineId, sku: entry.sku, quantity: (prior?.quantity ?? 0) + entry.quantity });
      assigned.set(entry.lineId, (assigned.get(entry.lineId) ?? 0) + entry.quantity);
    }
  }
  const assignments: LocationAssignment[] = [];
  for (const [locationId, lines] of merged) {
    if (lines.size > 0) assignments.push({ locationId, lines: [...lines.values()] });
  }
  const shortfall: AllocatedLine[] = [];
  for (const line of input.lines) {
    const missing = line.quantity - (assigned.get(line.lineId) ?? 0);
    if (missing > 0) shortfall.push({ lineId: line.lineId, sku: line.sku, quantity: missing });
  }
  return { assignments, shortfall };
}
