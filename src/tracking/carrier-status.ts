// Normalization of carriers' own tracking codes into fulfillkit's TrackingStatus
// vocabulary, with the published status sets of EasyPost and Shippo built in.
import { TRACKING_STATUSES, type TrackingStatus } from '../domain/status.js';

/** A carrier's status codes and the normalized status each one means. */
export type CarrierStatusMap = Readonly<Record<string, TrackingStatus>>;

/**
 * EasyPost tracker statuses (`tracker.status`, `tracking_details[].status`).
 *
 * @example
 * ```ts
 * normalizeCarrierStatus('available_for_pickup', EASYPOST_TRACKING_STATUSES); // 'ready_for_pickup'
 * ```
 */
export const EASYPOST_TRACKING_STATUSES: CarrierStatusMap = {
  unknown: 'unknown',
  pre_transit: 'pending',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  available_for_pickup: 'ready_for_pickup',
  delivered: 'delivered',
  return_to_sender: 'return_to_sender',
  failure: 'delivery_failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  // EasyPost reports `error` when it could not read the carrier's data: nothing is known about the parcel.
  error: 'unknown',
};

/**
 * Shippo tracking statuses (`tracking_status.status`).
 *
 * @example
 * ```ts
 * normalizeCarrierStatus('TRANSIT', SHIPPO_TRACKING_STATUSES); // 'in_transit'
 * ```
 */
export const SHIPPO_TRACKING_STATUSES: CarrierStatusMap = {
  UNKNOWN: 'unknown',
  PRE_TRANSIT: 'pending',
  TRANSIT: 'in_transit',
  DELIVERED: 'delivered',
  RETURNED: 'return_to_sender',
  FAILURE: 'delivery_failed',
};

const VOCABULARY: ReadonlySet<string> = new Set(TRACKING_STATUSES);
const lookups = new WeakMap<CarrierStatusMap, Map<string, TrackingStatus>>();

/**
 * Map a carrier's status code to a normalized {@link TrackingStatus}. Codes are
 * compared ignoring case, spaces and hyphens (`Out-For-Delivery` finds
 * `out_for_delivery`). A code the map lacks but that already is a normalized
 * status is kept; anything else is `unknown`, never a guess.
 *
 * @example
 * ```ts
 * const COURIER_STATUSES: CarrierStatusMap = { COLLECTED: 'picked_up', ON_VAN: 'out_for_delivery' };
 * normalizeCarrierStatus('on van', COURIER_STATUSES); // 'out_for_delivery'
 * normalizeCarrierStatus('delivered', COURIER_STATUSES); // 'delivered'
 * normalizeCarrierStatus('LOST_IN_SPACE', COURIER_STATUSES); // 'unknown'
 * ```
 */
export function normalizeCarrierStatus(code: string, map: CarrierStatusMap): TrackingStatus {
  const key = canonicalCode(code);
  const found = lookupFor(map).get(key);
  if (found !== undefined) return found;
  return VOCABULARY.has(key) ? (key as TrackingStatus) : 'unknown';
}

/** Statuses after which a parcel's journey is over; later events rarely follow. */
export const FINAL_TRACKING_STATUSES: ReadonlySet<TrackingStatus> = new Set(['delivered', 'return_to_sender', 'cancelled']);

function lookupFor(map: CarrierStatusMap): Map<string, TrackingStatus> {
  let lookup = lookups.get(map);
  if (lookup === undefined) {
    lookup = new Map(Object.entries(map).map(([code, status]) => [canonicalCode(code), status]));
    lookups.set(map, lookup);
  }
  return lookup;
}

function canonicalCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}
