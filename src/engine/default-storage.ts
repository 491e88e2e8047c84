// The storage `createFulfillment` uses when it is given none: the memory
// store, loaded on the first storage call, so that a host passing its own
// storage never loads the memory store's code (it is a chunk of its own).
import type { StorageAdapter, StorageCapabilities } from '../ports/storage.js';
import { loadMemoryStorage } from './memory-loader.js';

type Method = Exclude<keyof StorageAdapter, 'capabilities'>;

// Every port method but `close`, which must not load what was never used.
const FORWARDED = [
  'getOrder',
  'createOrder',
  'updateOrder',
  'findOrderId',
  'listOrders',
  'orderEvents',
  'receive',
  'adjust',
  'configureStock',
  'levels',
  'skus',
  'ledger',
  'reserve',
  'commitReservation',
  'releaseReservation',
  'setReservationExpiry',
  'getReservation',
  'expireReservations',
  'appendOutbox',
  'claimOutbox',
  'ackOutbox',
  'failOutbox',
  'outboxStats',
  'getIdempotency',
] as const satisfies readonly Method[];

// Fails to compile when the port gains a method this list does not forward.
const everyMethodForwarded: Exclude<Method, (typeof FORWARDED)[number] | 'close'> extends never ? true : never = true;
void everyMethodForwarded;

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
  const adapter = { capabilities: DEFAULT_STORAGE_CAPABILITIES } as Record<string, unknown>;
  const load = (): Promise<StorageAdapter> =>
    (loading ??= loadMemoryStorage().then(async ({ memoryStorage }) => {
      const store = memoryStorage();
      // Closed before its first use: it answers as a closed memory store does.
      if (closed) await store.close();
      for (const name of [...FORWARDED, 'close'] as const) adapter[name] = store[name].bind(store);
      return store;
    }));
  for (const name of FORWARDED) {
    adapter[name] = async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  }
  adapter.close = async () => {
    closed = true;
    if (loading) await (await loading).close();
  };
  return adapter as unknown as StorageAdapter;
}
