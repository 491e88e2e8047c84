// How the PostgreSQL driver shim sends statements: named on direct
// connections, unnamed when told so or once a transaction-mode pooler shows
// itself, with the failed statement or transaction run again. Scripted
// drivers pin the protocol; a real PgBouncer (PGBOUNCER_URL) and the real
// server (DATABASE_URL) check it end to end.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type PgPoolLike, type SqlQueryable, type SqlResultLike, sqlDriver } from '../../src/storage/postgres/postgres-client.js';
import { migrate } from '../../src/storage/postgres/postgres-migrations.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { openPostgres, postgresTargets } from '../helpers/database.js';

type Sent = { text: string; name: string | null };
const AT = '2031-01-01T00:00:00.000Z';
const plan = (text: string) => ({ text, values: [] });

/** A pool whose connections answer from `respond`, recording what each statement was sent as. */
function scriptedPool(respond: (sent: Sent) => SqlResultLike | Error) {
  const sent: Sent[] = [];
  const run = async (arg: unknown): Promise<SqlResultLike> => {
    const s: Sent = typeof arg === 'string' ? { text: arg, name: null } : { text: (arg as Sent).text, name: (arg as Sent).name ?? null };
    sent.push(s);
    const answer = respond(s);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const queryable = { query: run } as unknown as SqlQueryable;
  const pool: PgPoolLike = {
    ...queryable,
    query: queryable.query,
    totalCount: 1,
    connect: async () => ({ query: queryable.query, release: () => {} }),
  };
  return { pool, sent };
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const ok = (rows: unknown[] = [{ n: 1 }]): SqlResultLike => ({ rows });

describe('sqlDriver: statement preparation', () => {
  it('names statements by default, the same name for the same text', async () => {
    const { pool, sent } = scriptedPool(() => ok());
    const driver = sqlDriver(pool);
    await driver.query(plan('SELECT 1 AS n'));
    await driver.query(plan('SELECT 1 AS n'));
    await driver.query(plan('SELECT 2 AS n'));
    expect(driver.preparedStatements).toBe(true);
    expect(sent.every((s) => s.name?.startsWith('fk_'))).toBe(true);
    expect(sent[0]?.name).toBe(sent[1]?.name);
    expect(sent[2]?.name).not.toBe(sent[0]?.name);
  });

  it('preparedStatements: false sends every statement unnamed, in and out of transactions', async () => {
    const { pool, sent } = scriptedPool(() => ok());
    const driver = sqlDriver(pool, { preparedStatements: false });
    await driver.query(plan('SELECT 1 AS n'));
    await driver.transaction((tx) => tx.query(plan('SELECT 2 AS n')));
    expect(driver.preparedStatements).toBe(false);
    expect(sent.map((s) => s.name)).toEqual([null, null, null, null]);
    expect(sent.map((s) => s.text)).toEqual(['SELECT 1 AS n', 'BEGIN', 'SELECT 2 AS n', 'COMMIT']);
  });

  for (const [code, message] of [
    ['26000', 'prepared statement "fk_1" does not exist'],
    ['42P05', 'prepared statement "fk_1" already exists'],
  ] as const) {
    it(`a ${code} on a named statement switches to unnamed and runs the statement again`, async () => {
      const { pool, sent } = scriptedPool((s) => (s.name !== null ? pgError(code, message) : ok([{ n: 7 }])));
      const driver = sqlDriver(pool);
      await expect(driver.query(plan('SELECT 7 AS n'))).resolves.toEqual([{ n: 7 }]);
      expect(driver.preparedStatements).toBe(false);
      await driver.query(plan('SELECT 8 AS n'));
      expect(sent.map((s) => [s.text, s.name === null])).toEqual([
        ['SELECT 7 AS n', false],
        ['SELECT 7 AS n', true],
        ['SELECT 8 AS n', true],
      ]);
    });

    it(`a ${code} inside a transaction rolls it back and runs the whole transaction again unnamed`, async () => {
      let failed = 0;
      const { pool, sent } = scriptedPool((s) => {
        if (s.name !== null && s.text.startsWith('UPDATE')) {
          failed++;
          return pgError(code, message);
        }
        return ok();
      });
      const driver = sqlDriver(pool);
      let runs = 0;
      const result = await driver.transaction(async (tx) => {
        runs++;
        await tx.query(plan('SELECT 1 AS n'));
        await tx.query(plan('UPDATE t SET n = 1'));
        return 'done';
      });
      expect(result).toBe('done');
      expect(runs).toBe(2);
      expect(failed).toBe(1);
      expect(sent.map((s) => `${s.text}${s.name === null ? '' : ' (named)'}`)).toEqual([
        'BEGIN',
        'SELECT 1 AS n (named)',
        'UPDATE t SET n = 1 (named)',
        'ROLLBACK',
        'BEGIN',
        'SELECT 1 AS n',
        'UPDATE t SET n = 1',
        'COMMIT',
      ]);
    });
  }

  it('other errors are not taken for a pooler: no retry, statements stay named', async () => {
    const { pool, sent } = scriptedPool((s) => (s.text.startsWith('INSERT') ? pgError('23505', 'duplicate key value violates unique constraint') : ok()));
    const driver = sqlDriver(pool);
    await expect(driver.query(plan('INSERT INTO t VALUES (1)'))).rejects.toMatchObject({ code: '23505' });
    await expect(driver.transaction((tx) => tx.query(plan('INSERT INTO t VALUES (1)')))).rejects.toMatchObject({ code: '23505' });
    expect(driver.preparedStatements).toBe(true);
    expect(sent.map((s) => s.text)).toEqual(['INSERT INTO t VALUES (1)', 'BEGIN', 'INSERT INTO t VALUES (1)', 'ROLLBACK']);
  });

  it('a pooler error after the switch is not retried again', async () => {
    const { pool, sent } = scriptedPool(() => pgError('26000', 'prepared statement "x" does not exist'));
    const driver = sqlDriver(pool, { preparedStatements: false });
    await expect(driver.query(plan('SELECT 1'))).rejects.toMatchObject({ code: '26000' });
    expect(sent).toHaveLength(1);
  });

  it('a single connection (pg Client) falls back the same way', async () => {
    const sent: Sent[] = [];
    const client: SqlQueryable = {
      async query(arg: unknown) {
        const name = typeof arg === 'object' ? ((arg as Sent).name ?? null) : null;
        const text = typeof arg === 'string' ? arg : (arg as Sent).text;
        sent.push({ text, name });
        if (name !== null) throw pgError('26000', 'prepared statement does not exist');
        return ok();
      },
    } as SqlQueryable;
    const driver = sqlDriver(client);
    await driver.transaction((tx) => tx.query(plan('SELECT 1 AS n')));
    expect(driver.preparedStatements).toBe(false);
    expect(sent.map((s) => s.text)).toEqual(['BEGIN', 'SELECT 1 AS n', 'ROLLBACK', 'BEGIN', 'SELECT 1 AS n', 'COMMIT']);
  });

  it('rejects a preparedStatements option that is not a boolean with CONFIGURATION_ERROR', async () => {
    const { pool } = scriptedPool(() => ok());
    expect(() => postgresStorage({ client: pool, preparedStatements: 'no' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_ERROR' }),
    );
    await expect(migrate({ client: pool, preparedStatements: 0 as unknown as boolean })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});

// ---- against real servers ---------------------------------------------------

/** A pg Pool that notes whether any statement went out named. */
function watchedPool(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  pool.on('error', () => {});
  const seen = { named: 0, unnamed: 0 };
  const noting = (target: { query(arg: string, values?: unknown[]): Promise<SqlResultLike> }) => (arg: unknown, values?: unknown[]) => {
    if (typeof arg === 'object' && arg !== null && (arg as { name?: string }).name) seen.named++;
    else seen.unnamed++;
    return target.query(arg as string, values);
  };
  const client: PgPoolLike = {
    query: noting(pool),
    connect: async () => {
      const conn = await pool.connect();
      return { query: noting(conn), release: (err) => conn.release(err) };
    },
    get totalCount() {
      return pool.totalCount;
    },
  } as PgPoolLike;
  return { pool, client, seen };
}

/** Enough concurrent traffic that transactions of one client land on several server connections. */
async function traffic(storage: ReturnType<typeof postgresStorage>, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await storage.receive({ sku: `S${i % 5}`, locationId: 'w1', quantity: 2, at: AT });
      await storage.reserve({ reservationId: `r${i}`, orderId: `o${i}`, lines: [{ sku: `S${i % 5}`, locationId: 'w1', quantity: 1 }], expiresAt: null, opId: 'a', at: AT });
      await storage.levels([`S${i % 5}`]);
    }),
  );
  const levels = await storage.levels(['S0', 'S1', 'S2', 'S3', 'S4']);
  expect(levels.reduce((sum, l) => sum + l.reserved, 0)).toBe(n);
  expect(levels.reduce((sum, l) => sum + l.onHand, 0)).toBe(2 * n);
}

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target, max: 2 });
  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }
  describe.skipIf(db === null)(`postgresStorage statements (${target.name})`, () => {
    afterAll(async () => {
      await db?.close();
    });

    if (target.name === 'PgBouncer') {
      it('the default detects the pooler: every call succeeds and the storage ends up unnamed', async () => {
        if (db === null || target.url === undefined) return;
        const { pool, client } = watchedPool(target.url);
        const storage = postgresStorage({ client, schema: db.schema() });
        await traffic(storage, 60);
        expect(storage.preparedStatements).toBe(false);
        await storage.close();
        await pool.end();
      });

      it('preparedStatements: false never sends a named statement', async () => {
        if (db === null || target.url === undefined) return;
        const { pool, client, seen } = watchedPool(target.url);
        const storage = postgresStorage({ client, schema: db.schema(), preparedStatements: false });
        await traffic(storage, 60);
        expect(seen.named).toBe(0);
        expect(seen.unnamed).toBeGreaterThan(60);
        await storage.close();
        await pool.end();
      });

      it('a pg Client through the pooler works with the default too', async () => {
        if (db === null || target.url === undefined) return;
        const conn = new pg.Client({ connectionString: target.url });
        await conn.connect();
        const storage = postgresStorage({ client: conn, schema: db.schema() });
        await traffic(storage, 20);
        await storage.close();
        await conn.end();
      });
    } else {
      it('a direct connection keeps the fast path: named statements throughout', async () => {
        if (db === null || target.url === undefined) return;
        const { pool, client, seen } = watchedPool(target.url);
        const storage = postgresStorage({ client, schema: db.schema() });
        await traffic(storage, 60);
        expect(storage.preparedStatements).toBe(true);
        expect(seen.named).toBeGreaterThan(60);
        await storage.close();
        await pool.end();
      });
    }
  });
}
