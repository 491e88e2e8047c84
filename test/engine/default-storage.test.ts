// The storage createFulfillment uses when given none: the memory store,
// loaded on first use. It must behave exactly as memoryStorage() does, from
// its very first call, concurrent first calls included.
import { describe, expect, it } from 'vitest';
import { DEFAULT_STORAGE_CAPABILITIES, defaultStorage } from '../../src/engine/default-storage.js';
import { createFulfillment } from '../../src/index.js';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { memoryNotifier, sandboxCarrier, sandboxPayment } from '../../src/adapters.js';
import { describeStorageConformance, fakeClock } from '../../src/testing.js';
import { EAST, expectCode, orderFor } from '../helpers/shop.js';

describeStorageConformance('defaultStorage (memory, loaded on first use)', () => defaultStorage());

describe('defaultStorage', () => {
  it('declares what the memory store declares before it is loaded', () => {
    expect(defaultStorage().capabilities).toEqual(memoryStorage().capabilities);
    expect(DEFAULT_STORAGE_CAPABILITIES).toEqual({ durable: false, multiProcess: false });
  });

  it('hands its methods over to the loaded store after the first call', async () => {
    const storage = defaultStorage();
    const forwarder = storage.levels;
    expect(await storage.levels(['NONE'])).toEqual([]);
    expect(storage.levels).not.toBe(forwarder);
    expect(await storage.skus()).toEqual([]);
  });

  it('reserves atomically when the first calls arrive together: never more than the stock', async () => {
    const storage = defaultStorage();
    const at = '2026-03-02T09:00:00.000Z';
    // Receive and forty reservations, all issued before the store is loaded.
    const received = storage.receive({ sku: 'MUG', locationId: 'east', quantity: 10, at });
    const attempts = Array.from({ length: 40 }, (_, i) =>
      storage
        .reserve({ reservationId: `r${i}`, orderId: `o${i}`, lines: [{ sku: 'MUG', locationId: 'east', quantity: 1 }], expiresAt: null, opId: `op${i}`, at })
        .then(
        () => 'reserved',
        (err: { code?: string }) => err.code ?? 'other',
      ),
    );
    await received;
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(10);
    expect(outcomes.filter((o) => o !== 'reserved').every((o) => o === 'INSUFFICIENT_STOCK')).toBe(true);
    expect(await storage.levels(['MUG'])).toMatchObject([{ onHand: 10, reserved: 10 }]);
  });

  it('answers calls issued before close() as the memory store does, and refuses those after it', async () => {
    const storage = defaultStorage();
    const before = storage.getOrder('o1');
    const closed = storage.close();
    const after = storage.getOrder('o1');
    await expect(before).resolves.toBeNull();
    await expect(after).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    await closed;
    await expect(storage.skus()).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('a failed load rejects with ADAPTER_ERROR and the next call loads again', async () => {
    let attempts = 0;
    const storage = defaultStorage(() => {
      attempts++;
      return attempts === 1 ? Promise.reject(new Error('chunk missing')) : import('../../src/storage/memory/memory-storage.js');
    });
    await expect(storage.skus()).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: true, details: { operation: 'storage.load' } });
    expect(await storage.skus()).toEqual([]);
    expect(attempts).toBe(2);
    await storage.close();
  });

  it('closes cleanly after a failed load', async () => {
    const storage = defaultStorage(() => Promise.reject(new Error('chunk missing')));
    await expect(storage.levels(['A'])).rejects.toMatchObject({ code: 'ADAPTER_ERROR' });
    await expect(storage.close()).resolves.toBeUndefined();
  });

  it('closed before its first use, it answers as a closed memory store', async () => {
    const storage = defaultStorage();
    await storage.close();
    await expect(storage.getOrder('o1')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});

describe('createFulfillment without storage', () => {
  it('takes an order on the default memory store', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const ff = createFulfillment({
      clock,
      locations: [EAST],
      carriers: [sandboxCarrier({ clock })],
      payments: sandboxPayment({ clock }),
      notifier: memoryNotifier(),
    });
    expect(ff.storageCapabilities).toEqual({ durable: false, multiProcess: false });
    await ff.inventory.receive({ sku: 'MUG', locationId: 'east', quantity: 1 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    expect(order.status).toBe('processing');
    expect((await ff.orders.get(order.id))?.id).toBe(order.id);
    await expectCode(ff.orders.place(orderFor({ MUG: 1 })), 'INSUFFICIENT_STOCK');
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
    await ff.close();
  });

  it('closes without loading anything when it was never used', async () => {
    await expect(createFulfillment({}).close()).resolves.toBeUndefined();
  });
});
