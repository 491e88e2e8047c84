// Coalesced order writes on a real server: two storages on two pools racing
// over the same orders, and a batch whose connection is killed mid-statement.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import type { Order } from '../../src/domain/order.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';
import { openPostgres } from '../helpers/database.js';

const AT = '2031-01-01T00:00:00.000Z';
const { db, problem } = await openPostgres();

function evt(id: string, orderId: string): DomainEvent {
  return { id, type: 'order.confirmed', orderId, at: AT, data: {} } as unknown as DomainEvent;
}

if (problem !== null) {
  it('PostgreSQL is reachable', () => {
    throw new Error(problem);
  });
}

describe.skipIf(db === null)('order write batches on PostgreSQL', () => {
  const url = process.env.DATABASE_URL;
  const pools: pg.Pool[] = [];
  const pool = (max: number) => {
    const p = new pg.Pool({ connectionString: url, max });
    p.on('error', () => {});
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db?.close();
  });

  it('two storages on two pools: every update lands once, conflicts fail alone, one creator wins each id', async () => {
    if (db === null) return;
    const schema = db.schema();
    const a = postgresStorage({ client: pool(6), schema });
    const b = postgresStorage({ client: pool(6), schema });
    await a.migrate();
    const ids = Array.from({ length: 8 }, (_, n) => `ord-${n}`);
    // Both race to create every order, under the same lookup key: exactly one creator per id.
    const creates = await Promise.allSettled(
      ids.flatMap((id) => [a, b].map((s, side) => s.createOrder({ order: makeTestOrder({ id }), keys: [`key-${id}`], events: [evt(`c-${id}-${side}`, id)] }))),
    );
    expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(ids.length);
    for (const r of creates) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONCURRENCY_CONFLICT' });

    // Read-modify-write loops from both sides: each success bumps the version by one.
    let applied = 0;
    let conflicts = 0;
    const worker = async (storage: typeof a, side: number) => {
      for (let round = 0; round < 40; round++) {
        // Workers 0 and 1 (one per storage) go after the same orders, and so do 2 and 3.
        const id = ids[(round * 3 + (side >> 1)) % ids.length] as string;
        const current = (await storage.getOrder(id)) as Order;
        const next = { ...current, version: current.version + 1, updatedAt: AT };
        try {
          await storage.updateOrder({ order: next, events: [evt(`u-${id}-${next.version}-${side}-${round}`, id)] }, current.version);
          applied++;
        } catch (err) {
          expect(err).toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { orderId: id, expectedVersion: current.version } });
          conflicts++;
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map((n) => worker(n % 2 === 0 ? a : b, n)));
    expect(applied + conflicts).toBe(160);
    expect(conflicts).toBeGreaterThan(0);
    const [rows] = await db.query<{ versions: number; events: number; keys: number }>(
      `SELECT (SELECT sum(version - 1) FROM "${schema}".orders)::int AS versions,
              (SELECT count(*) FROM "${schema}".order_events WHERE event->>'id' LIKE 'u-%')::int AS events,
              (SELECT count(*) FROM "${schema}".order_keys)::int AS keys`,
    );
    expect(rows).toEqual({ versions: applied, events: applied, keys: ids.length });
    // Every update event names the version it wrote, and no version was written twice.
    const dupes = await db.query(
      `SELECT order_id, split_part(event->>'id', '-', 4) AS v FROM "${schema}".order_events WHERE event->>'id' LIKE 'u-%' GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(dupes).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  }, 60_000);

  it('a batch whose answer is lost after it committed is not sent again: each write gets the error, none is applied twice', async () => {
    if (db === null) return;
    const schema = db.schema();
    const real = pool(4);
    // The statement reaches the server and commits; the client then loses the answer.
    let loseNext = false;
    const lossy = {
      connect: () => real.connect(),
      get totalCount() {
        return real.totalCount;
      },
      query: async (...args: Parameters<pg.Pool['query']>) => {
        const result = await (real.query as (...a: unknown[]) => Promise<unknown>)(...args);
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
        if (loseNext && text.includes('write_orders(')) {
          loseNext = false;
          throw new Error('Connection terminated unexpectedly');
        }
        return result;
      },
    } as unknown as pg.Pool;
    const storage = postgresStorage({ client: lossy, schema });
    await storage.migrate();
    const a = makeTestOrder({ id: 'ord-la' });
    const b = makeTestOrder({ id: 'ord-lb' });
    await Promise.all([storage.createOrder({ order: a }), storage.createOrder({ order: b })]);
    loseNext = true;
    const results = await Promise.allSettled([
      storage.updateOrder({ order: { ...a, version: 2 }, events: [evt('u-la', a.id)] }, 1),
      storage.updateOrder({ order: { ...b, version: 2 }, events: [evt('u-lb', b.id)] }, 1),
    ]);
    // Not a version conflict: the caller cannot tell whether its write landed, and must not re-apply it as if it lost a race.
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ADAPTER_ERROR' });
    }
    const [rows] = await db.query<{ versions: number[]; events: number }>(
      `SELECT (SELECT array_agg(version ORDER BY id) FROM "${schema}".orders) AS versions, (SELECT count(*) FROM "${schema}".order_events)::int AS events`,
    );
    expect(rows).toEqual({ versions: [2, 2], events: 2 });
    await storage.close();
  }, 60_000);

  it('a batch whose connection is killed mid-statement is sent again one write at a time: nothing lost, nothing twice', async () => {
    if (db === null) return;
    const schema = db.schema();
    const storage = postgresStorage({ client: pool(4), schema, batchOrderWrites: { maxBatch: 64 } });
    await storage.migrate();
    const blocker = makeTestOrder({ id: 'ord-blocker' });
    await storage.createOrder({ order: blocker, events: [evt('c-blocker', blocker.id)] });

    // Hold the blocker's row so the batch that updates it waits inside write_orders.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM "${schema}".orders WHERE id = 'ord-blocker' FOR UPDATE`);

    const fresh = Array.from({ length: 10 }, (_, n) => makeTestOrder({ id: `ord-k${n}` }));
    const writes = [
      ...fresh.map((order) => storage.createOrder({ order, keys: [`key-${order.id}`], events: [evt(`c-${order.id}`, order.id)] })),
      storage.updateOrder({ order: { ...blocker, version: 2 }, events: [evt('u-blocker', blocker.id)] }, 1),
    ];
    const settled = Promise.allSettled(writes);

    // Find the waiting batch, kill its connection, then let the one-by-one retries through.
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const [row] = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE query LIKE '%write_orders(%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      );
      pid = row?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    expect(pid).toBeDefined();
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    await locker.query('ROLLBACK');
    await locker.end();

    // Had the killed batch committed anything, its retry would find the order there and fail.
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(writes.map(() => 'fulfilled'));
    const [rows] = await db.query<{ orders: number; keys: number; events: number; version: number }>(
      `SELECT (SELECT count(*) FROM "${schema}".orders)::int AS orders, (SELECT count(*) FROM "${schema}".order_keys)::int AS keys,
              (SELECT count(*) FROM "${schema}".order_events)::int AS events,
              (SELECT version FROM "${schema}".orders WHERE id = 'ord-blocker') AS version`,
    );
    expect(rows).toEqual({ orders: 11, keys: 10, events: 12, version: 2 });
    await storage.close();
  }, 60_000);
});
