// Reservation arithmetic every storage adapter shares, so that memory and
// SQL stores grant, refuse and settle reservations by the same rules.
import { FulfillmentError } from '../domain/errors.js';
import { heldQuantity, type ReservationLine, type ReservationStatus } from '../domain/inventory.js';
import type { ReserveRequest, StockLine } from '../ports/storage.js';

/** Stock of one SKU at one location, as adapters hold it while deciding. */
export interface StockLevelRow {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  reorderPoint: number | null;
  bin: string | null;
}

/** `onHand - reserved - safetyStock`, never below zero. */
export function availableOf(level: { onHand: number; reserved: number; safetyStock: number }): number {
  return Math.max(0, level.onHand - level.reserved - level.safetyStock);
}

/**
 * Refuse a top-up the reservation cannot take: it belongs to another order
 * (`VALIDATION_FAILED`) or has expired (`INVALID_TRANSITION`).
 */
export function assertCanTopUp(existing: { id: string; orderId: string; status: ReservationStatus } | undefined, request: ReserveRequest): void {
  if (existing === undefined) return;
  if (existing.orderId !== request.orderId) {
    throw new FulfillmentError('VALIDATION_FAILED', `Reservation ${existing.id} belongs to order ${existing.orderId}`, {
      details: { reservationId: existing.id, orderId: request.orderId },
    });
  }
  if (existing.status === 'expired') {
    throw new FulfillmentError('INVALID_TRANSITION', `Reservation ${existing.id} is ${existing.status}; it cannot be topped up`, {
      details: { reservationId: existing.id, status: existing.status },
    });
  }
}

/** `INSUFFICIENT_STOCK` naming every (SKU, location) short, unless all of `wanted` is available. */
export function assertAvailable(request: ReserveRequest, wanted: Iterable<StockLine>, available: (line: StockLine) => number): void {
  const shortages: { sku: string; locationId: string; requested: number; available: number }[] = [];
  for (const line of wanted) {
    const have = available(line);
    if (line.quantity > have) shortages.push({ sku: line.sku, locationId: line.locationId, requested: line.quantity, available: have });
  }
  if (shortages.length === 0) return;
  const what = shortages.map((s) => `${s.sku}@${s.locationId} (requested ${s.requested}, available ${s.available})`).join(', ');
  throw new FulfillmentError('INSUFFICIENT_STOCK', `Not enough stock to reserve: ${what}`, {
    details: { reservationId: request.reservationId, orderId: request.orderId, shortages },
  });
}

/** The line of a reservation holding a (SKU, location), if any. */
export function findReservationLine(lines: readonly ReservationLine[], place: { sku: string; locationId: string }): ReservationLine | undefined {
  return lines.find((l) => l.sku === place.sku && l.locationId === place.locationId);
}

/** Add `line` to a reservation's lines, merging with the line of the same (SKU, location). */
export function holdLine(lines: ReservationLine[], line: StockLine): void {
  const current = findReservationLine(lines, line);
  if (current === undefined) lines.push({ ...line, committed: 0, released: 0 });
  else current.quantity += line.quantity;
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

/**
 * How an operation id is remembered on a reservation: a JSON pair of the id and
 * a canonical form of the lines it asked for (`*` for all), so that a repeat
 * with other lines is told apart. Plain text, so every store can keep it.
 */
export function opRecord(opId: string, lines: readonly StockLine[] | undefined): string {
  if (lines === undefined) return JSON.stringify([opId, '*']);
  const summed = new Map<string, number>();
  for (const l of lines) {
    const place = JSON.stringify([l.sku, l.locationId]);
    summed.set(place, (summed.get(place) ?? 0) + l.quantity);
  }
  const canonical = [...summed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([place, quantity]) => `${place}=${quantity}`);
  return JSON.stringify([opId, canonical.join(';')]);
}

function recordedId(record: string): string {
  if (!record.startsWith('["')) return record; // written before lines were recorded
  try {
    const parsed = JSON.parse(record) as unknown;
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : record;
  } catch {
    return record;
  }
}

/**
 * Whether `opId` was applied already: `true` for a repeat of the same request,
 * `false` for a new one, and `IDEMPOTENCY_CONFLICT` when the id was used with
 * other lines (a replay must never stand in for a different request).
 */
export function seenOp(records: Iterable<string>, reservationId: string, opId: string, lines: readonly StockLine[] | undefined): boolean {
  const mine = opRecord(opId, lines);
  for (const record of records) {
    if (record === mine || record === opId) return true;
    if (recordedId(record) !== opId) continue;
    throw new FulfillmentError('IDEMPOTENCY_CONFLICT', `Operation ${opId} on reservation ${reservationId} was already applied with other lines`, {
      details: { reservationId, opId },
    });
  }
  return false;
}

/** `INVALID_TRANSITION` when a commit or release asks for more units than the reservation holds; nothing changes. */
export function assertHeld(reservationId: string, lines: readonly ReservationLine[], asked: Iterable<StockLine>, kind: 'commit' | 'release'): void {
  const shortages: { sku: string; locationId: string; requested: number; held: number }[] = [];
  for (const line of asked) {
    const held = lines.filter((l) => l.sku === line.sku && l.locationId === line.locationId).reduce((n, l) => n + heldQuantity(l), 0);
    if (line.quantity > held) shortages.push({ sku: line.sku, locationId: line.locationId, requested: line.quantity, held });
  }
  if (shortages.length > 0) {
    const list = shortages.map((s) => `${s.requested} × ${s.sku} at ${s.locationId} (holds ${s.held})`).join(', ');
    throw new FulfillmentError('INVALID_TRANSITION', `Cannot ${kind} ${list}: reservation ${reservationId} holds less`, {
      details: { reservationId, shortages, reason: 'more_than_held' },
    });
  }
}
