// The memory adapter's reservations: all-or-nothing holds with idempotent
// operations, and an expiry queue so sweeps never scan every reservation.
import {
  assertAvailable,
  assertCanTopUp,
  assertHeld,
  findReservationLine,
  holdLine,
  opRecord,
  seenOp,
  settledReservationStatus,
} from '../../inventory/reservation-rules.js';
import { FulfillmentError } from '../../domain/errors.js';
import { heldQuantity, type Reservation, type ReservationLine, } from '../../domain/inventory.js';
import type { ReservationChange, ReserveRequest, StockLine } from '../../ports/storage.js';
import { instantMillis, invalidCall, requireInteger, requireText } from '../call-guards.js';
import { MinHeap } from './memory-min-heap.js';
import { availableOf, checkPlace, type MemoryStockroom, rowKey, type StockRow } from './memory-stockroom.js';

interface HeldReservation extends Omit<Reservation, 'lines'> {
  lines: ReservationLine[];
  /** Every opId applied to it (reserve, commit and release share one namespace). */
  opIds: Set<string>;
}

interface ExpiryEntry {
  at: number;
  id: string;
  expiresAt: string;
}

/** Reservation state of one memory store. */
export class MemoryReservations {
  private readonly reservations = new Map<string, HeldReservation>();
  // Active reservations by expiry; entries go stale instead of being removed.
  private readonly expiries = new MinHeap<ExpiryEntry>((a, b) => a.at < b.at);
  /** Expiry entries examined by sweeps so far; tests use it to check cost stays flat. */
  visited = 0;

  constructor(private readonly stock: MemoryStockroom) {}

  reserve(request: ReserveRequest): Reservation {
    requireText(request.reservationId, 'reservationId');
    requireText(request.orderId, 'orderId');
    requireText(request.opId, 'opId');
    instantMillis(request.at, 'at');
    if (request.expiresAt !== null) instantMillis(request.expiresAt, 'expiresAt');
    const existing = this.reservations.get(request.reservationId);
    if (existing && seenOp(existing.opIds, existing.id, request.opId, request.lines)) return reservationView(existing);
    assertCanTopUp(existing, request);
    const wanted = sumLines(request.lines);
    if (wanted.size === 0) throw invalidCall('A reservation needs at least one line', { reservationId: request.reservationId });
    assertAvailable(request, wanted.values(), (line) => {
      const row = this.stock.rowAt(line.sku, line.locationId);
      return row === undefined ? 0 : availableOf(row);
    });
    // Checked; from here on nothing throws.
    const reservation: HeldReservation = existing ?? {
      id: request.reservationId,
      orderId: request.orderId,
      status: 'active',
      lines: [],
      expiresAt: request.expiresAt,
      createdAt: request.at,
      updatedAt: request.at,
      opIds: new Set(),
    };
    const context = { orderId: request.orderId, reservationId: request.reservationId, at: request.at };
    for (const line of wanted.values()) {
      this.stock.move(this.stock.rowAt(line.sku, line.locationId) as StockRow, 'reserved', 0, line.quantity, context);
      holdLine(reservation.lines, line);
    }
    const wasActive = existing?.status === 'active';
    reservation.opIds.add(opRecord(request.opId, request.lines));
    reservation.updatedAt = request.at;
    reservation.status = 'active';
    if (existing === undefined) this.reservations.set(reservation.id, reservation);
    if (!wasActive) this.scheduleExpiry(reservation);
    return reservationView(reservation);
  }

  /** Commit (ship) or release held units; never more than is held. */
  change(change: ReservationChange, kind: 'committed' | 'released'): Reservation {
    requireText(change.reservationId, 'reservationId');
    requireText(change.opId, 'opId');
    instantMillis(change.at, 'at');
    const reservation = this.reservations.get(change.reservationId);
    if (reservation === undefined) {
      throw new FulfillmentError('NOT_FOUND', `Reservation ${change.reservationId} not found`, { details: { reservationId: change.reservationId } });
    }
    if (seenOp(reservation.opIds, reservation.id, change.opId, change.lines)) return reservationView(reservation);
    const plan: { line: ReservationLine; quantity: number }[] = [];
    if (change.lines === undefined) {
      for (const line of reservation.lines) if (heldQuantity(line) > 0) plan.push({ line, quantity: heldQuantity(line) });
    } else {
      // Refuse, never clamp: asking for more than is held means the caller's view is wrong.
      assertHeld(reservation.id, reservation.lines, sumLines(change.lines).values(), kind === 'committed' ? 'commit' : 'release');
      for (const asked of sumLines(change.lines).values()) {
        const line = findReservationLine(reservation.lines, asked);
        const quantity = line === undefined ? 0 : Math.min(asked.quantity, heldQuantity(line));
        if (line !== undefined && quantity > 0) plan.push({ line, quantity });
      }
    }
    const context = { orderId: reservation.orderId, reservationId: reservation.id, reason: change.reason, at: change.at };
    for (const { line, quantity } of plan) {
      const row = this.stock.rowAt(line.sku, line.locationId) as StockRow;
      if (kind === 'committed') {
        this.stock.move(row, 'committed', -quantity, -quantity, context);
        line.committed += quantity;
      } else {
        this.stock.move(row, 'released', 0, -quantity, context);
        line.released += quantity;
      }
    }
    reservation.opIds.add(opRecord(change.opId, change.lines));
    if (plan.length > 0) {
      reservation.updatedAt = change.at;
      reservation.status = settledReservationStatus(reservation.lines, 'released');
    }
    return reservationView(reservation);
  }

  setExpiry(reservationId: string, expiresAt: string | null): Reservation {
    this.prepareExpiry({ reservationId, expiresAt })();
    return reservationView(this.reservations.get(reservationId) as HeldReservation);
  }

  /** Check a re-timing now; the returned function applies it and cannot fail. */
  prepareExpiry(change: { reservationId: string; expiresAt: string | null }): () => void {
    const { reservationId, expiresAt } = change;
    if (expiresAt !== null) instantMillis(expiresAt, 'expiresAt');
    const reservation = this.reservations.get(reservationId);
    if (reservation === undefined) throw new FulfillmentError('NOT_FOUND', `Reservation ${reservationId} not found`, { details: { reservationId } });
    if (reservation.status !== 'active') {
      throw new FulfillmentError('INVALID_TRANSITION', `Reservation ${reservationId} is ${reservation.status}, not active`, {
        details: { reservationId, status: reservation.status },
      });
    }
    return () => {
      reservation.expiresAt = expiresAt;
      this.scheduleExpiry(reservation);
    };
  }

  get(id: string): Reservation | null {
    const reservation = this.reservations.get(id);
    return reservation === undefined ? null : reservationView(reservation);
  }

  expire(input: { now: string; limit?: number }): Reservation[] {
    const now = instantMillis(input.now, 'now');
    if (input.limit !== undefined) requireInteger(input.limit, 'limit', 0);
    const limit = input.limit ?? Number.POSITIVE_INFINITY;
    const expired: Reservation[] = [];
    while (expired.length < limit) {
      const head = this.expiries.peek();
      if (head === undefined || head.at > now) break;
      this.expiries.pop();
      this.visited++;
      const reservation = this.reservations.get(head.id);
      if (reservation === undefined || reservation.status !== 'active' || reservation.expiresAt !== head.expiresAt) continue;
      const context = { orderId: reservation.orderId, reservationId: reservation.id, reason: 'reservation expired', at: input.now };
      for (const line of reservation.lines) {
        const held = heldQuantity(line);
        if (held === 0) continue;
        this.stock.move(this.stock.rowAt(line.sku, line.locationId) as StockRow, 'expired', 0, -held, context);
        line.released += held;
      }
      reservation.updatedAt = input.now;
      reservation.status = settledReservationStatus(reservation.lines, 'expired');
      expired.push(reservationView(reservation));
    }
    return expired;
  }

  private scheduleExpiry(reservation: HeldReservation): void {
    if (reservation.status !== 'active' || reservation.expiresAt === null) return;
    this.expiries.push({ at: Date.parse(reservation.expiresAt), id: reservation.id, expiresAt: reservation.expiresAt });
  }
}

// Lines sharing a (sku, location) summed, in first-seen order.
function sumLines(lines: readonly StockLine[]): Map<string, StockLine> {
  if (!Array.isArray(lines)) throw invalidCall('lines must be an array');
  const sums = new Map<string, StockLine>();
  for (const line of lines) {
    checkPlace(line);
    requireInteger(line.quantity, 'quantity', 1);
    const key = rowKey(line.sku, line.locationId);
    const sum = sums.get(key);
    if (sum === undefined) sums.set(key, { sku: line.sku, locationId: line.locationId, quantity: line.quantity });
    else sum.quantity += line.quantity;
  }
  return sums;
}



function reservationView(reservation: HeldReservation): Reservation {
  return {
    id: reservation.id,
    orderId: reservation.orderId,
    status: reservation.status,
    lines: reservation.lines.map((l) => ({ ...l })),
    expiresAt: reservation.expiresAt,
    createdAt: reservation.createdAt,
    updatedAt: reservation.updatedAt,
  };
}
