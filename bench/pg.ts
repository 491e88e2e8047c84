// PostgreSQL for the benchmarks: a pool, a random schema per run (dropped at
// the end), and the storage adapter over it.
import pg from 'pg';
import { postgresStorage, type PostgresStorage, type PostgresStorageOptions } from '../src/storage/postgres/postgres-storage.js';

/** Where the benchmarks look for PostgreSQL. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A pool and the schemas this run created. */
export interface BenchDatabase {
  pool: pg.Pool;
  /** `SELECT version()`, shortened. */
  version: string;
  /** A fresh migrated storage in a new schema. */
  storage(options?: Omit<PostgresStorageOptions, 'client' | 'schema'>): Promise<PostgresStorage & { schema: string }>;
  /** Drop every schema made by this run and close the pool. */
  close(): Promise<void>;
}

/** Connect, or return `null` with the reason when no server answers. */
export async function openBenchDatabase(url: string, poolSize = 32): Promise<BenchDatabase | { error: string }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  let version: string;
  try {
    const rows = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    version = `PostgreSQL ${rows.rows[0]?.v ?? '?'}`;
  } catch (err) {
    await pool.end().catch(() => undefined);
    return { error: err instanceof Error ? err.message : String(err) };
  }
  const schemas: string[] = [];
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return {
    pool,
    version,
    async storage(options = {}) {
      const schema = `bench_${tag}_${schemas.length + 1}`;
      schemas.push(schema);
      const storage = postgresStorage({ ...options, client: pool, schema });
      await storage.migrate();
      return storage;
    },
    async close() {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}
