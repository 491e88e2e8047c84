// Random sequences of stock operations against memoryStorage and a plain
// model: the adapter must agree with the model and keep the stock invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { StorageAdapter, StockLine } from '../../src/ports/storage.js';
import { ledgerSums } from '../../src/testing/storage-check-kit.js';

const SKUS = ['TEE-S', 'TEE-M', 'MUG'] as const;
const LOCATIONS = ['east', 'west'] as const;
const SAFETY: Record<string, number> = { 'MUG|west': 2 };
const START = Date.UTC(2031, 0, 1);
const MINUTE = 60_000;

type Place = { sku: string; locationId: string };
type Op =
  | { kind: 'receive'; place: Place; quantity: number }
  | { kind: 'adjust'; place: Place; delta: number }
  | { kind: 'reserve'; slot: number; lines: StockLine[]; ttlMinutes: number | null; op: number }
  | { kind: 'commit' | 'release'; slot: number; lines: StockLine[] | null; op: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'expire' };

const place = fc.record({ sku: fc.constantFrom(...SKUS), locationId: fc.constantFrom(...LOCATIONS) });
const lines = fc.array(fc.record({ sku: fc.constantFrom(...SKUS), locationId: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 1, max: 4 }) }), {
  minLength: 1,
  maxLength: 3,
});
const slot = fc.integer({ min: 0, max: 4 });
const opId = fc.integer({ min: 0, max: 3 });
// Weighted towards reservation traffic, so holds, top-ups, commits and releases interleave.
const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('receive' as const), place, quantity: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), place, delta: fc.integer({ min: -6, max: 6 }).filter((d) => d !== 0) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('reserve' as const), slot, lines, ttlMinutes: fc.option(fc.integer({ min: 1, max: 30 })), op: opId }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('commit' as const, 'release' as const), slot, lines: fc.option(lines), op: opId }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);
// Every run starts with some stock everywhere, so most holds can succeed.
const OPENING: Op[] = SKUS.flatMap((sku) => LOCATIONS.map((locationId) => ({ kind: 'receive' as const, place: { sku, locationId }, quantity: 8 })));

// ---- the model ---------------------------------------------------------------

interface ModelLine {
  quantity: number;
  committed: number;
  released: number;
}
interface ModelReservation {
  lines: Map<string, ModelLine>;
  status: 'active' | 'committed' | 'released' | 'expired';
  expiresAt: number | null;
  opIds: Set<string>;
}

const keyOf = (p: Place) => `${p.sku}|${p.locationId}`;
const held = (l: ModelLine) => l.quantity - l.committed - l.released;

class StockModel {
  levels = new Map<string, { onHand: number; reserved: number }>();
  reservations = new Map<string, ModelReservation>();
  now = START;

  level(key: string) {
    let level = this.levels.get(key);
    if (!level) this.levels.set(key, (level = { onHand: 0, reserved: 0 }));
    return level;
  }
  available(key: string): number {
    const level = this.levels.get(key);
    return level ? Math.max(0, level.onHand - level.reserved - (SAFETY[key] ?? 0)) : 0;
  }
  /** The error code the adapter must throw, or null when the op applies. */
  apply(op: Op): string | null {
    switch (op.kind) {
      case 'receive':
        this.level(keyOf(op.place)).onHand += op.quantity;
        return null;
      case 'adjust': {
        const level = this.level(keyOf(op.place));
        if (level.onHand + op.delta < level.reserved) return 'INSUFFICIENT_STOCK';
        level.onHand += op.delta;
        return null;
      }
      case 'reserve': {
        const existing = this.reservations.get(`r${op.slot}`);
        const seen = existing ? seenIn(existing, op.op, op.lines) : 'new';
        if (seen !== 'new') return seen;
        if (existing && existing.status === 'expired') return 'INVALID_TRANSITION';
        const wanted = sum(op.lines);
        for (const [key, quantity] of wanted) if (quantity > this.available(key)) return 'INSUFFICIENT_STOCK';
        const reservation = existing ?? {
          lines: new Map(),
          status: 'active',
          expiresAt: op.ttlMinutes === null ? null : this.now + op.ttlMinutes * MINUTE,
          opIds: new Set(),
        };
        for (const [key, quantity] of wanted) {
          this.level(key).reserved += quantity;
          const line = reservation.lines.get(key);
          if (line) line.quantity += quantity;
          else reservation.lines.set(key, { quantity, committed: 0, released: 0 });
        }
        reservation.status = 'active';
        reservation.opIds.add(record(op.op, op.lines));
        this.reservations.set(`r${op.slot}`, reservation);
        return null;
      }
      case 'commit':
      case 'release': {
        const reservation = this.reservations.get(`r${op.slot}`);
        if (!reservation) return 'NOT_FOUND';
        const seen = seenIn(reservation, op.op, op.lines);
        if (seen !== 'new') return seen;
        const asked = op.lines === null ? null : sum(op.lines);
        // More than is held is refused, never clamped.
        for (const [key, quantity] of asked ?? []) {
          const line = reservation.lines.get(key);
          if (quantity > (line ? held(line) : 0)) return 'INVALID_TRANSITION';
        }
        reservation.opIds.add(record(op.op, op.lines));
        let changed = false;
        for (const [key, line] of reservation.lines) {
          const quantity = Math.min(asked === null ? held(line) : (asked.get(key) ?? 0), held(line));
          if (quantity <= 0) continue;
          changed = true;
          const level = this.level(key);
          level.reserved -= quantity;
          if (op.kind === 'commit') {
            level.onHand -= quantity;
            line.committed += quantity;
          } else line.released += quantity;
        }
        if (changed) reservation.status = settle(reservation, 'released');
        return null;
      }
      case 'advance':
        this.now += op.minutes * MINUTE;
        return null;
      case 'expire':
        for (const reservation of this.reservations.values()) {
          if (reservation.status !== 'active' || reservation.expiresAt === null || reservation.expiresAt > this.now) continue;
          for (const [key, line] of reservation.lines) {
            this.level(key).reserved -= held(line);
            line.released += held(line);
          }
          reservation.status = settle(reservation, 'expired');
        }
        return null;
    }
  }
}

/** An op id with the lines it asked for; the same id with other lines is a conflict. */
function record(op: number, lines: readonly StockLine[] | null): string {
  if (lines === null) return `op${op} *`;
  return `op${op} ${[...sum(lines)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, q]) => `${k}=${q}`).join(',')}`;
}

function seenIn(reservation: ModelReservation, op: number, lines: readonly StockLine[] | null): 'new' | null | 'IDEMPOTENCY_CONFLICT' {
  if (reservation.opIds.has(record(op, lines))) return null;
  for (const r of reservation.opIds) if (r.startsWith(`op${op} `)) return 'IDEMPOTENCY_CONFLICT';
  return 'new';
}

function sum(stockLines: readonly StockLine[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of stockLines) sums.set(keyOf(line), (sums.get(keyOf(line)) ?? 0) + line.quantity);
  return sums;
}

function settle(reservation: ModelReservation, otherwise: 'released' | 'expired'): ModelReservation['status'] {
  const lines = [...reservation.lines.values()];
  if (lines.some((l) => held(l) > 0)) return 'active';
  return lines.some((l) => l.committed > 0) ? 'committed' : otherwise;
}

// ---- driving the adapter -----------------------------------------------------

async function run(storage: StorageAdapter, op: Op, now: number): Promise<string | null> {
  const at = new Date(now).toISOString();
  try {
    switch (op.kind) {
      case 'receive':
        await storage.receive({ ...op.place, quantity: op.quantity, at });
        break;
      case 'adjust':
        await storage.adjust({ ...op.place, delta: op.delta, reason: 'cycle count', at });
        break;
      case 'reserve':
        await storage.reserve({
          reservationId: `r${op.slot}`,
          orderId: `o${op.slot}`,
          lines: op.lines,
          expiresAt: op.ttlMinutes === null ? null : new Date(now + op.ttlMinutes * MINUTE).toISOString(),
          opId: `op${op.op}`,
          at,
        });
        break;
      case 'commit':
      case 'release': {
        const change = { reservationId: `r${op.slot}`, opId: `op${op.op}`, at, ...(op.lines === null ? {} : { lines: op.lines }) };
        await (op.kind === 'commit' ? storage.commitReservation(change) : storage.releaseReservation(change));
        break;
      }
      case 'advance':
        break;
      case 'expire':
        await storage.expireReservations({ now: at });
        break;
    }
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function expectAgreement(storage: StorageAdapter, model: StockModel): Promise<void> {
  const levels = await storage.levels([...SKUS]);
  for (const level of levels) {
    const key = keyOf(level);
    expect(level.reserved).toBeGreaterThanOrEqual(0);
    expect(level.reserved).toBeLessThanOrEqual(level.onHand);
    expect(level.available).toBeGreaterThanOrEqual(0);
    expect({ key, onHand: level.onHand, reserved: level.reserved, available: level.available }).toEqual({
      key,
      ...(model.levels.get(key) ?? { onHand: 0, reserved: 0 }),
      available: model.available(key),
    });
  }
  for (const sku of SKUS) {
    const sums = ledgerSums(await storage.ledger(sku));
    for (const level of levels.filter((l) => l.sku === sku)) {
      expect(sums.get(level.locationId) ?? { onHand: 0, reserved: 0 }).toEqual({ onHand: level.onHand, reserved: level.reserved });
    }
  }
}

describe('reservations under random operation sequences', () => {
  it('agree with the model and keep reserved within 0..onHand, available >= 0, ledger = levels', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 60, size: 'max' }), async (generated) => {
        const storage = memoryStorage();
        for (const [key, safetyStock] of Object.entries(SAFETY)) {
          const [sku, locationId] = key.split('|') as [string, string];
          await storage.configureStock({ sku, locationId, safetyStock });
        }
        const model = new StockModel();
        for (const op of [...OPENING, ...generated]) {
          const actual = await run(storage, op, model.now);
          const expected = model.apply(op);
          expect(actual, JSON.stringify(op)).toBe(expected);
          await expectAgreement(storage, model);
        }
        for (const [id, reservation] of model.reservations) {
          const stored = await storage.getReservation(id);
          expect(stored?.status, id).toBe(reservation.status);
          for (const line of stored?.lines ?? []) {
            expect({ quantity: line.quantity, committed: line.committed, released: line.released }).toEqual(reservation.lines.get(keyOf(line)));
          }
        }
        await storage.close();
      }),
      { numRuns: 120 },
    );
  });
});
