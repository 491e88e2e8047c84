// What only the PostgreSQL adapter promises, run against both a real server
// and PGlite: migrations, batching, timestamps, cross-adapter races.
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/storage/postgres/postgres-migrations.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { Order } from '../../src/domain/order.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { OutboxMessageInput, StorageAdapter } from '../../src/ports/storage.js';
import type { PostgresClient } from '../../src/storage/postgres/postgres-client.js';
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

function evt(orderId: string, version: number): DomainEvent {
  return { id: `evt-${orderId}-${version}`, type: 'order.placed', orderId, at: AT, data: { version } } as unknown as DomainEvent;
}

function msg(name: string): OutboxMessageInput {
  return { topic: 'notification', key: `m-${name}`, payload: { name } };
}

/** The client, counting the order-write statements sent through it. */
function countingClient(client: PostgresClient): { client: PostgresClient; writeStatements(): number } {
  let writes = 0;
  const count = (first: unknown) => {
    const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
    if (typeof text === 'string' && text.includes('write_orders(')) writes++;
  };
  const proxy = new Proxy(client as object, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'query') return value.bind(target);
      return (...args: unknown[]) => {
        count(args[0]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: proxy as PostgresClient, writeStatements: () => writes };
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

    it('order write batches: mixed conflicts in one statement, each write gets its own outcome and writes all or nothing', async () => {
      const schema = db().schema();
      const client = countingClient(db().client);
      const storage = postgresStorage({ client: client.client, schema, batchOrderWrites: { maxBatch: 64 } });
      await storage.receive({ sku: 'W', locationId: 'w1', quantity: 5, at: AT });
      const reserve = (id: string) =>
        storage.reserve({ reservationId: id, orderId: `o-${id}`, lines: [{ sku: 'W', locationId: 'w1', quantity: 1 }], expiresAt: null, opId: 'a', at: AT });
      await reserve('res-live');
      await reserve('res-gone');
      await storage.releaseReservation({ reservationId: 'res-gone', opId: 'r', at: AT });
      const a = makeTestOrder({ id: 'ord-a' });
      const b = makeTestOrder({ id: 'ord-b' });
      await storage.createOrder({ order: a, keys: ['key-a'], events: [evt('a', 1)] });
      await storage.createOrder({ order: b, keys: ['key-b'], idempotency: { scope: 'orders.place', key: 'idem-b', fingerprint: 'fb' } });
      const statementsBefore = client.writeStatements();
      const next = (o: Order) => ({ ...o, version: o.version + 1, status: 'processing' as const });
      const fresh = (id: string) => makeTestOrder({ id });
      const calls: Record<string, Promise<void>> = {
        new1: storage.createOrder({ order: fresh('ord-n1'), keys: ['key-n1'], tags: ['t'], events: [evt('n1', 1)], outbox: [msg('n1')] }),
        taken: storage.createOrder({ order: fresh('ord-a'), events: [evt('taken', 1)] }),
        priorKey: storage.createOrder({ order: fresh('ord-p'), events: [evt('p', 1)], idempotency: { scope: 'orders.place', key: 'idem-b', fingerprint: 'fp' } }),
        sameKey1: storage.createOrder({ order: fresh('ord-s1'), idempotency: { scope: 'orders.place', key: 'idem-s', fingerprint: 'f1' } }),
        sameKey2: storage.createOrder({ order: fresh('ord-s2'), events: [evt('s2', 1)], idempotency: { scope: 'orders.place', key: 'idem-s', fingerprint: 'f2' } }),
        foreignKey: storage.createOrder({ order: fresh('ord-f'), keys: ['key-f', 'key-a'], tags: ['t'], events: [evt('f', 1)], outbox: [msg('f')] }),
        staleUpdate: storage.updateOrder({ order: { ...a, version: 3 }, events: [evt('a', 3)] }, 2),
        missing: storage.updateOrder({ order: next(fresh('ord-missing')), events: [evt('m', 2)] }, 1),
        goodUpdate: storage.updateOrder({ order: next(a), keys: ['key-a', 'key-a2'], events: [evt('a', 2)], outbox: [msg('a2')] }, 1),
        retimeGone: storage.updateOrder(
          { order: next(b), events: [evt('b', 2)], outbox: [msg('b2')], reservationExpiry: { reservationId: 'res-gone', expiresAt: '2031-01-02T00:00:00.000Z' } },
          1,
        ),
        retimeLive: storage.createOrder({ order: fresh('ord-r'), events: [evt('r', 1)], reservationExpiry: { reservationId: 'res-live', expiresAt: '2031-01-02T00:00:00.000Z' } }),
      };
      const names = Object.keys(calls);
      const settled = await Promise.allSettled(Object.values(calls));
      const outcome = Object.fromEntries(names.map((n, i) => [n, settled[i]]));
      const reason = (n: string) => (outcome[n] as PromiseRejectedResult).reason;
      for (const ok of ['new1', 'sameKey1', 'goodUpdate', 'retimeLive']) expect(outcome[ok]?.status, ok).toBe('fulfilled');
      expect(reason('taken')).toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { orderId: 'ord-a' } });
      expect(reason('priorKey')).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', details: { key: 'idem-b', resourceId: 'ord-b', fingerprint: 'fb' } });
      expect(reason('sameKey2')).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', details: { key: 'idem-s', resourceId: 'ord-s1', fingerprint: 'f1' } });
      expect(reason('foreignKey')).toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { key: 'key-a', orderId: 'ord-f', ownerId: 'ord-a' } });
      expect(reason('staleUpdate')).toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { orderId: 'ord-a', expectedVersion: 2 } });
      expect(reason('missing')).toMatchObject({ code: 'NOT_FOUND', details: { orderId: 'ord-missing' } });
      expect(reason('retimeGone')).toMatchObject({ code: 'INVALID_TRANSITION', details: { reservationId: 'res-gone', orderId: 'ord-b' } });
      // Eleven writes, and fewer statements than writes: they shared batches.
      const statements = client.writeStatements() - statementsBefore;
      expect(statements).toBeGreaterThan(0);
      expect(statements).toBeLessThan(names.length);

      const q = <R>(text: string) => db().query<R>(text.replaceAll('{s}', `"${schema}"`));
      expect((await q<{ id: string; version: number }>('SELECT id, version FROM {s}.orders ORDER BY id')).map((r) => `${r.id}@${r.version}`)).toEqual([
        'ord-a@2',
        'ord-b@1',
        'ord-n1@1',
        'ord-r@1',
        'ord-s1@1',
      ]);
      expect((await q<{ key: string }>('SELECT key FROM {s}.order_keys ORDER BY key')).map((r) => r.key)).toEqual(['key-a', 'key-a2', 'key-b', 'key-n1']);
      expect((await q<{ tag: string; order_id: string }>('SELECT tag, order_id FROM {s}.order_tags')).map((r) => r.order_id)).toEqual(['ord-n1']);
      // The stale update came first among ord-a's writes (arrival order), so it met version 1.
      expect((await q<{ id: string }>("SELECT event->>'id' AS id FROM {s}.order_events ORDER BY event->>'id'")).map((r) => r.id)).toEqual([
        'evt-a-1',
        'evt-a-2',
        'evt-n1-1',
        'evt-r-1',
      ]);
      expect((await q<{ key: string }>('SELECT key FROM {s}.outbox ORDER BY key')).map((r) => r.key)).toEqual(['m-a2', 'm-n1']);
      expect((await q<{ key: string; resource_id: string }>('SELECT key, resource_id FROM {s}.idempotency ORDER BY key')).map((r) => `${r.key}:${r.resource_id}`)).toEqual([
        'idem-b:ord-b',
        'idem-s:ord-s1',
      ]);
      expect((await storage.getReservation('res-live'))?.expiresAt).toBe('2031-01-02T00:00:00.000Z');
      expect((await storage.getReservation('res-gone'))?.expiresAt).toBeNull();
      await storage.close();
    });

    it('coalesced point reads: every caller gets its own answer and its own copy, a refused key fails alone', async () => {
      const storage = postgresStorage({ client: db().client, schema: db().schema() });
      const a = makeTestOrder({ id: 'ord-ra' });
      const b = makeTestOrder({ id: 'ord-rb' });
      await Promise.all([storage.createOrder({ order: a, keys: ['k-ra'] }), storage.createOrder({ order: b, keys: ['k-rb', 'k-rb2'] })]);
      const [a1, missing, b1, a2] = await Promise.all(['ord-ra', 'ord-none', 'ord-rb', 'ord-ra'].map((id) => storage.getOrder(id)));
      expect([a1?.id, missing, b1?.id, a2?.id]).toEqual(['ord-ra', null, 'ord-rb', 'ord-ra']);
      expect(a1).not.toBe(a2);
      expect(a1).toEqual(a);
      const ids = await Promise.all(['k-rb2', 'k-ra', 'k-none', 'k-rb', 'k-ra'].map((key) => storage.findOrderId(key)));
      expect(ids).toEqual(['ord-rb', 'ord-ra', null, 'ord-rb', 'ord-ra']);
      // Text cannot hold U+0000: that read fails (or finds nothing) on its own, its neighbours still answer.
      const mixed = await Promise.allSettled([storage.getOrder('ord-ra'), storage.getOrder('bad\u0000id'), storage.findOrderId('k-rb'), storage.findOrderId('k\u0000')]);
      expect(mixed[0]).toMatchObject({ status: 'fulfilled', value: { id: 'ord-ra' } });
      expect(mixed[2]).toEqual({ status: 'fulfilled', value: 'ord-rb' });
      await storage.close();
    });

    it('order write batches: a write the database refuses fails alone, the rest of its batch commits', async () => {
      const schema = db().schema();
      const storage = postgresStorage({ client: db().client, schema, batchOrderWrites: { maxBatch: 10, maxWaitMs: 5 } });
      await storage.migrate();
      // jsonb cannot hold U+0000, so this write breaks the whole batch statement.
      const bad = storage.createOrder({ order: makeTestOrder({ id: 'ord-bad', notes: 'a\u0000b' }), keys: ['k-bad'] });
      const good = [1, 2, 3].map((n) => storage.createOrder({ order: makeTestOrder({ id: `ord-${n}` }), keys: [`k-${n}`], events: [evt(String(n), 1)] }));
      await expect(bad).rejects.toMatchObject({ code: 'ADAPTER_ERROR' });
      await expect(Promise.all(good)).resolves.toHaveLength(3);
      const [count] = await db().query<{ n: number; k: number; e: number }>(
        `SELECT (SELECT count(*) FROM "${schema}".orders)::int AS n, (SELECT count(*) FROM "${schema}".order_keys)::int AS k, (SELECT count(*) FROM "${schema}".order_events)::int AS e`,
      );
      expect(count).toEqual({ n: 3, k: 3, e: 3 });
      await storage.close();
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
