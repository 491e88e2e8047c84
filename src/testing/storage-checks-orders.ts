// Conformance checks for the order half of the storage port: versioned
// writes, lookup keys, tags, listings, history and caller isolation.
import { expect } from './runner.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/status.js';
import type { OutboxMessage, StorageAdapter } from '../ports/storage.js';
import { makeTestOrder } from './fixtures.js';
import { claimMine, expectCode, listAll, type StorageCheck, storageCheck } from './storage-check-kit.js';

function next(order: Order, changes: Partial<Order> = {}): Order {
  return { ...order, ...changes, version: order.version + 1 };
}

function placed(orderId: string, id: string, at: string): DomainEvent {
  return { id, type: 'order.placed', orderId, at, data: { status: 'pending_payment', total: { amount: 3500, currency: 'USD' } } };
}

async function createMany(storage: StorageAdapter, orders: Order[], tags?: string[]): Promise<void> {
  for (const order of orders) await storage.createOrder(tags === undefined ? { order } : { order, tags });
}

/** Checks of getOrder, createOrder, updateOrder, findOrderId, listOrders and orderEvents. */
export const orderChecks: StorageCheck[] = [
  storageCheck('getOrder: null for an unknown id', async ({ storage, id }) => {
    expect(await storage.getOrder(id('ord'))).toBeNull();
  }),

  storageCheck('createOrder: round trip returns an equal copy', async ({ storage, reader, id }) => {
    const order = makeTestOrder({ id: id('ord'), reference: 'R-1', metadata: { channel: 'web' } });
    await storage.createOrder({ order });
    const stored = await storage.getOrder(order.id);
    expect(stored).toEqual(order);
    expect(stored).not.toBe(order);
    if (reader) expect(await reader.orderVersion(order.id)).toBe(1);
  }),

  storageCheck('createOrder: an existing id is CONCURRENCY_CONFLICT and changes nothing', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord'), reference: 'first' });
    await storage.createOrder({ order });
    const key = id('key');
    await expectCode(storage.createOrder({ order: { ...order, reference: 'second' }, keys: [key] }), 'CONCURRENCY_CONFLICT');
    expect((await storage.getOrder(order.id))?.reference).toBe('first');
    expect(await storage.findOrderId(key)).toBeNull();
  }),

  storageCheck('createOrder: a version other than 1 is rejected', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord'), version: 2 });
    await expect(storage.createOrder({ order })).rejects.toThrow();
    expect(await storage.getOrder(order.id)).toBeNull();
  }),

  storageCheck('createOrder: a recorded idempotency key is IDEMPOTENCY_CONFLICT with the first resourceId', async ({ storage, id }) => {
    const key = id('idem');
    const first = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order: first, idempotency: { scope: 'orders.place', key, fingerprint: 'fp-1' } });
    expect(await storage.getIdempotency('orders.place', key)).toMatchObject({ scope: 'orders.place', key, fingerprint: 'fp-1', resourceId: first.id });
    const second = makeTestOrder({ id: id('ord') });
    const lookup = id('key');
    const error = await expectCode(
      storage.createOrder({
        order: second,
        keys: [lookup],
        events: [placed(second.id, id('evt'), second.createdAt)],
        idempotency: { scope: 'orders.place', key, fingerprint: 'fp-2' },
      }),
      'IDEMPOTENCY_CONFLICT',
    );
    expect(error.details).toMatchObject({ resourceId: first.id, fingerprint: 'fp-1' });
    expect(await storage.getOrder(second.id)).toBeNull();
    expect(await storage.findOrderId(lookup)).toBeNull();
    expect(await storage.orderEvents(second.id)).toEqual([]);
  }),

  storageCheck('createOrder: a key owned by another order is CONCURRENCY_CONFLICT and nothing lands', async ({ storage, id, at }) => {
    const shared = id('key');
    const owner = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order: owner, keys: [shared] });
    const other = makeTestOrder({ id: id('ord'), updatedAt: at() });
    const fresh = id('key');
    const idem = id('idem');
    const outboxKey = id('msg');
    await expectCode(
      storage.createOrder({
        order: other,
        keys: [fresh, shared],
        outbox: [{ topic: 'event', key: outboxKey, payload: { n: 1 } }],
        idempotency: { scope: 'orders.place', key: idem, fingerprint: 'fp' },
      }),
      'CONCURRENCY_CONFLICT',
    );
    expect(await storage.getOrder(other.id)).toBeNull();
    expect(await storage.findOrderId(shared)).toBe(owner.id);
    expect(await storage.findOrderId(fresh)).toBeNull();
    expect(await storage.getIdempotency('orders.place', idem)).toBeNull();
    expect(await claimMine(storage, { now: at(60_000), leaseMs: 1000, mine: (k) => k === outboxKey })).toEqual([]);
  }),

  storageCheck('createOrder: outbox messages land with the order', async ({ storage, id, at }) => {
    const order = makeTestOrder({ id: id('ord'), updatedAt: at() });
    const key = id('msg');
    await storage.createOrder({ order, outbox: [{ topic: 'notification', key, payload: { template: 'order_placed' } }] });
    const mine = await claimMine(storage, { now: at(1000), leaseMs: 1000, mine: (k) => k === key });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ topic: 'notification', key, payload: { template: 'order_placed' }, attempts: 1 });
  }),

  storageCheck('updateOrder: action messages land with the write, in their stream, and not with a stale one', async ({ storage, id, at }) => {
    const order = makeTestOrder({ id: id('ord'), updatedAt: at() });
    await storage.createOrder({ order });
    const stream = `action:${order.id}`;
    const [first, second, stale] = [`action:${order.id}:2:0`, `action:${order.id}:2:1`, `action:${order.id}:2:9`];
    const payload = { action: 'startFulfillment', orderId: order.id, version: 2, event: { type: 'RELEASE_HOLD' }, context: { holdReason: null } };
    await storage.updateOrder(
      {
        order: next(order),
        outbox: [
          { topic: 'action', key: first, stream, payload },
          { topic: 'action', key: second, stream, payload: { ...payload, action: 'placeBackorder' } },
        ],
      },
      1,
    );
    await expectCode(storage.updateOrder({ order: next(order), outbox: [{ topic: 'action', key: stale, stream, payload }] }, 1), 'CONCURRENCY_CONFLICT');
    const mine = (k: string) => k.startsWith(`action:${order.id}:`);
    // One at a time, in append order: the second waits for the first.
    const claimed = await claimMine(storage, { now: at(1000), leaseMs: 1000, mine });
    expect(claimed.map((m) => [m.topic, m.key, m.stream, m.payload])).toEqual([['action', first, stream, payload]]);
    expect(await storage.ackOutbox(claimed[0] as OutboxMessage)).toBe(true);
    const then = await claimMine(storage, { now: at(1000), leaseMs: 1000, mine });
    expect(then.map((m) => m.key)).toEqual([second]);
  }),

  storageCheck('createOrder: reservationExpiry re-times the hold in the same write', async ({ storage, id, at }) => {
    const sku = id('SKU');
    const reservationId = id('res');
    await storage.receive({ sku, locationId: 'main', quantity: 5, at: at(0) });
    const order = makeTestOrder({ id: id('ord'), reservationId });
    await storage.reserve({ reservationId, orderId: order.id, lines: [{ sku, locationId: 'main', quantity: 2 }], expiresAt: at(10), opId: 'place', at: at(0) });
    await storage.createOrder({ order, reservationExpiry: { reservationId, expiresAt: null } });
    expect((await storage.getReservation(reservationId))?.expiresAt).toBeNull();
    expect(await storage.expireReservations({ now: at(60) })).toEqual([]);
    expect((await storage.levels([sku]))[0]).toMatchObject({ reserved: 2 });
  }),

  storageCheck('createOrder: a reservationExpiry on a missing or finished hold writes nothing', async ({ storage, id, at }) => {
    const sku = id('SKU');
    const reservationId = id('res');
    await storage.receive({ sku, locationId: 'main', quantity: 5, at: at(0) });
    const missing = makeTestOrder({ id: id('ord') });
    await expect(storage.createOrder({ order: missing, reservationExpiry: { reservationId: id('res'), expiresAt: null } })).rejects.toMatchObject({
      code: expect.stringMatching(/^(NOT_FOUND|INVALID_TRANSITION)$/),
    });
    expect(await storage.getOrder(missing.id)).toBeNull();
    const order = makeTestOrder({ id: id('ord'), reservationId });
    await storage.reserve({ reservationId, orderId: order.id, lines: [{ sku, locationId: 'main', quantity: 2 }], expiresAt: at(10), opId: 'place', at: at(0) });
    await storage.expireReservations({ now: at(20) });
    await expectCode(storage.createOrder({ order, keys: [id('key')], reservationExpiry: { reservationId, expiresAt: null } }), 'INVALID_TRANSITION');
    expect(await storage.getOrder(order.id)).toBeNull();
    expect(await storage.orderEvents(order.id)).toEqual([]);
  }),

  storageCheck('updateOrder: reservationExpiry lands with the write, or neither does', async ({ storage, id, at }) => {
    const sku = id('SKU');
    const reservationId = id('res');
    await storage.receive({ sku, locationId: 'main', quantity: 5, at: at(0) });
    const order = makeTestOrder({ id: id('ord'), reservationId });
    await storage.reserve({ reservationId, orderId: order.id, lines: [{ sku, locationId: 'main', quantity: 1 }], expiresAt: at(10), opId: 'place', at: at(0) });
    await storage.createOrder({ order });
    await expectCode(storage.updateOrder({ order: next(order, { status: 'processing' }), reservationExpiry: { reservationId, expiresAt: null } }, 7), 'CONCURRENCY_CONFLICT');
    expect((await storage.getReservation(reservationId))?.expiresAt).toBe(at(10));
    await storage.updateOrder({ order: next(order, { status: 'processing' }), reservationExpiry: { reservationId, expiresAt: null } }, 1);
    expect((await storage.getReservation(reservationId))?.expiresAt).toBeNull();
    expect((await storage.getOrder(order.id))?.status).toBe('processing');
  }),

  storageCheck('updateOrder: NOT_FOUND for an unknown order', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord'), version: 2 });
    await expectCode(storage.updateOrder({ order }, 1), 'NOT_FOUND');
    expect(await storage.getOrder(order.id)).toBeNull();
  }),

  storageCheck('updateOrder: replaces the order at the next version', async ({ storage, reader, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order });
    const updated = next(order, { status: 'processing', notes: 'leave at door' });
    await storage.updateOrder({ order: updated }, 1);
    expect(await storage.getOrder(order.id)).toEqual(updated);
    if (reader) expect(await reader.orderVersion(order.id)).toBe(2);
  }),

  storageCheck('updateOrder: a stale expected version is CONCURRENCY_CONFLICT and changes nothing', async ({ storage, reader, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order });
    await storage.updateOrder({ order: next(order, { notes: 'first' }) }, 1);
    const error = await expectCode(storage.updateOrder({ order: next(order, { notes: 'stale' }) }, 1), 'CONCURRENCY_CONFLICT');
    expect(error.details).toMatchObject({ orderId: order.id });
    expect(await storage.getOrder(order.id)).toMatchObject({ version: 2, notes: 'first' });
    if (reader) expect(await reader.orderVersion(order.id)).toBe(2);
  }),

  storageCheck('updateOrder: of concurrent writers from one version exactly one wins', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order });
    const writers = Array.from({ length: 25 }, (_, i) => storage.updateOrder({ order: next(order, { notes: `writer ${i}` }) }, 1));
    const results = await Promise.allSettled(writers);
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('CONCURRENCY_CONFLICT');
    expect(await storage.getOrder(order.id)).toMatchObject({ version: 2, notes: `writer ${winners[0]}` });
  }),

  storageCheck('updateOrder: a new version other than expected + 1 is rejected and changes nothing', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order });
    await expect(storage.updateOrder({ order: { ...order, version: 3, notes: 'skipped' } }, 1)).rejects.toThrow();
    expect(await storage.getOrder(order.id)).toEqual(order);
  }),

  storageCheck('updateOrder: a key owned by another order is CONCURRENCY_CONFLICT and changes nothing', async ({ storage, id }) => {
    const shared = id('key');
    const owner = makeTestOrder({ id: id('ord') });
    const other = makeTestOrder({ id: id('ord') });
    await storage.createOrder({ order: owner, keys: [shared] });
    await storage.createOrder({ order: other });
    await expectCode(storage.updateOrder({ order: next(other, { notes: 'x' }), keys: [shared] }, 1), 'CONCURRENCY_CONFLICT');
    expect(await storage.getOrder(other.id)).toEqual(other);
    expect(await storage.findOrderId(shared)).toBe(owner.id);
  }),

  storageCheck('findOrderId: null for an unknown key', async ({ storage, id }) => {
    expect(await storage.findOrderId(id('key'))).toBeNull();
  }),

  storageCheck('findOrderId: keys are replaced on each write', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    const [a, b, c] = [id('ka'), id('kb'), id('kc')];
    await storage.createOrder({ order, keys: [a, b] });
    expect(await storage.findOrderId(a)).toBe(order.id);
    await storage.updateOrder({ order: next(order), keys: [b, c] }, 1);
    expect(await storage.findOrderId(a)).toBeNull();
    expect(await storage.findOrderId(b)).toBe(order.id);
    expect(await storage.findOrderId(c)).toBe(order.id);
  }),

  storageCheck('findOrderId: keys and tags stay when a write omits them', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    const [key, tag] = [id('key'), id('tag')];
    await storage.createOrder({ order, keys: [key], tags: [tag] });
    await storage.updateOrder({ order: next(order, { notes: 'no index change' }) }, 1);
    expect(await storage.findOrderId(key)).toBe(order.id);
    expect((await storage.listOrders({ tag })).items.map((o) => o.id)).toEqual([order.id]);
  }),

  storageCheck('listOrders: by tag, oldest first, paged with cursors', async ({ storage, id }) => {
    const tag = id('tag');
    const orders = Array.from({ length: 5 }, () => makeTestOrder({ id: id('ord') }));
    await createMany(storage, orders, [tag]);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await storage.listOrders({ tag, limit: 2, cursor });
      pages.push(page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(orders.map((o) => o.id));
    expect((await storage.listOrders({ tag, limit: 5 })).nextCursor).toBeNull();
  }),

  storageCheck('listOrders: tags are replaced on each write; re-entering a tag goes last', async ({ storage, id }) => {
    const [tag, other] = [id('tag'), id('tag')];
    const [a, b, c] = [makeTestOrder({ id: id('ord') }), makeTestOrder({ id: id('ord') }), makeTestOrder({ id: id('ord') })];
    await createMany(storage, [a, b, c], [tag]);
    await storage.updateOrder({ order: next(a), tags: [other] }, 1);
    expect((await storage.listOrders({ tag })).items.map((o) => o.id)).toEqual([b.id, c.id]);
    expect((await storage.listOrders({ tag: other })).items.map((o) => o.id)).toEqual([a.id]);
    await storage.updateOrder({ order: next(next(a)), tags: [tag] }, 2);
    expect((await storage.listOrders({ tag })).items.map((o) => o.id)).toEqual([b.id, c.id, a.id]);
    expect((await storage.listOrders({ tag: other })).items).toEqual([]);
  }),

  storageCheck('listOrders: by status, oldest first; status changes move orders', async ({ storage, id }) => {
    // Statuses no other check writes, so the walk sees only leftovers of earlier runs besides ours.
    const from: OrderStatus = 'partially_returned';
    const to: OrderStatus = 'returned';
    const orders = Array.from({ length: 3 }, () => makeTestOrder({ id: id('ord'), status: from }));
    const mine = new Set(orders.map((o) => o.id));
    await createMany(storage, orders);
    const [a, b, c] = orders as [Order, Order, Order];
    expect(await listAll(storage, { status: from, limit: 2 }, mine)).toEqual([a.id, b.id, c.id]);
    await storage.updateOrder({ order: next(a, { status: to }) }, 1);
    expect(await listAll(storage, { status: from, limit: 2 }, mine)).toEqual([b.id, c.id]);
    expect(await listAll(storage, { status: to, limit: 50 }, mine)).toEqual([a.id]);
    await storage.updateOrder({ order: next(next(a), { status: from }) }, 2);
    expect(await listAll(storage, { status: from, limit: 2 }, mine)).toEqual([b.id, c.id, a.id]);
  }),

  storageCheck('listOrders: status and tag together list only orders matching both', async ({ storage, id }) => {
    const tag = id('tag');
    const pending = makeTestOrder({ id: id('ord') });
    const processing = makeTestOrder({ id: id('ord'), status: 'processing' });
    await createMany(storage, [pending, processing], [tag]);
    const page = await storage.listOrders({ tag, status: 'processing' });
    expect(page.items.map((o) => o.id)).toEqual([processing.id]);
    expect(page.nextCursor).toBeNull();
  }),

  storageCheck('listOrders: an unused tag gives an empty last page', async ({ storage, id }) => {
    expect(await storage.listOrders({ tag: id('tag'), limit: 10 })).toEqual({ items: [], nextCursor: null });
  }),

  storageCheck('orderEvents: history appended with each write, oldest first', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    expect(await storage.orderEvents(order.id)).toEqual([]);
    const first = placed(order.id, id('evt'), order.createdAt);
    await storage.createOrder({ order, events: [first] });
    const second: DomainEvent = { id: id('evt'), type: 'order.status_changed', orderId: order.id, at: order.createdAt, data: { from: 'pending_payment', to: 'processing' } };
    const third: DomainEvent = { id: id('evt'), type: 'order.confirmed', orderId: order.id, at: order.createdAt, data: {} };
    await storage.updateOrder({ order: next(order, { status: 'processing' }), events: [second, third] }, 1);
    expect(await storage.orderEvents(order.id)).toEqual([first, second, third]);
  }),

  storageCheck('isolation: orders and events passed in or returned can be mutated without changing the store', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    const tag = id('tag');
    const event = placed(order.id, id('evt'), order.createdAt);
    const original = structuredClone(order);
    const originalEvent = structuredClone(event);
    await storage.createOrder({ order, events: [event], tags: [tag] });
    order.notes = 'mutated after create';
    (order.lines[0] as Order['lines'][number]).quantity = 999;
    order.customer.email = 'mallory@example.com';
    (event.data as { status: string }).status = 'cancelled';
    const read = (await storage.getOrder(order.id)) as Order;
    read.lines.push({ ...(read.lines[0] as Order['lines'][number]), id: 'intruder' });
    read.metadata.injected = 'yes';
    const listed = (await storage.listOrders({ tag })).items[0] as Order;
    listed.shippingAddress.city = 'Elsewhere';
    const history = await storage.orderEvents(order.id);
    (history[0] as DomainEvent).at = 'never';
    expect(await storage.getOrder(order.id)).toEqual(original);
    expect(await storage.orderEvents(order.id)).toEqual([originalEvent]);
  }),
];
