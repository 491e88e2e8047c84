// The pairs of commands that can meet on one order, each as a trial: set the
// order up, run the two commands at once on two engine instances, then check
// the invariants at the providers and that the order still reaches an end.
import { expect } from 'vitest';
import type { Order } from '../../src/domain/order.js';
import type { Shipment } from '../../src/domain/shipment.js';
import type { Fulfillment } from '../../src/index.js';
import { type RaceStore, type RaceWorld, expectConsistent, expectTerminal, expectTyped, race, raceOrder, raceWorld } from './race-world.js';

const BUSY = ['CONCURRENCY_CONFLICT', 'INVALID_TRANSITION'];

interface Trial {
  world: RaceWorld;
  orderId: string;
  /** Units on the shelf before the race, plus receipts during it. */
  stocked: number;
  /** Units the trial wrote down (a short pick found them missing). */
  writtenDown: number;
}

/** One pair of commands. */
export interface RacePair {
  name: string;
  run(store: RaceStore, seed: number): Promise<Trial>;
}

function onlyShipment(order: Order): Shipment {
  return order.shipments[0] as Shipment;
}

async function packedOrder(ff: Fulfillment, world: RaceWorld, quantity: number): Promise<{ order: Order; shipment: Shipment }> {
  const order = await ff.orders.place(raceOrder(world, quantity));
  const shipment = onlyShipment(order);
  await ff.fulfillment.confirmPick(shipment.id, { lines: [{ sku: world.sku, quantity }] });
  await ff.fulfillment.pack(shipment.id);
  return { order, shipment };
}

/** A hand-over left stalled: its capture timed out, so the intent waits, unknown. */
async function stalledHandOver(world: RaceWorld): Promise<{ order: Order; shipment: Shipment }> {
  const { order, shipment } = await packedOrder(world.a, world, 2);
  world.faults.payment = (op) => (op === 'capture' ? 'timeout' : null);
  await expect(world.a.fulfillment.ship(shipment.id)).rejects.toMatchObject({ retryable: true });
  world.faults.payment = null;
  const stalled = (await world.a.orders.get(order.id)) as Order;
  expect(stalled.intent?.command).toBe('handOver');
  world.clock.advance(2 * 60_000); // past the intent lease: the sweep may resume it
  return { order, shipment };
}

export const RACE_PAIRS: RacePair[] = [
  {
    name: 'ship × ship',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await packedOrder(world.a, world, 2);
      const [x, y] = await race(() => world.a.fulfillment.ship(shipment.id), () => world.b.fulfillment.ship(shipment.id));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      expect(x.status === 'fulfilled' || y.status === 'fulfilled').toBe(true);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'ship × cancel',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await packedOrder(world.a, world, 2);
      const [x, y] = await race(() => world.a.fulfillment.ship(shipment.id), () => world.b.orders.cancel(order.id, { reason: 'changed mind' }));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'ship × hold',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await packedOrder(world.a, world, 2);
      const [x, y] = await race(() => world.a.fulfillment.ship(shipment.id), () => world.b.orders.hold(order.id, { reason: 'fraud check' }));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      const after = (await world.a.orders.get(order.id)) as Order;
      // Held and shipped at once is what the race must never produce.
      expect(after.status === 'on_hold' && onlyShipment(after).status === 'shipped').toBe(false);
      if (after.status === 'on_hold') await world.a.orders.releaseHold(order.id);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'cancel × retryPayment',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const order = await world.a.orders.place(raceOrder(world, 2, 'tok_decline'));
      expect(order.status).toBe('payment_failed');
      const [x, y] = await race(
        () => world.a.orders.cancel(order.id, { reason: 'gave up' }),
        () => world.b.orders.retryPayment(order.id, { method: 'tok_visa' }),
      );
      expectTyped(x, BUSY);
      expectTyped(y, [...BUSY, 'PAYMENT_DECLINED']);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'receive × receive on a backorder',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 0, { backorders: true });
      const order = await world.a.orders.place(raceOrder(world, 2));
      expect(order.status).toBe('backordered');
      const receive = (ff: Fulfillment) => () => ff.inventory.receive({ sku: world.sku, locationId: 'east', quantity: 1 });
      const [x, y] = await race(receive(world.a), receive(world.b));
      expectTyped(x, []);
      expectTyped(y, []);
      const after = (await world.a.orders.get(order.id)) as Order;
      const held = after.shipments.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.quantity, 0), 0);
      expect(held + (after.lines[0]?.backordered ?? 0)).toBe(2);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'returns.receive × returns.receive',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await packedOrder(world.a, world, 2);
      const { shipment: shipped } = await world.a.fulfillment.ship(shipment.id);
      const label = shipped.label as NonNullable<Shipment['label']>;
      await world.a.tracking.record({ carrierId: shipped.rate?.carrierId ?? '', trackingNumber: label.trackingNumber, status: 'delivered', occurredAt: world.clock.now().toISOString() });
      const rma = await world.a.returns.request(order.id, { lines: [{ sku: world.sku, quantity: 1 }], reason: 'too small' });
      const receive = (ff: Fulfillment) => () => ff.returns.receive(rma.id, { lines: [{ sku: world.sku, quantity: 1 }] });
      const [x, y] = await race(receive(world.a), receive(world.b));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      const refunds = world.payments.ledger().filter((e) => e.operation === 'refund');
      expect(refunds.map((e) => e.amount)).toEqual([1000]);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'confirmPick × confirmPick (short)',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const order = await world.a.orders.place(raceOrder(world, 2));
      const shipmentId = onlyShipment(order).id;
      const pick = (ff: Fulfillment) => () => ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: world.sku, quantity: 1 }] });
      const [x, y] = await race(pick(world.a), pick(world.b));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      return { world, orderId: order.id, stocked: 2, writtenDown: 1 };
    },
  },
  {
    name: 'syncPayment × cancel',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const order = await world.a.orders.place(raceOrder(world, 2, 'tok_3ds'));
      expect(order.status).toBe('pending_payment');
      await world.payments.completeAction(order.payment.paymentId as string, 'approve');
      const [x, y] = await race(() => world.a.orders.syncPayment(order.id), () => world.b.orders.cancel(order.id, { reason: 'too slow' }));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'tracking × ship',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await packedOrder(world.a, world, 2);
      // A first hand-over refused at capture leaves the label bought and the parcel unpaid.
      world.faults.payment = (op, attempt) => (op === 'capture' && attempt === 1 ? 'rejected' : null);
      await expect(world.a.fulfillment.ship(shipment.id)).rejects.toBeDefined();
      world.faults.payment = null;
      const labelled = onlyShipment((await world.a.orders.get(order.id)) as Order);
      expect(labelled.status).toBe('label_purchased');
      const scan = {
        carrierId: labelled.rate?.carrierId ?? '',
        trackingNumber: labelled.label?.trackingNumber ?? '',
        status: 'in_transit' as const,
        occurredAt: world.clock.now().toISOString(),
      };
      const [x, y] = await race(() => world.a.fulfillment.ship(shipment.id), () => world.b.tracking.record(scan));
      expectTyped(x, BUSY);
      expectTyped(y, BUSY);
      // Whoever won, the carrier has the parcel: it is shipped and paid, never delivered-but-unpaid.
      await world.b.sweep();
      const after = onlyShipment((await world.a.orders.get(order.id)) as Order);
      expect(after.status).toBe('in_transit');
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'sweep × ship (stalled hand-over)',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order, shipment } = await stalledHandOver(world);
      const [x, y] = await race(() => world.a.sweep(), () => world.b.fulfillment.ship(shipment.id));
      expectTyped(x, []);
      expectTyped(y, BUSY);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
  {
    name: 'sweep × cancel (stalled hand-over)',
    async run(store, seed) {
      const world = await raceWorld(store, seed, 2);
      const { order } = await stalledHandOver(world);
      const [x, y] = await race(() => world.a.sweep(), () => world.b.orders.cancel(order.id, { reason: 'parcel lost in the warehouse' }));
      expectTyped(x, []);
      expectTyped(y, BUSY);
      return { world, orderId: order.id, stocked: 2, writtenDown: 0 };
    },
  },
];

/** Units that should be on the shelf given what the order shipped and got back. */
function shelf(order: Order, trial: Trial): number {
  const shipped = order.lines.reduce((n, l) => n + l.shipped, 0);
  const restocked = order.returns.reduce((n, r) => n + r.lines.reduce((m, l) => m + l.restocked, 0), 0);
  return trial.stocked + restocked - shipped - trial.writtenDown;
}

/** Run one trial of a pair and check every invariant, before and after driving the order to its end. */
export async function runTrial(pair: RacePair, store: RaceStore, seed: number): Promise<void> {
  const trial = await pair.run(store, seed);
  const { world, orderId } = trial;
  // A pending intent may still be finishing in a joined call; the sweep settles it first.
  let order = (await world.a.orders.get(orderId)) as Order;
  if (order.intent) {
    world.clock.advance(2 * 60_000);
    await world.a.sweep();
    order = (await world.a.orders.get(orderId)) as Order;
  }
  await expectConsistent(world, orderId, shelf(order, trial));
  const end = await expectTerminal(world, orderId);
  await expectConsistent(world, orderId, shelf(end, trial));
}
