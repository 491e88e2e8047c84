// Port for persistence: versioned orders, atomic inventory, the outbox and
// idempotency records. Coarse, atomic operations instead of a generic
// transaction, so that stores without transactions can implement it.
import type { DomainEvent } from '../domain/events.js';
import type { LocationLevel, Reservation, StockMovement } from '../domain/inventory.js';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/status.js';

/** Optional behaviours and guarantees of a storage adapter. */
export interface StorageCapabilities {
  /** Data survives a process restart. */
  durable: boolean;
  /** Several processes may share it safely (reservations and claims stay atomic across them). */
  multiProcess: boolean;
}

/**
 * What an outbox message is for: `notification` for the notifier, `event` for
 * `events.on` handlers (and the event relay), `relay` for the event relay only
 * (the event already reached `events.on` when its write was stored), `action`
 * for a host implementation of an order machine action.
 */
export type OutboxTopic = 'notification' | 'event' | 'relay' | 'action';

/** A message waiting in the outbox. */
export interface OutboxMessageInput {
  topic: OutboxTopic;
  /** Unique per message: appending a key that already exists is a no-op. */
  key: string;
  /** JSON payload. */
  payload: unknown;
  /** Not to be claimed before this instant (ISO). Defaults to now. */
  availableAt?: string;
  /**
   * Messages sharing a stream are delivered one at a time in append order: a
   * message is not claimed while an older message of its stream is unacked
   * and not parked (leased, waiting for a retry, or simply older). Messages
   * without a stream are independent.
   */
  stream?: string;
}

/** A stored outbox message. */
export interface OutboxMessage {
  id: string;
  topic: OutboxTopic;
  key: string;
  /** Its stream, or `null`. */
  stream: string | null;
  payload: unknown;
  /** Delivery attempts so far (counting the current claim). */
  attempts: number;
  availableAt: string;
  createdAt: string;
  lastError: string | null;
  /** Token of the claim that returned it: `ackOutbox` and `failOutbox` change the message only while this lease is its latest. */
  lease: string;
}

/** The claim an ack or a failure answers: a claimed message's `id` and `lease`. */
export interface OutboxClaim {
  id: string;
  lease: string;
}

/** An idempotency record binding a caller's key to the request it first saw. */
export interface IdempotencyRecord {
  /** Command the key belongs to, e.g. `orders.place`. */
  scope: string;
  key: string;
  /** Hash of the canonical request; a different request under the same key is a conflict. */
  fingerprint: string;
  /** Id of what the first request produced (an order id). */
  resourceId: string;
  createdAt: string;
}

/** One atomic order write and everything that must land with it. */
export interface OrderWrite {
  /** The whole order as it should be stored (its `version` is the new version). */
  order: Order;
  /** Unique lookup keys that resolve to this order (shipment ids, tracking numbers, return ids). Replaces the previous set; omitted keeps it. */
  keys?: string[];
  /** Non-unique index tags (`backorder:SKU`, `pick:LOCATION`) for `listOrders({ tag })`. Replaces the previous set; omitted keeps it. */
  tags?: string[];
  /** Domain events appended to the order's history. */
  events?: DomainEvent[];
  /** Outbox messages appended in the same atomic step. */
  outbox?: OutboxMessageInput[];
  /** Idempotency record created in the same atomic step (create only). */
  idempotency?: Omit<IdempotencyRecord, 'resourceId' | 'createdAt'>;
  /**
   * Set or clear an active reservation's expiry in the same atomic step (an
   * order recorded as paid must not lose its stock to the expiry sweep).
   * `NOT_FOUND` or `INVALID_TRANSITION` when it is missing or not active, and then nothing is written.
   */
  reservationExpiry?: { reservationId: string; expiresAt: string | null };
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; `null` at the end. */
  nextCursor: string | null;
}

/** Filter for `listOrders`. Results are oldest first (by when they entered the status or tag). */
export interface ListOrdersQuery {
  status?: OrderStatus;
  tag?: string;
  /** @defaultValue 50 */
  limit?: number;
  cursor?: string | null;
}

/** Units of one SKU at one location. */
export interface StockLine {
  sku: string;
  locationId: string;
  quantity: number;
}

/** Input of `reserve`. */
export interface ReserveRequest {
  reservationId: string;
  orderId: string;
  /** Lines to hold; lines sharing a (sku, location) are counted together. */
  lines: StockLine[];
  /** When an unpaid hold lapses (ISO), or `null` for no expiry. Ignored when topping up. */
  expiresAt: string | null;
  /**
   * Makes the call idempotent: a repeated `opId` with the same lines on the same
   * reservation returns it unchanged; with other lines it is `IDEMPOTENCY_CONFLICT`
   * and changes nothing (a replay never stands in for another request). Reserving into an existing reservation with a new
   * `opId` adds the lines (a top-up, e.g. when a backorder is filled) and makes
   * it active again; an `expired` reservation cannot be topped up (`INVALID_TRANSITION`).
   */
  opId: string;
  at: string;
}

/** Input of `commitReservation` and `releaseReservation`. */
export interface ReservationChange {
  reservationId: string;
  /** Which held units; all still-held units when omitted. */
  lines?: StockLine[];
  /** Makes the call idempotent: a repeated `opId` changes nothing. */
  opId: string;
  reason?: string;
  at: string;
}

/** Result of an inventory write: the levels it touched, after the write. */
export interface StockResult {
  levels: LocationLevel[];
}

/**
 * Persistence for everything fulfillkit keeps. Every method is atomic: it
 * completes fully or throws and changes nothing. Values passed in and
 * returned are copies; an adapter never keeps a reference a caller holds.
 *
 * Inventory rule for every adapter: `reserved <= onHand` always, and a
 * reservation either holds every line it asked for or nothing. When a write
 * moves a location's `available` from above its `reorderPoint` to at or
 * below it, the same atomic step appends an `event` outbox message carrying
 * an `inventory.low_stock` domain event (key `low_stock:{sku}:{locationId}:{movementId}`).
 *
 * @example
 * ```ts
 * import { memoryStorage } from 'fulfillkit/memory';
 * const ff = createFulfillment({ storage: memoryStorage() });
 * ```
 */
export interface StorageAdapter {
  /** What it guarantees. */
  readonly capabilities: StorageCapabilities;

  // ---- orders -------------------------------------------------------------

  /** The order, or `null`. */
  getOrder(id: string): Promise<Order | null>;
  /**
   * Store a new order (`order.version` must be 1). `CONCURRENCY_CONFLICT` when the
   * id exists; `IDEMPOTENCY_CONFLICT` (details: `{ resourceId, fingerprint }`)
   * when `write.idempotency` names a key already recorded.
   */
  createOrder(write: OrderWrite): Promise<void>;
  /**
   * Replace an order whose stored version is `expectedVersion`
   * (`write.order.version` must be `expectedVersion + 1`).
   * `CONCURRENCY_CONFLICT` on a mismatch, `NOT_FOUND` when absent.
   */
  updateOrder(write: OrderWrite, expectedVersion: number): Promise<void>;
  /** Id of the order a lookup key (see `OrderWrite.keys`) points at, or `null`. */
  findOrderId(key: string): Promise<string | null>;
  /** Orders by status or tag, oldest first, paged by an opaque cursor. Cost does not grow with the store. */
  listOrders(query: ListOrdersQuery): Promise<Page<Order>>;
  /** The order's domain events, oldest first. */
  orderEvents(orderId: string): Promise<DomainEvent[]>;

  // ---- inventory ----------------------------------------------------------

  /** Add stock (`received`, or `returned` with an order id). Creates the row when new. */
  receive(input: {
    sku: string;
    locationId: string;
    quantity: number;
    bin?: string;
    reason?: string;
    movement?: 'received' | 'returned';
    orderId?: string;
    /** Makes the receipt idempotent: a repeated `opId` changes nothing and returns the current level. */
    opId?: string;
    at: string;
  }): Promise<StockResult>;
  /**
   * Change on-hand by `delta`. `INSUFFICIENT_STOCK` when on-hand would fall below zero or below reserved.
   * A repeated `opId` changes nothing and returns the current level.
   */
  adjust(input: { sku: string; locationId: string; delta: number; reason: string; opId?: string; at: string }): Promise<StockResult>;
  /** Set safety stock, reorder point or bin for a (SKU, location). Creates the row when new. */
  configureStock(input: {
    sku: string;
    locationId: string;
    safetyStock?: number;
    reorderPoint?: number | null;
    bin?: string | null;
  }): Promise<StockResult>;
  /** Levels of the given SKUs at every location that has a row for them. */
  levels(skus: readonly string[]): Promise<LocationLevel[]>;
  /** Every SKU with a stock row, sorted. */
  skus(): Promise<string[]>;
  /** A SKU's stock movements, oldest first. */
  ledger(sku: string): Promise<StockMovement[]>;
  /**
   * Hold stock for an order, all or nothing, in one atomic step. Throws
   * `INSUFFICIENT_STOCK` with `details.shortages: [{ sku, locationId, requested, available }]`
   * and changes nothing when any line cannot be held.
   */
  reserve(request: ReserveRequest): Promise<Reservation>;
  /**
   * Ship held units: on-hand and reserved both fall. Asking for more than is held is
   * `INVALID_TRANSITION` (`details.shortages`) and changes nothing; a repeated `opId`
   * with other lines is `IDEMPOTENCY_CONFLICT`.
   */
  commitReservation(change: ReservationChange): Promise<Reservation>;
  /** Give held units back to available. More than is held is `INVALID_TRANSITION`; a repeated `opId` with other lines is `IDEMPOTENCY_CONFLICT`. */
  releaseReservation(change: ReservationChange): Promise<Reservation>;
  /** Set or clear (`null`) an active reservation's expiry. */
  setReservationExpiry(reservationId: string, expiresAt: string | null): Promise<Reservation>;
  /** The reservation, or `null`. */
  getReservation(id: string): Promise<Reservation | null>;
  /** Release every active reservation whose expiry is at or before `now` (movement `expired`); returns them. */
  expireReservations(input: { now: string; limit?: number }): Promise<Reservation[]>;

  // ---- outbox -------------------------------------------------------------

  /** Append messages outside an order write (keys already present are skipped). */
  appendOutbox(messages: OutboxMessageInput[], at: string): Promise<void>;
  /**
   * Lease up to `limit` available messages, oldest first: they stay invisible to
   * other claimers until `now + leaseMs` unless acked or failed. Of a stream,
   * only its oldest unacked, unparked message can be claimed.
   */
  claimOutbox(input: { limit: number; leaseMs: number; now: string }): Promise<OutboxMessage[]>;
  /**
   * Mark delivered; it is never claimed again. Only the holder of the message's
   * latest claim can: a stale lease (the message was claimed again after it
   * lapsed, or was already acked or failed) changes nothing and returns `false`.
   */
  ackOutbox(claim: OutboxClaim): Promise<boolean>;
  /**
   * Give a claimed message back, to be claimable again at `retryAt`; `retryAt: null`
   * parks it for good. A stale lease changes nothing and returns `false`;
   * `NOT_FOUND` for an unknown id.
   */
  failOutbox(claim: OutboxClaim, input: { error: string; retryAt: string | null }): Promise<boolean>;
  /** Messages not yet acked, by state: due now or later, leased, parked. */
  outboxStats(now: string): Promise<{ pending: number; leased: number; parked: number }>;

  // ---- idempotency --------------------------------------------------------

  /** The record for a key, or `null`. */
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;

  /** Release connections and timers. Further calls may fail. */
  close(): Promise<void>;
}
