// Reservation arithmetic every storage adapter shares, so that memory and
// SQL stores settle reservations by the same rules.
import { heldQuantity, type ReservationLine, type ReservationStatus } from '../domain/inventory.js';

/** The line of a reservation holding a (SKU, location), if any. */
export function findReservationLine(lines: readonly ReservationLine[], place: { sku: string; locationId: string }): ReservationLine | undefined {
  return lines.find((l) => l.sku === place.sku && l.locationId === place.locationId);
}

/**
 * A reservation's status once a change lands: `active` while anything is
 * held; otherwise `committed` when anything shipped, else `whenNothingCommitted`.
 */
export function settledReservationStatus(lines: readonly ReservationLine[], whenNothingCommitted: 'released' | 'expired'): ReservationStatus {
  let committed = false;
  for (const line of lines) {
    if (heldQuantity(line) > 0) return 'active';
    if (line.committed > 0) committed = true;
  }
  return committed ? 'committed' : whenNothingCommitted;
}
