// A small shop wired with the in-memory storage and sandbox adapters, plus the
// drivers and probes the engine tests share (drive a shipment, snapshot state).
import { expect } from 'vitest';
import { type MemoryNotifierOptions, memoryNotifier } from '../../src/notifiers/memory/memory-notifier.js';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { type SandboxCarrierOptions, sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { type SandboxPaymentOptions, sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { type RateTable, tableRateCarrier } from '../../src/carriers/table-rate/table-rate-carrier.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import type { Location } from '../../src/domain/location.js';
import type { Order, OrderInput } from '../../src/domain/order.js';
import type { Shipment } from '../../src/domain/shipment.js';
import { type Fulfillment, type FulfillmentConfig, createFulfillment } from '../../src/index.js';
import type { CarrierAdapter, LabelRequest } from '../../src/ports/carrier.js';
import { type FakeClock, fakeClock } from '../../src/testing/fake-clock.js';

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

/** A Californian customer: nearest to WEST, while priority prefers EAST. */
export const CALIFORNIA = {
  shippingAddress: { name: 'Grace Hopper', line1: '5 Bay St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
  shippingCoordinates: { lat: 37.7749, lng: -122.4194 },
} satisfies Partial<OrderInput>;

/** Options of the default adapters {@link makeShop} builds (fault hooks, scenarios). */
export interface ShopAdapters {
  carrier?: Omit<SandboxCarrierOptions, 'clock'>;
  payment?: Omit<SandboxPaymentOptions, 'clock'>;
  notifier?: MemoryNotifierOptions;
}

/** Build a shop; every adapter is returned so tests can inspect or break it. */
export function makeShop(overrides: Partial<FulfillmentConfig> = {}, adapters: ShopAdapters = {}) {
  const clock = (overrides.clock as FakeClock | undefined) ?? fakeClock('2026-03-02T09:00:00.000Z');
  const storage = memoryStorage();
  const carrier = sandboxCarrier({ clock, ...adapters.carrier });
  const payments = sandboxPayment({ clock, ...adapters.payment });
  const notifier = memoryNotifier(adapters.notifier);
  const backgroundErrors: { error: unknown; operation: string }[] = [];
  const ff = createFulfillment({
    storage,
    clock,
    locations: [EAST, WEST],
    carriers: [carrier],
    payments,
    notifier,
    policy: { retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } },
    // Kept for inspection instead of printed: fault tests provoke many on purpose.
    onBackgroundError: (error, operation) => backgroundErrors.push({ error, operation }),
    ...overrides,
  });
  return { ff, clock, storage, carrier, payments, notifier, backgroundErrors };
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

/** A US rate table with one flat-priced standard service. */
export function usRateTable(flatRate: number, service = 'ground'): RateTable {
  return {
    currency: 'USD',
    zones: [{ id: 'us', countries: ['US'] }],
    services: [{ service, speed: 'standard', transitDays: 3, prices: { us: { flatRate } } }],
  };
}

/** A table-rate carrier on {@link usRateTable}. */
export function flatRateCarrier(id: string, flatRate: number, clock = fakeClock('2026-03-02T09:00:00.000Z')) {
  return tableRateCarrier({ id, table: usRateTable(flatRate), clock });
}

/** Await a rejection and check it is a `FulfillmentError` with `code`. */
export async function expectCode(promise: Promise<unknown>, code: FulfillmentError['code']): Promise<FulfillmentError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error, `expected ${code}, but the call succeeded`).not.toBeNull();
  expect(error).toBeInstanceOf(FulfillmentError);
  expect((error as FulfillmentError).code, (error as Error).message).toBe(code);
  return error as FulfillmentError;
}

/** Receive stock of several SKUs at a location. */
export async function stock(ff: Fulfillment, locationId: string, units: Record<string, number>, bins: Record<string, string> = {}) {
  for (const [sku, quantity] of Object.entries(units)) {
    await ff.inventory.receive({ sku, locationId, quantity, ...(bins[sku] ? { bin: bins[sku] } : {}) });
  }
}

/** Re-read an order that must exist. */
export async function reload(ff: Fulfillment, orderId: string): Promise<Order> {
  const order = await ff.orders.get(orderId);
  if (!order) throw new Error(`order ${orderId} vanished`);
  return order;
}

/** The only shipment of an order (or the one at `locationId`). */
export function shipmentOf(order: Order, locationId?: string): Shipment {
  const found = order.shipments.filter((s) => locationId === undefined || s.locationId === locationId);
  if (found.length !== 1) throw new Error(`expected one shipment${locationId ? ` at ${locationId}` : ''}, found ${found.length}`);
  return found[0] as Shipment;
}

/** Pick everything and pack a shipment (cartonized). */
export async function pickAndPack(ff: Fulfillment, shipment: Shipment): Promise<void> {
  await ff.fulfillment.confirmPick(shipment.id, { lines: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
  await ff.fulfillment.pack(shipment.id);
}

/** Pick, pack and ship every pending shipment of an order. */
export async function fulfil(ff: Fulfillment, orderId: string): Promise<Order> {
  const order = await reload(ff, orderId);
  for (const s of order.shipments.filter((x) => x.status === 'pending')) {
    await pickAndPack(ff, s);
    await ff.fulfillment.ship(s.id);
  }
  return reload(ff, orderId);
}

/** Everything a command may touch, to prove a refused command changed nothing. */
export async function storeState(shop: { ff: Fulfillment; payments?: { ledger(): unknown[] } }, skus: string[]) {
  const { ff } = shop;
  const orders = await ff.orders.list({ limit: 500 });
  return {
    levels: await Promise.all(skus.map((sku) => ff.inventory.level(sku))),
    ledgers: await Promise.all(skus.map((sku) => ff.inventory.ledger(sku))),
    orders: orders.items,
    outbox: await ff.outbox.stats(),
    payments: shop.payments?.ledger() ?? [],
  };
}

/** What a carrier was asked to do, per shipment. */
export interface CarrierCalls {
  /** Tracking numbers the carrier would assign to each label request made for a shipment (needs `predict`). */
  requested: Map<string, Set<string>>;
  /** Labels that reached the engine, by shipment id. */
  returned: Map<string, Set<string>>;
  /** createShipment calls made, faulty ones included. */
  createCalls: number;
}

/**
 * Wrap a carrier to record label requests, and optionally delay replies in
 * real time (the effect happens, the answer arrives late). `predict` names the
 * tracking number a request buys, so labels whose reply was lost still count.
 */
export function recordingCarrier<C extends CarrierAdapter>(
  inner: C,
  options: {
    predict?: (request: LabelRequest) => Promise<string>;
    replyDelayMs?: (operation: string, call: number) => number;
  } = {},
): C & { calls: CarrierCalls } {
  const calls: CarrierCalls = { requested: new Map(), returned: new Map(), createCalls: 0 };
  let n = 0;
  const late = async (operation: string) => {
    const ms = options.replyDelayMs?.(operation, ++n) ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  };
  const add = (map: Map<string, Set<string>>, key: string, value: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
  };
  const wrapper = Object.create(inner) as C & { calls: CarrierCalls };
  wrapper.calls = calls;
  wrapper.getRates = async (request) => {
    const result = await inner.getRates(request);
    await late('getRates');
    return result;
  };
  wrapper.createShipment = async (request: LabelRequest) => {
    calls.createCalls++;
    if (options.predict) add(calls.requested, request.shipmentId, await options.predict(request));
    const label = await inner.createShipment(request);
    add(calls.returned, request.shipmentId, label.trackingNumber);
    await late('createShipment');
    return label;
  };
  wrapper.voidShipment = async (request) => {
    const result = await inner.voidShipment(request);
    await late('voidShipment');
    return result;
  };
  return wrapper;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
