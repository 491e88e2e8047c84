// Every SQL statement of the PostgreSQL adapter, as pure builders returning
// `{ text, values }`. `s` is the schema, already checked and quoted.
import type { SqlPlan } from './postgres-client.js';

/** Columns of a stock row, as every stock query selects them. */
export interface StockRow {
  sku: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  reorder_point: number | null;
  bin: string | null;
}

/** Columns of a reservation row. */
export interface ReservationRow {
  id: string;
  order_id: string;
  status: string;
  lines: unknown;
  expires_at: string | null;
  op_ids: unknown;
  created_at: string;
  updated_at: string;
}

/** Columns of an outbox row. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  stream: string | null;
  payload: unknown;
  attempts: number;
  available_at: string;
  created_at: string;
  last_error: string | null;
}

/** Columns of a ledger row. */
export interface MovementRow {
  id: string;
  sku: string;
  location_id: string;
  type: string;
  on_hand_delta: number;
  reserved_delta: number;
  order_id: string | null;
  reservation_id: string | null;
  reason: string | null;
  at: string;
}

/** An order write flattened to parameters (JSON arrays as text). */
export interface OrderWriteParams {
  id: string;
  version: number;
  status: string;
  data: string;
  createdAt: string;
  updatedAt: string;
  /** JSON array of keys, or `null` to leave them as they are. */
  keys: string | null;
  /** JSON array of tags, or `null` to leave them as they are. */
  tags: string | null;
  /** JSON array of domain events. */
  events: string;
  /** JSON array of `{ topic, key, stream, payload, availableAt }`. */
  outbox: string;
  /** Reservation to re-time with the write, or `null`. */
  reservationId: string | null;
  /** Its new expiry (`null` clears it). */
  reservationExpiresAt: string | null;
}

const STOCK_COLUMNS = 'sku, location_id, on_hand, reserved, safety_stock, reorder_point, bin';
const RESERVATION_COLUMNS = 'id, order_id, status, lines, expires_at, op_ids, created_at, updated_at';
const OUTBOX_COLUMNS = 'seq::text AS id, topic, key, stream, payload, attempts, available_at, created_at, last_error';
const MOVEMENT_COLUMNS = 'id, sku, location_id, type, on_hand_delta, reserved_delta, order_id, reservation_id, reason, at';

// INSERT fragments shared by several statements. `guard` is an extra SQL condition.
function _outboxInsert(s: string, messages: string, createdAt: string, guard = 'true'): string {
  return `INSERT INTO ${s}.outbox (topic, key, stream, payload, available_at, available_ts, created_at)
    SELECT m->>'topic', m->>'key', m->>'stream', m->'payload', coalesce(m->>'availableAt', ${createdAt}),
           coalesce(m->>'availableAt', ${createdAt})::timestamptz, ${createdAt}
    FROM jsonb_array_elements(${messages}::jsonb) WITH ORDINALITY AS x(m, n)
    WHERE ${guard}
    ORDER BY n
    ON CONFLICT (key) DO NOTHING`;
}

function _seq(s: string): string {
  return `nextval('${s}.listing_seq')`;
}

// ---- orders ---------------------------------------------------------------

/** The order document. */
export function selectOrder(s: string, id: string): SqlPlan {
  return { text: `SELECT data FROM ${s}.orders WHERE id = $1`, values: [id] };
}

/** The documents of many orders: one row per requested id that exists, `n` its 1-based position in `ids`. */
export function selectOrders(s: string, ids: readonly string[]): SqlPlan {
  return {
    text: `SELECT x.n, o.data FROM unnest($1::text[]) WITH ORDINALITY AS x(id, n) JOIN ${s}.orders o ON o.id = x.id`,
    values: [[...ids]],
  };
}

/** The orders many lookup keys point at: one row per requested key that exists, `n` its 1-based position. */
export function selectOrderIdsByKeys(s: string, keys: readonly string[]): SqlPlan {
  return {
    text: `SELECT x.n, k.order_id FROM unnest($1::text[]) WITH ORDINALITY AS x(key, n) JOIN ${s}.order_keys k ON k.key = x.key`,
    values: [[...keys]],
  };
}

/** Current version of an order (to tell a conflict from a missing order). */
export function selectOrderVersion(s: string, id: string): SqlPlan {
  return { text: `SELECT version FROM ${s}.orders WHERE id = $1`, values: [id] };
}

/** SQLSTATE raised by the schema's `abort_write` function to undo a statement that found a conflict midway. */
export const ABORT_SQLSTATE = 'FK409';

// The final SELECT of an order write: aborts the whole statement (nothing it
// wrote persists) when a lookup key turned out to belong to another order.
function _abortOnForeignKeys(s: string): string {
  return `CASE WHEN EXISTS (SELECT 1 FROM k WHERE order_id <> $1) THEN ${s}.abort_write('key_conflict',
      (SELECT jsonb_build_object('key', key, 'ownerId', order_id) FROM k WHERE order_id <> $1 LIMIT 1)) END AS aborted`;
}

// Re-time the order's reservation in the same statement; the final SELECT
// aborts everything when it is absent or no longer active.
function _retime(s: string, id: string, at: string): string {
  return `UPDATE ${s}.reservations SET expires_at = ${at}::text, expires_ts = ${at}::text::timestamptz
      WHERE ${id}::text IS NOT NULL AND id = ${id} AND status = 'active' AND EXISTS (SELECT 1 FROM o) RETURNING 1`;
}

function _abortOnRetimeMiss(s: string, id: string): string {
  return `CASE WHEN ${id}::text IS NOT NULL AND EXISTS (SELECT 1 FROM o) AND NOT EXISTS (SELECT 1 FROM r)
      THEN ${s}.abort_write('reservation_not_active', jsonb_build_object('reservationId', ${id}::text)) END AS retimed`;
}

/**
 * Insert an order with its keys, tags, events, outbox messages and (when
 * `idempotency` is given) its idempotency record, in one statement, so it
 * needs no transaction. Nothing is written when the idempotency key is
 * already recorded (`prior_*` tell the first request) or the id is taken
 * (`created` is false); a key owned by another order, or an idempotency key
 * recorded by a concurrent writer meanwhile, aborts the statement with
 * {@link ABORT_SQLSTATE}.
 */
export function insertOrder(
  s: string,
  p: OrderWriteParams,
  idempotency: { scope: string; key: string; fingerprint: string } | null,
): SqlPlan {
  return {
    text: `WITH prior AS (
      SELECT resource_id, fingerprint FROM ${s}.idempotency WHERE $11::text IS NOT NULL AND scope = $11 AND key = $12
    ), o AS (
      INSERT INTO ${s}.orders (id, version, status, status_seq, data, created_at, updated_at)
      SELECT $1, $2, $3, ${_seq(s)}, $4::jsonb, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM prior)
      ON CONFLICT (id) DO NOTHING RETURNING id
    ), i AS (
      INSERT INTO ${s}.idempotency (scope, key, fingerprint, resource_id, created_at)
      SELECT $11, $12, $13, $1, $5 WHERE $11::text IS NOT NULL AND EXISTS (SELECT 1 FROM o)
      ON CONFLICT (scope, key) DO NOTHING RETURNING 1
    ), k AS (
      ${_keysUpsert(s)}
    ), t AS (
      INSERT INTO ${s}.order_tags (tag, seq, order_id)
      SELECT tag, ${_seq(s)}, $1 FROM jsonb_array_elements_text(coalesce($8::jsonb, '[]')) WITH ORDINALITY AS x(tag, n)
      WHERE EXISTS (SELECT 1 FROM o) ORDER BY n
      ON CONFLICT (order_id, tag) DO NOTHING
    ), e AS (
      ${_eventsInsert(s)}
    ), m AS (
      ${_outboxInsert(s, '$10', '$6', 'EXISTS (SELECT 1 FROM o)')}
    ), r AS (
      ${_retime(s, '$14', '$15')}
    )
    SELECT EXISTS (SELECT 1 FROM o) AS created, ${_abortOnRetimeMiss(s, '$14')},
           (SELECT resource_id FROM prior) AS prior_resource_id, (SELECT fingerprint FROM prior) AS prior_fingerprint,
           CASE WHEN $11::text IS NOT NULL AND EXISTS (SELECT 1 FROM o) AND NOT EXISTS (SELECT 1 FROM i)
             THEN ${s}.abort_write('idempotency_conflict', jsonb_build_object('scope', $11::text, 'key', $12::text)) END AS raced,
           ${_abortOnForeignKeys(s)}`,
    values: [
      p.id,
      p.version,
      p.status,
      p.data,
      p.createdAt,
      p.updatedAt,
      p.keys,
      p.tags,
      p.events,
      p.outbox,
      idempotency?.scope ?? null,
      idempotency?.key ?? null,
      idempotency?.fingerprint ?? null,
      p.reservationId,
      p.reservationExpiresAt,
    ],
  };
}

// A no-op update on conflict returns the current owner, so a key owned by
// another order shows up (and the caller rolls back) instead of moving silently.
function _keysUpsert(s: string, written = 'o'): string {
  return `INSERT INTO ${s}.order_keys (key, order_id)
      SELECT key, $1 FROM jsonb_array_elements_text(coalesce($7::jsonb, '[]')) AS x(key)
      WHERE EXISTS (SELECT 1 FROM ${written})
      ON CONFLICT (key) DO UPDATE SET order_id = ${s}.order_keys.order_id
      RETURNING key, order_id`;
}

function _eventsInsert(s: string, written = 'o'): string {
  return `INSERT INTO ${s}.order_events (order_id, event)
      SELECT $1, ev FROM jsonb_array_elements($9::jsonb) WITH ORDINALITY AS x(ev, n)
      WHERE EXISTS (SELECT 1 FROM ${written}) ORDER BY n`;
}

/**
 * Replace an order at `expectedVersion` and, in the same statement, its keys
 * and tags (when given), events and outbox messages. Row: `{ updated }`; a
 * key owned by another order aborts the statement with {@link ABORT_SQLSTATE}.
 */
export function updateOrder(s: string, p: OrderWriteParams, expectedVersion: number): SqlPlan {
  return {
    text: `WITH o AS (
      UPDATE ${s}.orders SET version = $2, status = $3, data = $4::jsonb, created_at = $5, updated_at = $6,
        status_seq = CASE WHEN status = $3 THEN status_seq ELSE ${_seq(s)} END
      WHERE id = $1 AND version = $11 RETURNING id
    ), kd AS (
      DELETE FROM ${s}.order_keys WHERE $7::jsonb IS NOT NULL AND order_id = $1 AND EXISTS (SELECT 1 FROM o)
        AND key NOT IN (SELECT jsonb_array_elements_text($7::jsonb))
    ), k AS (
      ${_keysUpsert(s)}
    ), td AS (
      DELETE FROM ${s}.order_tags WHERE $8::jsonb IS NOT NULL AND order_id = $1 AND EXISTS (SELECT 1 FROM o)
        AND tag NOT IN (SELECT jsonb_array_elements_text($8::jsonb))
    ), t AS (
      INSERT INTO ${s}.order_tags (tag, seq, order_id)
      SELECT tag, ${_seq(s)}, $1 FROM jsonb_array_elements_text(coalesce($8::jsonb, '[]')) WITH ORDINALITY AS x(tag, n)
      WHERE EXISTS (SELECT 1 FROM o)
        AND NOT EXISTS (SELECT 1 FROM ${s}.order_tags c WHERE c.order_id = $1 AND c.tag = x.tag)
      ORDER BY n
      ON CONFLICT (order_id, tag) DO NOTHING
    ), e AS (
      ${_eventsInsert(s)}
    ), m AS (
      ${_outboxInsert(s, '$10', '$6', 'EXISTS (SELECT 1 FROM o)')}
    ), r AS (
      ${_retime(s, '$12', '$13')}
    )
    SELECT EXISTS (SELECT 1 FROM o) AS updated, ${_abortOnRetimeMiss(s, '$12')}, ${_abortOnForeignKeys(s)}`,
    values: [
      p.id,
      p.version,
      p.status,
      p.data,
      p.createdAt,
      p.updatedAt,
      p.keys,
      p.tags,
      p.events,
      p.outbox,
      expectedVersion,
      p.reservationId,
      p.reservationExpiresAt,
    ],
  };
}

/**
 * Apply a batch of order writes (a JSON array, see the `write_orders`
 * migration) in one statement; row: `{ outcomes }`, one per write, in order.
 */
export function writeOrders(s: string, writes: string): SqlPlan {
  return { text: `SELECT ${s}.write_orders($1::jsonb) AS outcomes`, values: [writes] };
}

/** The order a lookup key points at. */
export function selectOrderIdByKey(s: string, key: string): SqlPlan {
  return { text: `SELECT order_id FROM ${s}.order_keys WHERE key = $1`, values: [key] };
}

/** One page of orders (plus one row to tell whether more follow), oldest first. `pos` is the resume point. */
export function listOrders(s: string, q: { status: string | null; tag: string | null; after: string; limit: number }): SqlPlan {
  if (q.tag !== null) {
    return {
      text: `SELECT o.data, t.seq::text AS pos FROM ${s}.order_tags t JOIN ${s}.orders o ON o.id = t.order_id
        WHERE t.tag = $1 AND t.seq > $2::bigint AND ($3::text IS NULL OR o.status = $3)
        ORDER BY t.seq LIMIT $4`,
      values: [q.tag, q.after, q.status, q.limit + 1],
    };
  }
  if (q.status !== null) {
    return {
      text: `SELECT data, status_seq::text AS pos FROM ${s}.orders
        WHERE status = $1 AND status_seq > $2::bigint ORDER BY status_seq LIMIT $3`,
      values: [q.status, q.after, q.limit + 1],
    };
  }
  return {
    text: `SELECT data, seq::text AS pos FROM ${s}.orders WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
    values: [q.after, q.limit + 1],
  };
}

/** An order's events, oldest first. */
export function selectOrderEvents(s: string, orderId: string): SqlPlan {
  return { text: `SELECT event FROM ${s}.order_events WHERE order_id = $1 ORDER BY seq`, values: [orderId] };
}

/** An idempotency record. */
export function selectIdempotency(s: string, scope: string, key: string): SqlPlan {
  return {
    text: `SELECT scope, key, fingerprint, resource_id, created_at FROM ${s}.idempotency WHERE scope = $1 AND key = $2`,
    values: [scope, key],
  };
}

// ---- inventory --------------------------------------------------------------

/** Levels of the given SKUs, by SKU then location. */
export function selectLevels(s: string, skus: readonly string[]): SqlPlan {
  return {
    text: `SELECT ${STOCK_COLUMNS} FROM ${s}.stock WHERE sku = ANY($1::text[]) ORDER BY sku, location_id`,
    values: [[...skus]],
  };
}

/**
 * Lock the stock rows of the given (sku, location) pairs, always in
 * (sku, location) order so that concurrent lockers cannot deadlock.
 */
export function lockStock(s: string, pairs: readonly { sku: string; locationId: string }[]): SqlPlan {
  return {
    text: `SELECT ${STOCK_COLUMNS} FROM ${s}.stock
      WHERE (sku, location_id) IN (SELECT p->>'sku', p->>'locationId' FROM jsonb_array_elements($1::jsonb) AS x(p))
      ORDER BY sku, location_id FOR UPDATE`,
    values: [JSON.stringify(pairs.map((p) => ({ sku: p.sku, locationId: p.locationId })))],
  };
}

/** Create a stock row at zero when missing. */
export function ensureStockRow(s: string, sku: string, locationId: string): SqlPlan {
  return {
    text: `INSERT INTO ${s}.stock (sku, location_id) VALUES ($1, $2) ON CONFLICT (sku, location_id) DO NOTHING`,
    values: [sku, locationId],
  };
}

/** Whether a stock movement with this id exists (an idempotent receipt or adjustment already applied). */
export function movementExists(s: string, id: string): SqlPlan {
  return { text: `SELECT 1 AS found FROM ${s}.stock_movements WHERE id = $1`, values: [id] };
}

/** Add received stock (creating the row) and its ledger row in one statement; returns the level. */
export function receiveStock(
  s: string,
  r: { sku: string; locationId: string; quantity: number; bin: string | null; movement: StockMovementInsert },
): SqlPlan {
  const m = r.movement;
  return {
    text: `WITH st AS (
      INSERT INTO ${s}.stock AS c (sku, location_id, on_hand, bin) VALUES ($1, $2, $3, $4)
      ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = c.on_hand + EXCLUDED.on_hand, bin = coalesce(EXCLUDED.bin, c.bin)
      RETURNING ${STOCK_COLUMNS}
    ), mv AS (
      INSERT INTO ${s}.stock_movements (id, sku, location_id, type, on_hand_delta, reserved_delta, order_id, reservation_id, reason, at)
      VALUES ($5, $1, $2, $6, $3, 0, $7, NULL, $8, $9)
    )
    SELECT * FROM st`,
    values: [r.sku, r.locationId, r.quantity, r.bin, m.id, m.type, m.orderId, m.reason, m.at],
  };
}

/** Set the given stock settings (creating the row when new); returns the level. */
export function configureStock(
  s: string,
  c: { sku: string; locationId: string; safetyStock?: number; reorderPoint?: number | null; bin?: string | null },
): SqlPlan {
  const sets: string[] = [];
  if (c.safetyStock !== undefined) sets.push('safety_stock = EXCLUDED.safety_stock');
  if (c.reorderPoint !== undefined) sets.push('reorder_point = EXCLUDED.reorder_point');
  if (c.bin !== undefined) sets.push('bin = EXCLUDED.bin');
  // A no-op assignment still makes RETURNING report the existing row.
  if (sets.length === 0) sets.push('sku = c.sku');
  return {
    text: `INSERT INTO ${s}.stock AS c (sku, location_id, safety_stock, reorder_point, bin) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (sku, location_id) DO UPDATE SET ${sets.join(', ')}
      RETURNING ${STOCK_COLUMNS}`,
    values: [c.sku, c.locationId, c.safetyStock ?? 0, c.reorderPoint ?? null, c.bin ?? null],
  };
}

/** Every SKU with a stock row, in code-point order. */
export function selectSkus(s: string): SqlPlan {
  return { text: `SELECT DISTINCT sku FROM ${s}.stock ORDER BY sku`, values: [] };
}

/** A SKU's ledger, oldest first. */
export function selectLedger(s: string, sku: string): SqlPlan {
  return { text: `SELECT ${MOVEMENT_COLUMNS} FROM ${s}.stock_movements WHERE sku = $1 ORDER BY seq`, values: [sku] };
}

// ---- reservations -----------------------------------------------------------

/** A reservation. */
export function selectReservation(s: string, id: string): SqlPlan {
  return { text: `SELECT ${RESERVATION_COLUMNS} FROM ${s}.reservations WHERE id = $1`, values: [id] };
}

/** Lock the existing reservations among `ids`, in id order. */
export function lockReservations(s: string, ids: readonly string[]): SqlPlan {
  return {
    text: `SELECT ${RESERVATION_COLUMNS} FROM ${s}.reservations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    values: [[...ids]],
  };
}

/**
 * What a reserve batch needs: the existing reservations among `ids` and the
 * stock rows of `pairs`, as `{ kind: 'r' | 's', row }`. With `lock`, rows are
 * locked reservations first (by id), then stock (by sku, location): the
 * branches of UNION ALL run in order, so the lock order is the same as every
 * other writer's and concurrent batches cannot deadlock.
 */
export function readForReserve(s: string, ids: readonly string[], pairs: readonly { sku: string; locationId: string }[], lock: boolean): SqlPlan {
  const forUpdate = lock ? 'FOR UPDATE' : '';
  return {
    text: `WITH r AS MATERIALIZED (
        SELECT ${RESERVATION_COLUMNS} FROM ${s}.reservations WHERE id = ANY($1::text[]) ORDER BY id ${forUpdate}
      ), st AS MATERIALIZED (
        SELECT ${STOCK_COLUMNS} FROM ${s}.stock
        WHERE (sku, location_id) IN (SELECT p->>'sku', p->>'locationId' FROM jsonb_array_elements($2::jsonb) AS x(p))
        ORDER BY sku, location_id ${forUpdate}
      )
      SELECT 'r' AS kind, to_jsonb(r) AS row FROM r
      UNION ALL
      SELECT 's' AS kind, to_jsonb(st) AS row FROM st`,
    values: [[...ids], JSON.stringify(pairs.map((p) => ({ sku: p.sku, locationId: p.locationId })))],
  };
}

/** Lock up to `limit` active reservations due at `now`, skipping ones another sweeper holds. */
export function lockDueReservations(s: string, now: string, limit: number | null): SqlPlan {
  return {
    text: `SELECT ${RESERVATION_COLUMNS} FROM ${s}.reservations
      WHERE status = 'active' AND expires_ts IS NOT NULL AND expires_ts <= $1::timestamptz
      ORDER BY expires_ts, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    values: [now, limit],
  };
}

/** Set an active reservation's expiry; returns it, or nothing when absent or not active. */
export function updateReservationExpiry(s: string, id: string, expiresAt: string | null): SqlPlan {
  return {
    text: `UPDATE ${s}.reservations SET expires_at = $2::text, expires_ts = $2::text::timestamptz
      WHERE id = $1 AND status = 'active' RETURNING ${RESERVATION_COLUMNS}`,
    values: [id, expiresAt],
  };
}

/** A ledger row to insert. */
export interface StockMovementInsert {
  id: string;
  sku: string;
  locationId: string;
  type: string;
  onHandDelta: number;
  reservedDelta: number;
  orderId: string | null;
  reservationId: string | null;
  reason: string | null;
  at: string;
}

/** A reservation as written by {@link writeInventoryChanges}. */
export interface ReservationWrite {
  id: string;
  orderId: string;
  status: string;
  lines: unknown;
  expiresAt: string | null;
  opIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** Everything one inventory step changes; written in one statement. */
export interface InventoryChanges {
  /** Per (sku, location) deltas; at most one entry per pair. Rows must exist. */
  stock: { sku: string; locationId: string; onHandDelta: number; reservedDelta: number }[];
  insertReservations: ReservationWrite[];
  updateReservations: ReservationWrite[];
  movements: StockMovementInsert[];
  /** Event messages (low stock); `availableAt` and `createdAt` are `at`. */
  outbox: { key: string; payload: unknown; at: string }[];
}

/**
 * Apply stock deltas, reservation inserts and updates, ledger rows and outbox
 * messages in one statement. Row: `{ inserted }`, the number of new
 * reservations actually inserted (fewer means another writer got there first).
 */
export function writeInventoryChanges(s: string, c: InventoryChanges): SqlPlan {
  return {
    text: `WITH st AS (
      UPDATE ${s}.stock t SET on_hand = t.on_hand + (d->>'onHandDelta')::int, reserved = t.reserved + (d->>'reservedDelta')::int
      FROM jsonb_array_elements($1::jsonb) AS x(d)
      WHERE t.sku = d->>'sku' AND t.location_id = d->>'locationId'
    ), ri AS (
      INSERT INTO ${s}.reservations (${RESERVATION_COLUMNS}, expires_ts)
      SELECT r->>'id', r->>'orderId', r->>'status', r->'lines', r->>'expiresAt', r->'opIds', r->>'createdAt', r->>'updatedAt',
             (r->>'expiresAt')::timestamptz
      FROM jsonb_array_elements($2::jsonb) AS x(r)
      ON CONFLICT (id) DO NOTHING RETURNING 1
    ), ru AS (
      UPDATE ${s}.reservations t SET status = r->>'status', lines = r->'lines', expires_at = r->>'expiresAt',
        expires_ts = (r->>'expiresAt')::timestamptz, op_ids = r->'opIds', updated_at = r->>'updatedAt'
      FROM jsonb_array_elements($3::jsonb) AS x(r)
      WHERE t.id = r->>'id'
    ), mv AS (
      INSERT INTO ${s}.stock_movements (${MOVEMENT_COLUMNS})
      SELECT m->>'id', m->>'sku', m->>'locationId', m->>'type', (m->>'onHandDelta')::int, (m->>'reservedDelta')::int,
             m->>'orderId', m->>'reservationId', m->>'reason', m->>'at'
      FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS x(m, n) ORDER BY n
    ), ob AS (
      INSERT INTO ${s}.outbox (topic, key, payload, available_at, available_ts, created_at)
      SELECT 'event', m->>'key', m->'payload', m->>'at', (m->>'at')::timestamptz, m->>'at'
      FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(m, n) ORDER BY n
      ON CONFLICT (key) DO NOTHING
    )
    SELECT (SELECT count(*) FROM ri)::int AS inserted`,
    values: [
      JSON.stringify(c.stock),
      JSON.stringify(c.insertReservations),
      JSON.stringify(c.updateReservations),
      JSON.stringify(c.movements),
      JSON.stringify(c.outbox),
    ],
  };
}

// ---- outbox -----------------------------------------------------------------

/** Append messages (`messages` is a JSON array); existing keys are skipped. */
export function appendOutbox(s: string, messages: string, at: string): SqlPlan {
  return { text: _outboxInsert(s, '$1', '$2::text'), values: [messages, at] };
}

/**
 * Lease up to `limit` due messages, skipping rows another claimer is taking
 * right now. A message with a stream is due only when no older message of its
 * stream is live: that older row stays unacked while another claimer holds
 * it, so two claimers never hold two messages of one stream.
 */
export function claimOutbox(s: string, c: { limit: number; leaseMs: number; now: string }): SqlPlan {
  return {
    text: `UPDATE ${s}.outbox o SET attempts = o.attempts + 1, lease_until = $1::timestamptz + $3 * interval '1 millisecond'
      FROM (
        SELECT seq FROM ${s}.outbox d
        WHERE NOT acked AND NOT parked AND available_ts <= $1::timestamptz
          AND (lease_until IS NULL OR lease_until <= $1::timestamptz)
          AND (d.stream IS NULL OR NOT EXISTS (
            SELECT 1 FROM ${s}.outbox e WHERE e.stream = d.stream AND e.seq < d.seq AND NOT e.acked AND NOT e.parked))
        ORDER BY available_ts, seq LIMIT $2 FOR UPDATE SKIP LOCKED
      ) due
      WHERE o.seq = due.seq
      RETURNING o.${OUTBOX_COLUMNS.replaceAll(', ', ', o.')}, (extract(epoch FROM o.available_ts) * 1000)::float8 AS due_ms`,
    values: [c.now, c.limit, c.leaseMs],
  };
}

// A claim is current while the message is leased (lease_until set) under the attempt that claimed it.
const CURRENT_CLAIM = 'seq = $1::bigint AND attempts = $2 AND NOT acked AND lease_until IS NOT NULL';

/** Mark a message delivered, if the claim is its latest. Returns its id when it was. */
export function ackOutbox(s: string, id: string, attempts: number): SqlPlan {
  return { text: `UPDATE ${s}.outbox SET acked = true, lease_until = NULL WHERE ${CURRENT_CLAIM} RETURNING seq`, values: [id, attempts] };
}

/** Return a message for a retry at `retryAt`, or park it (`retryAt` null), if the claim is its latest. Returns its id when it was. */
export function failOutbox(s: string, id: string, attempts: number, error: string, retryAt: string | null): SqlPlan {
  return {
    text: `UPDATE ${s}.outbox SET last_error = $3, lease_until = NULL, parked = ($4::text IS NULL),
        available_at = coalesce($4::text, available_at), available_ts = coalesce($4::text::timestamptz, available_ts)
      WHERE ${CURRENT_CLAIM} RETURNING seq`,
    values: [id, attempts, error, retryAt],
  };
}

/** Whether an outbox message exists (acked or not). */
export function outboxExists(s: string, id: string): SqlPlan {
  return { text: `SELECT 1 AS found FROM ${s}.outbox WHERE seq = $1::bigint`, values: [id] };
}

/** Counts of unacked messages by state at `now`. */
export function outboxStats(s: string, now: string): SqlPlan {
  return {
    text: `SELECT
        count(*) FILTER (WHERE NOT parked AND (lease_until IS NULL OR lease_until <= $1::timestamptz))::int AS pending,
        count(*) FILTER (WHERE NOT parked AND lease_until > $1::timestamptz)::int AS leased,
        count(*) FILTER (WHERE parked)::int AS parked
      FROM ${s}.outbox WHERE NOT acked`,
    values: [now],
  };
}
