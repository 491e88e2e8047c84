// Test databases for the PostgreSQL adapter: a real server from DATABASE_URL
// or an in-memory PGlite, with throwaway schemas dropped when the file ends.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PostgresClient } from '../../src/adapters/postgres-client.js';

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

/**
 * Connect to `DATABASE_URL`. Without it: `{ db: null, problem: null }` (skip),
 * or a problem when PostgreSQL is required. A URL that does not answer is
 * always a problem: whoever set it expected a server.
 */
export async function openPostgres(options: { max?: number } = {}): Promise<PostgresAvailability> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    return { db: null, problem: postgresRequired() ? 'DATABASE_URL is not set but PostgreSQL is required (CI or FULFILLKIT_REQUIRE_POSTGRES=1)' : null };
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
    return { db: null, problem: `PostgreSQL at DATABASE_URL is unreachable: ${err instanceof Error ? err.message : String(err)}` };
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
