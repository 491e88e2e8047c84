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
  {
    version: 4,
    description: 'write_orders: many order writes in one statement, each all or nothing with its own outcome',
    statements: (s) => [writeOrdersFunction(s)],
  },
];

/**
 * `write_orders(writes jsonb) RETURNS jsonb`: applies an array of order
 * writes (`kind` "create" or "update", as built by `orderWriteJson`) in
 * order, each inside its own subtransaction, and returns one outcome per
 * write. A write that meets a conflict is undone alone and reports it:
 * `{ "ok": true }`, `{ "exists": true }` (the id is taken), `{ "prior": {…} }`
 * (the idempotency key is recorded; nothing written), `{ "raced": {…} }` (a
 * concurrent writer recorded it meanwhile), `{ "version": n | null }` (not at
 * the expected version, or missing), `{ "abort": reason, "detail": {…} }` (a
 * lookup key owned by another order, or the reservation to re-time not
 * active). Any other error fails the whole call, which then wrote nothing.
 * The statements are static, so PL/pgSQL plans them once per connection.
 */
function writeOrdersFunction(s: string): string {
  return `CREATE FUNCTION ${s}.write_orders(writes jsonb) RETURNS jsonb LANGUAGE plpgsql AS $body$
  DECLARE
    w jsonb;
    w_id text;
    w_keys jsonb;
    w_tags jsonb;
    w_updated text;
    w_res text;
    w_count integer;
    w_version integer;
    w_prior record;
    w_owner record;
    w_detail text;
    outcomes jsonb := '[]';
  BEGIN
    FOR w IN SELECT value FROM jsonb_array_elements(writes) LOOP
      w_id := w->>'id';
      w_keys := nullif(w->'keys', 'null'::jsonb);
      w_tags := nullif(w->'tags', 'null'::jsonb);
      w_updated := w->>'updatedAt';
      w_res := w->>'reservationId';
      BEGIN
        IF w->>'kind' = 'create' THEN
          IF jsonb_typeof(w->'idempotency') = 'object' THEN
            SELECT i.resource_id, i.fingerprint INTO w_prior FROM ${s}.idempotency i
              WHERE i.scope = w->'idempotency'->>'scope' AND i.key = w->'idempotency'->>'key';
            IF FOUND THEN
              outcomes := outcomes || jsonb_build_array(jsonb_build_object('prior', jsonb_build_object('resourceId', w_prior.resource_id, 'fingerprint', w_prior.fingerprint)));
              CONTINUE;
            END IF;
          END IF;
          INSERT INTO ${s}.orders (id, version, status, status_seq, data, created_at, updated_at)
            VALUES (w_id, (w->>'version')::integer, w->>'status', nextval('${s}.listing_seq'), w->'data', w->>'createdAt', w_updated)
            ON CONFLICT (id) DO NOTHING;
          GET DIAGNOSTICS w_count = ROW_COUNT;
          IF w_count = 0 THEN
            outcomes := outcomes || jsonb_build_array('{"exists": true}'::jsonb);
            CONTINUE;
          END IF;
          IF jsonb_typeof(w->'idempotency') = 'object' THEN
            INSERT INTO ${s}.idempotency (scope, key, fingerprint, resource_id, created_at)
              VALUES (w->'idempotency'->>'scope', w->'idempotency'->>'key', w->'idempotency'->>'fingerprint', w_id, w->>'createdAt')
              ON CONFLICT (scope, key) DO NOTHING;
            GET DIAGNOSTICS w_count = ROW_COUNT;
            IF w_count = 0 THEN
              SELECT i.resource_id, i.fingerprint INTO w_prior FROM ${s}.idempotency i
                WHERE i.scope = w->'idempotency'->>'scope' AND i.key = w->'idempotency'->>'key';
              RAISE EXCEPTION USING ERRCODE = 'FK409', MESSAGE = 'idempotency_conflict',
                DETAIL = jsonb_build_object('resourceId', coalesce(w_prior.resource_id, ''), 'fingerprint', coalesce(w_prior.fingerprint, ''))::text;
            END IF;
          END IF;
        ELSE
          UPDATE ${s}.orders o SET version = (w->>'version')::integer, status = w->>'status', data = w->'data',
              created_at = w->>'createdAt', updated_at = w_updated,
              status_seq = CASE WHEN o.status = w->>'status' THEN o.status_seq ELSE nextval('${s}.listing_seq') END
            WHERE o.id = w_id AND o.version = (w->>'expectedVersion')::integer;
          GET DIAGNOSTICS w_count = ROW_COUNT;
          IF w_count = 0 THEN
            SELECT o.version INTO w_version FROM ${s}.orders o WHERE o.id = w_id;
            outcomes := outcomes || jsonb_build_array(jsonb_build_object('version', CASE WHEN FOUND THEN to_jsonb(w_version) ELSE 'null'::jsonb END));
            CONTINUE;
          END IF;
          IF w_keys IS NOT NULL THEN
            DELETE FROM ${s}.order_keys k WHERE k.order_id = w_id AND k.key NOT IN (SELECT jsonb_array_elements_text(w_keys));
          END IF;
          IF w_tags IS NOT NULL THEN
            DELETE FROM ${s}.order_tags t WHERE t.order_id = w_id AND t.tag NOT IN (SELECT jsonb_array_elements_text(w_tags));
          END IF;
        END IF;
        IF w_keys IS NOT NULL THEN
          -- A no-op update on conflict returns the current owner, so a key owned by another order shows up.
          WITH k AS (
            INSERT INTO ${s}.order_keys AS c (key, order_id) SELECT x.key, w_id FROM jsonb_array_elements_text(w_keys) AS x(key)
            ON CONFLICT (key) DO UPDATE SET order_id = c.order_id RETURNING c.key, c.order_id
          )
          SELECT k.key, k.order_id INTO w_owner FROM k WHERE k.order_id <> w_id LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'FK409', MESSAGE = 'key_conflict',
              DETAIL = jsonb_build_object('key', w_owner.key, 'ownerId', w_owner.order_id)::text;
          END IF;
        END IF;
        IF w_tags IS NOT NULL THEN
          INSERT INTO ${s}.order_tags (tag, seq, order_id)
            SELECT x.tag, nextval('${s}.listing_seq'), w_id FROM jsonb_array_elements_text(w_tags) WITH ORDINALITY AS x(tag, n)
            WHERE NOT EXISTS (SELECT 1 FROM ${s}.order_tags c WHERE c.order_id = w_id AND c.tag = x.tag)
            ORDER BY x.n
            ON CONFLICT (order_id, tag) DO NOTHING;
        END IF;
        INSERT INTO ${s}.order_events (order_id, event)
          SELECT w_id, x.ev FROM jsonb_array_elements(w->'events') WITH ORDINALITY AS x(ev, n) ORDER BY x.n;
        INSERT INTO ${s}.outbox (topic, key, stream, payload, available_at, available_ts, created_at)
          SELECT x.m->>'topic', x.m->>'key', x.m->>'stream', x.m->'payload', coalesce(x.m->>'availableAt', w_updated),
                 coalesce(x.m->>'availableAt', w_updated)::timestamptz, w_updated
          FROM jsonb_array_elements(w->'outbox') WITH ORDINALITY AS x(m, n)
          ORDER BY x.n
          ON CONFLICT (key) DO NOTHING;
        IF w_res IS NOT NULL THEN
          UPDATE ${s}.reservations r SET expires_at = w->>'reservationExpiresAt', expires_ts = (w->>'reservationExpiresAt')::timestamptz
            WHERE r.id = w_res AND r.status = 'active';
          GET DIAGNOSTICS w_count = ROW_COUNT;
          IF w_count = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'FK409', MESSAGE = 'reservation_not_active',
              DETAIL = jsonb_build_object('reservationId', w_res)::text;
          END IF;
        END IF;
        outcomes := outcomes || jsonb_build_array('{"ok": true}'::jsonb);
      EXCEPTION WHEN SQLSTATE 'FK409' THEN
        GET STACKED DIAGNOSTICS w_detail = PG_EXCEPTION_DETAIL;
        outcomes := outcomes || jsonb_build_array(jsonb_build_object('abort', SQLERRM, 'detail', w_detail::jsonb));
      END;
    END LOOP;
    RETURN outcomes;
  END
  $body$`;
}

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
