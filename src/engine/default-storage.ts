// The storage `createFulfillment` uses when it is given none: the memory
// store, loaded on the first storage call, so that a host passing its own
// storage never loads the memory store's code (it is a chunk of its own).
import { FulfillmentError } from '../domain/errors.js';
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
 * never used loads nothing; calls issued before `close()` are answered as the
 * memory store answers them, calls after it are refused as by a closed store.
 * A load that fails rejects the calls waiting on it with `ADAPTER_ERROR`, and
 * the next call tries again.
 */
export function defaultStorage(loadCode: typeof loadMemoryStorage = loadMemoryStorage): StorageAdapter {
  let loading: Promise<StorageAdapter> | undefined;
  // Set when close() came before any call: the store is closed as it loads.
  let closedUnused = false;
  let closing: Promise<void> | undefined;
  const adapter = { capabilities: DEFAULT_STORAGE_CAPABILITIES } as Record<string, unknown>;
  const load = (): Promise<StorageAdapter> =>
    (loading ??= loadCode().then(
      async ({ memoryStorage }) => {
        const store = memoryStorage();
        if (closedUnused) await store.close();
        for (const name of [...FORWARDED, 'close'] as const) adapter[name] = store[name].bind(store);
        return store;
      },
      (error: unknown) => {
        loading = undefined;
        throw new FulfillmentError('ADAPTER_ERROR', `The memory storage could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          retryable: true,
          details: { operation: 'storage.load' },
        });
      },
    ));
  for (const name of FORWARDED) {
    adapter[name] = async (...args: unknown[]) => {
      const afterClose = closing;
      const store = await load();
      if (afterClose !== undefined) await afterClose;
      return (store[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  adapter.close = () =>
    (closing ??= (async () => {
      if (loading === undefined) {
        closedUnused = true;
        return;
      }
      // Calls issued before this one resume first (they awaited the load earlier) and reach an open store.
      const store = await loading.catch(() => null);
      if (store !== null) await store.close();
    })());
  return adapter as unknown as StorageAdapter;
}
