// The shapes allocation strategies read and write: which location serves
// which units of an order, and what no location can serve yet.
import type { Address, Coordinates } from '../domain/address.js';
import type { LocationLevel } from '../domain/inventory.js';
import type { Location } from '../domain/location.js';

/** One order line to allocate. */
export interface AllocationLine {
  /** The order line's id; unique within one allocation input. */
  lineId: string;
  sku: string;
  /** Units ordered (a positive integer). */
  quantity: number;
}

/**
 * Everything a strategy may look at. Strategies are pure: they read this and
 * return an {@link Allocation}; the engine then reserves exactly that.
 *
 * @example
 * ```ts
 * const input: AllocationInput = {
 *   lines: [{ lineId: 'l1', sku: 'TEE-M', quantity: 2 }],
 *   levels: await storage.inventory.levels(['TEE-M']),
 *   locations,
 *   destination: { address: order.shippingAddress, coordinates: order.shippingCoordinates },
 * };
 * ```
 */
export interface AllocationInput {
  lines: AllocationLine[];
  /** Stock per SKU and location; `available` already excludes reserved units and safety stock. */
  levels: LocationLevel[];
  /** Candidate locations. Levels at locations not listed here are ignored. */
  locations: Location[];
  /** Where the order goes; `coordinates` are used by `nearest` when known. */
  destination: { address: Address; coordinates: Coordinates | null };
}

/** Units of one order line served from one location. */
export interface AllocatedLine {
  lineId: string;
  sku: string;
  quantity: number;
}

/** Units one location serves: it becomes one shipment. */
export interface LocationAssignment {
  locationId: string;
  lines: AllocatedLine[];
}

/**
 * A strategy's answer. For every line, the units in `assignments` plus the
 * units in `shortfall` equal the units ordered.
 */
export interface Allocation {
  /** Per location, the units it serves. */
  assignments: LocationAssignment[];
  /** Units no location can serve now. */
  shortfall: AllocatedLine[];
}

/** A host-supplied allocation strategy. Its result is checked by {@link validateAllocation}. */
export type AllocationFunction = (input: AllocationInput) => Allocation;

/** A built-in strategy name or a host function. */
export type AllocationStrategy = 'priority' | 'nearest' | 'fewestShipments' | AllocationFunction;
