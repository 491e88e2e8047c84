// A process killed between authorizing payment and storing the order: after
// the reservation expiry sweep, no stock stays held for orders that do not
// exist and no authorization is left without an order. Runs straight to the
// server and through PgBouncer in transaction mode (PGBOUNCER_URL), where the
// processes are configured with preparedStatements: false as deployments are.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { openPostgres, postgresTargets } from '../helpers/database.js';
import { createPaymentsTable, sharedPayments } from './fixtures/shared-payments.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target });
  const preparedStatements = target.name === 'PostgreSQL';

  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }

  describe.skipIf(db === null)(`crash between authorization and order write (${target.name})`, () => {
    const schema = db?.schema() ?? 'unused';
    const pool = new pg.Pool({ connectionString: target.url, max: 4 });
    afterAll(async () => {
      await pool.end();
      await db?.close();
    });

    it('the sweep releases the stock and voids the money of orders that were never stored', async () => {
      if (db === null) return;
      const storage = postgresStorage({ client: pool, schema, preparedStatements });
      await storage.migrate();
      await createPaymentsTable(pool, schema);
      await storage.receive({ sku: 'CRASH-SKU', locationId: 'dc1', quantity: 50, at: '2031-01-01T00:00:00.000Z' });

      const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/place-and-die.ts', import.meta.url)), schema, 'CRASH-SKU', '5'], {
        cwd: ROOT,
        env: target.childEnv({ FK_TEST_PREPARED_STATEMENTS: String(preparedStatements) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      // Wait until both hanging orders hold stock and money, then kill without warning.
      const t = `"${schema}".test_payments`;
      for (let i = 0; i < 400; i++) {
        const [row] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE order_id NOT IN (SELECT id FROM "${schema}".orders)`)).rows;
        if ((row?.n ?? 0) >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.kill('SIGKILL');
      await exited;
      const placed = (JSON.parse(out.split('\n')[0] || '{"placed":[]}') as { placed: string[] }).placed;
      expect(placed, err.slice(0, 500)).toHaveLength(5);

      const orphaned = async () =>
        (
          await pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${t} WHERE status = 'authorized' AND order_id NOT IN (SELECT id FROM "${schema}".orders)`,
          )
        ).rows[0]?.n;
      expect(await orphaned()).toBe(2);
      expect((await storage.levels(['CRASH-SKU']))[0]?.reserved).toBe(7);

      // A surviving instance, an hour later.
      const ff = createFulfillment({
        storage,
        clock: fakeClock('2031-01-01T01:00:00.000Z'),
        locations: [{ id: 'dc1', name: 'Main DC', address: { name: 'Main DC', line1: '1 Dock Rd', city: 'Newark', postalCode: '07102', country: 'US' } }],
        payments: sharedPayments(pool, schema),
      });
      const swept = await ff.sweep();
      expect(swept).toMatchObject({ expired: 2, voided: 2, cancelled: 0 });
      expect(await orphaned()).toBe(0);
      const [held] = (
        await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}".reservations WHERE status = 'active' AND order_id NOT IN (SELECT id FROM "${schema}".orders)`,
        )
      ).rows;
      expect(held?.n).toBe(0);
      expect((await ff.inventory.level('CRASH-SKU'))).toMatchObject({ onHand: 50, reserved: 5, available: 45 });
      for (const id of placed) expect((await ff.orders.get(id))?.status).toBe('processing');
      expect(await ff.inventory.reconcile()).toEqual([]);
      await storage.close();
    }, 120_000);
  });
}
