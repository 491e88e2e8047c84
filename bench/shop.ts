// The shop every engine benchmark drives: one warehouse, the sandbox
// adapters, a fake clock and counter ids, so runs are reproducible.
import { memoryNotifier } from '../src/notifiers/memory/memory-notifier.js';
import { memoryStorage } from '../src/storage/memory/memory-storage.js';
import { sandboxCarrier } from '../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../src/payments/sandbox/sandbox-payment.js';
import type { Location } from '../src/domain/location.js';
import type { OrderInput } from '../src/domain/order.js';
import { type Fulfillment, createFulfillment } from '../src/index.js';
import type { StorageAdapter } from '../src/ports/storage.js';
import { type FakeClock, fakeClock } from '../src/testing/fake-clock.js';
import { counterIds } from './harness.js';

export const WAREHOUSE: Location = {
  id: 'dc1',
  name: 'Main DC',
  address: { name: 'Main DC', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' },
  coordinates: { lat: 40.7357, lng: -74.1724 },
  priority: 1,
};

/** A bench shop: the engine and the parts a benchmark needs to reach. */
export interface BenchShop {
  ff: Fulfillment;
  clock: FakeClock;
  storage: StorageAdapter;
}

/** Build a shop over `storage` (a fresh memory store by default). */
export function benchShop(storage: StorageAdapter = memoryStorage(), namespace = ''): BenchShop {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const ff = createFulfillment({
    storage,
    clock,
    locations: [WAREHOUSE],
    carriers: [sandboxCarrier({ clock })],
    payments: sandboxPayment({ clock }),
    notifier: memoryNotifier(),
    generateId: counterIds(namespace),
  });
  return { ff, clock, storage };
}

/** A realistic two-line order at $10 and $25 a unit. */
export function benchOrder(skus: readonly [string, string] = ['TEE-M', 'MUG-1'], quantities: readonly [number, number] = [1, 1]): OrderInput {
  return {
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' },
    shippingCoordinates: { lat: 42.3601, lng: -71.0589 },
    currency: 'USD',
    lines: [
      {
        sku: skus[0],
        quantity: quantities[0],
        unitPrice: { amount: 1000, currency: 'USD' },
        weight: { value: 400, unit: 'g' as const },
        dimensions: { length: 20, width: 15, height: 5, unit: 'cm' as const },
      },
      {
        sku: skus[1],
        quantity: quantities[1],
        unitPrice: { amount: 2500, currency: 'USD' },
        weight: { value: 350, unit: 'g' as const },
        dimensions: { length: 12, width: 10, height: 10, unit: 'cm' as const },
      },
    ].filter((l) => l.quantity > 0),
    payment: { method: 'tok_visa' },
  };
}

/** A one-line order of a single unit. */
export function singleUnitOrder(sku: string): OrderInput {
  return benchOrder([sku, sku], [1, 0]);
}
