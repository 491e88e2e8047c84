// The storage `createFulfillment` uses when it is given none: the memory
// store, loaded on the first storage call, so that a host passing its own
// storage never loads the memory store's code (it is a chunk of its own).
import type { StorageAdapter, StorageCapabilities } from '../ports/storage.js';
import { loadMemoryStorage } from './memory-loader.js';

type Method = Exclude<keyof StorageAdapter, 'capabilities'>;

/** What `memoryStorage()` declares; known before its code is loaded. */
export const DEFAULT_STORAGE_CAPABILITIES: StorageCapabilities = Object.freeze({ durable: false, multiProcess: false });

/**
 * A memory store that loads its implementation on first use. Every method
 * forwards to the loaded store; once it is loaded the methods are replaced by
 * the store's own, so later calls cost nothing extra. Closing a store that was
 * never used loads nothing.
 */
export function defaultStorage(): StorageAdapter {
  let loading: Promise<StorageAdapter> | undefined;
  let closed = false;
  const load = (): Promise<StorageAdapter> =>
    (loading ??= loadMemoryStorage().then(async ({ memoryStorage }) => {
      const store = memoryStorage();
      // Closed before its first use: it answers as a closed memory store does.
      if (closed) await store.close();
      for (const name of METHODS) (adapter as unknown as Record<Method, unknown>)[name] = store[name].bind(store);
      return store;
    }));
  const forward =
    <K extends Method>(name: K) =>
    async (...args: Parameters<StorageAdapter[K]>): Promise<Awaited<ReturnType<StorageAdapter[K]>>> => {
      const store = await load();
      return (store[name] as (...a: Parameters<StorageAdapter[K]>) => Promise<Awaited<ReturnType<StorageAdapter[K]>>>)(...args);
    };
  const adapter: StorageAdapter = {
    capabilities: DEFAULT_STORAGE_CAPABILITIES,
    getOrder: forward('getOrder'),
    createOrder: forward('createOrder'),
    updateOrder: forward('updateOrder'),
    findOrderId: forward('findOrderId'),
    listOrders: forward('listOrders'),
    orderEvents: forward('orderEvents'),
    receive: forward('receive'),
    adjust: forward('adjust'),
    configureStock: forward('configureStock'),
    levels: forward('levels'),
    skus: forward('skus'),
    ledger: forward('ledger'),
    reserve: forward('reserve'),
    commitReservation: forward('commitReservation'),
    releaseReservation: forward('releaseReservation'),
    setReservationExpiry: forward('setReservationExpiry'),
    getReservation: forward('getReservation'),
    expireReservations: forward('expireReservations'),
    appendOutbox: forward('appendOutbox'),
    claimOutbox: forward('claimOutbox'),
    ackOutbox: forward('ackOutbox'),
    failOutbox: forward('failOutbox'),
    outboxStats: forward('outboxStats'),
    getIdempotency: forward('getIdempotency'),
    // Never used: nothing to load.
    close: async () => {
      closed = true;
      if (loading) await (await loading).close();
    },
  };
  const METHODS = Object.keys(adapter).filter((k): k is Method => k !== 'capabilities');
  return adapter;
}
