// Versioned schema migrations for the PostgreSQL adapter, applied in one
// transaction under an advisory lock so concurrent processes migrate once.
import { FulfillmentError } from '../../domain/errors.js';
import { type PostgresClient, type SqlDriver, sqlDriver } from './postgres-client.js';

/** One schema version: the statements that bring the previous version to it. */
export interface Migration {
  version: number;
  description: string;
  statements: (schema: string) => string[];
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** A `pg` Pool, a connected `pg` Client, or a PGlite instance. */
  client: PostgresClient;
  /**
   * Schema that holds fulfillkit's tables; created when missing. Lowercase
   * letters, digits and `_`, starting with a letter or `_`.
   * @defaultValue 'fulfillkit'
   */
  schema?: string;
  /**
   * Send named statements; pass `false` behind a transaction-mode pooler
   * (see `PostgresStorageOptions.preparedStatements`).
   * @defaultValue true
   */
  preparedStatements?: boolean;
}

/** The schema used when none is given. */
export const DEFAULT_SCHEMA = 'fulfillkit';

// First key of the two-key advisory lock; the second is a hash of the schema name.
const LOCK_NAMESPACE = 0x0f0f1c17;

/**
 * The quoted schema name, after checking it is a plain identifier
 * (`CONFIGURATION_ERROR` otherwise), so it can be spliced into SQL safely.
 *
 * @example
 * ```ts
 * quoteSchema('shop_eu'); // '"shop_eu"'
 * ```
 */
export function quoteSchema(schema: string): string {
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new FulfillmentError(
      'CONFIGURATION_ERROR',
      `Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lowercase letters, digits and "_", starting with a letter or "_"`,
      { details: { schema } },
    );
  }
  return `"${schema}"`;
}

/** The `preparedStatements` option, after checking it is a boolean when given (`CONFIGURATION_ERROR` otherwise). */
export function checkPreparedStatements(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    throw new FulfillmentError('CONFIGURATION_ERROR', `preparedStatements must be true or false (got ${JSON.stringify(value)})`, {
      details: { preparedStatements: value },
    });
  }
  return value;
}

/**
 * Every migration, oldest first. Append new versions; never edit a released one.
 *
 * @example
 * ```ts
 * const latest = MIGRATIONS[MIGRATIONS.length - 1];
 * console.log(`schema version ${latest?.version}: ${latest?.description}`);
 * ```
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'orders, inventory, reservations, outbox, idempotency',
    statements: (s) => [
      `CREATE SEQUENCE ${s}.listing_seq`,
      `CREATE TABLE ${s}.orders (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        version integer NOT NULL CHECK (version > 0),
        status text NOT NULL,
        status_seq bigint NOT NULL,
        data jsonb NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL
      )`,
      `CREATE UNIQUE INDEX orders_seq_idx ON ${s}.orders (seq)`,
      `CREATE INDEX orders_status_idx ON ${s}.orders (status, status_seq)`,
      `CREATE TABLE ${s}.order_keys (
        key text PRIMARY KEY,
        order_id text NOT NULL
      )`,
      `CREATE INDEX order_keys_order_idx ON ${s}.order_keys (order_id)`,
      `CREATE TABLE ${s}.order_tags (
        tag text NOT NULL,
        seq bigint NOT NULL,
        order_id text NOT NULL,
        PRIMARY KEY (tag, seq),
        UNIQUE (order_id, tag)
      )`,
      `CREATE TABLE ${s}.order_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id text NOT NULL,
        event jsonb NOT NULL
      )`,
      `CREATE INDEX order_events_order_idx ON ${s}.order_events (order_id, seq)`,
      `CREATE TABLE ${s}.stock (
        sku text COLLATE "C" NOT NULL,
        location_id text COLLATE "C" NOT NULL,
        on_hand integer NOT NULL DEFAULT 0,
        reserved integer NOT NULL DEFAULT 0,
        safety_stock integer NOT NULL DEFAULT 0,
        reorder_point integer,
        bin text,
        PRIMARY KEY (sku, location_id),
        CONSTRAINT stock_never_oversold CHECK (reserved >= 0 AND reserved <= on_hand),
        CHECK (safety_stock >= 0)
      )`,
      `CREATE TABLE ${s}.stock_movements (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        sku text COLLATE "C" NOT NULL,
        location_id text COLLATE "C" NOT NULL,
        type text NOT NULL,
        on_hand_delta integer NOT NULL,
        reserved_delta integer NOT NULL,
        order_id text,
        reservation_id text,
        reason text,
        at text NOT NULL
      )`,
      `CREATE INDEX stock_movements_sku_idx ON ${s}.stock_movements (sku, seq)`,
      `CREATE TABLE ${s}.reservations (
        id text PRIMARY KEY,
        order_id text NOT NULL,
        status text NOT NULL,
        lines jsonb NOT NULL,
        expires_at text,
        expires_ts timestamptz,
        op_ids jsonb NOT NULL DEFAULT '[]',
        created_at text NOT NULL,
        updated_at text NOT NULL
      )`,
      `CREATE INDEX reservations_expiry_idx ON ${s}.reservations (expires_ts, id)
        WHERE status = 'active' AND expires_ts IS NOT NULL`,
      `CREATE INDEX reservations_order_idx ON ${s}.reservations (order_id)`,
      `CREATE TABLE ${s}.outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        available_at text NOT NULL,
        available_ts timestamptz NOT NULL,
        lease_until timestamptz,
        parked boolean NOT NULL DEFAULT false,
        acked boolean NOT NULL DEFAULT false,
        last_error text,
        created_at text NOT NULL
      )`,
      `CREATE INDEX outbox_due_idx ON ${s}.outbox (available_ts, seq) WHERE NOT acked AND NOT parked`,
      `CREATE TABLE ${s}.idempotency (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        resource_id text NOT NULL,
        created_at text NOT NULL,
        PRIMARY KEY (scope, key)
      )`,
    ],
  },
  {
    version: 2,
    description: 'abort_write: lets one statement undo itself on a conflict found midway',
    statements: (s) => [
      `CREATE FUNCTION ${s}.abort_write(reason text, detail jsonb) RETURNS boolean LANGUAGE plpgsql AS $body$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = 'FK409', MESSAGE = reason, DETAIL = detail::text;
      END
      $body$`,
    ],
  },
  {
    version: 3,
    description: 'outbox streams: messages of one stream are delivered one at a time, in order',
    statements: (s) => [
      `ALTER TABLE ${s}.outbox ADD COLUMN stream text`,
      `CREATE INDEX outbox_stream_idx ON ${s}.outbox (stream, seq) WHERE stream IS NOT NULL AND NOT acked AND NOT parked`,
    ],
  },
];

/**
 * Create or upgrade fulfillkit's tables in `schema`. Safe to call from many
 * processes at once: an advisory lock lets one migrate while the others wait,
 * then find nothing left to do.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from 'fulfillkit/postgres';
 *
 * await migrate({ client: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<void> {
  const preparedStatements = checkPreparedStatements(options.preparedStatements);
  await migrateWith(sqlDriver(options.client, { preparedStatements }), options.schema ?? DEFAULT_SCHEMA);
}

/** {@link migrate} over an already wrapped driver; returns the schema version reached. */
export async function migrateWith(driver: SqlDriver, schema: string): Promise<number> {
  const s = quoteSchema(schema);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  return driver.transaction(async (tx) => {
    await tx.query({ text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))', values: [LOCK_NAMESPACE, schema] });
    await tx.query({ text: `CREATE SCHEMA IF NOT EXISTS ${s}`, values: [] });
    await tx.query({
      text: `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
      values: [],
    });
    const rows = await tx.query<{ version: number }>({ text: `SELECT max(version)::int AS version FROM ${s}.schema_version`, values: [] });
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new FulfillmentError(
        'CONFIGURATION_ERROR',
        `Schema ${schema} is at version ${current}, newer than this fulfillkit (${latest}); upgrade the library`,
        { details: { schema, current, latest } },
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const text of migration.statements(s)) await tx.query({ text, values: [] });
      await tx.query({
        text: `INSERT INTO ${s}.schema_version (version, description) VALUES ($1, $2)`,
        values: [migration.version, migration.description],
      });
    }
    return latest;
  });
}
