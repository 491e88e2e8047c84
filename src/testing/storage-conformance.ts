// The storage conformance kit: every check a StorageAdapter must pass,
// registered as vitest tests grouped by port method, or run one by one.
import { describe } from './runner.js';
import type { StorageAdapter } from '../ports/storage.js';
import { type ConformanceOptions, registerConformanceTest } from './describe-options.js';
import { checkContext, type StorageCheck, type StorageReader } from './storage-check-kit.js';
import { orderChecks } from './storage-checks-orders.js';
import { outboxChecks } from './storage-checks-outbox.js';
import { reservationChecks } from './storage-checks-reservations.js';
import { stockChecks } from './storage-checks-stock.js';

/** Makes a fresh adapter; several calls must reach the same backing store for the multi-process and durability checks. */
export type StorageFactory = () => StorageAdapter | Promise<StorageAdapter>;

/** Options of {@link describeStorageConformance}. */
export interface StorageConformanceOptions extends ConformanceOptions {
  /**
   * Reads the backing store without the adapter, to confirm writes landed.
   * Pass a function when each adapter has its own store (it receives the adapter).
   * @defaultValue none: writes are checked through the adapter only
   */
  reader?: StorageReader | ((storage: StorageAdapter) => StorageReader);
}

/** Every storage check, in port order. Names start with the port method they cover. */
export const storageChecks: readonly StorageCheck[] = [...orderChecks, ...stockChecks, ...reservationChecks, ...outboxChecks];

/**
 * Run one check against a fresh adapter from `factory`, closing every
 * adapter it opened afterwards. Resolves `'passed'`, or `'unsupported'` when
 * the adapter lacks a capability the check needs; rejects with the
 * assertion error when the adapter fails it.
 *
 * @example
 * ```ts
 * await expect(runStorageCheck('reserve: all-or-nothing across lines', () => myStorage())).resolves.toBe('passed');
 * ```
 */
export async function runStorageCheck(
  check: StorageCheck | string,
  factory: StorageFactory,
  options: Pick<StorageConformanceOptions, 'reader'> = {},
): Promise<'passed' | 'unsupported'> {
  const found = typeof check === 'string' ? storageChecks.find((c) => c.name === check) : check;
  if (found === undefined) throw new Error(`No storage check named "${String(check)}"`);
  const storage = await factory();
  const opened: StorageAdapter[] = [storage];
  try {
    if (found.requires !== undefined && !storage.capabilities[found.requires]) return 'unsupported';
    const reader = typeof options.reader === 'function' ? options.reader(storage) : (options.reader ?? null);
    const open = async () => {
      const another = await factory();
      opened.push(another);
      return another;
    };
    await found.run(checkContext(storage, reader, open));
    return 'passed';
  } finally {
    // A check may have closed an adapter itself; a second close must not mask its result.
    await Promise.allSettled(opened.map((a) => a.close()));
  }
}

/**
 * Register the storage conformance suite for an adapter: one vitest test per
 * check, grouped by port method (`reserve: all-or-nothing across lines`,
 * `claimOutbox: oldest first and never more than the limit`, ...). Each test
 * gets a fresh adapter and random ids and SKUs, so a suite may share one
 * database. Checks needing `multiProcess` or `durable` are skipped unless
 * the adapter declares them; those call `factory` again and expect the new
 * adapter to reach the same store.
 *
 * The outbox and expiry checks claim and sweep the whole store; they assert
 * only on their own messages and reservations, but do not run other suites
 * against the same store at the same time.
 *
 * @example
 * ```ts
 * // test/adapters/my-storage.test.ts
 * import { describeStorageConformance } from 'fulfillkit/testing';
 *
 * describeStorageConformance('my storage', () => myStorage({ url: process.env.DATABASE_URL }), {
 *   skip: ['close: data survives reopening'],
 * });
 * ```
 */
export function describeStorageConformance(name: string, factory: StorageFactory, options: StorageConformanceOptions = {}): void {
  const groups = new Map<string, StorageCheck[]>();
  for (const check of storageChecks) {
    const group = check.name.split(':')[0] as string;
    groups.set(group, [...(groups.get(group) ?? []), check]);
  }
  describe(`${name}: storage conformance`, () => {
    for (const [group, checks] of groups) {
      describe(group, () => {
        for (const check of checks) {
          registerConformanceTest(
            check.name,
            async (context) => {
              const outcome = await runStorageCheck(check, factory, options);
              if (outcome === 'unsupported') context.skip(`adapter does not declare ${check.requires}`);
            },
            options,
          );
        }
      });
    }
  });
}
