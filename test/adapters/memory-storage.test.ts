// The memory adapter against the storage conformance kit, plus what only it
// promises: flat cost per operation, closing, and its own input checks.
import { describe, expect, it } from 'vitest';
import { inspectMemoryStorage, memoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';
import { describeStorageConformance } from '../../src/testing/storage-conformance.js';
import type { StorageReader } from '../../src/testing/storage-check-kit.js';

function memoryReader(storage: StorageAdapter): StorageReader {
  const internals = inspectMemoryStorage(storage);
  if (internals === null) throw new Error('not a memory store');
  return {
    onHand: async (sku, loc) => internals.stock.rowAt(sku, loc)?.onHand ?? null,
    reserved: async (sku, loc) => internals.stock.rowAt(sku, loc)?.reserved ?? null,
    orderVersion: async (id) => internals.orders.get(id)?.version ?? null,
  };
}

describeStorageConformance('memoryStorage', () => memoryStorage(), { reader: memoryReader });

describe('memoryStorage', () => {
  it('declares itself neither durable nor multi-process', () => {
    expect(memoryStorage().capabilities).toEqual({ durable: false, multiProcess: false });
  });
});

const AT = '2031-01-01T00:00:00.000Z';
const LATER = '2031-06-01T00:00:00.000Z';

describe('memoryStorage: cost stays flat as the store grows', () => {
  it('listOrders by status or tag reads only the page, however many orders sit elsewhere', async () => {
    const storage = memoryStorage();
    const internals = inspectMemoryStorage(storage)!;
    for (let i = 0; i < 3000; i++) await storage.createOrder({ order: makeTestOrder({ id: `bulk-${i}` }), tags: ['bulk'] });
    const rare = [makeTestOrder({ id: 'rare-1', status: 'on_hold' }), makeTestOrder({ id: 'rare-2', status: 'on_hold' })];
    for (const order of rare) await storage.createOrder({ order, tags: ['rare'] });

    const byStatus = internals.orders.byStatus.get('on_hold')!;
    const statusPage = await storage.listOrders({ status: 'on_hold', limit: 10 });
    expect(statusPage.items.map((o) => o.id)).toEqual(['rare-1', 'rare-2']);
    expect(byStatus.visited).toBe(2);

    const tagIndex = internals.orders.byTag.get('bulk')!;
    const first = await storage.listOrders({ tag: 'bulk', limit: 20 });
    const second = await storage.listOrders({ tag: 'bulk', limit: 20, cursor: first.nextCursor });
    expect(second.items[0]?.id).toBe('bulk-20');
    // Each page reads its items plus one to know whether more exist.
    expect(tagIndex.visited).toBe(42);
  });

  it('listOrders skips orders that left a status without rescanning them later', async () => {
    const storage = memoryStorage();
    const internals = inspectMemoryStorage(storage)!;
    const orders = Array.from({ length: 1000 }, (_, i) => makeTestOrder({ id: `o-${i}` }));
    for (const order of orders) await storage.createOrder({ order });
    for (const order of orders.slice(0, 990)) await storage.updateOrder({ order: { ...order, version: 2, status: 'processing' } }, 1);
    const pending = internals.orders.byStatus.get('pending_payment')!;
    // Tombstones outnumbered live entries, so the list was compacted.
    expect(pending.slots).toBeLessThanOrEqual(2 * pending.size + 32);
    pending.visited = 0;
    const page = await storage.listOrders({ status: 'pending_payment', limit: 50 });
    expect(page.items).toHaveLength(10);
    expect(pending.visited).toBeLessThanOrEqual(pending.slots);
    expect(pending.visited).toBeLessThan(50);
  });

  it('expireReservations examines only what is due', async () => {
    const storage = memoryStorage();
    const internals = inspectMemoryStorage(storage)!;
    await storage.receive({ sku: 'TEE-M', locationId: 'main', quantity: 5000, at: AT });
    for (let i = 0; i < 2000; i++) {
      const expiresAt = i < 3 ? '2031-01-01T00:10:00.000Z' : '2031-02-01T00:00:00.000Z';
      await storage.reserve({ reservationId: `r-${i}`, orderId: `o-${i}`, lines: [{ sku: 'TEE-M', locationId: 'main', quantity: 1 }], expiresAt, opId: 'p', at: AT });
    }
    const swept = await storage.expireReservations({ now: '2031-01-01T01:00:00.000Z' });
    expect(swept.map((r) => r.id)).toEqual(['r-0', 'r-1', 'r-2']);
    expect(internals.reservations.visited).toBe(3);
  });

  it('claimOutbox pops due messages only, and never revisits acked or parked ones', async () => {
    const storage = memoryStorage();
    const internals = inspectMemoryStorage(storage)!;
    const waiting = Array.from({ length: 3000 }, (_, i) => ({ topic: 'event' as const, key: `later-${i}`, payload: i, availableAt: LATER }));
    await storage.appendOutbox(waiting, AT);
    await storage.appendOutbox([{ topic: 'event', key: 'due-1', payload: 1 }, { topic: 'event', key: 'due-2', payload: 2 }], AT);
    const claimed = await storage.claimOutbox({ limit: 10, leaseMs: 1000, now: AT });
    expect(claimed.map((m) => m.key)).toEqual(['due-1', 'due-2']);
    expect(internals.outbox.visited).toBe(2);
    await storage.ackOutbox(claimed[0]!);
    await storage.failOutbox(claimed[1]!, { error: 'bounced', retryAt: null });
    internals.outbox.visited = 0;
    expect(await storage.claimOutbox({ limit: 10, leaseMs: 1000, now: '2031-01-01T00:05:00.000Z' })).toEqual([]);
    // The two stale queue entries (lease ends) are dropped once, then the queue head is the far-future batch.
    expect(internals.outbox.visited).toBe(2);
    expect(await storage.outboxStats(AT)).toEqual({ pending: 3000, leased: 0, parked: 1 });
  });
});

describe('memoryStorage: behaviour the port leaves to the adapter', () => {
  it('rejects every call after close with CONFIGURATION_ERROR; closing twice is harmless', async () => {
    const storage = memoryStorage();
    await storage.createOrder({ order: makeTestOrder({ id: 'kept' }) });
    await storage.close();
    await storage.close();
    await expect(storage.getOrder('kept')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    await expect(storage.receive({ sku: 'A', locationId: 'main', quantity: 1, at: AT })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    expect(inspectMemoryStorage(storage)).toBeNull();
  });

  it('names malformed calls VALIDATION_FAILED', async () => {
    const storage = memoryStorage();
    const order = makeTestOrder({ id: 'o-1' });
    await expect(storage.createOrder({ order: { ...order, version: 2 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await storage.createOrder({ order });
    await expect(storage.updateOrder({ order: { ...order, version: 5 } }, 1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.updateOrder({ order: { ...order, version: 2 }, idempotency: { scope: 's', key: 'k', fingerprint: 'f' } }, 1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(storage.listOrders({ status: 'pending_payment', cursor: 'not a cursor!' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.listOrders({ limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.adjust({ sku: 'A', locationId: 'main', delta: 0, reason: 'x', at: AT })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.receive({ sku: 'A', locationId: 'main', quantity: 1.5, at: AT })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.reserve({ reservationId: 'r', orderId: 'o', lines: [], expiresAt: null, opId: 'p', at: AT })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(storage.expireReservations({ now: 'yesterday' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await storage.skus()).toEqual([]);
  });

  it('refuses to top up an expired reservation or re-time a finished one (INVALID_TRANSITION)', async () => {
    const storage = memoryStorage();
    await storage.receive({ sku: 'A', locationId: 'main', quantity: 5, at: AT });
    const request = { reservationId: 'r', orderId: 'o', lines: [{ sku: 'A', locationId: 'main', quantity: 2 }], expiresAt: AT, opId: 'p1', at: AT };
    await storage.reserve(request);
    await storage.expireReservations({ now: LATER });
    await expect(storage.reserve({ ...request, opId: 'p2' })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(storage.setReservationExpiry('r', LATER)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await storage.levels(['A']))[0]).toMatchObject({ reserved: 0 });
  });

  it('lets a released reservation be topped up again (a backorder filled after a short pick)', async () => {
    const storage = memoryStorage();
    await storage.receive({ sku: 'A', locationId: 'main', quantity: 5, at: AT });
    const request = { reservationId: 'r', orderId: 'o', lines: [{ sku: 'A', locationId: 'main', quantity: 2 }], expiresAt: null, opId: 'p1', at: AT };
    await storage.reserve(request);
    await storage.releaseReservation({ reservationId: 'r', opId: 'short', at: AT });
    const topped = await storage.reserve({ ...request, opId: 'p2' });
    expect(topped.status).toBe('active');
    expect((await storage.levels(['A']))[0]).toMatchObject({ reserved: 2 });
  });

  it('lets a committed reservation be topped up again (a filled backorder)', async () => {
    const storage = memoryStorage();
    await storage.receive({ sku: 'A', locationId: 'main', quantity: 5, at: AT });
    const request = { reservationId: 'r', orderId: 'o', lines: [{ sku: 'A', locationId: 'main', quantity: 2 }], expiresAt: null, opId: 'p1', at: AT };
    await storage.reserve(request);
    await storage.commitReservation({ reservationId: 'r', opId: 'ship', at: AT });
    const topped = await storage.reserve({ ...request, opId: 'p2' });
    expect(topped.status).toBe('active');
    expect(topped.lines).toEqual([{ sku: 'A', locationId: 'main', quantity: 4, committed: 2, released: 0 }]);
  });

  it('fails an unknown outbox message with NOT_FOUND and acks it silently', async () => {
    const storage = memoryStorage();
    await expect(storage.failOutbox({ id: 'nope', lease: '1' }, { error: 'x', retryAt: null })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(storage.ackOutbox({ id: 'nope', lease: '1' })).resolves.toBe(false);
  });

  it('uses the injected id maker for movements and outbox messages', async () => {
    let n = 0;
    const storage = memoryStorage({ createId: () => `id-${++n}` });
    await storage.receive({ sku: 'A', locationId: 'main', quantity: 1, at: AT });
    await storage.appendOutbox([{ topic: 'event', key: 'k', payload: null }], AT);
    expect((await storage.ledger('A'))[0]?.id).toBe('id-1');
    expect((await storage.claimOutbox({ limit: 1, leaseMs: 1, now: AT }))[0]?.id).toBe('id-2');
  });
});
