// Transactions of the PostgreSQL adapter that move stock: each locks the rows
// it reads (reservations first, then stock in (sku, location) order), decides
// with a StockStep, and writes the whole change set in one statement.
import { FulfillmentError, isFulfillmentError, withoutStack } from '../../domain/errors.js';
import type { LocationLevel, Reservation } from '../../domain/inventory.js';
import type { ReservationChange, ReserveRequest, StockLine, StockResult } from '../../ports/storage.js';
import { invalidCall } from '../call-guards.js';
import type { SqlDriver, SqlSession } from './postgres-client.js';
import * as plans from './postgres-plans.js';
import { type HeldReservation, reservationFromRow, StockStep, sumLines } from './postgres-stock-step.js';

/** A reserve request with its lines summed per (sku, location). */
export interface PreparedReserve {
  request: ReserveRequest;
  wanted: StockLine[];
}

/** What one request of a batch came to. */
export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; error: unknown };

/** Shared context of the inventory transactions. */
export interface InventoryContext {
  driver: SqlDriver;
  /** Quoted schema. */
  s: string;
  createId: () => string;
  /** (sku, location) pairs last seen with nothing available, and when: only batches touching them pay for the lock-free pre-read. */
  soldOut?: Map<string, number>;
}

const SOLD_OUT_MEMORY_MS = 2_000;

// Raised inside a transaction to roll it back and run it again.
class RetryTransaction extends Error {}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * Run `fn` in a transaction, again when another writer won a race (a new
 * reservation id taken meanwhile) or PostgreSQL broke a deadlock.
 */
export async function retryingTransaction<T>(driver: SqlDriver, fn: (tx: SqlSession) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await driver.transaction(fn);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      const retry = err instanceof RetryTransaction || (typeof code === 'string' && RETRYABLE_SQLSTATES.has(code));
      if (!retry || attempt >= MAX_ATTEMPTS) {
        if (err instanceof RetryTransaction) {
          throw new FulfillmentError('CONCURRENCY_CONFLICT', 'Gave up after repeated write races on reservations', { retryable: true });
        }
        throw err;
      }
    }
  }
}

/**
 * Grant a batch of reserve requests in arrival order, each all or nothing.
 * Business refusals (shortages, bad top-ups) become per-request outcomes;
 * only infrastructure failures reject the whole batch.
 *
 * A plain read comes first: when it shows that no request can be granted
 * (a sold-out SKU under a storm of orders) and none touches an existing
 * reservation, the refusals stand on that committed snapshot, taken after
 * every request arrived, and no lock is queued for. Otherwise one
 * transaction locks the rows, decides again, and writes everything.
 */
export async function reserveBatch(ctx: InventoryContext, batch: readonly PreparedReserve[]): Promise<ReserveOutcome[]> {
  const ids = [...new Set(batch.map((p) => p.request.reservationId))].sort();
  const places = new Map<string, { sku: string; locationId: string }>();
  for (const p of batch) for (const l of p.wanted) places.set(`${l.sku}\u0000${l.locationId}`, { sku: l.sku, locationId: l.locationId });
  const pairs = [...places.values()];
  const soldOut = (ctx.soldOut ??= new Map());
  const now = Date.now();
  // The pre-read only pays off under a sold-out storm; skip it for pairs not seen empty lately.
  if ([...places.keys()].some((k) => now - (soldOut.get(k) ?? Number.NEGATIVE_INFINITY) < SOLD_OUT_MEMORY_MS)) {
    const snapshot = await _readForReserve(ctx.driver, ctx, ids, pairs, false);
    if (snapshot.held.length === 0) {
      const outcomes = _decide(new StockStep(snapshot.stock, [], ctx.createId), batch);
      if (outcomes.every((o) => !o.ok)) return outcomes;
    }
  }
  return retryingTransaction(ctx.driver, async (tx) => {
    const locked = await _readForReserve(tx, ctx, ids, pairs, true);
    const step = new StockStep(locked.stock, locked.held, ctx.createId);
    const outcomes = _decide(step, batch);
    for (const o of outcomes) {
      if (o.ok || !isFulfillmentError(o.error, 'INSUFFICIENT_STOCK')) continue;
      for (const short of (o.error.details.shortages as { sku: string; locationId: string; available: number }[] | undefined) ?? []) {
        if (short.available <= 0) soldOut.set(`${short.sku}\u0000${short.locationId}`, Date.now());
      }
    }
    if (soldOut.size > 10_000) soldOut.clear();
    const changes = step.changes();
    if (changes !== null) {
      const [row] = await tx.query<{ inserted: number }>(plans.writeInventoryChanges(ctx.s, changes));
      if (row?.inserted !== changes.insertReservations.length) throw new RetryTransaction();
    }
    return outcomes;
  });
}

async function _readForReserve(
  session: SqlSession,
  ctx: InventoryContext,
  ids: readonly string[],
  pairs: readonly { sku: string; locationId: string }[],
  lock: boolean,
): Promise<{ held: HeldReservation[]; stock: plans.StockRow[] }> {
  const rows = await session.query<{ kind: 'r' | 's'; row: plans.ReservationRow & plans.StockRow }>(plans.readForReserve(ctx.s, ids, pairs, lock));
  const held: HeldReservation[] = [];
  const stock: plans.StockRow[] = [];
  for (const { kind, row } of rows) {
    if (kind === 'r') held.push(reservationFromRow(row));
    else stock.push(row);
  }
  return { held, stock };
}

function _decide(step: StockStep, batch: readonly PreparedReserve[]): ReserveOutcome[] {
  // A refusal's stack would show this batch, not the caller, and capturing
  // thousands of them dominated a sold-out storm; so none is captured here.
  return withoutStack(() =>
    batch.map((p): ReserveOutcome => {
      try {
        return { ok: true, reservation: step.reserve(p.request, p.wanted) };
      } catch (error) {
        if (!isFulfillmentError(error)) throw error;
        return { ok: false, error };
      }
    }),
  );
}

/** Commit or release units of one reservation. */
export async function changeReservation(ctx: InventoryContext, change: ReservationChange, kind: 'committed' | 'released'): Promise<Reservation> {
  const { s } = ctx;
  return retryingTransaction(ctx.driver, async (tx) => {
    const [row] = await tx.query<plans.ReservationRow>(plans.lockReservations(s, [change.reservationId]));
    if (row === undefined) {
      throw new FulfillmentError('NOT_FOUND', `Reservation ${change.reservationId} not found`, { details: { reservationId: change.reservationId } });
    }
    const held = reservationFromRow(row);
    const step = await lockedStep(ctx, tx, [held]);
    const result = step.change(held, change, kind);
    await write(ctx, tx, step);
    return result;
  });
}

/** Expire due active reservations, skipping any another process is already handling. */
export async function expireDue(ctx: InventoryContext, now: string, limit: number | null): Promise<Reservation[]> {
  const { s } = ctx;
  return retryingTransaction(ctx.driver, async (tx) => {
    const due = (await tx.query<plans.ReservationRow>(plans.lockDueReservations(s, now, limit))).map(reservationFromRow);
    if (due.length === 0) return [];
    const step = await lockedStep(ctx, tx, due);
    const expired = due.map((held) => step.expire(held, now));
    await write(ctx, tx, step);
    return expired;
  });
}

/** Change on-hand by `delta`, refusing to fall below reserved. */
export async function adjustStock(
  ctx: InventoryContext,
  input: { sku: string; locationId: string; delta: number; reason: string; opId?: string; at: string },
): Promise<StockResult> {
  const { s } = ctx;
  const { sku, locationId, delta } = input;
  const movementId = input.opId === undefined ? undefined : opMovementId(input.opId);
  return retryingTransaction(ctx.driver, async (tx) => {
    if (delta > 0) await tx.query(plans.ensureStockRow(s, sku, locationId));
    const stock = await tx.query<plans.StockRow>(plans.lockStock(s, [{ sku, locationId }]));
    const step = new StockStep(stock, [], ctx.createId);
    const level = step.level(sku, locationId);
    // The row lock orders repeats of one operation: the second sees the first's movement.
    if (movementId !== undefined && level !== undefined && (await tx.query(plans.movementExists(s, movementId))).length > 0) {
      return { levels: [step.locationLevel(sku, locationId) as LocationLevel] };
    }
    const onHand = level?.onHand ?? 0;
    const reserved = level?.reserved ?? 0;
    if (level === undefined || onHand + delta < reserved) {
      throw new FulfillmentError(
        'INSUFFICIENT_STOCK',
        `Adjusting ${sku} at ${locationId} by ${delta} would leave on-hand ${onHand + delta} below reserved ${reserved}`,
        { details: { shortages: [{ sku, locationId, requested: -delta, available: Math.max(0, onHand - reserved) }], sku, locationId, onHand, reserved, delta } },
      );
    }
    step.adjust(sku, locationId, delta, input.reason, input.at, movementId);
    await write(ctx, tx, step);
    return { levels: [step.locationLevel(sku, locationId) as LocationLevel] };
  });
}

/** Movement id of an idempotent receipt or adjustment: its `opId`, namespaced. */
export function opMovementId(opId: string): string {
  return `op:${opId}`;
}

/** A level as the port returns it. */
export function levelFromRow(row: plans.StockRow): LocationLevel {
  return {
    sku: row.sku,
    locationId: row.location_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    safetyStock: row.safety_stock,
    available: Math.max(0, row.on_hand - row.reserved - row.safety_stock),
    reorderPoint: row.reorder_point,
    bin: row.bin,
  };
}

/** Validate a reserve request and sum its lines, before it joins a batch. */
export function prepareReserve(request: ReserveRequest): PreparedReserve {
  if (request === null || typeof request !== 'object') throw invalidCall('reserve needs a request');
  const wanted = sumLines(request.lines);
  if (wanted.length === 0) throw invalidCall('A reservation needs at least one line', { reservationId: request.reservationId });
  return { request, wanted };
}

// A step over the stock rows of these reservations' lines, locked in order.
async function lockedStep(ctx: InventoryContext, tx: SqlSession, held: readonly HeldReservation[]): Promise<StockStep> {
  const places = new Map<string, { sku: string; locationId: string }>();
  for (const r of held) for (const l of r.lines) places.set(`${l.sku}\u0000${l.locationId}`, { sku: l.sku, locationId: l.locationId });
  const stock = places.size === 0 ? [] : await tx.query<plans.StockRow>(plans.lockStock(ctx.s, [...places.values()]));
  return new StockStep(stock, held, ctx.createId);
}

async function write(ctx: InventoryContext, tx: SqlSession, step: StockStep): Promise<void> {
  const changes = step.changes();
  if (changes !== null) await tx.query(plans.writeInventoryChanges(ctx.s, changes));
}
