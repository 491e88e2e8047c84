// What every storage check receives, and the small helpers the checks share.
import { nanoid } from 'nanoid';
import { expect } from './runner.js';
import type { FulfillmentErrorCode } from '../domain/errors.js';
import { type LocationLevel, ledgerSums } from '../domain/inventory.js';
import type { OrderStatus } from '../domain/status.js';
import type { OutboxMessage, StorageAdapter, StorageCapabilities } from '../ports/storage.js';

/**
 * Reads the backing store directly, without going through the adapter, so
 * the checks can tell a write really landed (not merely that the adapter
 * reads back what it cached). Each method answers `null` when the row is absent.
 *
 * @example
 * ```ts
 * const reader: StorageReader = {
 *   onHand: async (sku, loc) => (await pool.query('select on_hand from stock where sku=$1 and location_id=$2', [sku, loc])).rows[0]?.on_hand ?? null,
 *   reserved: async (sku, loc) => ...,
 *   orderVersion: async (id) => ...,
 * };
 * ```
 */
export interface StorageReader {
  /** On-hand units of a SKU at a location. */
  onHand(sku: string, locationId: string): Promise<number | null>;
  /** Reserved units of a SKU at a location. */
  reserved(sku: string, locationId: string): Promise<number | null>;
  /** Stored version of an order. */
  orderVersion(orderId: string): Promise<number | null>;
}

/** Everything a storage check gets: a fresh adapter and helpers for unique ids and times. */
export interface StorageCheckContext {
  /** A fresh adapter, closed after the check. */
  storage: StorageAdapter;
  /** Independent reader of the backing store, when the kit was given one. */
  reader: StorageReader | null;
  /** Another adapter on the same backing store (for multi-process and durability checks); closed after the check. */
  open(): Promise<StorageAdapter>;
  /** A random id that starts with `prefix`, valid as a SKU, order id or key. */
  id(prefix: string): string;
  /** An ISO instant `offsetMs` after the check's fixed time base. */
  at(offsetMs?: number): string;
}

/** One named conformance check. The name's part before `:` is the port method it covers. */
export interface StorageCheck {
  name: string;
  /** A capability the adapter must declare for the check to apply. */
  requires?: keyof StorageCapabilities;
  run(context: StorageCheckContext): Promise<void>;
}

/** Build a {@link StorageCheck}. */
export function storageCheck(name: string, run: StorageCheck['run'], requires?: keyof StorageCapabilities): StorageCheck {
  return requires === undefined ? { name, run } : { name, run, requires };
}

/** Time base of every check: far from today, so real-clock data never interferes. */
export const CHECK_EPOCH = Date.UTC(2031, 0, 1);

/** Build a check context around an adapter. */
export function checkContext(storage: StorageAdapter, reader: StorageReader | null, open: () => Promise<StorageAdapter>): StorageCheckContext {
  return {
    storage,
    reader,
    open,
    id: (prefix) => `${prefix}-${nanoid(12).replace(/[^A-Za-z0-9]/g, 'x')}`,
    at: (offsetMs = 0) => new Date(CHECK_EPOCH + offsetMs).toISOString(),
  };
}

/** Await `promise`, assert it rejects with a FulfillmentError of `code`, and return the error. */
export async function expectCode(
  promise: Promise<unknown>,
  code: FulfillmentErrorCode,
): Promise<{ code: string; details: Record<string, unknown> }> {
  let failure: unknown;
  let settled = false;
  try {
    await promise;
    settled = true;
  } catch (error) {
    failure = error;
  }
  expect(settled, `expected a ${code} rejection, but the call succeeded`).toBe(false);
  expect((failure as { code?: unknown } | null)?.code, `expected a ${code} rejection, got: ${String(failure)}`).toBe(code);
  return failure as { code: string; details: Record<string, unknown> };
}

/** The level of one (sku, location), or `undefined`. */
export async function levelOf(storage: StorageAdapter, sku: string, locationId: string): Promise<LocationLevel | undefined> {
  return (await storage.levels([sku])).find((l) => l.locationId === locationId);
}

export { ledgerSums };

/** Assert that summing a SKU's ledger reproduces its levels at every location. */
export async function expectLedgerMatchesLevels(storage: StorageAdapter, sku: string): Promise<void> {
  const sums = ledgerSums(await storage.ledger(sku));
  for (const level of await storage.levels([sku])) {
    expect(sums.get(level.locationId) ?? { onHand: 0, reserved: 0 }, `ledger of ${sku}@${level.locationId}`).toEqual({
      onHand: level.onHand,
      reserved: level.reserved,
    });
  }
}

/**
 * Claim at `now` until nothing more is due, keeping only messages whose key
 * passes `mine`. The outbox is shared by everything in the store, so
 * messages of others are leased too; the checks only assert on their own.
 */
export async function claimMine(
  storage: StorageAdapter,
  input: { now: string; leaseMs: number; mine: (key: string) => boolean },
): Promise<OutboxMessage[]> {
  const found: OutboxMessage[] = [];
  for (let round = 0; round < 1000; round++) {
    const batch = await storage.claimOutbox({ limit: 100, leaseMs: input.leaseMs, now: input.now });
    for (const message of batch) if (input.mine(message.key)) found.push(message);
    if (batch.length < 100) break;
  }
  return found;
}

/** Ids of every order listed under `query`, walking all pages with `limit`, keeping those in `mine`. */
export async function listAll(
  storage: StorageAdapter,
  query: { status?: OrderStatus; tag?: string; limit: number },
  mine: ReadonlySet<string>,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const result = await storage.listOrders({ ...query, cursor });
    expect(result.items.length).toBeLessThanOrEqual(query.limit);
    for (const order of result.items) if (mine.has(order.id)) ids.push(order.id);
    if (result.nextCursor === null) return ids;
    cursor = result.nextCursor;
  }
  throw new Error('listOrders never returned a null cursor');
}
