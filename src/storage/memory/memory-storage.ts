// The embedded default storage: everything in process memory, atomic by
// construction because every method runs in one synchronous block.
import { nanoid } from 'nanoid';
import { FulfillmentError } from '../../domain/errors.js';
import type { StorageAdapter, StorageCapabilities } from '../../ports/storage.js';
import { MemoryOrderBook } from './memory-order-book.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemoryReservations } from './memory-reservations.js';
import { MemoryStockroom } from './memory-stockroom.js';

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Makes ids of stock movements, outbox messages and low-stock events.
   * Inject a counter for reproducible ids in tests.
   * @defaultValue `nanoid()` (21 URL-safe characters)
   */
  createId?: () => string;
}

/** Internal views of a memory store, for tests of its cost and for conformance readers. */
export interface MemoryStorageInternals {
  orders: MemoryOrderBook;
  stock: MemoryStockroom;
  reservations: MemoryReservations;
  outbox: MemoryOutbox;
}

const internals = new WeakMap<StorageAdapter, MemoryStorageInternals>();

/**
 * Storage that lives in process memory: the embedded default, for tests,
 * demos and single-process shops that can afford to lose state on restart
 * (`capabilities: { durable: false, multiProcess: false }`).
 *
 * Every method checks its input and preconditions, then writes, without an
 * `await` in between, so concurrent promises in one process can never
 * oversell or lose an update. Orders are kept as JSON text: the caller never
 * shares an object with the store, and an order costs little more than its
 * serialized size. Listings, expiry sweeps and outbox claims use ordered
 * indexes and due-first queues, so their cost does not grow with the store.
 *
 * After `close()` every method rejects with `CONFIGURATION_ERROR` and the
 * data is dropped: using a closed store is a wiring bug worth surfacing.
 *
 * @example
 * ```ts
 * import { createFulfillment } from 'fulfillkit';
 * import { memoryStorage } from 'fulfillkit/memory';
 *
 * const ff = createFulfillment({ storage: memoryStorage(), locations, carriers, payments, notifier });
 * await ff.inventory.receive({ sku: 'TEE-M', locationId: 'main', quantity: 20 });
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): StorageAdapter {
  const createId = options.createId ?? (() => nanoid());
  let outbox = new MemoryOutbox(createId);
  let orders = new MemoryOrderBook(outbox);
  let stock = new MemoryStockroom(outbox, createId);
  let reservations = new MemoryReservations(stock);
  let closed = false;
  const open = (): void => {
    if (closed) throw new FulfillmentError('CONFIGURATION_ERROR', 'This memory storage has been closed');
  };

  const adapter: StorageAdapter = {
    capabilities: Object.freeze({ durable: false, multiProcess: false }) satisfies StorageCapabilities,

    async getOrder(id) {
      open();
      return orders.get(id);
    },
    async createOrder(write) {
      open();
      const retime = write.reservationExpiry ? reservations.prepareExpiry(write.reservationExpiry) : null;
      orders.create(write);
      retime?.();
    },
    async updateOrder(write, expectedVersion) {
      open();
      const retime = write.reservationExpiry ? reservations.prepareExpiry(write.reservationExpiry) : null;
      orders.update(write, expectedVersion);
      retime?.();
    },
    async findOrderId(key) {
      open();
      return orders.findOrderId(key);
    },
    async listOrders(query) {
      open();
      return orders.list(query);
    },
    async orderEvents(orderId) {
      open();
      return orders.events(orderId);
    },

    async receive(input) {
      open();
      return stock.receive(input);
    },
    async adjust(input) {
      open();
      return stock.adjust(input);
    },
    async configureStock(input) {
      open();
      return stock.configure(input);
    },
    async levels(skus) {
      open();
      return stock.levels(skus);
    },
    async skus() {
      open();
      return stock.skus();
    },
    async ledger(sku) {
      open();
      return stock.ledger(sku);
    },
    async reserve(request) {
      open();
      return reservations.reserve(request);
    },
    async commitReservation(change) {
      open();
      return reservations.change(change, 'committed');
    },
    async releaseReservation(change) {
      open();
      return reservations.change(change, 'released');
    },
    async setReservationExpiry(reservationId, expiresAt) {
      open();
      return reservations.setExpiry(reservationId, expiresAt);
    },
    async getReservation(id) {
      open();
      return reservations.get(id);
    },
    async expireReservations(input) {
      open();
      return reservations.expire(input);
    },

    async appendOutbox(messages, at) {
      open();
      outbox.commit(outbox.prepare(messages, at));
    },
    async claimOutbox(input) {
      open();
      return outbox.claim(input);
    },
    async ackOutbox(claim) {
      open();
      return outbox.ack(claim);
    },
    async failOutbox(claim, input) {
      open();
      return outbox.fail(claim, input);
    },
    async outboxStats(now) {
      open();
      return outbox.stats(now);
    },

    async getIdempotency(scope, key) {
      open();
      return orders.getIdempotency(scope, key);
    },

    async close() {
      if (closed) return;
      closed = true;
      // Drop the data so a closed store frees its memory even while referenced.
      outbox = new MemoryOutbox(createId);
      orders = new MemoryOrderBook(outbox);
      stock = new MemoryStockroom(outbox, createId);
      reservations = new MemoryReservations(stock);
      internals.delete(adapter);
    },
  };
  internals.set(adapter, { orders, stock, reservations, outbox });
  return adapter;
}

/**
 * The internal state of a store made by {@link memoryStorage}, or `null` for
 * any other adapter. Not part of the public API: the repository's own tests
 * use it to count work done and to read levels without going through the port.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * inspectMemoryStorage(storage)?.orders.size; // 0
 * ```
 */
export function inspectMemoryStorage(adapter: StorageAdapter): MemoryStorageInternals | null {
  return internals.get(adapter) ?? null;
}
