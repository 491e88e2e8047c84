// A small driver shim so the PostgreSQL adapter speaks to a `pg` Pool, a `pg`
// Client or a PGlite instance alike, without importing either at runtime.

/** Result rows as the drivers return them. */
export interface SqlResultLike {
  rows: unknown[];
  /** `pg` reports affected rows here. */
  rowCount?: number | null;
  /** PGlite reports affected rows here. */
  affectedRows?: number;
}

/** Anything with `query(text, values)`: a `pg` Client, PoolClient or Pool, or a PGlite transaction. */
export interface SqlQueryable {
  query(text: string, values?: unknown[]): Promise<SqlResultLike>;
}

/** A `pg` PoolClient: a queryable connection that goes back to its pool. */
export interface PgPoolClientLike extends SqlQueryable {
  release(err?: Error | boolean): void;
}

/** A `pg` Pool, recognised by `connect()` plus its `totalCount` counter. */
export interface PgPoolLike extends SqlQueryable {
  connect(): Promise<PgPoolClientLike>;
  readonly totalCount: number;
}

/** A PGlite instance (`@electric-sql/pglite`), recognised by its `transaction` method. */
export interface PgliteLike extends SqlQueryable {
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/**
 * What `postgresStorage({ client })` accepts: a `pg` Pool (recommended for
 * servers), a connected `pg` Client, or a PGlite instance.
 */
export type PostgresClient = PgPoolLike | PgliteLike | SqlQueryable;

/** One statement with its parameters, as built by `postgres-plans.ts`. */
export interface SqlPlan {
  text: string;
  values: unknown[];
}

/** Rows of a statement, typed by the caller who wrote the SELECT list. */
export type Row = Record<string, unknown>;

/** The one interface the adapter uses: run a plan, or run a function in a transaction. */
export interface SqlSession {
  /** Rows typed as the caller's SELECT list says; the shim does not check them. */
  query<R = Row>(plan: SqlPlan): Promise<R[]>;
}

/** A session that can also open transactions. */
export interface SqlDriver extends SqlSession {
  /** Run `fn` inside BEGIN/COMMIT; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Whether concurrent transactions may run at once (false for a single connection). */
  readonly parallel: boolean;
}

/**
 * Wrap a `pg` Pool/Client or PGlite instance in the adapter's driver shim.
 *
 * @example
 * ```ts
 * const driver = sqlDriver(new pg.Pool({ connectionString }));
 * await driver.transaction((tx) => tx.query({ text: 'SELECT 1', values: [] }));
 * ```
 */
export function sqlDriver(client: PostgresClient): SqlDriver {
  if (_isPglite(client)) return _pgliteDriver(client);
  if (_isPool(client)) return _poolDriver(client);
  return _singleConnectionDriver(client);
}

// ---------------------------------------------------------------------------

function _isPglite(client: PostgresClient): client is PgliteLike {
  return typeof (client as Partial<PgliteLike>).transaction === 'function';
}

function _isPool(client: PostgresClient): client is PgPoolLike {
  const c = client as Partial<PgPoolLike>;
  return typeof c.connect === 'function' && typeof c.totalCount === 'number';
}

async function _run<R>(target: SqlQueryable, plan: SqlPlan): Promise<R[]> {
  // Both drivers would send `undefined` differently; SQL only knows NULL.
  const values = plan.values.map((v) => (v === undefined ? null : v));
  const result = await target.query(plan.text, values);
  return result.rows as R[];
}

// pg only: named statements are parsed and planned once per connection,
// which matters for the long multi-CTE writes. Plan texts are a small fixed
// set per schema, so the names stay few.
const statementNames = new Map<string, string>();

function _statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = Math.imul(h2 ^ c, 2246822519);
    }
    name = `fk_${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

async function _runNamed<R>(target: SqlQueryable, plan: SqlPlan): Promise<R[]> {
  const values = plan.values.map((v) => (v === undefined ? null : v));
  const named = target as unknown as { query(config: { name: string; text: string; values: unknown[] }): Promise<SqlResultLike> };
  const result = await named.query({ name: _statementName(plan.text), text: plan.text, values });
  return result.rows as R[];
}

function _pgliteDriver(db: PgliteLike): SqlDriver {
  // PGlite is one connection and already queues queries behind an open transaction.
  return {
    parallel: false,
    query: (plan) => _run(db, plan),
    transaction: (fn) => db.transaction((tx) => fn({ query: (plan) => _run(tx, plan) })),
  };
}

function _poolDriver(pool: PgPoolLike): SqlDriver {
  return {
    parallel: true,
    query: (plan) => _runNamed(pool, plan),
    async transaction(fn) {
      const conn = await pool.connect();
      let broken: Error | undefined;
      try {
        await conn.query('BEGIN');
        const result = await fn({ query: (plan) => _runNamed(conn, plan) });
        await conn.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await conn.query('ROLLBACK');
        } catch (rollbackErr) {
          // A connection that cannot roll back must not go back to the pool.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        throw err;
      } finally {
        conn.release(broken ?? false);
      }
    },
  };
}

function _singleConnectionDriver(conn: SqlQueryable): SqlDriver {
  // One connection: a statement sent while another caller's transaction is
  // open would join it, so everything goes through one queue.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    parallel: false,
    query: (plan) => serial(() => _runNamed(conn, plan)),
    transaction: (fn) =>
      serial(async () => {
        await conn.query('BEGIN');
        try {
          const result = await fn({ query: (plan) => _runNamed(conn, plan) });
          await conn.query('COMMIT');
          return result;
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
  };
}
