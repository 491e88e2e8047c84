// The driver shim against a model of `pg` behind a transaction-mode pooler:
// each client connection remembers which statement names it has parsed (as
// `pg` does), each server connection holds its own prepared statements, and
// every transaction lands on a random server connection. Whatever the
// interleaving, every call's writes are applied exactly once, and once the
// driver has switched, no named statement leaves it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PgPoolClientLike, type PgPoolLike, type SqlDriver, type SqlQueryable, type SqlResultLike, sqlDriver } from '../../src/storage/postgres/postgres-client.js';

const WRITE = 'UPDATE counters SET n = n + 1 WHERE op = $1';
const READ = 'SELECT n FROM counters WHERE op = $1';

interface Config {
  name?: string;
  text: string;
  values?: unknown[];
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A transaction pooler in front of a database whose only effect is counting applied writes. */
class PoolerModel {
  readonly servers: Set<string>[];
  readonly applied = new Map<string, number>();
  namedAfterSwitch = 0;
  symptoms = 0;
  driver: SqlDriver | null = null;

  constructor(
    serverCount: number,
    private readonly random: () => number,
  ) {
    this.servers = Array.from({ length: serverCount }, () => new Set<string>());
  }

  // Whether a statement was sent named although the driver had already switched.
  private note(arg: unknown): void {
    if (this.driver !== null && !this.driver.preparedStatements && typeof arg === 'object' && (arg as Config).name !== undefined) this.namedAfterSwitch++;
  }

  /** A client connection, with `pg`'s per-connection memory of parsed names. */
  connection(): SqlQueryable {
    return this.noting(this.rawConnection());
  }

  private noting(conn: SqlQueryable): SqlQueryable {
    return {
      query: (arg: unknown, values?: unknown[]) => {
        this.note(arg);
        return conn.query(arg as string, values);
      },
    } as SqlQueryable;
  }

  private rawConnection(): SqlQueryable {
    const parsed = new Set<string>();
    let server: number | null = null;
    let inTransaction = false;
    let aborted = false;
    let pending: string[] = [];
    const tick = async () => {
      for (let i = Math.floor(this.random() * 3); i > 0; i--) await Promise.resolve();
    };
    const end = () => {
      inTransaction = false;
      aborted = false;
      pending = [];
      server = null;
    };
    return {
      query: async (arg: unknown, values?: unknown[]): Promise<SqlResultLike> => {
        const config: Config = typeof arg === 'string' ? { text: arg, values } : (arg as Config);
        await tick();
        // Transaction mode: a server connection for this statement, or for the whole transaction.
        if (server === null) server = Math.floor(this.random() * this.servers.length);
        const prepared = this.servers[server] as Set<string>;
        try {
          if (config.text === 'BEGIN') {
            inTransaction = true;
            return { rows: [] };
          }
          if (config.text === 'COMMIT' || config.text === 'ROLLBACK') {
            if (config.text === 'COMMIT' && !aborted) for (const op of pending) this.applied.set(op, (this.applied.get(op) ?? 0) + 1);
            end();
            return { rows: [] };
          }
          if (aborted) throw pgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
          if (config.name !== undefined) {
            if (parsed.has(config.name)) {
              // pg sends only Bind/Execute for a name it parsed on this client connection.
              if (!prepared.has(config.name)) {
                this.symptoms++;
                throw pgError('26000', `prepared statement "${config.name}" does not exist`);
              }
            } else {
              if (prepared.has(config.name)) {
                this.symptoms++;
                throw pgError('42P05', `prepared statement "${config.name}" already exists`);
              }
              prepared.add(config.name);
              parsed.add(config.name);
            }
          }
          if (config.text === WRITE) {
            const op = String(config.values?.[0]);
            if (inTransaction) pending.push(op);
            else this.applied.set(op, (this.applied.get(op) ?? 0) + 1);
          }
          return { rows: [{ n: 1 }] };
        } catch (err) {
          if (inTransaction) aborted = true;
          throw err;
        } finally {
          if (!inTransaction) server = null;
        }
      },
    } as SqlQueryable;
  }

  /** A pool of `size` exclusive client connections, like `pg.Pool`. */
  pool(size: number): PgPoolLike {
    const idle = Array.from({ length: size }, () => this.rawConnection());
    const waiting: ((conn: SqlQueryable) => void)[] = [];
    const acquire = (): Promise<SqlQueryable> => {
      const conn = idle.pop();
      return conn !== undefined ? Promise.resolve(conn) : new Promise((resolve) => waiting.push(resolve));
    };
    const release = (conn: SqlQueryable) => {
      const next = waiting.shift();
      if (next !== undefined) next(conn);
      else idle.push(conn);
    };
    const note = (arg: unknown) => this.note(arg);
    const noting = (conn: SqlQueryable) => this.noting(conn);
    return {
      totalCount: size,
      async query(arg: unknown, values?: unknown[]) {
        // Checked when the caller hands the statement over; pg.Pool may send it later.
        note(arg);
        const conn = await acquire();
        try {
          return await conn.query(arg as string, values);
        } finally {
          release(conn);
        }
      },
      async connect(): Promise<PgPoolClientLike> {
        const conn = await acquire();
        return { query: noting(conn).query, release: () => release(conn) };
      },
    } as PgPoolLike;
  }
}

function mulberry(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const call = fc.record({ transaction: fc.boolean(), writes: fc.integer({ min: 1, max: 3 }), reads: fc.integer({ min: 0, max: 2 }) });

describe('sqlDriver behind a modelled transaction pooler', () => {
  it('applies every write exactly once and sends nothing named after the switch', async () => {
    let switched = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
        fc.boolean(),
        fc.integer(),
        fc.array(call, { minLength: 1, maxLength: 25 }),
        async (servers, poolSize, preparedStatements, seed, calls) => {
          const model = new PoolerModel(servers, mulberry(seed));
          // poolSize 0 stands for a single `pg` Client.
          const driver = sqlDriver(poolSize === 0 ? model.connection() : model.pool(poolSize), { preparedStatements });
          model.driver = driver;
          const expected: string[] = [];
          await Promise.all(
            calls.map(async (c, i) => {
              const ops = Array.from({ length: c.writes }, (_, j) => `op-${i}-${j}`);
              expected.push(...ops);
              const statements = (q: (plan: { text: string; values: unknown[] }) => Promise<unknown>) =>
                ops.reduce<Promise<unknown>>(
                  (prev, op, j) =>
                    prev.then(async () => {
                      if (j < c.reads) await q({ text: READ, values: [op] });
                      await q({ text: WRITE, values: [op] });
                    }),
                  Promise.resolve(),
                );
              if (c.transaction) await driver.transaction((tx) => statements((plan) => tx.query(plan)));
              else await statements((plan) => driver.query(plan));
            }),
          );
          for (const op of expected) expect(model.applied.get(op), op).toBe(1);
          expect(model.applied.size).toBe(expected.length);
          expect(model.namedAfterSwitch).toBe(0);
          // Only the default mode ever meets the pooler's errors, and then it has switched.
          if (!preparedStatements) expect(model.symptoms).toBe(0);
          if (model.symptoms > 0) expect(driver.preparedStatements).toBe(false);
          if (model.symptoms > 0) switched++;
        },
      ),
      { numRuns: 300 },
    );
    // The generated runs did meet the pooler's errors, not only quiet ones.
    expect(switched).toBeGreaterThan(30);
  });
});
