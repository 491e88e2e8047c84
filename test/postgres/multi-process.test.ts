// Several application processes on one PostgreSQL schema: placing orders for
// one SKU with limited stock sells exactly the stock, and a process killed
// in the middle of reserving leaves nothing half-written. Runs straight to
// the server and through PgBouncer in transaction mode (PGBOUNCER_URL).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { ledgerSums } from '../../src/testing/storage-check-kit.js';
import { startChild } from '../helpers/child-process.js';
import { openPostgres, postgresTargets } from '../helpers/database.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** A started fixture child: `ready` on its first line, `done` with the JSON of its last. */
function startFixture<T>(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return startChild<T>(fixture(script), args, env, script);
}

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target });
  // The children connect the same way and keep the storage's default options:
  // behind the pooler they must find out about it themselves.
  const env = target.childEnv();

  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }

  describe.skipIf(db === null)(`postgresStorage: several processes on one schema (${target.name})`, () => {
    const schema = db?.schema() ?? 'unused';
    const storage = db === null ? null : postgresStorage({ client: db.client, schema });
    beforeAll(async () => {
      await storage?.migrate();
    });
    afterAll(async () => {
      await storage?.close();
      await db?.close();
    });

    it('4 processes placing orders for one SKU sell exactly the stock; levels, ledger and rows reconcile', async () => {
      if (storage === null || db === null) return;
      const sku = 'MP-HOT';
      const stock = 70;
      await storage.receive({ sku, locationId: 'dc1', quantity: stock, at: '2031-01-01T00:00:00.000Z' });
      const children = [0, 1, 2, 3].map((n) =>
        startFixture<{ placed: string[]; refused: number; errors: string[] }>('place-orders.ts', [schema, sku, '45', String(n)], env),
      );
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.proc.stdin?.end('go\n');
      const results = await Promise.all(children.map((c) => c.done));
      expect(results.flatMap((r) => r.errors)).toEqual([]);
      const placed = results.flatMap((r) => r.placed);
      expect(placed).toHaveLength(stock);
      expect(new Set(placed).size).toBe(stock);
      expect(results.reduce((n, r) => n + r.refused, 0)).toBe(4 * 45 - stock);

      const [level] = await storage.levels([sku]);
      expect(level).toMatchObject({ onHand: stock, reserved: stock, available: 0 });
      expect(ledgerSums(await storage.ledger(sku)).get('dc1')).toEqual({ onHand: stock, reserved: stock });
      const [rows] = await db.query<{ orders: number; active: number; held: number }>(
        `SELECT (SELECT count(*) FROM "${schema}".orders)::int AS orders,
                (SELECT count(*) FROM "${schema}".reservations WHERE status = 'active')::int AS active,
                (SELECT coalesce(sum((l->>'quantity')::int - (l->>'committed')::int - (l->>'released')::int), 0)
                   FROM "${schema}".reservations r, jsonb_array_elements(r.lines) l WHERE r.status = 'active')::int AS held`,
      );
      expect(rows).toEqual({ orders: stock, active: stock, held: stock });
      for (const id of placed.slice(0, 5)) expect((await storage.getOrder(id))?.reservationId).not.toBeNull();
    }, 120_000);

    it('a process killed mid-reservation leaves levels, ledger and reservations consistent, and expiry heals', async () => {
      if (storage === null || db === null) return;
      const sku = 'CRASH-1';
      await storage.receive({ sku, locationId: 'dc1', quantity: 100_000, at: '2031-01-01T00:00:00.000Z' });
      const { proc, ready, done } = startFixture<null>('reserve-storm.ts', [schema, sku], env);
      done.catch(() => {});
      await ready;
      // Let it get well into its batches, then kill it without warning.
      for (let i = 0; i < 100; i++) {
        const [level] = await storage.levels([sku]);
        if ((level?.reserved ?? 0) >= 1_000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      // The server finishes (commits or rolls back) what the dead process had sent; wait until none of its
      // sessions is busy. A pooler keeps idle server connections for others, still carrying the name (this
      // very query may run on one).
      for (let i = 0; i < 200; i++) {
        const [left] = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state IS DISTINCT FROM 'idle' AND pid <> pg_backend_pid()",
          [`fk-crash-${proc.pid}`],
        );
        if (left?.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }

      const [level] = await storage.levels([sku]);
      expect(level?.reserved).toBeGreaterThan(0);
      expect(ledgerSums(await storage.ledger(sku)).get('dc1')).toEqual({ onHand: level?.onHand, reserved: level?.reserved });
      const [held] = await db.query<{ n: number; units: number }>(
        `SELECT count(*)::int AS n, coalesce(sum((lines->0->>'quantity')::int), 0)::int AS units
         FROM "${schema}".reservations WHERE status = 'active' AND lines->0->>'sku' = $1`,
        [sku],
      );
      expect(held).toEqual({ n: level?.reserved, units: level?.reserved });

      // The orphaned holds lapse: a sweep from a surviving process releases every unit.
      let swept = 0;
      for (;;) {
        const batch = await storage.expireReservations({ now: '2031-01-01T01:00:00.000Z', limit: 500 });
        // The sweep also lapses the unpaid holds of the previous test; count only this SKU's.
        swept += batch.filter((r) => r.lines[0]?.sku === sku).length;
        if (batch.length < 500) break;
      }
      expect(swept).toBe(level?.reserved);
      expect(await storage.levels([sku])).toMatchObject([{ onHand: 100_000, reserved: 0, available: 100_000 }]);
    }, 120_000);
  });
}
