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
  /** Run `fn` inside BEGIN/COMMIT; ROLLBACK when it throws. `fn` may run again (see {@link SqlDriverOptions}). */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Whether concurrent transactions may run at once (false for a single connection). */
  readonly parallel: boolean;
  /** Whether statements go out as named statements now: false on PGlite, when turned off, or once a pooler was detected. */
  readonly preparedStatements: boolean;
}

/** How {@link sqlDriver} sends statements. */
export interface SqlDriverOptions {
  /**
   * Send statements to `pg` as named statements, parsed and planned once per
   * connection. A transaction-mode pooler (PgBouncer before 1.21, or without
   * `max_prepared_statements`) hands each transaction a different server
   * connection, where the name is unknown or already taken: pass `false`
   * there. Left on, the first such error is taken as the sign of a pooler;
   * the failed statement or transaction (rolled back, so nothing of it
   * persisted) runs again unnamed, and so does everything after it.
   * Ignored for PGlite, which has no named statements here.
   * @defaultValue true
   */
  preparedStatements?: boolean;
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
export function sqlDriver(client: PostgresClient, options: SqlDriverOptions = {}): SqlDriver {
  if (_isPglite(client)) return _pgliteDriver(client);
  const mode: StatementMode = { named: options.preparedStatements !== false };
  if (_isPool(client)) return _poolDriver(client, mode);
  return _singleConnectionDriver(client, mode);
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

// Shared by every session of one driver: flips to unnamed once, for good.
interface StatementMode {
  named: boolean;
}

function _send<R>(mode: StatementMode, target: SqlQueryable, plan: SqlPlan): Promise<R[]> {
  return mode.named ? _runNamed<R>(target, plan) : _run<R>(target, plan);
}

// 26000 "prepared statement does not exist" and 42P05 "already exists": what a
// transaction-mode pooler answers when a later transaction of the same client
// lands on another server connection. Names are hashes of the statement text,
// so a name found on the wrong connection still means the same statement:
// these two errors are the only symptom, never a wrong result.
function _isPoolerSymptom(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | null | undefined, depth = 0; e != null && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === '26000' || e.code === '42P05') return true;
  }
  return false;
}

// Run `attempt` with the current mode; when named statements met a pooler,
// switch to unnamed and run it once more. Safe to repeat: a rejected Bind or
// Parse executes nothing, and a failed transaction has been rolled back.
function _withFallback<T>(mode: StatementMode, attempt: () => Promise<T>): Promise<T> {
  if (!mode.named) return attempt();
  return attempt().catch((err: unknown) => {
    if (!_isPoolerSymptom(err)) throw err;
    mode.named = false;
    return attempt();
  });
}

function _pgliteDriver(db: PgliteLike): SqlDriver {
  // PGlite is one connection and already queues queries behind an open transaction.
  return {
    parallel: false,
    preparedStatements: false,
    query: (plan) => _run(db, plan),
    transaction: (fn) => db.transaction((tx) => fn({ query: (plan) => _run(tx, plan) })),
  };
}

function _poolDriver(pool: PgPoolLike, mode: StatementMode): SqlDriver {
  const once = async <T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> => {
    const conn = await pool.connect();
    let broken: Error | undefined;
    try {
      await conn.query('BEGIN');
      const result = await fn({ query: (plan) => _send(mode, conn, plan) });
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
  };
  return {
    parallel: true,
    get preparedStatements() {
      return mode.named;
    },
    query: (plan) => _withFallback(mode, () => _send(mode, pool, plan)),
    transaction: (fn) => _withFallback(mode, () => once(fn)),
  };
}

function _singleConnectionDriver(conn: SqlQueryable, mode: StatementMode): SqlDriver {
  // One connection: a statement sent while another caller's transaction is
  // open would join it, so everything goes through one queue.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
  const once = async <T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> => {
    await conn.query('BEGIN');
    try {
      const result = await fn({ query: (plan) => _send(mode, conn, plan) });
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  };
  return {
    parallel: false,
    get preparedStatements() {
      return mode.named;
    },
    query: (plan) => serial(() => _withFallback(mode, () => _send(mode, conn, plan))),
    transaction: (fn) => serial(() => _withFallback(mode, () => once(fn))),
  };
}
