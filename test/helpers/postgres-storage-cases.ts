// What only the PostgreSQL adapter promises, run against both a real server
// and PGlite: migrations, batching, timestamps, cross-adapter races.
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/storage/postgres/postgres-migrations.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';
import type { StorageReader } from '../../src/testing/storage-check-kit.js';
import { runHotSkuScenario } from '../../src/testing/storage-hot-sku.js';
import type { TestDatabase } from './database.js';

const AT = '2031-01-01T00:00:00.000Z';

/** Reads stock and order versions straight from the tables, bypassing the adapter. */
export function sqlReader(db: TestDatabase, schema: string): StorageReader {
  const row = async <R>(text: string, values: unknown[]) => (await db.query<R>(text, values))[0];
  return {
    onHand: async (sku, loc) =>
      (await row<{ on_hand: number }>(`SELECT on_hand FROM "${schema}".stock WHERE sku = $1 AND location_id = $2`, [sku, loc]))?.on_hand ?? null,
    reserved: async (sku, loc) =>
      (await row<{ reserved: number }>(`SELECT reserved FROM "${schema}".stock WHERE sku = $1 AND location_id = $2`, [sku, loc]))?.reserved ?? null,
    orderVersion: async (id) => (await row<{ version: number }>(`SELECT version FROM "${schema}".orders WHERE id = $1`, [id]))?.version ?? null,
  };
}

function reserveOne(storage: StorageAdapter, sku: string, n: number, quantity = 1) {
  return storage.reserve({
    reservationId: `res-${sku}-${n}`,
    orderId: `ord-${sku}-${n}`,
    lines: [{ sku, locationId: 'w1', quantity }],
    expiresAt: null,
    opId: `op-${n}`,
    at: AT,
  });
}

/**
 * Register the PostgreSQL-specific cases. `db()` is read when tests run, so
 * the suite can be declared before the database is open.
 */
export function describePostgresStorageCases(name: string, db: () => TestDatabase): void {
  describe(`${name}: PostgreSQL specifics`, () => {
    it('declares itself durable and multi-process', () => {
      expect(postgresStorage({ client: db().client, schema: 'unused' }).capabilities).toEqual({ durable: true, multiProcess: true });
    });

    it('rejects schema names that are not plain identifiers', () => {
      for (const schema of ['Shop', 'a-b', 'x"; DROP TABLE t; --', '', '1abc']) {
        expect(() => postgresStorage({ client: db().client, schema }), schema).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
      }
    });

    it('migrate: concurrent calls apply each version once, then nothing', async () => {
      const schema = db().schema();
      const stores = [0, 1, 2].map(() => postgresStorage({ client: db().client, schema }));
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]?.migrate();
      const versions = await db().query<{ version: number }>(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('autoMigrate: false leaves the schema alone and surfaces ADAPTER_ERROR', async () => {
      const storage = postgresStorage({ client: db().client, schema: db().schema(), autoMigrate: false });
      await expect(storage.skus()).rejects.toMatchObject({ code: 'ADAPTER_ERROR' });
      await storage.migrate();
      await expect(storage.skus()).resolves.toEqual([]);
    });

    it('timestamps come back exactly as passed, and expiry compares instants, not text', async () => {
      const storage = postgresStorage({ client: db().client, schema: db().schema() });
      await storage.receive({ sku: 'TS', locationId: 'w1', quantity: 5, at: '2031-01-01T00:00:00Z' });
      // 02:00+03:00 is 23:00Z the day before: due at 2031-01-01T00:00Z although its text sorts later.
      const r = await storage.reserve({
        reservationId: 'ts-1',
        orderId: 'o-ts',
        lines: [{ sku: 'TS', locationId: 'w1', quantity: 1 }],
        expiresAt: '2031-01-01T02:00:00+03:00',
        opId: 'a',
        at: '2031-01-01T00:00:00Z',
      });
      expect(r.expiresAt).toBe('2031-01-01T02:00:00+03:00');
      expect(r.createdAt).toBe('2031-01-01T00:00:00Z');
      const expired = await storage.expireReservations({ now: '2031-01-01T00:00:00.000Z' });
      expect(expired.map((e) => e.id)).toEqual(['ts-1']);
      expect((await storage.ledger('TS')).map((m) => m.at)).toEqual(['2031-01-01T00:00:00Z', '2031-01-01T00:00:00Z', '2031-01-01T00:00:00.000Z']);
      await storage.close();
    });

    it('reserve batches: refusals, top-ups and repeated op ids in one batch each get their own answer', async () => {
      const storage = postgresStorage({ client: db().client, schema: db().schema(), batchReservations: { maxBatch: 50, maxWaitMs: 5 } });
      await storage.receive({ sku: 'B', locationId: 'w1', quantity: 5, at: AT });
      const req = (reservationId: string, opId: string, quantity: number) =>
        storage.reserve({ reservationId, orderId: `o-${reservationId}`, lines: [{ sku: 'B', locationId: 'w1', quantity }], expiresAt: null, opId, at: AT });
      const results = await Promise.allSettled([req('r1', 'a', 2), req('r2', 'a', 4), req('r1', 'b', 1), req('r1', 'b', 1), req('r3', 'a', 2)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      const [first, short, topUp, repeat] = results;
      expect(first.status === 'fulfilled' && first.value.lines[0]?.quantity).toBe(2);
      expect(short.status === 'rejected' && short.reason).toMatchObject({
        code: 'INSUFFICIENT_STOCK',
        details: { shortages: [{ sku: 'B', locationId: 'w1', requested: 4, available: 3 }] },
      });
      expect(topUp.status === 'fulfilled' && topUp.value.lines[0]?.quantity).toBe(3);
      expect(repeat.status === 'fulfilled' && repeat.value.lines[0]?.quantity).toBe(3);
      const [level] = await storage.levels(['B']);
      expect(level).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
      expect(await storage.getReservation('r2')).toBeNull();
      await storage.close();
    });

    it('reserve batches: a request the database refuses fails alone, the rest of its batch commits', async () => {
      const schema = db().schema();
      const storage = postgresStorage({ client: db().client, schema, batchReservations: { maxBatch: 10, maxWaitMs: 5 } });
      await storage.receive({ sku: 'F', locationId: 'w1', quantity: 10, at: AT });
      // jsonb cannot hold U+0000, so this request breaks the whole batch statement.
      const bad = storage.reserve({ reservationId: 'bad', orderId: 'o\u0000x', lines: [{ sku: 'F', locationId: 'w1', quantity: 1 }], expiresAt: null, opId: 'a', at: AT });
      const good = [1, 2, 3].map((n) => reserveOne(storage, 'F', n));
      await expect(bad).rejects.toMatchObject({ code: 'ADAPTER_ERROR' });
      await expect(Promise.all(good)).resolves.toHaveLength(3);
      expect(await sqlReader(db(), schema).reserved('F', 'w1')).toBe(3);
      await storage.close();
    });

    it('hot SKU: 10,000 concurrent attempts on 100 units reserve exactly 100 (batched, the default)', async () => {
      const schema = db().schema();
      const storage = postgresStorage({ client: db().client, schema });
      const report = await runHotSkuScenario(storage, { attempts: 10_000, stock: 100, locationId: 'w1' });
      expect(report.violations).toEqual([]);
      expect(report.reserved).toBe(100);
      expect(await sqlReader(db(), schema).reserved(report.sku, 'w1')).toBe(100);
      const [count] = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".reservations`);
      expect(count?.n).toBe(100);
      await storage.close();
    }, 120_000);

    it('hot SKU: never oversells with one transaction per call', async () => {
      const schema = db().schema();
      const storage = postgresStorage({ client: db().client, schema, batchReservations: false });
      const report = await runHotSkuScenario(storage, { attempts: 300, stock: 120, locationId: 'w1' });
      expect(report.violations).toEqual([]);
      expect(report.reserved).toBe(120);
      expect(await sqlReader(db(), schema).reserved(report.sku, 'w1')).toBe(120);
      await storage.close();
    }, 120_000);

    it('two adapters on one schema never oversell, and sweeps and claims never overlap', async () => {
      const schema = db().schema();
      const a = postgresStorage({ client: db().client, schema });
      const b = postgresStorage({ client: db().client, schema, batchReservations: false });
      await a.receive({ sku: 'H', locationId: 'w1', quantity: 50, at: AT });
      const race = await Promise.allSettled(Array.from({ length: 160 }, (_, n) => reserveOne(n % 2 === 0 ? a : b, 'H', n)));
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
      expect(race.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_STOCK')).toBe(true);

      const ids = race.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
      for (const id of ids) await a.setReservationExpiry(id, '2031-01-01T00:10:00.000Z');
      const swept = await Promise.all([a, b, a, b].map((s) => s.expireReservations({ now: '2031-01-01T01:00:00.000Z', limit: 20 })));
      const sweptIds = swept.flat().map((r) => r.id);
      expect(new Set(sweptIds).size).toBe(sweptIds.length);
      const rest = await a.expireReservations({ now: '2031-01-01T01:00:00.000Z' });
      expect(sweptIds.length + rest.length).toBe(50);
      const ledger = await a.ledger('H');
      expect(ledger.filter((m) => m.type === 'expired')).toHaveLength(50);
      expect(await a.levels(['H'])).toMatchObject([{ onHand: 50, reserved: 0, available: 50 }]);

      await a.appendOutbox(
        Array.from({ length: 30 }, (_, n) => ({ topic: 'event' as const, key: `m-${n}`, payload: { n } })),
        AT,
      );
      const claims = await Promise.all([a, b, a, b].map((s) => s.claimOutbox({ limit: 10, leaseMs: 60_000, now: AT })));
      const claimed = claims.flat().map((m) => m.key);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed).toHaveLength(30);
      await Promise.all([a.close(), b.close()]);
    });

    it('createOrder: concurrent writers of one idempotency key from two adapters, exactly one order lands', async () => {
      const schema = db().schema();
      const a = postgresStorage({ client: db().client, schema });
      const b = postgresStorage({ client: db().client, schema });
      await Promise.all([a.migrate(), b.migrate()]);
      const orders = Array.from({ length: 6 }, () => makeTestOrder());
      const results = await Promise.allSettled(
        orders.map((order, n) =>
          (n % 2 === 0 ? a : b).createOrder({ order, keys: [`shp-${order.id}`], idempotency: { scope: 'orders.place', key: 'same', fingerprint: `f${n}` } }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = orders[results.findIndex((r) => r.status === 'fulfilled')];
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', details: { resourceId: winner?.id } });
      }
      const [count] = await db().query<{ n: number; k: number }>(
        `SELECT (SELECT count(*) FROM "${schema}".orders)::int AS n, (SELECT count(*) FROM "${schema}".order_keys)::int AS k`,
      );
      expect(count).toEqual({ n: 1, k: 1 });
      await Promise.all([a.close(), b.close()]);
    });

    it('close: queued reservations still settle, later calls are CONFIGURATION_ERROR', async () => {
      const storage = postgresStorage({ client: db().client, schema: db().schema() });
      await storage.receive({ sku: 'C', locationId: 'w1', quantity: 3, at: AT });
      const pending = [1, 2].map((n) => reserveOne(storage, 'C', n));
      await storage.close();
      await expect(Promise.all(pending)).resolves.toHaveLength(2);
      await expect(storage.levels(['C'])).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    });
  });
}
