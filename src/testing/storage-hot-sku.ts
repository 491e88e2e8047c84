// The oversell scenario every storage adapter must survive: many concurrent
// single-unit reservations racing for one SKU's last units.
import { nanoid } from 'nanoid';
import type { LocationLevel } from '../domain/inventory.js';
import type { StorageAdapter } from '../ports/storage.js';

/** Options of {@link runHotSkuScenario}. */
export interface HotSkuOptions {
  /** Concurrent single-unit `reserve` calls. */
  attempts: number;
  /** Units received before the race. */
  stock: number;
  /**
   * SKU to race for.
   * @defaultValue a random `HOT-...` SKU
   */
  sku?: string;
  /**
   * Location of the stock.
   * @defaultValue a random `loc-...` id
   */
  locationId?: string;
  /**
   * Timestamp recorded on every write.
   * @defaultValue `'2031-01-01T00:00:00.000Z'`
   */
  at?: string;
}

/** What happened in a {@link runHotSkuScenario} race. */
export interface HotSkuReport {
  sku: string;
  locationId: string;
  attempts: number;
  stock: number;
  /** Reserve calls that succeeded. */
  reserved: number;
  /** Reserve calls rejected with `INSUFFICIENT_STOCK`. */
  rejected: number;
  /** Any other rejection (each one is a defect). */
  errors: unknown[];
  /** The level after the race. */
  level: LocationLevel | null;
  /** The SKU's ledger summed at the location. */
  ledger: { onHand: number; reserved: number };
  /** Broken expectations, in words; empty when the adapter behaved. */
  violations: string[];
}

/**
 * Receive `stock` units, fire `attempts` concurrent single-unit reservations
 * for them, and report: exactly `min(stock, attempts)` must succeed, every
 * other call must fail with `INSUFFICIENT_STOCK`, and the levels and the
 * ledger must agree. Works with any {@link StorageAdapter}.
 *
 * @example
 * ```ts
 * import { runHotSkuScenario } from 'fulfillkit/testing';
 *
 * const report = await runHotSkuScenario(postgresStorage({ client: pool }), { attempts: 10_000, stock: 100 });
 * expect(report.violations).toEqual([]);
 * ```
 */
export async function runHotSkuScenario(storage: StorageAdapter, options: HotSkuOptions): Promise<HotSkuReport> {
  const sku = options.sku ?? `HOT-${nanoid(10).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const locationId = options.locationId ?? `loc-${nanoid(8)}`;
  const at = options.at ?? '2031-01-01T00:00:00.000Z';
  const { attempts, stock } = options;
  if (stock > 0) await storage.receive({ sku, locationId, quantity: stock, at });
  const race = Array.from({ length: attempts }, (_, i) =>
    storage.reserve({
      reservationId: `res-${sku}-${i}`,
      orderId: `ord-${sku}-${i}`,
      lines: [{ sku, locationId, quantity: 1 }],
      expiresAt: null,
      opId: `op-${i}`,
      at,
    }),
  );
  const results = await Promise.allSettled(race);
  let reserved = 0;
  let rejected = 0;
  const errors: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') reserved++;
    else if ((result.reason as { code?: unknown } | null)?.code === 'INSUFFICIENT_STOCK') rejected++;
    else errors.push(result.reason);
  }
  const level = (await storage.levels([sku])).find((l) => l.locationId === locationId) ?? null;
  const ledger = { onHand: 0, reserved: 0 };
  for (const m of await storage.ledger(sku)) {
    if (m.locationId !== locationId) continue;
    ledger.onHand += m.onHandDelta;
    ledger.reserved += m.reservedDelta;
  }

  const expected = Math.min(stock, attempts);
  const violations: string[] = [];
  if (reserved !== expected) violations.push(`${reserved} reservations succeeded, expected exactly ${expected}`);
  if (rejected !== attempts - expected) violations.push(`${rejected} INSUFFICIENT_STOCK rejections, expected ${attempts - expected}`);
  if (errors.length > 0) violations.push(`${errors.length} calls failed with other errors, first: ${String(errors[0])}`);
  if (level === null) violations.push('no stock level after the race');
  else {
    if (level.onHand !== stock) violations.push(`onHand is ${level.onHand}, expected ${stock}`);
    if (level.reserved !== reserved) violations.push(`reserved is ${level.reserved}, but ${reserved} reservations succeeded`);
    if (level.reserved > level.onHand) violations.push(`reserved ${level.reserved} exceeds onHand ${level.onHand}`);
    if (level.available < 0) violations.push(`available is negative (${level.available})`);
    if (ledger.onHand !== level.onHand || ledger.reserved !== level.reserved) {
      violations.push(`ledger sums (${ledger.onHand} on hand, ${ledger.reserved} reserved) differ from the level (${level.onHand}, ${level.reserved})`);
    }
  }
  return { sku, locationId, attempts, stock, reserved, rejected, errors, level, ledger, violations };
}
