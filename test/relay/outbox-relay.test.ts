// The engine's side of the event relay: every domain event reaches the relay
// through the outbox at least once, an order's events in the order they
// happened even when publishes fail, and nothing changes without a relay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FulfillmentError } from '../../src/domain/errors.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { Fulfillment } from '../../src/index.js';
import type { EventRelay } from '../../src/ports/relay.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { expectCode, fulfil, makeShop, orderFor, seededRandom, stock } from '../helpers/shop.js';

/** A relay that records what it was given; `fail` decides per call whether to throw (before or after "publishing"). */
function recordingRelay(fail: (event: DomainEvent, call: number) => 'ok' | 'before' | 'after' | 'reject' = () => 'ok') {
  const published: DomainEvent[] = [];
  let calls = 0;
  const relay: EventRelay & { published: DomainEvent[] } = {
    id: 'test-relay',
    published,
    async publish(event) {
      const outcome = fail(event, ++calls);
      if (outcome === 'before') throw new Error('broker unreachable');
      if (outcome === 'reject') throw new FulfillmentError('ADAPTER_ERROR', 'message too large', { retryable: false });
      published.push(structuredClone(event));
      if (outcome === 'after') throw new Error('ack lost');
    },
  };
  return relay;
}

/** Dispatch until nothing is pending, letting retries fall due. */
async function drain(ff: Fulfillment, clock: { advance(ms: number): void }): Promise<void> {
  for (let round = 0; round < 500; round++) {
    await ff.outbox.dispatch();
    const stats = await ff.outbox.stats();
    if (stats.pending === 0 && stats.leased === 0) return;
    clock.advance(60_000);
  }
  throw new Error('outbox did not drain');
}

/** First occurrence of each event id, in publish order. */
function firstSeen(events: readonly DomainEvent[]): DomainEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.id) && seen.add(e.id));
}

async function placeAndFulfil(ff: Fulfillment, count: number): Promise<string[]> {
  await stock(ff, 'east', { 'TEE-M': 1000 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await ff.orders.place(orderFor({ 'TEE-M': 1 }))).id);
  for (const id of ids.filter((_, i) => i % 2 === 0)) await fulfil(ff, id);
  for (const id of ids.filter((_, i) => i % 4 === 1)) await ff.orders.cancel(id, { reason: 'changed mind' });
  return ids;
}

describe('outbox relay', () => {
  it('publishes every domain event of every order once, in history order', async () => {
    const relay = recordingRelay();
    const { ff, clock } = makeShop({ relay });
    const ids = await placeAndFulfil(ff, 6);
    await drain(ff, clock);
    for (const id of ids) {
      const history = await ff.orders.history(id);
      expect(history.length).toBeGreaterThan(2);
      expect(relay.published.filter((e) => e.orderId === id)).toEqual(history);
    }
    expect(new Set(relay.published.map((e) => e.id)).size).toBe(relay.published.length);
  });

  it('still delivers events to events.on exactly as without a relay', async () => {
    const relay = recordingRelay();
    const { ff, clock } = makeShop({ relay });
    const seen: string[] = [];
    ff.events.onAny((e) => {
      seen.push(e.id);
    });
    const [id] = await placeAndFulfil(ff, 1);
    const before = [...seen];
    await drain(ff, clock);
    expect(seen).toEqual(before);
    expect(before).toEqual((await ff.orders.history(id as string)).map((e) => e.id));
  });

  it('publishes stock alerts (events without an order) too', async () => {
    const relay = recordingRelay();
    const { ff, clock } = makeShop({ relay });
    const alerts: string[] = [];
    ff.events.on('inventory.low_stock', (e) => {
      alerts.push(e.id);
    });
    await ff.inventory.configure({ sku: 'MUG', locationId: 'east', reorderPoint: 3 });
    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 5 });
    await ff.orders.place(orderFor({ MUG: 3 }));
    await drain(ff, clock);
    const published = relay.published.filter((e) => e.type === 'inventory.low_stock');
    expect(published).toHaveLength(1);
    expect(published.map((e) => e.id)).toEqual(alerts);
  });

  it('never lets a later event of an order overtake one that failed, whatever fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 0, max: 0.6, noNaN: true }), async (seed, failRate) => {
        const random = seededRandom(seed);
        const relay = recordingRelay(() => (random() >= failRate ? 'ok' : random() < 0.5 ? 'before' : 'after'));
        const { ff, clock } = makeShop({ relay, clock: fakeClock('2026-03-02T09:00:00.000Z') });
        const ids = await placeAndFulfil(ff, 4);
        await drain(ff, clock);
        for (const id of ids) {
          const history = (await ff.orders.history(id)).map((e) => e.id);
          const mine = relay.published.filter((e) => e.orderId === id).map((e) => e.id);
          // Each event is preceded in the stream by every earlier event of its order.
          expect(firstSeen(relay.published.filter((e) => e.orderId === id)).map((e) => e.id)).toEqual(history);
          // A repeat only ever repeats events of the same write as the newest one seen (a write is retried whole).
          let newest = -1;
          for (const eventId of mine) {
            const at = history.indexOf(eventId);
            expect(at <= newest + 1).toBe(true);
            newest = Math.max(newest, at);
          }
        }
        expect(await ff.outbox.stats()).toEqual({ pending: 0, leased: 0, parked: 0 });
      }),
      { numRuns: 25 },
    );
  });

  it('keeps retrying a relay that is down for longer than outboxMaxAttempts allows, and loses nothing', async () => {
    let down = true;
    const relay = recordingRelay(() => (down ? 'before' : 'ok'));
    const { ff, clock } = makeShop({ relay, policy: { outboxMaxAttempts: 2 } });
    await ff.inventory.configure({ sku: 'MUG', locationId: 'east', reorderPoint: 3 });
    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 5 });
    await ff.orders.place(orderFor({ MUG: 3 }));
    const ids = await placeAndFulfil(ff, 2);
    for (let i = 0; i < 10; i++) {
      await ff.outbox.dispatch();
      clock.advance(60_000);
    }
    expect(relay.published).toEqual([]);
    expect((await ff.outbox.stats()).parked).toBe(0);
    down = false;
    await drain(ff, clock);
    for (const id of ids) expect(relay.published.filter((e) => e.orderId === id)).toEqual(await ff.orders.history(id));
    // The stock alert waited for the relay too.
    expect(relay.published.filter((e) => e.type === 'inventory.low_stock')).toHaveLength(1);
  });

  it('parks an event the broker rejects for good and carries on with the next one', async () => {
    const relay = recordingRelay((event) => (event.type === 'shipment.created' ? 'reject' : 'ok'));
    const { ff, clock } = makeShop({ relay });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    await drain(ff, clock);
    const history = await ff.orders.history(order.id);
    expect(history.some((e) => e.type === 'shipment.created')).toBe(true);
    expect(relay.published.map((e) => e.type)).toEqual(history.filter((e) => e.type !== 'shipment.created').map((e) => e.type));
    expect((await ff.outbox.stats()).parked).toBe(1);
    // Later writes of the order still go out.
    await ff.orders.hold(order.id, { reason: 'fraud check' });
    await drain(ff, clock);
    expect(relay.published.map((e) => e.type)).toContain('order.on_hold');
  });

  it('relays nothing twice for an idempotent replay of a placement', async () => {
    const relay = recordingRelay();
    const { ff, clock } = makeShop({ relay });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const first = await ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'cart-1' });
    const again = await ff.orders.place(orderFor({ 'TEE-M': 1 }), { idempotencyKey: 'cart-1' });
    expect(again.id).toBe(first.id);
    await drain(ff, clock);
    expect(relay.published.map((e) => e.id)).toEqual((await ff.orders.history(first.id)).map((e) => e.id));
  });

  it('adds nothing to the outbox without a relay', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { 'TEE-M': 5 });
    await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    // Only the order confirmation notification waits.
    expect(await ff.outbox.stats()).toEqual({ pending: 1, leased: 0, parked: 0 });
  });

  it('refuses a relay without publish', async () => {
    await expectCode(
      (async () => makeShop({ relay: { id: 'broken' } as unknown as EventRelay }))(),
      'CONFIGURATION_ERROR',
    );
  });

  it('publishes in order even with many dispatchers at once', async () => {
    const random = seededRandom(7);
    const relay = recordingRelay(() => (random() < 0.2 ? 'before' : 'ok'));
    const { ff, clock } = makeShop({ relay });
    const ids = await placeAndFulfil(ff, 8);
    for (let round = 0; round < 200; round++) {
      // Four dispatchers interleave at every await: claims, publishes and acks of one order race.
      await Promise.all([0, 1, 2, 3].map(() => ff.outbox.dispatch({ batchSize: 3 })));
      const stats = await ff.outbox.stats();
      if (stats.pending === 0 && stats.leased === 0) break;
      clock.advance(60_000);
    }
    for (const id of ids) {
      expect(firstSeen(relay.published.filter((e) => e.orderId === id))).toEqual(await ff.orders.history(id));
    }
  }, 60_000);
});

describe('withRelayOutbox', () => {
  it('follows an adapter that replaces its own methods (the lazily loaded default store does)', async () => {
    const { withRelayOutbox } = await import('../../src/relay/relay-outbox.js');
    const { defaultStorage } = await import('../../src/engine/default-storage.js');
    const inner = defaultStorage();
    const relayed = withRelayOutbox(inner);
    const forwarder = relayed.skus;
    expect(await forwarder()).toEqual([]);
    // Loaded now: the wrapper hands out the store's own method, not the forwarder it first saw.
    expect(relayed.skus).not.toBe(forwarder);
    expect(relayed.skus).toBe(relayed.skus);
    await relayed.close();
  });
});
