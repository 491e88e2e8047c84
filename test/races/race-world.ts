// A shop run by two engine instances on one store, against one carrier and one
// payment provider that keep their own books, with small random delays on
// every provider call so that commands on one order really interleave. The
// invariants are checked against the providers' books, not the order record.
import { expect } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import type { SandboxFault } from '../../src/sandbox/sandbox-faults.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { heldQuantity } from '../../src/domain/inventory.js';
import type { Order } from '../../src/domain/order.js';
import { type Fulfillment, createFulfillment } from '../../src/index.js';
import type { CarrierAdapter } from '../../src/ports/carrier.js';
import type { PaymentAdapter } from '../../src/ports/payment.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { type FakeClock, fakeClock } from '../../src/testing/fake-clock.js';
import type { TestDatabase } from '../helpers/database.js';
import { EAST, seededRandom } from '../helpers/shop.js';

/** Where the two engine instances keep their state. */
export interface RaceStore {
  name: string;
  trials: number;
  /** Two adapters on one store (for SQL: two adapters, one schema). */
  open(): Promise<[StorageAdapter, StorageAdapter]>;
}

export function memoryStore(trials: number): RaceStore {
  return {
    name: 'memory',
    trials,
    open: async () => {
      const storage = memoryStorage();
      return [storage, storage];
    },
  };
}

/** Two adapters on one fresh schema; with a pg pool each gets its own pool size share. */
export function sqlStore(name: string, trials: number, db: () => TestDatabase, second?: () => TestDatabase): RaceStore {
  return {
    name,
    trials,
    open: async () => {
      const schema = db().schema();
      const a = postgresStorage({ client: db().client, schema });
      await a.migrate();
      const b = postgresStorage({ client: (second ?? db)().client, schema });
      await b.migrate();
      return [a, b];
    },
  };
}

/** Faults the providers answer with, per operation and call: scripted by a trial. */
export type FaultScript = (operation: string, attempt: number) => SandboxFault;

/** One trial's world. */
export interface RaceWorld {
  a: Fulfillment;
  b: Fulfillment;
  clock: FakeClock;
  carrier: ReturnType<typeof sandboxCarrier>;
  payments: ReturnType<typeof sandboxPayment>;
  /** Tracking numbers the carrier confirmed voided. */
  voided: Set<string>;
  /** The shipment each label was bought for. */
  owners: Map<string, string>;
  /** Faults for the next provider calls; `null` for none. */
  faults: { payment: FaultScript | null; carrier: FaultScript | null };
  errors: unknown[];
  sku: string;
  /** The store instance engine `a` runs on. */
  storageA: StorageAdapter;
}

function jitter<T extends object>(inner: T, random: () => number, methods: string[]): T {
  const wrapper = Object.create(inner) as Record<string, unknown>;
  for (const name of methods) {
    const fn = (inner as Record<string, unknown>)[name] as (...args: unknown[]) => Promise<unknown>;
    wrapper[name] = async (...args: unknown[]) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
      const result = await fn.apply(inner, args);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
      return result;
    };
  }
  return wrapper as T;
}

let worlds = 0;

/** Build a world on `store` with `initial` units of a fresh SKU at EAST. */
export async function raceWorld(store: RaceStore, seed: number, initial: number, policy: Record<string, unknown> = {}): Promise<RaceWorld> {
  const random = seededRandom(seed);
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const faults: RaceWorld['faults'] = { payment: null, carrier: null };
  const carrier = sandboxCarrier({ clock, fault: (op, attempt) => faults.carrier?.(op, attempt) ?? null });
  const payments = sandboxPayment({ clock, fault: (op, attempt) => faults.payment?.(op, attempt) ?? null });
  const voided = new Set<string>();
  const carrierSeen = jitter(carrier, random, ['getRates', 'createShipment', 'track']) as CarrierAdapter;
  const owners = new Map<string, string>();
  const voidingCarrier = Object.create(carrierSeen) as CarrierAdapter;
  voidingCarrier.createShipment = async (request) => {
    const label = await carrierSeen.createShipment(request);
    owners.set(label.trackingNumber, request.shipmentId);
    return label;
  };
  voidingCarrier.voidShipment = async (request) => {
    const result = await carrier.voidShipment(request);
    if (result.status === 'voided') voided.add(request.trackingNumber);
    return result;
  };
  const paymentAdapter = jitter(payments, random, ['authorize', 'capture', 'void', 'refund', 'retrieve']) as PaymentAdapter;
  const [sa, sb] = await store.open();
  const errors: unknown[] = [];
  const make = (storage: StorageAdapter) =>
    createFulfillment({
      storage,
      clock,
      locations: [EAST],
      carriers: [voidingCarrier],
      payments: paymentAdapter,
      policy: { retry: { timeoutMs: 2_000, retries: 1, baseDelayMs: 1 }, sweepIntervalMs: 365 * 86_400_000, ...policy },
      onBackgroundError: (error) => errors.push(error),
    });
  const sku = `RACE-${++worlds}-${seed}`;
  const world: RaceWorld = { a: make(sa), b: make(sb), clock, carrier, payments, voided, owners, faults, errors, sku, storageA: sa };
  if (initial > 0) await world.a.inventory.receive({ sku, locationId: EAST.id, quantity: initial });
  return world;
}

/** An order for `quantity` units of the world's SKU at 1000 a unit. */
export function raceOrder(world: RaceWorld, quantity: number, method = 'tok_visa') {
  return {
    customer: { email: 'race@example.com' },
    shippingAddress: { name: 'Race', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' },
    currency: 'USD',
    lines: [{ sku: world.sku, quantity, unitPrice: { amount: 1000, currency: 'USD' }, weight: { value: 400, unit: 'g' as const } }],
    payment: { method },
  };
}

/** Run two commands at once; each outcome is the value or the error. */
export async function race<A, B>(x: () => Promise<A>, y: () => Promise<B>): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
  return Promise.all([Promise.allSettled([x()]).then((r) => r[0] as PromiseSettledResult<A>), Promise.allSettled([y()]).then((r) => r[0] as PromiseSettledResult<B>)]);
}

/** A rejected command must have failed with a typed error. */
export function expectTyped(outcome: PromiseSettledResult<unknown>, allowed: string[]): void {
  if (outcome.status === 'fulfilled') return;
  const code = (outcome.reason as { code?: string }).code;
  expect(allowed, `unexpected failure: ${String(outcome.reason)}`).toContain(code);
}

const OPEN: ReadonlySet<string> = new Set(['pending', 'picking', 'packed', 'label_purchased']);
const LEFT: ReadonlySet<string> = new Set(['shipped', 'in_transit', 'out_for_delivery', 'delivery_failed', 'delivered', 'returned_to_sender']);

/**
 * The invariants, at the providers: labels, money, stock. `onHand` is what the
 * physical events of the trial leave on the shelf.
 */
export async function expectConsistent(world: RaceWorld, orderId: string, onHand: number): Promise<Order> {
  const order = (await world.a.orders.get(orderId)) as Order;
  const where = `${orderId} (${order.status})`;
  // Labels: a shipment that left has a live label; no live label belongs to a shipment that did not keep it.
  const labels = world.carrier.labels();
  for (const s of order.shipments) {
    const live = labels.filter((l) => !world.voided.has(l.trackingNumber) && bought(world, s.id, l.trackingNumber));
    if (LEFT.has(s.status) || s.status === 'label_purchased') {
      expect(s.label, `${where}: ${s.id} has no label`).not.toBeNull();
      expect(world.voided.has(s.label?.trackingNumber ?? ''), `${where}: ${s.id} is ${s.status} on a voided label`).toBe(false);
      expect(live.map((l) => l.trackingNumber), `${where}: live labels of ${s.id}`).toEqual([s.label?.trackingNumber]);
    } else {
      expect(live, `${where}: ${s.id} is ${s.status} but holds a live label`).toEqual([]);
    }
  }
  // Money: what the provider holds equals the record and the value shipped and not returned.
  const atProvider = world.payments.payments().filter((p) => world.payments.ledger().some((e) => e.paymentId === p.paymentId && e.idempotencyKey.startsWith(`${orderId}:`)));
  const net = atProvider.reduce((n, p) => n + p.captured - p.refunded, 0);
  expect(net, `${where}: captured - refunded at the provider vs the order`).toBe(order.payment.captured - order.payment.refunded);
  const kept = order.lines.reduce((n, l) => n + (l.shipped - l.returned) * l.unitPrice.amount, 0);
  expect(net, `${where}: money kept vs goods kept`).toBe(kept);
  // No authorization is left open except the order's own while it still may ship.
  const mayCharge = !['cancelled', 'returned'].includes(order.status) && order.shipments.some((s) => OPEN.has(s.status));
  for (const p of atProvider) {
    const open = p.status === 'authorized' || p.status === 'requires_action';
    if (open) expect(mayCharge && p.paymentId === order.payment.paymentId, `${where}: ${p.paymentId} left ${p.status}`).toBe(true);
  }
  // Stock: what is reserved is exactly what open shipments hold; on-hand moved once per physical event.
  const level = await world.a.inventory.level(world.sku);
  const openUnits = order.shipments.filter((s) => OPEN.has(s.status)).reduce((n, s) => n + s.lines.reduce((m, l) => m + l.quantity, 0), 0);
  expect(level.reserved, `${where}: reserved vs open shipments`).toBe(openUnits);
  const reservation = order.reservationId ? await world.storageA.getReservation(order.reservationId) : null;
  expect((reservation?.lines ?? []).reduce((n, l) => n + heldQuantity(l), 0), `${where}: reservation vs open shipments`).toBe(openUnits);
  expect(level.onHand, `${where}: on-hand`).toBe(onHand);
  expect(order.intent ?? null, `${where}: intent left pending`).toBeNull();
  return order;
}

function bought(world: RaceWorld, shipmentId: string, trackingNumber: string): boolean {
  return world.owners.get(trackingNumber) === shipmentId;
}

/**
 * Drive the order to a terminal state after the race: let the sweep resume what
 * is pending, then cancel what has not left and deliver what has.
 */
export async function expectTerminal(world: RaceWorld, orderId: string): Promise<Order> {
  world.clock.advance(10 * 60_000);
  await world.b.sweep();
  let order = (await world.a.orders.get(orderId)) as Order;
  if (order.intent) throw new Error(`${orderId} still has a pending ${order.intent.command} intent after the sweep`);
  if (order.status !== 'cancelled' && order.shipments.some((s) => OPEN.has(s.status))) {
    order = await world.a.orders.cancel(orderId, { reason: 'end of trial' }).catch(async (err: unknown) => {
      if ((err as { code?: string }).code !== 'INVALID_TRANSITION') throw err;
      return (await world.a.orders.get(orderId)) as Order;
    });
  }
  for (const s of order.shipments) {
    if (!LEFT.has(s.status) || s.status === 'delivered' || !s.label) continue;
    await world.a.tracking.record({ carrierId: s.rate?.carrierId ?? '', trackingNumber: s.label.trackingNumber, status: 'delivered', occurredAt: world.clock.now().toISOString() });
  }
  order = (await world.a.orders.get(orderId)) as Order;
  expect(['cancelled', 'delivered', 'returned', 'partially_returned'], `${orderId} ends ${order.status}`).toContain(order.status);
  return order;
}
