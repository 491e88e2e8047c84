// A small shop wired with the in-memory storage and sandbox adapters, for
// engine tests.
import { memoryNotifier } from '../../src/adapters/memory-notifier.js';
import { memoryStorage } from '../../src/adapters/memory-storage.js';
import { sandboxCarrier } from '../../src/adapters/sandbox-carrier.js';
import { sandboxPayment } from '../../src/adapters/sandbox-payment.js';
import type { OrderInput } from '../../src/domain/order.js';
import type { Location } from '../../src/domain/location.js';
import { type FulfillmentConfig, createFulfillment } from '../../src/index.js';
import { fakeClock } from '../../src/testing/fake-clock.js';

export const EAST: Location = {
  id: 'east',
  name: 'East DC',
  address: { name: 'East DC', line1: '1 Dock Rd', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' },
  coordinates: { lat: 40.7357, lng: -74.1724 },
  priority: 1,
};
export const WEST: Location = {
  id: 'west',
  name: 'West DC',
  address: { name: 'West DC', line1: '9 Harbor Way', city: 'Oakland', region: 'CA', postalCode: '94607', country: 'US' },
  coordinates: { lat: 37.8044, lng: -122.2712 },
  priority: 2,
};

/** Build a shop; every adapter is returned so tests can inspect or break it. */
export function makeShop(overrides: Partial<FulfillmentConfig> = {}) {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const storage = memoryStorage();
  const carrier = sandboxCarrier({ clock });
  const payments = sandboxPayment({ clock });
  const notifier = memoryNotifier();
  const ff = createFulfillment({
    storage,
    clock,
    locations: [EAST, WEST],
    carriers: [carrier],
    payments,
    notifier,
    policy: { retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } },
    ...overrides,
  });
  return { ff, clock, storage, carrier, payments, notifier };
}

/** A valid order for `lines` (sku → quantity) at $10 a unit. */
export function orderFor(lines: Record<string, number>, extra: Partial<OrderInput> = {}): OrderInput {
  return {
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' },
    shippingCoordinates: { lat: 42.3601, lng: -71.0589 },
    currency: 'USD',
    lines: Object.entries(lines).map(([sku, quantity]) => ({
      sku,
      quantity,
      unitPrice: { amount: 1000, currency: 'USD' },
      weight: { value: 400, unit: 'g' as const },
      dimensions: { length: 20, width: 15, height: 5, unit: 'cm' as const },
    })),
    payment: { method: 'tok_visa' },
    ...extra,
  };
}
