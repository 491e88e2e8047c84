// Reservation arithmetic over rows the PostgreSQL adapter has locked: decides
// grants, commits, releases and expiries in memory, then hands back one
// change set to write. Pure (no SQL), so the batched and single paths share it.
import {
  assertAvailable,
  assertCanTopUp,
  assertHeld,
  availableOf,
  findReservationLine,
  holdLine,
  opRecord,
  seenOp,
  type StockLevelRow,
  settledReservationStatus,
} from '../../inventory/reservation-rules.js';
import { FulfillmentError } from '../../domain/errors.js';
import type { DomainEvent } from '../../domain/events.js';
import { heldQuantity, type LocationLevel, type MovementType, type Reservation, type ReservationLine, type ReservationStatus } from '../../domain/inventory.js';
import type { ReservationChange, ReserveRequest, StockLine } from '../../ports/storage.js';
import { invalidCall, requireInteger, requireText } from '../call-guards.js';
import type { InventoryChanges, ReservationRow, ReservationWrite, StockRow } from './postgres-plans.js';

/** A locked reservation with the op ids already applied to it. */
export interface HeldReservation extends Reservation {
  opIds: string[];
}

type Level = StockLevelRow;

interface MoveContext {
  /** Movement id to use instead of a fresh one (an idempotent operation's id). */
  id?: string;
  orderId: string | null;
  reservationId: string | null;
  reason: string | null;
  at: string;
}

/** `onHand - reserved - safetyStock`, never below zero. */
export { availableOf };

/** Map key of a (sku, location). */
export function placeKey(sku: string, locationId: string): string {
  return `${sku}\u0000${locationId}`;
}

/** A reservation read from its row. */
export function reservationFromRow(row: ReservationRow): HeldReservation {
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status as ReservationStatus,
    lines: (row.lines as ReservationLine[]).map((l) => ({ ...l })),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    opIds: [...(row.op_ids as string[])],
  };
}

/** The caller's copy of a reservation (no op ids, no shared arrays). */
export function reservationView(r: HeldReservation): Reservation {
  return {
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines.map((l) => ({ ...l })),
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Lines sharing a (sku, location) summed, in first-seen order; validates them.
 *
 * @example
 * ```ts
 * sumLines([{ sku: 'A', locationId: 'w', quantity: 1 }, { sku: 'A', locationId: 'w', quantity: 2 }]); // one line of 3
 * ```
 */
export function sumLines(lines: readonly StockLine[]): StockLine[] {
  if (!Array.isArray(lines)) throw invalidCall('lines must be an array');
  const sums = new Map<string, StockLine>();
  for (const line of lines) {
    requireText(line?.sku, 'sku');
    requireText(line.locationId, 'locationId');
    requireInteger(line.quantity, 'quantity', 1);
    const key = placeKey(line.sku, line.locationId);
    const sum = sums.get(key);
    if (sum === undefined) sums.set(key, { sku: line.sku, locationId: line.locationId, quantity: line.quantity });
    else sum.quantity += line.quantity;
  }
  return [...sums.values()];
}

/**
 * One inventory step over locked rows. Each operation checks everything
 * before it changes anything, so a throw leaves the step as it was and the
 * other requests of a batch are unaffected.
 */
export class StockStep {
  private readonly levels = new Map<string, Level>();
  private readonly reservations = new Map<string, { held: HeldReservation; isNew: boolean; dirty: boolean }>();
  private readonly deltas = new Map<string, { sku: string; locationId: string; onHandDelta: number; reservedDelta: number }>();
  private readonly movements: InventoryChanges['movements'] = [];
  private readonly outbox: InventoryChanges['outbox'] = [];

  constructor(
    stock: readonly StockRow[],
    reservations: readonly HeldReservation[],
    private readonly createId: () => string,
  ) {
    for (const row of stock) {
      this.levels.set(placeKey(row.sku, row.location_id), {
        sku: row.sku,
        locationId: row.location_id,
        onHand: row.on_hand,
        reserved: row.reserved,
        safetyStock: row.safety_stock,
        reorderPoint: row.reorder_point,
        bin: row.bin,
      });
    }
    for (const held of reservations) this.reservations.set(held.id, { held, isNew: false, dirty: false });
  }

  /** Hold `request.lines` (already summed by {@link sumLines}) all or nothing. */
  reserve(request: ReserveRequest, wanted: readonly StockLine[]): Reservation {
    const entry = this.reservations.get(request.reservationId);
    const existing = entry?.held;
    if (existing && seenOp(existing.opIds, existing.id, request.opId, request.lines)) return reservationView(existing);
    assertCanTopUp(existing, request);
    assertAvailable(request, wanted, (line) => {
      const level = this.levels.get(placeKey(line.sku, line.locationId));
      return level === undefined ? 0 : availableOf(level);
    });
    const held: HeldReservation = existing ?? {
      id: request.reservationId,
      orderId: request.orderId,
      status: 'active',
      lines: [],
      expiresAt: request.expiresAt,
      createdAt: request.at,
      updatedAt: request.at,
      opIds: [],
    };
    const context = { orderId: request.orderId, reservationId: request.reservationId, reason: null, at: request.at };
    for (const line of wanted) {
      this.move(line.sku, line.locationId, 'reserved', 0, line.quantity, context);
      holdLine(held.lines, line);
    }
    held.opIds.push(opRecord(request.opId, request.lines));
    held.updatedAt = request.at;
    held.status = 'active';
    if (entry === undefined) this.reservations.set(held.id, { held, isNew: true, dirty: true });
    else entry.dirty = true;
    return reservationView(held);
  }

  /** Commit or release held units of a locked reservation; never more than is held. */
  change(held: HeldReservation, change: ReservationChange, kind: 'committed' | 'released'): Reservation {
    if (seenOp(held.opIds, held.id, change.opId, change.lines)) return reservationView(held);
    const plan: { line: ReservationLine; quantity: number }[] = [];
    if (change.lines === undefined) {
      for (const line of held.lines) if (heldQuantity(line) > 0) plan.push({ line, quantity: heldQuantity(line) });
    } else {
      // Refuse, never clamp: asking for more than is held means the caller's view is wrong.
      assertHeld(held.id, held.lines, sumLines(change.lines), kind === 'committed' ? 'commit' : 'release');
      for (const asked of sumLines(change.lines)) {
        const line = findReservationLine(held.lines, asked);
        const quantity = line === undefined ? 0 : Math.min(asked.quantity, heldQuantity(line));
        if (line !== undefined && quantity > 0) plan.push({ line, quantity });
      }
    }
    const context = { orderId: held.orderId, reservationId: held.id, reason: change.reason ?? null, at: change.at };
    for (const { line, quantity } of plan) {
      if (kind === 'committed') {
        this.move(line.sku, line.locationId, 'committed', -quantity, -quantity, context);
        line.committed += quantity;
      } else {
        this.move(line.sku, line.locationId, 'released', 0, -quantity, context);
        line.released += quantity;
      }
    }
    held.opIds.push(opRecord(change.opId, change.lines));
    if (plan.length > 0) {
      held.updatedAt = change.at;
      held.status = settledReservationStatus(held.lines, 'released');
    }
    this.markDirty(held);
    return reservationView(held);
  }

  /** Release everything an active reservation holds, as an expiry. */
  expire(held: HeldReservation, now: string): Reservation {
    const context = { orderId: held.orderId, reservationId: held.id, reason: 'reservation expired', at: now };
    for (const line of held.lines) {
      const quantity = heldQuantity(line);
      if (quantity === 0) continue;
      this.move(line.sku, line.locationId, 'expired', 0, -quantity, context);
      line.released += quantity;
    }
    held.updatedAt = now;
    held.status = settledReservationStatus(held.lines, 'expired');
    this.markDirty(held);
    return reservationView(held);
  }

  /** A manual on-hand correction of a locked row (already checked). */
  adjust(sku: string, locationId: string, delta: number, reason: string, at: string, id?: string): void {
    this.move(sku, locationId, 'adjusted', delta, 0, { id, orderId: null, reservationId: null, reason, at });
  }

  /** The current level of a locked (sku, location), if it has a row. */
  level(sku: string, locationId: string): Readonly<Level> | undefined {
    return this.levels.get(placeKey(sku, locationId));
  }

  /** The port's view of a locked level, if it has a row. */
  locationLevel(sku: string, locationId: string): LocationLevel | undefined {
    const level = this.levels.get(placeKey(sku, locationId));
    return level === undefined ? undefined : { ...level, available: availableOf(level) };
  }

  /** Everything to write, or `null` when nothing changed. */
  changes(): InventoryChanges | null {
    const insertReservations: ReservationWrite[] = [];
    const updateReservations: ReservationWrite[] = [];
    for (const { held, isNew, dirty } of this.reservations.values()) {
      if (!dirty) continue;
      (isNew ? insertReservations : updateReservations).push(reservationWrite(held));
    }
    if (insertReservations.length + updateReservations.length + this.movements.length === 0) return null;
    return {
      stock: [...this.deltas.values()].filter((d) => d.onHandDelta !== 0 || d.reservedDelta !== 0),
      insertReservations,
      updateReservations,
      movements: this.movements,
      outbox: this.outbox,
    };
  }

  private markDirty(held: HeldReservation): void {
    const entry = this.reservations.get(held.id);
    if (entry === undefined) this.reservations.set(held.id, { held, isNew: false, dirty: true });
    else entry.dirty = true;
  }

  // Apply a movement to a locked level, append its ledger row and, when
  // available crosses the reorder point downwards, the low-stock event.
  private move(sku: string, locationId: string, type: MovementType, onHandDelta: number, reservedDelta: number, context: MoveContext): void {
    const key = placeKey(sku, locationId);
    const level = this.levels.get(key);
    if (level === undefined) throw new FulfillmentError('ADAPTER_ERROR', `No stock row for ${sku} at ${locationId}`, { details: { sku, locationId } });
    const before = availableOf(level);
    level.onHand += onHandDelta;
    level.reserved += reservedDelta;
    let delta = this.deltas.get(key);
    if (delta === undefined) this.deltas.set(key, (delta = { sku, locationId, onHandDelta: 0, reservedDelta: 0 }));
    delta.onHandDelta += onHandDelta;
    delta.reservedDelta += reservedDelta;
    const { id, ...rest } = context;
    const movementId = id ?? this.createId();
    this.movements.push({ id: movementId, sku, locationId, type, onHandDelta, reservedDelta, ...rest });
    const after = availableOf(level);
    if (level.reorderPoint === null || before <= level.reorderPoint || after > level.reorderPoint) return;
    const event: DomainEvent<'inventory.low_stock'> = {
      id: this.createId(),
      type: 'inventory.low_stock',
      orderId: null,
      at: context.at,
      data: { sku, locationId, available: after, reorderPoint: level.reorderPoint },
    };
    this.outbox.push({ key: `low_stock:${sku}:${locationId}:${movementId}`, payload: event, at: context.at });
  }
}



function reservationWrite(held: HeldReservation): ReservationWrite {
  return {
    id: held.id,
    orderId: held.orderId,
    status: held.status,
    lines: held.lines,
    expiresAt: held.expiresAt,
    opIds: held.opIds,
    createdAt: held.createdAt,
    updatedAt: held.updatedAt,
  };
}
