// Storage on PostgreSQL (a `pg` Pool or Client) or PGlite: durable, and safe
// for many processes sharing one database through row locks and SKIP LOCKED.
import { nanoid } from 'nanoid';
import { FulfillmentError, isFulfillmentError } from '../../domain/errors.js';
import { MAX_STOCK_UNITS } from '../../domain/limits.js';
import type { DomainEvent } from '../../domain/events.js';
import type { LocationLevel, StockMovement } from '../../domain/inventory.js';
import type { Order } from '../../domain/order.js';
import { ORDER_STATUSES } from '../../domain/status.js';
import type { OutboxClaim, OutboxMessage, OutboxMessageInput, OrderWrite, StorageAdapter, StorageCapabilities } from '../../ports/storage.js';
import { instantMillis, invalidCall, requireInteger, requireText, toJsonText } from '../call-guards.js';
import { type PostgresClient, type SqlPlan, type SqlSession, sqlDriver } from './postgres-client.js';
import { adjustStock, changeReservation, expireDue, type InventoryContext, levelFromRow, opMovementId, prepareReserve, reserveBatch, retryingTransaction } from './postgres-inventory.js';
import { LevelsLoader } from './postgres-levels-loader.js';
import { ReadLoader } from './postgres-read-loader.js';
import { checkPreparedStatements, DEFAULT_SCHEMA, migrateWith, quoteSchema } from './postgres-migrations.js';
import * as plans from './postgres-plans.js';
import { type ReserveBatchingOptions, ReserveQueue } from './postgres-reserve-queue.js';
import { type OrderWriteBatchingOptions, OrderWriteQueue, type WriteOutcome } from './postgres-write-queue.js';
import { reservationFromRow, reservationView } from './postgres-stock-step.js';

/**
 * Options of {@link postgresStorage}.
 *
 * @example
 * ```ts
 * const options: PostgresStorageOptions = { client: pool, schema: 'shop_eu', batchReservations: { maxBatch: 200 } };
 * ```
 */
export interface PostgresStorageOptions {
  /**
   * A `pg` Pool (recommended: transactions run in parallel), a connected
   * `pg` Client (statements are queued on its one connection), or a PGlite
   * instance. The storage never closes it: the host owns the connection.
   */
  client: PostgresClient;
  /**
   * Schema holding the tables: lowercase letters, digits and `_`. Use one
   * schema per shop or per test run.
   * @defaultValue 'fulfillkit'
   */
  schema?: string;
  /**
   * Apply pending migrations (under an advisory lock) before the first call.
   * Turn off when deployments run {@link migrate} themselves.
   * @defaultValue true
   */
  autoMigrate?: boolean;
  /**
   * Coalesce concurrent `reserve` calls of this process into one transaction
   * per batch (and concurrent `levels` reads into one query). Each request is
   * still granted or refused on its own, all or nothing, in arrival order;
   * `false` runs one transaction per call.
   * @defaultValue true (`{ maxBatch: 500, maxWaitMs: 0 }`)
   */
  batchReservations?: boolean | ReserveBatchingOptions;
  /**
   * Coalesce concurrent `createOrder` and `updateOrder` calls of this process
   * into one statement per batch (one round trip and one commit for all of
   * them). Each write still lands all or nothing with its order row, events,
   * keys, tags, outbox messages and idempotency record, and fails alone with
   * its own error on a version, key or idempotency conflict; a batch that
   * fails as a whole is sent again one write at a time. `false` sends one
   * statement per write.
   * @defaultValue true (`{ maxBatch: 32, maxWaitMs: 0 }`)
   */
  batchOrderWrites?: boolean | OrderWriteBatchingOptions;
  /**
   * Send statements to a `pg` Pool or Client as named statements, parsed and
   * planned once per connection (the fast path for direct connections). Pass
   * `false` behind a transaction-mode pooler such as PgBouncer, which cannot
   * keep a statement per client. Left on, the first "prepared statement does
   * not exist / already exists" error switches this storage to unnamed
   * statements and runs the failed call again (nothing of it was written).
   * Ignored for PGlite.
   * @defaultValue true
   */
  preparedStatements?: boolean;
  /**
   * Makes ids of stock movements and low-stock events.
   * @defaultValue `nanoid()`
   */
  createId?: () => string;
}

/**
 * A PostgreSQL-backed {@link StorageAdapter}, plus its migration entry point.
 *
 * @example
 * ```ts
 * const storage: PostgresStorage = postgresStorage({ client: pool, autoMigrate: false });
 * await storage.migrate();
 * ```
 */
export interface PostgresStorage extends StorageAdapter {
  /** The schema it uses. */
  readonly schema: string;
  /** Apply pending migrations now (otherwise done lazily unless `autoMigrate: false`). */
  migrate(): Promise<void>;
  /**
   * Whether statements currently go out named: `false` on PGlite, with
   * `preparedStatements: false`, or once a transaction pooler was detected.
   */
  readonly preparedStatements: boolean;
}

const STATUSES: ReadonlySet<string> = new Set(ORDER_STATUSES);
const DEFAULT_LIMIT = 50;

/**
 * Storage in PostgreSQL 13+ or PGlite. Reservations lock the touched stock
 * rows in a fixed order inside one transaction, so no interleaving of
 * processes can oversell; concurrent reservations of one process are
 * batched so a hot SKU is locked once per batch. Outbox claims and expiry
 * sweeps use `FOR UPDATE SKIP LOCKED`, so many workers share the work.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createFulfillment } from 'fulfillkit';
 * import { postgresStorage } from 'fulfillkit/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const ff = createFulfillment({ storage: postgresStorage({ client: pool }), locations, carriers, payments, notifier });
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = quoteSchema(schema);
  if (options.client === null || typeof options.client !== 'object' || typeof options.client.query !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'postgresStorage needs a pg Pool, pg Client or PGlite instance as `client`');
  }
  const driver = sqlDriver(options.client, { preparedStatements: checkPreparedStatements(options.preparedStatements) });
  const ctx: InventoryContext = { driver, s, createId: options.createId ?? (() => nanoid()) };
  const batching = options.batchReservations ?? true;
  const queue =
    batching === false
      ? null
      : new ReserveQueue((batch) => reserveBatch(ctx, batch), batching === true ? {} : batching, driver.parallel ? 4 : 1);

  const writeBatching = options.batchOrderWrites ?? true;
  const writes =
    writeBatching === false
      ? null
      : new OrderWriteQueue<PendingWrite>(
          async (batch) => _writeOutcomes(batch, await one<{ outcomes: unknown }>(driver, plans.writeOrders(s, _batchJson(batch)))),
          writeBatching === true ? {} : writeBatching,
          driver.parallel ? WRITE_BATCHES_IN_FLIGHT : 1,
        );

  const readLevels = async (skus: string[]) => (await driver.query<plans.StockRow>(plans.selectLevels(s, skus))).map(levelFromRow);
  const levelsLoader = batching === false ? null : new LevelsLoader(readLevels);
  const readsInFlight = driver.parallel ? READS_IN_FLIGHT : 1;
  // Point reads coalesce with order writes: both are the per-command traffic of many concurrent callers.
  const orderLoader =
    writeBatching === false ? null : new ReadLoader<{ data: Order }>((ids) => driver.query<{ data: Order; n: number }>(plans.selectOrders(s, ids)), readsInFlight);
  const keyLoader =
    writeBatching === false
      ? null
      : new ReadLoader<{ order_id: string }>((keys) => driver.query<{ order_id: string; n: number }>(plans.selectOrderIdsByKeys(s, keys)), readsInFlight);

  let migrated: Promise<void> | null = options.autoMigrate === false ? Promise.resolve() : null;
  let isReady = options.autoMigrate === false;
  let closed = false;
  let active = 0;
  const drained: (() => void)[] = [];
  const runMigrations = async (): Promise<void> => {
    await migrateWith(driver, schema);
    isReady = true;
  };
  const ready = (): Promise<void> => {
    if (migrated === null) {
      // A failed migration is tried again by the next call rather than cached.
      migrated = runMigrations().catch((err) => {
        migrated = null;
        throw err;
      });
    }
    return migrated;
  };
  const settle = (): void => {
    if (--active === 0) for (const done of drained.splice(0)) done();
  };
  // Every port method: refuse after close, migrate once, count calls in flight
  // for close(), and surface driver errors as ADAPTER_ERROR. Kept free of
  // extra awaits: reserve storms pass through here tens of thousands of times.
  const guard = <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new FulfillmentError('CONFIGURATION_ERROR', 'This PostgreSQL storage has been closed'));
    let start: Promise<T>;
    if (isReady) {
      try {
        start = fn();
      } catch (err) {
        start = Promise.reject(err);
      }
    } else {
      start = ready().then(fn);
    }
    active++;
    return start.then(
      (value) => {
        settle();
        return value;
      },
      (err: unknown) => {
        settle();
        throw _adapterError(err, what);
      },
    );
  };
  const one = async <R>(session: SqlSession, plan: SqlPlan): Promise<R | undefined> => (await session.query(plan))[0] as R | undefined;

  const storage: PostgresStorage = {
    capabilities: Object.freeze({ durable: true, multiProcess: true }) satisfies StorageCapabilities,
    schema,
    get preparedStatements() {
      return driver.preparedStatements;
    },

    async migrate() {
      if (closed) throw new FulfillmentError('CONFIGURATION_ERROR', 'This PostgreSQL storage has been closed');
      try {
        await runMigrations();
      } catch (err) {
        throw _adapterError(err, 'migrate');
      }
      migrated = Promise.resolve();
    },

    // ---- orders -------------------------------------------------------------

    getOrder: (id) =>
      guard('getOrder', async () => {
        const row = orderLoader !== null && _batchable(id) ? await orderLoader.load(id) : await one<{ data: Order }>(driver, plans.selectOrder(s, id));
        return row === undefined ? null : row.data;
      }),

    createOrder: (write) =>
      guard('createOrder', async () => {
        const p = _orderParams(write);
        if (write.order.version !== 1) throw invalidCall(`A new order must have version 1 (got ${write.order.version})`, { orderId: p.id });
        const idempotency = write.idempotency ?? null;
        if (idempotency !== null) {
          requireText(idempotency.scope, 'idempotency.scope');
          requireText(idempotency.key, 'idempotency.key');
        }
        if (writes !== null) return writes.push({ kind: 'create', p, idempotency, expectedVersion: 0 });
        let row: CreatedRow | undefined;
        try {
          row = await _writeOrder(() => one<CreatedRow>(driver, plans.insertOrder(s, p, idempotency)), p.id);
        } catch (err) {
          // A concurrent writer recorded the same idempotency key between our read and our insert.
          if (idempotency === null || !_isAbort(err, 'idempotency_conflict')) throw err;
          const prior = await one<IdempotencyRow>(driver, plans.selectIdempotency(s, idempotency.scope, idempotency.key));
          throw _idempotencyConflict(idempotency, prior?.resource_id ?? '', prior?.fingerprint ?? '');
        }
        if (idempotency !== null && row?.created !== true && (row?.prior_resource_id ?? null) !== null) {
          throw _idempotencyConflict(idempotency, row?.prior_resource_id ?? '', row?.prior_fingerprint ?? '');
        }
        if (row?.created !== true) throw new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${p.id} already exists`, { details: { orderId: p.id } });
      }),

    updateOrder: (write, expectedVersion) =>
      guard('updateOrder', async () => {
        const p = _orderParams(write);
        const valid = write.order.version === expectedVersion + 1 && write.idempotency === undefined;
        if (valid && writes !== null) return writes.push({ kind: 'update', p, idempotency: null, expectedVersion });
        const row = valid ? await _writeOrder(() => one<{ updated: boolean }>(driver, plans.updateOrder(s, p, expectedVersion)), p.id) : undefined;
        if (row?.updated === true) return;
        const current = await one<{ version: number }>(driver, plans.selectOrderVersion(s, p.id));
        if (current === undefined) throw new FulfillmentError('NOT_FOUND', `Order ${p.id} not found`, { details: { orderId: p.id } });
        // A valid write that found another version has met a concurrent writer, even if the order is at `expectedVersion` again by now.
        if (current.version !== expectedVersion || valid) {
          throw new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${p.id} is at version ${current.version}, not ${expectedVersion}`, {
            details: { orderId: p.id, expectedVersion, actualVersion: current.version },
          });
        }
        if (write.idempotency !== undefined) throw invalidCall('Idempotency records are created with the order, not on update', { orderId: p.id });
        throw invalidCall(`The new version of order ${p.id} must be ${expectedVersion + 1} (got ${write.order.version})`, {
          orderId: p.id,
          expectedVersion,
        });
      }),

    findOrderId: (key) =>
      guard('findOrderId', async () => {
        const row =
          keyLoader !== null && _batchable(key) ? await keyLoader.load(key) : await one<{ order_id: string }>(driver, plans.selectOrderIdByKey(s, key));
        return row?.order_id ?? null;
      }),

    listOrders: (query) =>
      guard('listOrders', async () => {
        const limit = query.limit ?? DEFAULT_LIMIT;
        requireInteger(limit, 'limit', 1);
        if (query.status !== undefined && !STATUSES.has(query.status)) throw invalidCall(`Unknown order status ${String(query.status)}`);
        const cursor = query.cursor ?? null;
        if (cursor !== null && cursor !== '' && (typeof cursor !== 'string' || !/^[0-9]{1,18}$/.test(cursor))) {
          throw invalidCall('Malformed listOrders cursor', { cursor });
        }
        const rows = await driver.query<{ data: Order; pos: string }>(
          plans.listOrders(s, { status: query.status ?? null, tag: query.tag ?? null, after: cursor || '0', limit }),
        );
        const page = rows.slice(0, limit);
        return { items: page.map((r) => r.data), nextCursor: rows.length > limit ? (page[page.length - 1]?.pos ?? null) : null };
      }),

    orderEvents: (orderId) =>
      guard('orderEvents', async () => {
        const rows = await driver.query<{ event: DomainEvent }>(plans.selectOrderEvents(s, orderId));
        return rows.map((r) => r.event);
      }),

    // ---- inventory ----------------------------------------------------------

    receive: (input) =>
      guard('receive', async () => {
        requireText(input.sku, 'sku');
        requireText(input.locationId, 'locationId');
        requireInteger(input.quantity, 'quantity', 1);
        instantMillis(input.at, 'at');
        const type = input.movement ?? 'received';
        if (type !== 'received' && type !== 'returned') throw invalidCall(`Unknown receive movement ${String(type)}`);
        if (input.bin !== undefined) requireText(input.bin, 'bin');
        if (input.opId !== undefined) requireText(input.opId, 'opId');
        const movement = {
          id: input.opId === undefined ? ctx.createId() : opMovementId(input.opId),
          sku: input.sku,
          locationId: input.locationId,
          type,
          onHandDelta: input.quantity,
          reservedDelta: 0,
          orderId: input.orderId ?? null,
          reservationId: null,
          reason: input.reason ?? null,
          at: input.at,
        };
        const plan = plans.receiveStock(s, { sku: input.sku, locationId: input.locationId, quantity: input.quantity, bin: input.bin ?? null, movement });
        if (input.opId === undefined) return { levels: (await driver.query<plans.StockRow>(plan)).map(levelFromRow) };
        // Idempotent receipt: under the row lock, a repeat finds the first one's movement.
        return retryingTransaction(driver, async (tx) => {
          await tx.query(plans.ensureStockRow(s, input.sku, input.locationId));
          const locked = await tx.query<plans.StockRow>(plans.lockStock(s, [{ sku: input.sku, locationId: input.locationId }]));
          if ((await tx.query(plans.movementExists(s, movement.id))).length > 0) return { levels: locked.map(levelFromRow) };
          return { levels: (await tx.query<plans.StockRow>(plan)).map(levelFromRow) };
        });
      }),

    adjust: (input) =>
      guard('adjust', async () => {
        requireText(input.sku, 'sku');
        requireText(input.locationId, 'locationId');
        requireText(input.reason, 'reason');
        instantMillis(input.at, 'at');
        if (!Number.isInteger(input.delta) || input.delta === 0) throw invalidCall('delta must be a non-zero integer', { delta: input.delta });
        return adjustStock(ctx, input);
      }),

    configureStock: (input) =>
      guard('configureStock', async () => {
        requireText(input.sku, 'sku');
        requireText(input.locationId, 'locationId');
        if (input.safetyStock !== undefined) requireInteger(input.safetyStock, 'safetyStock', 0);
        if (input.reorderPoint != null) requireInteger(input.reorderPoint, 'reorderPoint', 0);
        if (input.bin != null) requireText(input.bin, 'bin');
        const rows = await driver.query<plans.StockRow>(plans.configureStock(s, input));
        return { levels: rows.map(levelFromRow) };
      }),

    levels: (skus) =>
      guard('levels', () => {
        if (!Array.isArray(skus)) throw invalidCall('skus must be an array of strings');
        const wanted = [...new Set(skus)];
        if (wanted.length === 0) return Promise.resolve([]);
        // Rows come by location within a SKU; SKUs follow the caller's order.
        return levelsLoader !== null ? levelsLoader.load(wanted) : readLevels(wanted).then((rows) => _inSkuOrder(rows, wanted));
      }),

    skus: () =>
      guard('skus', async () => {
        const rows = await driver.query<{ sku: string }>(plans.selectSkus(s));
        return rows.map((r) => r.sku);
      }),

    ledger: (sku) =>
      guard('ledger', async () => {
        const rows = await driver.query<plans.MovementRow>(plans.selectLedger(s, sku));
        return rows.map(_movementFromRow);
      }),

    reserve: (request) =>
      guard('reserve', () => {
        requireText(request?.reservationId, 'reservationId');
        requireText(request.orderId, 'orderId');
        requireText(request.opId, 'opId');
        instantMillis(request.at, 'at');
        if (request.expiresAt !== null) instantMillis(request.expiresAt, 'expiresAt');
        const prepared = prepareReserve(request);
        if (queue !== null) return queue.push(prepared);
        return reserveBatch(ctx, [prepared]).then(([outcome]) => {
          if (outcome?.ok) return outcome.reservation;
          throw outcome?.error ?? new Error('reserve returned no outcome');
        });
      }),

    commitReservation: (change) =>
      guard('commitReservation', async () => {
        _checkChange(change);
        return changeReservation(ctx, change, 'committed');
      }),

    releaseReservation: (change) =>
      guard('releaseReservation', async () => {
        _checkChange(change);
        return changeReservation(ctx, change, 'released');
      }),

    setReservationExpiry: (reservationId, expiresAt) =>
      guard('setReservationExpiry', async () => {
        if (expiresAt !== null) instantMillis(expiresAt, 'expiresAt');
        const row = await one<plans.ReservationRow>(driver, plans.updateReservationExpiry(s, reservationId, expiresAt));
        if (row !== undefined) return reservationView(reservationFromRow(row));
        const current = await one<plans.ReservationRow>(driver, plans.selectReservation(s, reservationId));
        if (current === undefined) throw new FulfillmentError('NOT_FOUND', `Reservation ${reservationId} not found`, { details: { reservationId } });
        throw new FulfillmentError('INVALID_TRANSITION', `Reservation ${reservationId} is ${current.status}, not active`, {
          details: { reservationId, status: current.status },
        });
      }),

    getReservation: (id) =>
      guard('getReservation', async () => {
        const row = await one<plans.ReservationRow>(driver, plans.selectReservation(s, id));
        return row === undefined ? null : reservationView(reservationFromRow(row));
      }),

    expireReservations: (input) =>
      guard('expireReservations', async () => {
        instantMillis(input.now, 'now');
        if (input.limit !== undefined) requireInteger(input.limit, 'limit', 0);
        if (input.limit === 0) return [];
        return expireDue(ctx, input.now, input.limit ?? null);
      }),

    // ---- outbox -------------------------------------------------------------

    appendOutbox: (messages, at) =>
      guard('appendOutbox', async () => {
        instantMillis(at, 'at');
        const json = _outboxJson(messages);
        if (json !== '[]') await driver.query(plans.appendOutbox(s, json, at));
      }),

    claimOutbox: (input) =>
      guard('claimOutbox', async () => {
        requireInteger(input.limit, 'limit', 0);
        if (!Number.isFinite(input.leaseMs) || input.leaseMs < 0) throw invalidCall('leaseMs must be a non-negative number', { leaseMs: input.leaseMs });
        instantMillis(input.now, 'now');
        if (input.limit === 0) return [];
        const rows = await driver.query<plans.OutboxRow & { due_ms: number }>(plans.claimOutbox(s, input));
        rows.sort((a, b) => a.due_ms - b.due_ms || Number(a.id) - Number(b.id));
        return rows.map(_messageFromRow);
      }),

    ackOutbox: (claim) =>
      guard('ackOutbox', async () => {
        const { id, attempts } = _claimOf(claim);
        if (!_isOutboxId(id) || attempts === null) return false;
        return (await driver.query(plans.ackOutbox(s, id, attempts))).length > 0;
      }),

    failOutbox: (claim, input) =>
      guard('failOutbox', async () => {
        if (input.retryAt !== null) instantMillis(input.retryAt, 'retryAt');
        const { id, attempts } = _claimOf(claim);
        const rows = _isOutboxId(id) && attempts !== null ? await driver.query(plans.failOutbox(s, id, attempts, String(input.error), input.retryAt)) : [];
        if (rows.length > 0) return true;
        const exists = _isOutboxId(id) && (await driver.query(plans.outboxExists(s, id))).length > 0;
        if (!exists) throw new FulfillmentError('NOT_FOUND', `Outbox message ${id} not found`, { details: { id } });
        return false;
      }),

    outboxStats: (now) =>
      guard('outboxStats', async () => {
        instantMillis(now, 'now');
        const row = await one<{ pending: number; leased: number; parked: number }>(driver, plans.outboxStats(s, now));
        return { pending: row?.pending ?? 0, leased: row?.leased ?? 0, parked: row?.parked ?? 0 };
      }),

    // ---- idempotency --------------------------------------------------------

    getIdempotency: (scope, key) =>
      guard('getIdempotency', async () => {
        const row = await one<IdempotencyRow>(driver, plans.selectIdempotency(s, scope, key));
        if (row === undefined) return null;
        return { scope: row.scope, key: row.key, fingerprint: row.fingerprint, resourceId: row.resource_id, createdAt: row.created_at };
      }),

    async close() {
      if (closed) return;
      closed = true;
      // Calls already started still get their answer; the host's client stays open.
      if (active > 0) await new Promise<void>((resolve) => drained.push(resolve));
      await queue?.settled();
      await writes?.settled();
    },
  };
  return storage;
}

// ---------------------------------------------------------------------------

interface IdempotencyRow {
  scope: string;
  key: string;
  fingerprint: string;
  resource_id: string;
  created_at: string;
}

// SQLSTATE classes worth a retry: connection loss, serialization, deadlock, shutdown.
const RETRYABLE = /^(08|40|53|57P)/;

function _adapterError(err: unknown, what: string): unknown {
  if (isFulfillmentError(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const sqlState = typeof code === 'string' ? code : null;
  const message = err instanceof Error ? err.message : String(err);
  // An `integer` column overflowing (on-hand past 2^31 - 1) is the value's fault, not the database's:
  // the same VALIDATION_FAILED the memory adapter gives.
  if (sqlState === '22003') {
    return new FulfillmentError('VALIDATION_FAILED', `PostgreSQL storage ${what} refused a value out of range: ${message}`, {
      cause: err,
      details: { operation: what, sqlState, limit: MAX_STOCK_UNITS },
    });
  }
  return new FulfillmentError('ADAPTER_ERROR', `PostgreSQL storage ${what} failed: ${message}`, {
    cause: err,
    retryable: sqlState === null ? true : RETRYABLE.test(sqlState),
    details: { operation: what, sqlState },
  });
}

// A key the database refuses (text cannot hold U+0000) is read alone, so its error stays its own.
function _batchable(key: unknown): key is string {
  return typeof key === 'string' && !key.includes('\u0000');
}

function _orderParams(write: OrderWrite): plans.OrderWriteParams {
  const order = write?.order;
  if (order === null || typeof order !== 'object') throw invalidCall('write.order must be an order');
  requireText(order.id, 'order.id');
  if (!STATUSES.has(order.status)) throw invalidCall(`Unknown order status ${String(order.status)}`, { orderId: order.id });
  requireInteger(order.version, 'order.version', 1);
  return {
    id: order.id,
    version: order.version,
    status: order.status,
    data: toJsonText(order, `order ${order.id}`),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    keys: write.keys === undefined ? null : JSON.stringify(_unique(write.keys, 'keys')),
    tags: write.tags === undefined ? null : JSON.stringify(_unique(write.tags, 'tags')),
    events: toJsonText(write.events ?? [], `events of order ${order.id}`),
    outbox: _outboxJson(write.outbox ?? []),
    reservationId: write.reservationExpiry ? _retimeId(write.reservationExpiry) : null,
    reservationExpiresAt: write.reservationExpiry?.expiresAt ?? null,
  };
}

function _retimeId(change: NonNullable<OrderWrite['reservationExpiry']>): string {
  requireText(change.reservationId, 'reservationExpiry.reservationId');
  if (change.expiresAt !== null) instantMillis(change.expiresAt, 'reservationExpiry.expiresAt');
  return change.reservationId;
}

function _unique(values: readonly string[], field: string): string[] {
  if (!Array.isArray(values)) throw invalidCall(`${field} must be an array of strings`);
  for (const value of values) requireText(value, field);
  return [...new Set(values)];
}

// Concurrent write batches per storage: enough to overlap one batch's commit
// with the next one's work, few enough that batches stay large.
const WRITE_BATCHES_IN_FLIGHT = 2;
// Point reads in flight per loader: reads that arrive meanwhile go out together next.
const READS_IN_FLIGHT = 2;

/** A validated order write waiting for its batch. */
interface PendingWrite {
  kind: 'create' | 'update';
  p: plans.OrderWriteParams;
  idempotency: { scope: string; key: string; fingerprint: string } | null;
  expectedVersion: number;
}

// The batch as the JSON array write_orders reads, by order id so that batches
// of several processes lock order rows in the same order (arrival order within an id).
function _batchJson(batch: readonly PendingWrite[]): string {
  const parts: string[] = [];
  for (const i of _byOrderId(batch)) {
    const { kind, p, idempotency, expectedVersion } = batch[i] as PendingWrite;
    parts.push(
      `{"kind":"${kind}","id":${JSON.stringify(p.id)},"version":${p.version},"status":${JSON.stringify(p.status)},"data":${p.data},` +
        `"createdAt":${JSON.stringify(p.createdAt ?? null)},"updatedAt":${JSON.stringify(p.updatedAt ?? null)},"keys":${p.keys ?? 'null'},"tags":${p.tags ?? 'null'},` +
        `"events":${p.events},"outbox":${p.outbox},"idempotency":${idempotency === null ? 'null' : JSON.stringify(idempotency)},` +
        `"expectedVersion":${expectedVersion},"reservationId":${JSON.stringify(p.reservationId ?? null)},"reservationExpiresAt":${JSON.stringify(p.reservationExpiresAt ?? null)}}`,
    );
  }
  return `[${parts.join(',')}]`;
}

function _byOrderId(batch: readonly PendingWrite[]): number[] {
  const order = batch.map((_, i) => i);
  return order.sort((a, b) => {
    const x = (batch[a] as PendingWrite).p.id;
    const y = (batch[b] as PendingWrite).p.id;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

type WriteResult =
  | { ok: true }
  | { exists: true }
  | { prior: { resourceId: string; fingerprint: string } }
  | { version: number | null }
  | { abort: string; detail: Record<string, unknown> | null };

// Each write's outcome, back in the callers' order, as the error it gets when not applied.
function _writeOutcomes(batch: readonly PendingWrite[], row: { outcomes: unknown } | undefined): WriteOutcome[] {
  const results = row?.outcomes;
  if (!Array.isArray(results) || results.length !== batch.length) throw new Error('write_orders returned no outcome per write');
  const outcomes: WriteOutcome[] = new Array(batch.length);
  _byOrderId(batch).forEach((i, n) => {
    const w = batch[i] as PendingWrite;
    const error = _writeError(w, results[n] as WriteResult);
    outcomes[i] = error === null ? { ok: true } : { ok: false, error };
  });
  return outcomes;
}

function _writeError(w: PendingWrite, r: WriteResult): FulfillmentError | null {
  const orderId = w.p.id;
  if ('ok' in r) return null;
  if ('exists' in r) return new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${orderId} already exists`, { details: { orderId } });
  if ('prior' in r) return _idempotencyConflict(w.idempotency ?? { scope: '', key: '' }, r.prior.resourceId, r.prior.fingerprint);
  if ('version' in r) {
    if (r.version === null) return new FulfillmentError('NOT_FOUND', `Order ${orderId} not found`, { details: { orderId } });
    return new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${orderId} is at version ${r.version}, not ${w.expectedVersion}`, {
      details: { orderId, expectedVersion: w.expectedVersion, actualVersion: r.version },
    });
  }
  const detail = (r.detail ?? {}) as { key?: string; ownerId?: string; reservationId?: string; resourceId?: string; fingerprint?: string };
  if (r.abort === 'idempotency_conflict') {
    return _idempotencyConflict(w.idempotency ?? { scope: '', key: '' }, detail.resourceId ?? '', detail.fingerprint ?? '');
  }
  if (r.abort === 'reservation_not_active') return _reservationNotActive(detail.reservationId, orderId);
  if (r.abort === 'key_conflict') return _keyConflict(detail, orderId);
  return new FulfillmentError('ADAPTER_ERROR', `PostgreSQL storage write of order ${orderId} came back as ${JSON.stringify(r)}`, {
    details: { orderId },
  });
}

function _reservationNotActive(reservationId: string | undefined, orderId: string): FulfillmentError {
  return new FulfillmentError('INVALID_TRANSITION', `Reservation ${reservationId} is missing or no longer active; order ${orderId} was not written`, {
    details: { reservationId, orderId },
  });
}

function _keyConflict(detail: { key?: string; ownerId?: string }, orderId: string): FulfillmentError {
  return new FulfillmentError('CONCURRENCY_CONFLICT', `Lookup key "${detail.key}" already belongs to order ${detail.ownerId}`, {
    details: { key: detail.key, orderId, ownerId: detail.ownerId },
  });
}

interface CreatedRow {
  created: boolean;
  prior_resource_id: string | null;
  prior_fingerprint: string | null;
}

function _isAbort(err: unknown, reason: string): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  return e?.code === plans.ABORT_SQLSTATE && e.message === reason;
}

// Run an order statement; a key found to belong to another order aborted it (nothing was written).
async function _writeOrder<T>(run: () => Promise<T>, orderId: string): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (_isAbort(err, 'reservation_not_active')) {
      let reservationId: string | undefined;
      try {
        reservationId = (JSON.parse(String((err as { detail?: unknown }).detail)) as { reservationId?: string }).reservationId;
      } catch {
        // The message alone still says what happened.
      }
      throw _reservationNotActive(reservationId, orderId);
    }
    if (!_isAbort(err, 'key_conflict')) throw err;
    let detail: { key?: string; ownerId?: string } = {};
    try {
      detail = JSON.parse(String((err as { detail?: unknown }).detail)) as typeof detail;
    } catch {
      // The message alone still says what happened.
    }
    throw _keyConflict(detail, orderId);
  }
}

function _idempotencyConflict(idempotency: { scope: string; key: string }, resourceId: string, fingerprint: string): FulfillmentError {
  return new FulfillmentError('IDEMPOTENCY_CONFLICT', `Idempotency key "${idempotency.key}" was already used for ${resourceId}`, {
    details: { scope: idempotency.scope, key: idempotency.key, resourceId, fingerprint },
  });
}

// Validated outbox messages as a JSON array; repeated keys keep the first.
function _outboxJson(messages: readonly OutboxMessageInput[]): string {
  if (!Array.isArray(messages)) throw invalidCall('outbox messages must be an array');
  const seen = new Set<string>();
  const out: { topic: string; key: string; stream: string | null; payload: unknown; availableAt: string | null }[] = [];
  for (const m of messages) {
    if (m?.topic !== 'notification' && m?.topic !== 'event' && m?.topic !== 'relay' && m?.topic !== 'action') {
      throw invalidCall(`outbox topic must be "notification", "event", "relay" or "action" (got ${String(m?.topic)})`, { key: m?.key });
    }
    requireText(m.key, 'outbox key');
    if (m.stream !== undefined) requireText(m.stream, 'outbox stream');
    if (m.availableAt !== undefined) instantMillis(m.availableAt, 'availableAt');
    const payload = JSON.parse(toJsonText(m.payload, `outbox payload of ${m.key}`)) as unknown;
    if (seen.has(m.key)) continue;
    seen.add(m.key);
    out.push({ topic: m.topic, key: m.key, stream: m.stream ?? null, payload, availableAt: m.availableAt ?? null });
  }
  return JSON.stringify(out);
}

function _inSkuOrder(levels: LocationLevel[], skus: readonly string[]): LocationLevel[] {
  const rank = new Map(skus.map((sku, i) => [sku, i]));
  return levels.sort((a, b) => (rank.get(a.sku) ?? 0) - (rank.get(b.sku) ?? 0));
}

function _isOutboxId(id: string): boolean {
  return typeof id === 'string' && /^[0-9]{1,18}$/.test(id);
}

// A lease token is the attempt count of the claim that handed it out.
function _claimOf(claim: OutboxClaim): { id: string; attempts: number | null } {
  if (claim === null || typeof claim !== 'object') throw invalidCall('An outbox ack or failure needs the claim { id, lease }');
  const attempts = typeof claim.lease === 'string' && /^[0-9]{1,9}$/.test(claim.lease) ? Number(claim.lease) : null;
  return { id: claim.id, attempts };
}

function _messageFromRow(row: plans.OutboxRow): OutboxMessage {
  return {
    id: row.id,
    topic: row.topic as OutboxMessage['topic'],
    key: row.key,
    stream: row.stream,
    payload: row.payload,
    attempts: row.attempts,
    availableAt: row.available_at,
    createdAt: row.created_at,
    lastError: row.last_error,
    lease: String(row.attempts),
  };
}

function _movementFromRow(row: plans.MovementRow): StockMovement {
  return {
    id: row.id,
    sku: row.sku,
    locationId: row.location_id,
    type: row.type as StockMovement['type'],
    onHandDelta: row.on_hand_delta,
    reservedDelta: row.reserved_delta,
    orderId: row.order_id,
    reservationId: row.reservation_id,
    reason: row.reason,
    at: row.at,
  };
}

function _checkChange(change: { reservationId: string; opId: string; at: string }): void {
  requireText(change?.reservationId, 'reservationId');
  requireText(change.opId, 'opId');
  instantMillis(change.at, 'at');
}
