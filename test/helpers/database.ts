// Test databases for the PostgreSQL adapter: a real server from DATABASE_URL
// (directly, or through PgBouncer from PGBOUNCER_URL) or an in-memory PGlite,
// with throwaway schemas dropped when the file ends.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PostgresClient } from '../../src/storage/postgres/postgres-client.js';

/** A database a test file works in. */
export interface TestDatabase {
  kind: 'postgres' | 'pglite';
  /** What `postgresStorage({ client })` receives. */
  client: PostgresClient;
  /** A new random schema name, dropped by `close()`. */
  schema(): string;
  /** Run SQL directly, bypassing the adapter (for independent reads). */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Drop every schema handed out, then disconnect. */
  close(): Promise<void>;
}

/** Why the PostgreSQL suite did not get a database. */
export type PostgresAvailability = { db: TestDatabase; problem: null } | { db: null; problem: string | null };

/** Whether a missing or unreachable server must fail the run instead of skipping it. */
export function postgresRequired(): boolean {
  return process.env.CI === 'true' || process.env.FULFILLKIT_REQUIRE_POSTGRES === '1';
}

/** Whether a missing or unreachable PgBouncer must fail the run instead of skipping its suites. */
export function pgbouncerRequired(): boolean {
  return process.env.CI === 'true' || process.env.FULFILLKIT_REQUIRE_PGBOUNCER === '1';
}

/** A way to reach the test server: directly, or through a transaction-mode PgBouncer. */
export interface PostgresTarget {
  /** For test names. */
  name: 'PostgreSQL' | 'PgBouncer';
  /** The environment variable holding its URL. */
  urlVar: 'DATABASE_URL' | 'PGBOUNCER_URL';
  /** The URL, when set. */
  url: string | undefined;
  /** Whether a missing or unreachable URL fails the run. */
  required: boolean;
  /** What makes it required, for the failure message. */
  requiredBy: string;
  /** Environment for a child process that should connect the same way (it reads DATABASE_URL). */
  childEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

/**
 * Both ways the PostgreSQL suites run: straight to the server, and through
 * PgBouncer in transaction mode (`PGBOUNCER_URL`, started by `.ci/pgbouncer`).
 */
export function postgresTargets(): PostgresTarget[] {
  const target = (name: PostgresTarget['name'], urlVar: PostgresTarget['urlVar'], required: boolean, requiredBy: string): PostgresTarget => {
    const url = process.env[urlVar] || undefined;
    return { name, urlVar, url, required, requiredBy, childEnv: (extra = {}) => ({ ...process.env, DATABASE_URL: url, ...extra }) };
  };
  return [
    target('PostgreSQL', 'DATABASE_URL', postgresRequired(), 'CI or FULFILLKIT_REQUIRE_POSTGRES=1'),
    target('PgBouncer', 'PGBOUNCER_URL', pgbouncerRequired(), 'CI or FULFILLKIT_REQUIRE_PGBOUNCER=1'),
  ];
}

/**
 * Connect to `DATABASE_URL` (or the target's URL). Without it: `{ db: null,
 * problem: null }` (skip), or a problem when the target is required. A URL
 * that does not answer is always a problem: whoever set it expected a server.
 */
export async function openPostgres(options: { max?: number; target?: PostgresTarget } = {}): Promise<PostgresAvailability> {
  const target = options.target ?? (postgresTargets()[0] as PostgresTarget);
  const url = target.url;
  if (url === undefined || url === '') {
    return {
      db: null,
      problem: target.required ? `${target.urlVar} is not set but ${target.name} is required (${target.requiredBy})` : null,
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client dropped by the server must not crash the test process.
  pool.on('error', () => {});
  try {
    // Bounded here only: later queries may legitimately wait long for a pooled connection.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
    });
    await Promise.race([pool.query('SELECT 1'), timeout]).finally(() => clearTimeout(timer));
  } catch (err) {
    await pool.end().catch(() => {});
    return { db: null, problem: `${target.name} at ${target.urlVar} is unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { db: _database('postgres', pool, async (text, values) => (await pool.query(text, values)).rows, () => pool.end()), problem: null };
}

/** An in-memory PGlite database (one per test file: it takes seconds to boot). */
export async function openPglite(): Promise<TestDatabase> {
  const db = await PGlite.create();
  return _database('pglite', db, async (text, values) => (await db.query(text, values)).rows, () => db.close());
}

function _database(
  kind: TestDatabase['kind'],
  client: PostgresClient,
  run: (text: string, values?: unknown[]) => Promise<unknown[]>,
  end: () => Promise<void>,
): TestDatabase {
  const schemas: string[] = [];
  return {
    kind,
    client,
    schema() {
      const name = `fk_test_${Math.random().toString(36).slice(2, 10)}`;
      schemas.push(name);
      return name;
    },
    query: async <R>(text: string, values?: unknown[]) => (await run(text, values)) as R[],
    async close() {
      for (const name of schemas.splice(0)) await run(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await end();
    },
  };
}
