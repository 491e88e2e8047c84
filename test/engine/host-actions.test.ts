// Host actions given through orderMachine.provide({ actions }) run after the
// write that took the transition, at least once, from the outbox, in addition
// to the engine's own effects.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign } from 'xstate';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { createFulfillment, type HostActionArgs, hostAction } from '../../src/index.js';
import { orderMachine } from '../../src/machines/order.js';
import type { OutboxDeliveryInfo } from '../../src/ports/instrumentation.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { openPglite, openPostgres, type TestDatabase } from '../helpers/database.js';
import { EAST, makeShop, orderFor, stock } from '../helpers/shop.js';

function recorder() {
  const calls: HostActionArgs[] = [];
  const machine = orderMachine.provide({
    actions: {
      startFulfillment: hostAction((args) => {
        calls.push(args);
      }),
      pauseFulfillment: hostAction((args) => {
        calls.push(args);
      }),
    },
  });
  return { calls, machine };
}

async function outboxTopics(storage: StorageAdapter, now: string): Promise<string[]> {
  const all = await storage.claimOutbox({ limit: 1000, leaseMs: 1, now });
  return all.map((m) => m.topic);
}

describe('host actions', () => {
  it('run once per transition under normal dispatch, with the event and the order, and the engine still acts', async () => {
    const { calls, machine } = recorder();
    const shop = makeShop({ orderMachine: machine });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
    // Nothing runs before dispatch: the action waits in the outbox of the placing write.
    expect(calls).toEqual([]);
    expect(order.status).toBe('processing');
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ reserved: 2 });
    await shop.ff.orders.hold(order.id, { reason: 'address check' });
    await shop.ff.outbox.dispatch();
    await shop.ff.outbox.dispatch();
    expect(calls.map((c) => [c.action, c.event.type, c.orderId])).toEqual([
      ['startFulfillment', 'PAYMENT_AUTHORIZED', order.id],
      ['pauseFulfillment', 'HOLD', order.id],
    ]);
    const [placed, held] = calls as [HostActionArgs, HostActionArgs];
    expect(placed.version).toBe(1);
    expect(placed.event).toEqual({ type: 'PAYMENT_AUTHORIZED', backordered: false });
    expect(held.event).toEqual({ type: 'HOLD', reason: 'address check' });
    expect(held.context).toMatchObject({ holdReason: 'address check' });
    expect(held.version).toBe(2);
    expect(held.order).toMatchObject({ id: order.id, status: 'on_hold' });
  });

  it('writes no outbox message for them when none are provided', async () => {
    for (const machine of [undefined, orderMachine.provide({ guards: { canProcess: () => true } })]) {
      const shop = makeShop(machine ? { orderMachine: machine } : {});
      await stock(shop.ff, 'east', { MUG: 5 });
      const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
      await shop.ff.orders.hold(order.id, { reason: 'x' });
      await shop.ff.orders.releaseHold(order.id);
      const topics = await outboxTopics(shop.storage, shop.clock.now().toISOString());
      expect(topics.length).toBeGreaterThan(0);
      expect(topics).not.toContain('action');
    }
  });

  it('run again after a crash before the ack: at least once', async () => {
    const { calls, machine } = recorder();
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const inner = memoryStorage();
    let crash = true;
    const storage: StorageAdapter = Object.create(inner);
    // The process "dies" between running the action and recording it.
    storage.ackOutbox = async (claim) => {
      if (crash) throw new Error('process died');
      return inner.ackOutbox(claim);
    };
    storage.failOutbox = async (claim, input) => {
      if (crash) throw new Error('process died');
      return inner.failOutbox(claim, input);
    };
    const ff = createFulfillment({ storage, clock, locations: [EAST], carriers: [sandboxCarrier({ clock })], payments: sandboxPayment({ clock }), orderMachine: machine });
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    await expect(ff.outbox.dispatch({ leaseMs: 1000 })).rejects.toThrow('process died');
    expect(calls).toHaveLength(1);
    crash = false;
    // Within the dead dispatcher's lease nobody takes it; after it, the action runs again.
    await ff.outbox.dispatch();
    expect(calls).toHaveLength(1);
    clock.advance(1001);
    await ff.outbox.dispatch();
    expect(calls.map((c) => [c.action, c.event.type, c.orderId, c.version])).toEqual([
      ['startFulfillment', 'PAYMENT_AUTHORIZED', order.id, 1],
      ['startFulfillment', 'PAYMENT_AUTHORIZED', order.id, 1],
    ]);
    await ff.outbox.dispatch();
    expect(calls).toHaveLength(2);
  });

  it('a throw is retried with backoff and parks after policy.outboxMaxAttempts, reported to instrumentation', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    let runs = 0;
    const deliveries: OutboxDeliveryInfo[] = [];
    const machine = orderMachine.provide({
      actions: {
        startFulfillment: hostAction(async () => {
          runs++;
          throw new Error('warehouse API down');
        }),
      },
    });
    const shop = makeShop({
      clock,
      orderMachine: machine,
      policy: { outboxMaxAttempts: 3, retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } },
      instrumentation: {
        command: (_name, _attributes, run) => run(),
        adapterCall: (_info, run) => run(),
        outboxDelivery: (info) => {
          if (info.topic === 'action') deliveries.push(info);
        },
      },
    });
    await stock(shop.ff, 'east', { MUG: 5 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));
    for (let i = 0; i < 5; i++) {
      await shop.ff.outbox.dispatch();
      clock.advance(60_000);
    }
    expect(runs).toBe(3);
    expect(deliveries.map((d) => [d.outcome, d.attempts])).toEqual([
      ['retrying', 1],
      ['retrying', 2],
      ['parked', 3],
    ]);
    expect(await shop.ff.outbox.stats()).toMatchObject({ parked: 1 });
  });

  it('an unknown action name, or a replacement of the machine’s own bookkeeping, is CONFIGURATION_ERROR', () => {
    const unknown = orderMachine.provide({ actions: { shipFaster: () => {} } as never });
    expect(() => createFulfillment({ locations: [EAST], orderMachine: unknown })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_ERROR', details: expect.objectContaining({ unknown: ['shipFaster'] }) }),
    );
    const bookkeeping = orderMachine.provide({ actions: { recordHold: () => {} } });
    expect(() => createFulfillment({ locations: [EAST], orderMachine: bookkeeping })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_ERROR', details: { actions: ['recordHold'] } }),
    );
    const builtIn = orderMachine.provide({ actions: { startFulfillment: assign({ holdReason: 'x' }) } });
    expect(() => createFulfillment({ locations: [EAST], orderMachine: builtIn })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_ERROR', details: { actions: ['startFulfillment'] } }),
    );
    expect(() => createFulfillment({ locations: [EAST], orderMachine: recorder().machine })).not.toThrow();
  });

  it('an action the dispatching engine does not provide parks instead of being dropped', async () => {
    const { machine } = recorder();
    const shop = makeShop({ orderMachine: machine });
    await stock(shop.ff, 'east', { MUG: 5 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const plain = createFulfillment({ storage: shop.storage, clock: shop.clock, locations: [EAST], notifier: shop.notifier });
    const result = await plain.outbox.dispatch();
    expect(result.parked).toBe(1);
  });
});

describe.each(['memory', 'pglite', 'postgres'] as const)('two engine instances dispatching on one %s store', (kind) => {
  // PostgreSQL gets two pools, as two application instances would have.
  let dbs: TestDatabase[] = [];
  let skip: string | null = null;
  beforeAll(async () => {
    if (kind === 'pglite') dbs = [await openPglite()];
    if (kind === 'postgres') {
      for (let i = 0; i < 2; i++) {
        const { db, problem } = await openPostgres({ max: 4 });
        if (problem) throw new Error(problem);
        if (!db) skip = 'DATABASE_URL is not set';
        else dbs.push(db);
      }
    }
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
  });

  it('run each host action once when acks succeed', async ({ skip: skipTest }) => {
    if (skip) skipTest(skip);
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    let storages: [StorageAdapter, StorageAdapter];
    const [first, second] = dbs;
    if (first) {
      const schema = first.schema();
      const a = postgresStorage({ client: first.client, schema });
      await a.migrate();
      const b = postgresStorage({ client: (second ?? first).client, schema });
      storages = [a, b];
    } else {
      const shared = memoryStorage();
      storages = [shared, shared];
    }
    const { calls, machine } = recorder();
    const payments = sandboxPayment({ clock });
    const engines = storages.map((storage) =>
      createFulfillment({ storage, clock, locations: [EAST], carriers: [sandboxCarrier({ clock })], payments, orderMachine: machine }),
    );
    const [a, b] = engines as [(typeof engines)[0], (typeof engines)[0]];
    await stock(a, 'east', { MUG: 100 });
    const placed = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).orders.place(orderFor({ MUG: 1 }))));
    await Promise.all(placed.slice(0, 6).map((o, i) => (i % 2 ? b : a).orders.hold(o.id, { reason: 'check' })));
    await Promise.all([a.outbox.dispatch({ batchSize: 3 }), b.outbox.dispatch({ batchSize: 3 }), a.outbox.dispatch({ batchSize: 5 }), b.outbox.dispatch()]);
    const seen = calls.map((c) => `${c.orderId}:${c.version}:${c.action}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(12 + 6);
    for (const o of placed) expect(calls.filter((c) => c.orderId === o.id && c.action === 'startFulfillment')).toHaveLength(1);
  });
});

describe('every transition a command takes reaches its host actions', () => {
  it('across a whole lifecycle: placement, decline and retry, 3-D Secure, review, hold, short pick, backorder fill, cancel', async () => {
    const names = ['requestPaymentAction', 'notifyPaymentFailed', 'requestAuthorization', 'reserveBackorder', 'placeBackorder', 'startFulfillment', 'pauseFulfillment', 'requestReview', 'releaseReservation', 'voidPayment', 'cancelUnshipped'] as const;
    const calls: string[] = [];
    const actions = Object.fromEntries(names.map((name) => [name, hostAction(({ action, event }) => void calls.push(`${action}<${event.type}`))]));
    const machine = orderMachine.provide({
      actions,
      guards: { canProcess: ({ event }) => event.type !== 'PAYMENT_AUTHORIZED' || (event.order?.totals.total.amount ?? 0) < 5000 },
    });
    const shop = makeShop({ orderMachine: machine, policy: { backorders: true, retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } } });
    await stock(shop.ff, 'east', { MUG: 3 });
    const drain = async () => {
      await shop.ff.outbox.dispatch();
      return calls.splice(0);
    };

    const declined = await shop.ff.orders.place(orderFor({ MUG: 1 }, { payment: { method: 'tok_decline' } }));
    expect(await drain()).toEqual(['notifyPaymentFailed<PAYMENT_DECLINED']);
    await shop.ff.orders.retryPayment(declined.id, { method: 'tok_3ds' });
    expect(await drain()).toEqual(['requestAuthorization<RETRY_PAYMENT', 'requestPaymentAction<PAYMENT_REQUIRES_ACTION']);
    await shop.ff.orders.cancel(declined.id, { reason: 'changed mind' });
    expect(await drain()).toEqual(['releaseReservation<CANCEL', 'voidPayment<CANCEL']);

    const big = await shop.ff.orders.place(orderFor({ MUG: 6 }));
    expect(big.status).toBe('on_hold');
    expect(await drain()).toEqual(['requestReview<PAYMENT_AUTHORIZED']);
    await shop.ff.orders.releaseHold(big.id);
    expect(await drain()).toEqual(['placeBackorder<RELEASE_HOLD']);

    const small = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    expect(await drain()).toEqual(['placeBackorder<PAYMENT_AUTHORIZED']);
    await shop.ff.orders.hold(small.id, { reason: 'address check' });
    expect(await drain()).toEqual(['pauseFulfillment<HOLD']);
    await shop.ff.orders.cancel(small.id, { reason: 'fraud' });
    expect(await drain()).toEqual(['releaseReservation<CANCEL', 'voidPayment<CANCEL']);

    // Stock for the backorder: the fill allocates it.
    await shop.ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 10 });
    await shop.ff.sweep();
    expect(await drain()).toEqual(['reserveBackorder<STOCK_ARRIVED', 'startFulfillment<STOCK_ALLOCATED']);
    const shipment = (await shop.ff.orders.get(big.id))?.shipments.find((s) => s.status === 'pending');
    if (!shipment) throw new Error('the fill made no shipment');
    // A short pick puts the missing unit back on backorder, which the stock left fills at once.
    await shop.ff.fulfillment.confirmPick(shipment.id, { lines: [{ sku: 'MUG', quantity: 5 }] });
    expect(await drain()).toEqual(['placeBackorder<STOCK_SHORT', 'reserveBackorder<STOCK_ARRIVED', 'startFulfillment<STOCK_ALLOCATED']);
    await shop.ff.fulfillment.pack(shipment.id);
    await shop.ff.fulfillment.ship(shipment.id);
    expect(await drain()).toEqual([]);
    await shop.ff.orders.cancel(big.id, { reason: 'rest not needed' });
    expect(await drain()).toEqual(['cancelUnshipped<CANCEL']);
  });
});

describe('host actions under dispatcher crashes (property)', () => {
  // One shop's script: what it asks of host actions does not depend on how dispatch goes.
  async function scripted(crashes: boolean[]) {
    const { calls, machine } = recorder();
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const inner = memoryStorage();
    let next = 0;
    const storage: StorageAdapter = Object.create(inner);
    // Each ack of an action message consumes one flag: true means the process died before it.
    // The dead process records nothing either: the message comes back when its lease lapses.
    const died = new Set<string>();
    storage.ackOutbox = async (claim) => {
      const message = claim as { topic?: string };
      if (message.topic === 'action' && crashes[next++]) {
        died.add(claim.id);
        throw new Error('process died');
      }
      return inner.ackOutbox(claim);
    };
    storage.failOutbox = async (claim, input) => {
      if (died.delete(claim.id)) throw new Error('process died');
      return inner.failOutbox(claim, input);
    };
    const ff = createFulfillment({ storage, clock, locations: [EAST], carriers: [sandboxCarrier({ clock })], payments: sandboxPayment({ clock }), orderMachine: machine });
    await stock(ff, 'east', { MUG: 10 });
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push(await ff.orders.place(orderFor({ MUG: 1 })));
    await ff.orders.hold((orders[0] as { id: string }).id, { reason: 'a' });
    await ff.orders.releaseHold((orders[0] as { id: string }).id);
    await ff.orders.hold((orders[1] as { id: string }).id, { reason: 'b' });
    // Dispatch until nothing is left, whatever crashed on the way.
    for (let round = 0; round < 40; round++) {
      await ff.outbox.dispatch({ leaseMs: 1000 }).catch(() => undefined);
      clock.advance(61_000);
    }
    const index = new Map(orders.map((o, i) => [o.id, i]));
    return { runs: calls.map((c) => `${index.get(c.orderId)}:${c.version}:${c.action}:${c.event.type}`), stats: await ff.outbox.stats() };
  }

  it('every action runs at least once, in order per order, and exactly once when nothing crashed', async () => {
    const clean = await scripted([]);
    expect(new Set(clean.runs).size).toBe(clean.runs.length);
    expect(clean.runs).toHaveLength(5);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 12 }), async (crashes) => {
        const { runs, stats } = await scripted(crashes);
        expect(new Set(runs)).toEqual(new Set(clean.runs));
        expect(stats).toMatchObject({ pending: 0, leased: 0, parked: 0 });
        // Per order, a repeat never runs ahead of an earlier action: first runs keep transition order.
        for (let order = 0; order < 3; order++) {
          const firsts = [...new Set(runs.filter((r) => r.startsWith(`${order}:`)))];
          expect(firsts).toEqual(clean.runs.filter((r) => r.startsWith(`${order}:`)));
        }
      }),
      { numRuns: 25 },
    );
  });
});
