// The memory adapter's orders: packed JSON text per order (a compact,
// caller-proof copy) with the recently written ones kept as private objects, unique lookup
// keys, and per-status and per-tag ordered listings.
import type { DomainEvent } from '../../domain/events.js';
import { FulfillmentError } from '../../domain/errors.js';
import type { Order } from '../../domain/order.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/status.js';
import type { IdempotencyRecord, ListOrdersQuery, OrderWrite, Page } from '../../ports/storage.js';
import { invalidCall, requireInteger, requireText } from '../call-guards.js';
import { copyJsonData, jsonCopy } from './json-copy.js';
import { PackedJson } from './packed-json.js';
import { OrderedIndex } from './memory-ordered-index.js';
import type { MemoryOutbox } from './memory-outbox.js';

interface StoredOrder {
  /** The order as packed JSON text; `null` while it is hot and `live` holds it. */
  json: string | null;
  /** A hot order: the store's own copy, never handed out (readers get copies of it). */
  live: Order | null;
  version: number;
  status: OrderStatus;
  /** Sequence of its entry in the status listing; entries with another sequence are stale. */
  statusSeq: number;
  keys: readonly string[];
  tags: readonly string[];
  /** Sequence of its entry in each tag listing, parallel to `tags`. */
  tagSeqs: readonly number[];
  /** Domain events, oldest first, as comma-separated packed JSON texts (one string costs less than an array of them). */
  events: string;
  /** Events written while the order is hot, after those in `events`: packed when it leaves the hot set. */
  recent: unknown[] | null;
}

const DEFAULT_LIMIT = 50;
/**
 * Orders kept as objects after their last write. An order's commands come in
 * bursts (place, pick, pack, ship), so a copy of an object serves its next read
 * at a third of the cost of parsing it, and it is serialized once, on leaving,
 * instead of on every write. Small enough that the heap per order stays that of its text.
 */
export const HOT_ORDERS = 64;
// Shared by every order without keys or tags, so they cost no array each.
const NONE: readonly string[] = Object.freeze([]);
const NO_SEQS: readonly number[] = Object.freeze([]);
const STATUSES: ReadonlySet<string> = new Set(ORDER_STATUSES);

/** Order state of one memory store. */
export class MemoryOrderBook {
  private readonly orders = new Map<string, StoredOrder>();
  private readonly keyOwners = new Map<string, string>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Hot orders, least recently written first. */
  private readonly hot = new Map<string, StoredOrder>();
  /** The key table of every packed text of this store. */
  private readonly packed = new PackedJson();
  /** Every order by creation, for listings without a status or tag (orders are never removed). */
  readonly all = new OrderedIndex(() => true);
  readonly byStatus = new Map<OrderStatus, OrderedIndex>();
  readonly byTag = new Map<string, OrderedIndex>();
  private seq = 0;

  constructor(private readonly outbox: MemoryOutbox) {}

  get(id: string): Order | null {
    const stored = this.orders.get(id);
    return stored === undefined ? null : this.copyOf(stored);
  }

  create(write: OrderWrite): void {
    const order = write.order;
    checkOrder(order);
    if (order.version !== 1) throw invalidCall(`A new order must have version 1 (got ${order.version})`, { orderId: order.id });
    const idempotencyKey = write.idempotency === undefined ? null : idempotencyId(write.idempotency.scope, write.idempotency.key);
    if (idempotencyKey !== null) {
      const existing = this.idempotency.get(idempotencyKey);
      if (existing !== undefined) {
        throw new FulfillmentError('IDEMPOTENCY_CONFLICT', `Idempotency key "${existing.key}" was already used for ${existing.resourceId}`, {
          details: { scope: existing.scope, key: existing.key, resourceId: existing.resourceId, fingerprint: existing.fingerprint },
        });
      }
    }
    if (this.orders.has(order.id)) {
      throw new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${order.id} already exists`, { details: { orderId: order.id } });
    }
    const staged = this.stage(write, undefined);
    // Everything is validated; from here on nothing throws.
    const stored: StoredOrder = { json: null, live: staged.live, version: 1, status: order.status, statusSeq: 0, keys: NONE, tags: NONE, tagSeqs: NO_SEQS, events: '', recent: null };
    this.orders.set(order.id, stored);
    this.warm(order.id, stored);
    this.all.add(order.id, ++this.seq);
    this.apply(order.id, stored, staged, null);
    if (idempotencyKey !== null && write.idempotency !== undefined) {
      this.idempotency.set(idempotencyKey, {
        scope: write.idempotency.scope,
        key: write.idempotency.key,
        fingerprint: write.idempotency.fingerprint,
        resourceId: order.id,
        createdAt: order.createdAt,
      });
    }
  }

  update(write: OrderWrite, expectedVersion: number): void {
    const order = write.order;
    checkOrder(order);
    const stored = this.orders.get(order.id);
    if (stored === undefined) throw new FulfillmentError('NOT_FOUND', `Order ${order.id} not found`, { details: { orderId: order.id } });
    if (stored.version !== expectedVersion) {
      throw new FulfillmentError('CONCURRENCY_CONFLICT', `Order ${order.id} is at version ${stored.version}, not ${expectedVersion}`, {
        details: { orderId: order.id, expectedVersion, actualVersion: stored.version },
      });
    }
    if (order.version !== expectedVersion + 1) {
      throw invalidCall(`The new version of order ${order.id} must be ${expectedVersion + 1} (got ${order.version})`, {
        orderId: order.id,
        expectedVersion,
      });
    }
    if (write.idempotency !== undefined) throw invalidCall('Idempotency records are created with the order, not on update', { orderId: order.id });
    const staged = this.stage(write, stored);
    const previousStatus = stored.status;
    stored.live = staged.live;
    stored.json = null;
    this.warm(order.id, stored);
    stored.version = order.version;
    stored.status = order.status;
    this.apply(order.id, stored, staged, previousStatus);
  }

  findOrderId(key: string): string | null {
    return this.keyOwners.get(key) ?? null;
  }

  list(query: ListOrdersQuery): Page<Order> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    requireInteger(limit, 'limit', 1);
    if (query.status !== undefined && !STATUSES.has(query.status)) throw invalidCall(`Unknown order status ${String(query.status)}`);
    const after = decodeCursor(query.cursor ?? null);
    const { status, tag } = query;
    // A tag drives the walk when present (it is usually the narrower list); the status then filters.
    let index: OrderedIndex | undefined;
    let accept: ((id: string) => boolean) | undefined;
    if (tag !== undefined) {
      index = this.byTag.get(tag);
      if (status !== undefined) accept = (id) => this.orders.get(id)?.status === status;
    } else {
      index = status === undefined ? this.all : this.byStatus.get(status);
    }
    if (index === undefined) return { items: [], nextCursor: null };
    const page = index.page(after, limit, accept);
    return {
      items: page.ids.map((id) => this.copyOf(this.orders.get(id) as StoredOrder)),
      nextCursor: page.more && page.last !== null ? page.last.toString(36) : null,
    };
  }

  events(orderId: string): DomainEvent[] {
    const stored = this.orders.get(orderId);
    if (stored === undefined) return [];
    const packed = stored.events === '' ? [] : (this.packed.unpack(`[0,${stored.events}]`) as DomainEvent[]);
    if (stored.recent === null) return packed;
    for (const event of stored.recent) packed.push(copyJsonData(event as DomainEvent));
    return packed;
  }

  getIdempotency(scope: string, key: string): IdempotencyRecord | null {
    const record = this.idempotency.get(idempotencyId(scope, key));
    return record === undefined ? null : { ...record };
  }

  /** Orders stored. */
  get size(): number {
    return this.orders.size;
  }

  // Mark an order just written as the most recent hot one; the oldest hot order goes back to text.
  private warm(id: string, stored: StoredOrder): void {
    this.hot.delete(id);
    this.hot.set(id, stored);
    if (this.hot.size <= HOT_ORDERS) return;
    const [oldestId, oldest] = this.hot.entries().next().value as [string, StoredOrder];
    this.hot.delete(oldestId);
    // The live copy is JSON data already (jsonCopy made it): this cannot throw.
    oldest.json = this.packed.pack(oldest.live);
    oldest.live = null;
    if (oldest.recent !== null) {
      const packed = oldest.recent.map((e) => this.packed.pack(e)).join(',');
      oldest.events = oldest.events === '' ? packed : `${oldest.events},${packed}`;
      oldest.recent = null;
    }
  }

  // Copy and check everything a write carries; throws before any state changes.
  private stage(write: OrderWrite, current: StoredOrder | undefined) {
    const live = jsonCopy(write.order, `order ${write.order.id}`);
    const keys = write.keys === undefined ? undefined : unique(write.keys, 'keys');
    const tags = write.tags === undefined ? undefined : unique(write.tags, 'tags');
    for (const key of keys ?? []) {
      const owner = this.keyOwners.get(key);
      if (owner !== undefined && owner !== write.order.id) {
        throw new FulfillmentError('CONCURRENCY_CONFLICT', `Lookup key "${key}" already belongs to order ${owner}`, {
          details: { key, orderId: write.order.id, ownerId: owner },
        });
      }
    }
    // Checked and copied now; packed when the order leaves the hot set.
    const events = (write.events ?? []).map((e) => jsonCopy(e, `event of order ${write.order.id}`));
    const outbox = write.outbox?.length ? this.outbox.prepare(write.outbox, write.order.updatedAt) : [];
    return { live, keys: keys ?? current?.keys ?? NONE, tags: tags ?? current?.tags ?? NONE, events, outbox };
  }

  // Land a staged write: index entries first get their new sequences, then stale ones are counted out.
  private apply(id: string, stored: StoredOrder, staged: ReturnType<MemoryOrderBook['stage']>, previousStatus: OrderStatus | null): void {
    if (previousStatus !== stored.status) {
      stored.statusSeq = ++this.seq;
      this.statusIndex(stored.status).add(id, stored.statusSeq);
      if (previousStatus !== null) this.statusIndex(previousStatus).remove();
    }
    const keys = new Set(staged.keys);
    for (const key of stored.keys) if (!keys.has(key)) this.keyOwners.delete(key);
    for (const key of keys) this.keyOwners.set(key, id);
    stored.keys = staged.keys;
    if (staged.tags !== stored.tags) {
      const previousTags = stored.tags;
      const previousSeqs = stored.tagSeqs;
      const seqs = staged.tags.map((tag) => previousSeqs[previousTags.indexOf(tag)] ?? ++this.seq);
      stored.tags = staged.tags;
      stored.tagSeqs = seqs.length === 0 ? NO_SEQS : seqs;
      staged.tags.forEach((tag, i) => {
        if (!previousTags.includes(tag)) this.tagIndex(tag).add(id, seqs[i] as number);
      });
      for (const tag of previousTags) {
        if (staged.tags.includes(tag)) continue;
        const index = this.byTag.get(tag);
        index?.remove();
        if (index?.size === 0) this.byTag.delete(tag);
      }
    }
    // The order was just made hot (warm), so its new events wait beside it unpacked.
    if (staged.events.length > 0) stored.recent = stored.recent === null ? staged.events : stored.recent.concat(staged.events);
    this.outbox.commit(staged.outbox);
  }

  // A caller's own copy: of the live object while hot (JSON data jsonCopy made), unpacked from the text otherwise.
  private copyOf(stored: StoredOrder): Order {
    return stored.live !== null ? copyJsonData(stored.live) : (this.packed.unpack(stored.json as string) as Order);
  }

  private tagIndex(tag: string): OrderedIndex {
    let index = this.byTag.get(tag);
    if (index === undefined) {
      index = new OrderedIndex((id, seq) => this.orders.get(id)?.tagSeqs.includes(seq) === true);
      this.byTag.set(tag, index);
    }
    return index;
  }

  private statusIndex(status: OrderStatus): OrderedIndex {
    let index = this.byStatus.get(status);
    if (index === undefined) {
      index = new OrderedIndex((id, seq) => this.orders.get(id)?.statusSeq === seq);
      this.byStatus.set(status, index);
    }
    return index;
  }
}

function checkOrder(order: Order): void {
  if (order === null || typeof order !== 'object') throw invalidCall('write.order must be an order');
  requireText(order.id, 'order.id');
  if (!STATUSES.has(order.status)) throw invalidCall(`Unknown order status ${String(order.status)}`, { orderId: order.id });
  requireInteger(order.version, 'order.version', 1);
}

function unique(values: readonly string[], field: string): readonly string[] {
  if (!Array.isArray(values)) throw invalidCall(`${field} must be an array of strings`);
  for (const value of values) requireText(value, field);
  return values.length === 0 ? NONE : [...new Set(values)];
}

function idempotencyId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null || cursor === '') return 0;
  if (typeof cursor !== 'string' || !/^[0-9a-z]{1,11}$/.test(cursor)) throw invalidCall('Malformed listOrders cursor', { cursor });
  return Number.parseInt(cursor, 36);
}
