// Benchmark 1: orders per second from place to delivered through the public
// API, against raw XState actors making the same transitions.
import { createActor } from 'xstate';
import type { TrackingStatus } from '../src/domain/status.js';
import { orderMachine } from '../src/machines/order-machine.js';
import { shipmentMachine } from '../src/machines/shipment.js';
import { compare } from './harness.js';
import type { BenchResult, BenchSettings } from './report.js';
import { type BenchShop, WAREHOUSE, benchOrder, benchShop } from './shop.js';

const ROAD: readonly TrackingStatus[] = ['in_transit', 'out_for_delivery', 'delivered'];
const MINUTE = 60_000;

/**
 * The machine events one order of the engine's lifecycle goes through:
 * payment, pick, ship and three scans move the order machine; the shipment
 * machine steps pick, pack, label, hand-over and the three scans.
 */
const ORDER_EVENTS = [
  { type: 'PAYMENT_AUTHORIZED', backordered: false },
  ...[0, 1, 1, 1, 1].map((shipped, i) => ({
    type: 'SHIPMENTS_UPDATED',
    summary: { active: 1, shipped: i === 0 ? 0 : shipped, delivered: i === 4 ? 1 : 0, backorderedUnits: 0 },
  })),
] as const;
const SHIPMENT_EVENTS = [
  { type: 'START_PICKING' },
  { type: 'PACK' },
  { type: 'PURCHASE_LABEL' },
  { type: 'HAND_OVER' },
  ...ROAD.map((status) => ({ type: 'TRACKING', status })),
] as const;

/** Transitions per order in both the engine path and the baseline. */
export const TRANSITIONS_PER_ORDER = ORDER_EVENTS.length + SHIPMENT_EVENTS.length;

/** Drive one order through the public API from placement to delivery. */
async function deliverOne(shop: BenchShop): Promise<void> {
  const { ff, clock } = shop;
  const placed = await ff.orders.place(benchOrder());
  const list = await ff.fulfillment.pickList({ locationId: WAREHOUSE.id, limit: 1 });
  const shipmentId = list.shipmentIds[0];
  if (shipmentId === undefined) throw new Error(`no shipment to pick for ${placed.id}`);
  await ff.fulfillment.confirmPick(shipmentId, {
    lines: placed.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
  });
  await ff.fulfillment.pack(shipmentId);
  const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
  const trackingNumber = shipped.label?.trackingNumber;
  const carrierId = shipped.rate?.carrierId;
  if (!trackingNumber || !carrierId) throw new Error(`shipment ${shipmentId} has no label`);
  for (const status of ROAD) {
    clock.advance(MINUTE);
    await ff.tracking.record({ carrierId, trackingNumber, status, occurredAt: clock.iso() });
  }
}

/** Raw XState: a live actor per order and per shipment, persisting a snapshot after every transition. */
function baselineOne(orderId: string, store: Map<string, string>): void {
  const order = createActor(orderMachine).start();
  const shipment = createActor(shipmentMachine).start();
  // Interleave as the engine does: pay, then the warehouse steps, then the scans.
  const plan: Array<['o', number] | ['s', number]> = [
    ['o', 0],
    ['s', 0],
    ['o', 1],
    ['s', 1],
    ['s', 2],
    ['s', 3],
    ['o', 2],
    ['s', 4],
    ['o', 3],
    ['s', 5],
    ['o', 4],
    ['s', 6],
    ['o', 5],
  ];
  for (const [which, i] of plan) {
    if (which === 'o') {
      order.send(ORDER_EVENTS[i] as Parameters<typeof order.send>[0]);
      store.set(orderId, JSON.stringify(order.getPersistedSnapshot()));
    } else {
      shipment.send(SHIPMENT_EVENTS[i] as Parameters<typeof shipment.send>[0]);
      store.set(`${orderId}:s`, JSON.stringify(shipment.getPersistedSnapshot()));
    }
  }
  if (order.getSnapshot().status === 'error' || shipment.getSnapshot().value !== 'delivered') {
    throw new Error(`baseline order ${orderId} did not reach delivered`);
  }
  order.stop();
  shipment.stop();
}

/** Benchmark 1. */
export async function lifecycleBench(settings: BenchSettings): Promise<BenchResult> {
  const orders = settings.smoke ? 20 : 400;
  let run = 0;
  const result = await compare({
    warmup: settings.smoke ? 1 : 2,
    runs: settings.smoke ? 2 : 7,
    subject: {
      ops: orders,
      prepare: async () => {
        const shop = benchShop(undefined, `r${++run}`);
        await shop.ff.inventory.receive({ sku: 'TEE-M', locationId: WAREHOUSE.id, quantity: orders, bin: 'A-01-1' });
        await shop.ff.inventory.receive({ sku: 'MUG-1', locationId: WAREHOUSE.id, quantity: orders, bin: 'B-02-3' });
        return shop;
      },
      run: async (prepared) => {
        const shop = prepared as BenchShop;
        for (let i = 0; i < orders; i++) await deliverOne(shop);
      },
      verify: async (prepared) => {
        const shop = prepared as BenchShop;
        const delivered = await shop.ff.orders.list({ status: 'delivered', limit: orders + 1 });
        if (delivered.items.length !== orders) throw new Error(`lifecycle: ${delivered.items.length} of ${orders} orders delivered`);
        const level = await shop.ff.inventory.level('TEE-M');
        if (level.onHand !== 0 || level.reserved !== 0) throw new Error(`lifecycle: stock left ${JSON.stringify(level)}`);
        await shop.ff.close();
      },
    },
    baseline: {
      ops: orders,
      prepare: () => new Map<string, string>(),
      run: (prepared) => {
        const store = prepared as Map<string, string>;
        for (let i = 0; i < orders; i++) baselineOne(`ord_${i}`, store);
      },
    },
  });
  return {
    id: 'lifecycle',
    benchmark: '1. Lifecycle, in memory',
    subject: `orders/s from place to delivered through the public API (9 commands, ${TRANSITIONS_PER_ORDER} machine transitions per order)`,
    baseline: `raw XState: live order and shipment actors, the same ${TRANSITIONS_PER_ORDER} transitions, a persisted snapshot after each`,
    unit: 'orders/s',
    subjectValue: result.subject,
    baselineValue: result.baseline,
    ratio: result.ratio,
    target: { on: 'ratio', kind: 'min', value: 0.5, label: '≥ 0.5×' },
    note: `${orders} orders per run, one after another`,
  };
}
