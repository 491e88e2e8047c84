// The same hostile input gets the same answer on the memory store, PGlite and
// PostgreSQL (when DATABASE_URL is set), and the stock bound holds under
// concurrent receipts without a single unit lost or overflowing the column.
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { isFulfillmentError } from '../../src/domain/errors.js';
import { MAX_MONEY_AMOUNT, MAX_STOCK_UNITS } from '../../src/domain/limits.js';
import type { Fulfillment } from '../../src/index.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { openPglite, openPostgres, type TestDatabase } from '../helpers/database.js';
import { makeShop, orderFor, storeState } from '../helpers/shop.js';

const { db: postgres, problem } = await openPostgres({ max: 20 });
const pglite = await openPglite();
afterAll(async () => {
  await pglite.close();
  await postgres?.close();
});

if (problem !== null) {
  it('PostgreSQL is reachable', () => {
    throw new Error(problem);
  });
}

const sqlStore = (db: TestDatabase) => async () => {
  const storage = postgresStorage({ client: db.client, schema: db.schema() });
  await storage.migrate();
  return storage;
};
const STORES: [string, () => Promise<StorageAdapter>][] = [
  ['memory', async () => memoryStorage()],
  ['PGlite', sqlStore(pglite)],
  ...(postgres ? ([['PostgreSQL', sqlStore(postgres)]] as [string, () => Promise<StorageAdapter>][]) : []),
];

const base = orderFor({ MUG: 1 });
const HOSTILE: [string, (ff: Fulfillment) => Promise<unknown>][] = [
  ['a NUL in the customer name', (ff) => ff.orders.place({ ...base, customer: { ...base.customer, name: 'Ada\u0000' } })],
  ['a lone surrogate in a note', (ff) => ff.orders.place({ ...base, notes: 'door \uD83D' })],
  ['a NUL in a metadata key', (ff) => ff.orders.place({ ...base, metadata: { 'a\u0000': 'b' } })],
  ['a NUL in the idempotency key', (ff) => ff.orders.place(base, { idempotencyKey: 'cart\u0000' })],
  ['a total beyond MAX_SAFE_INTEGER', (ff) => ff.orders.place({ ...base, lines: base.lines.map((l) => ({ ...l, quantity: 2, unitPrice: { amount: MAX_MONEY_AMOUNT, currency: 'USD' } })) })],
  ['a receipt of 3e9 units', (ff) => ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 3e9 })],
  ['a receipt past the column', (ff) => ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: MAX_STOCK_UNITS - 9 })],
  ['a NUL in an adjustment reason', (ff) => ff.inventory.adjust({ sku: 'MUG', locationId: 'east', delta: 1, reason: 'x\u0000' })],
  ['a NUL in an order id', (ff) => ff.orders.get('ord_\u0000')],
  ['a lone surrogate in a SKU lookup', (ff) => ff.inventory.level('MUG\uDC00')],
  ['a NUL in a bin', (ff) => ff.inventory.configure({ sku: 'MUG', locationId: 'east', bin: 'A\u0000' })],
];

async function answers(open: () => Promise<StorageAdapter>): Promise<string[]> {
  const storage = await open();
  const shop = makeShop({ storage });
  try {
    await shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 10 });
    const out: string[] = [];
    for (const [name, attempt] of HOSTILE) {
      const before = await storeState(shop, ['MUG']);
      const code = await attempt(shop.ff).then(
        () => 'ok',
        (err: unknown) => (isFulfillmentError(err) ? err.code : `escaped ${String(err)}`),
      );
      out.push(`${name}: ${code}`);
      if (code !== 'ok') expect(await storeState(shop, ['MUG']), name).toEqual(before);
    }
    return out;
  } finally {
    await shop.ff.close();
  }
}

describe('hostile input gets one answer on every store', () => {
  it(`refuses each case alike on ${STORES.map(([n]) => n).join(', ')}`, async () => {
    const results = new Map<string, string[]>();
    for (const [name, open] of STORES) results.set(name, await answers(open));
    const memory = results.get('memory') as string[];
    expect(memory.every((line) => line.endsWith('VALIDATION_FAILED'))).toBe(true);
    for (const [name, lines] of results) expect(lines, name).toEqual(memory);
  }, 60_000);
});

describe('the stock bound under concurrent receipts', () => {
  for (const [name, open] of STORES) {
    it(`${name}: 40 racing receipts near the bound land exactly up to it, the rest refused, the ledger agreeing`, async () => {
      const storage = await open();
      const a = makeShop({ storage });
      const b = makeShop({ storage }); // a second engine instance on the same store
      try {
        await a.ff.inventory.receive({ sku: 'HOT', locationId: 'east', quantity: MAX_STOCK_UNITS - 25 });
        const outcomes = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? a : b).ff.inventory.receive({ sku: 'HOT', locationId: 'east', quantity: 1 }).then(
              () => 'ok',
              (err: unknown) => (isFulfillmentError(err) ? err.code : `escaped ${String(err)}`),
            ),
          ),
        );
        expect(outcomes.filter((o) => o === 'ok')).toHaveLength(25);
        expect(outcomes.filter((o) => o === 'VALIDATION_FAILED')).toHaveLength(15);
        const level = await a.ff.inventory.level('HOT');
        expect(level.onHand).toBe(MAX_STOCK_UNITS);
        expect(await a.ff.inventory.reconcile(['HOT'])).toEqual([]);
        expect(await a.ff.inventory.ledger('HOT')).toHaveLength(26);
      } finally {
        await a.ff.close();
      }
    }, 60_000);
  }
});
