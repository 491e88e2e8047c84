// The storage kit must catch broken adapters: each flawed adapter below
// fails the checks aimed at its flaw, while memoryStorage passes them.
import { nanoid } from 'nanoid';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { FulfillmentError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/order.js';
import type { Reservation, StockMovement } from '../../src/domain/inventory.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { runStorageCheck, storageChecks } from '../../src/testing/storage-conformance.js';
import { runHotSkuScenario } from '../../src/testing/storage-hot-sku.js';

type Flaw = (inner: StorageAdapter) => Partial<StorageAdapter>;

function flawed(flaw: Flaw): () => StorageAdapter {
  return () => {
    const inner = memoryStorage();
    return { ...inner, ...flaw(inner) };
  };
}

// Inventory kept naively: reserve reads, awaits, then writes, the textbook oversell.
const readAwaitWrite: Flaw = (inner) => {
  const rows = new Map<string, { onHand: number; reserved: number }>();
  const ledgers = new Map<string, StockMovement[]>();
  const key = (sku: string, loc: string) => `${sku}|${loc}`;
  const record = (sku: string, locationId: string, type: StockMovement['type'], onHandDelta: number, reservedDelta: number, at: string) => {
    const ledger = ledgers.get(sku) ?? [];
    ledger.push({ id: nanoid(), sku, locationId, type, onHandDelta, reservedDelta, orderId: null, reservationId: null, reason: null, at });
    ledgers.set(sku, ledger);
  };
  return {
    async receive(input) {
      const row = rows.get(key(input.sku, input.locationId)) ?? { onHand: 0, reserved: 0 };
      row.onHand += input.quantity;
      rows.set(key(input.sku, input.locationId), row);
      record(input.sku, input.locationId, 'received', input.quantity, 0, input.at);
      return inner.receive(input);
    },
    async levels(skus) {
      const levels = await inner.levels(skus);
      return levels.map((l) => {
        const row = rows.get(key(l.sku, l.locationId)) ?? { onHand: 0, reserved: 0 };
        return { ...l, ...row, available: row.onHand - row.reserved };
      });
    },
    async ledger(sku) {
      return [...(ledgers.get(sku) ?? [])];
    },
    async reserve(request) {
      const line = request.lines[0]!;
      const row = rows.get(key(line.sku, line.locationId)) ?? { onHand: 0, reserved: 0 };
      const available = row.onHand - row.reserved;
      await Promise.resolve();
      if (line.quantity > available) {
        throw new FulfillmentError('INSUFFICIENT_STOCK', 'short', { details: { shortages: [{ ...line, requested: line.quantity, available }] } });
      }
      row.reserved += line.quantity;
      record(line.sku, line.locationId, 'reserved', 0, line.quantity, request.at);
      return { id: request.reservationId, orderId: request.orderId, status: 'active', lines: [], expiresAt: null, createdAt: request.at, updatedAt: request.at };
    },
  };
};

// Each line is held on its own, so a later short line leaves earlier ones held.
const linePerLine: Flaw = (inner) => ({
  async reserve(request) {
    let last: Reservation | undefined;
    for (const [i, line] of request.lines.entries()) last = await inner.reserve({ ...request, lines: [line], opId: `${request.opId}#${i}` });
    return last!;
  },
});

// opIds are not remembered: every retry applies again.
const forgetsOpIds: Flaw = (inner) => ({
  reserve: (request) => inner.reserve({ ...request, opId: nanoid() }),
  commitReservation: (change) => inner.commitReservation({ ...change, opId: nanoid() }),
  releaseReservation: (change) => inner.releaseReservation({ ...change, opId: nanoid() }),
});

// Hands out the very objects it keeps.
const sharesReferences: Flaw = (inner) => {
  const kept = new Map<string, Order>();
  return {
    async createOrder(write) {
      await inner.createOrder(write);
      kept.set(write.order.id, write.order);
    },
    async getOrder(id) {
      return kept.get(id) ?? inner.getOrder(id);
    },
  };
};

// Last writer wins: the expected version is never compared, conflicts are retried away.
const ignoresVersions: Flaw = (inner) => ({
  async updateOrder(write) {
    for (;;) {
      const current = await inner.getOrder(write.order.id);
      if (current === null) return inner.updateOrder(write, write.order.version - 1);
      try {
        return await inner.updateOrder({ ...write, order: { ...write.order, version: current.version + 1 } }, current.version);
      } catch (error) {
        if ((error as FulfillmentError).code !== 'CONCURRENCY_CONFLICT') throw error;
      }
    }
  },
});

// Raises a low-stock event on every movement at or below the reorder point, not once per crossing.
const noisyLowStock: Flaw = (inner) => ({
  async reserve(request) {
    const reservation = await inner.reserve(request);
    for (const level of await inner.levels(request.lines.map((l) => l.sku))) {
      if (level.reorderPoint !== null && level.available <= level.reorderPoint) {
        const event = { id: nanoid(), type: 'inventory.low_stock', orderId: null, at: request.at, data: { ...level } };
        await inner.appendOutbox([{ topic: 'event', key: `low_stock:${level.sku}:${level.locationId}:${nanoid()}`, payload: event }], request.at);
      }
    }
    return reservation;
  },
});

// Loses expiry movements, so the ledger no longer explains the levels.
const dropsExpiries: Flaw = (inner) => ({
  ledger: async (sku) => (await inner.ledger(sku)).filter((m) => m.type !== 'expired'),
});

// An adjust that only refuses to go below zero and reports success below reserved.
const adjustsBelowReserved: Flaw = (inner) => ({
  async adjust(input) {
    const level = (await inner.levels([input.sku])).find((l) => l.locationId === input.locationId);
    const onHand = (level?.onHand ?? 0) + input.delta;
    if (level && onHand >= 0 && onHand < level.reserved) return { levels: [{ ...level, onHand, available: 0 }] };
    return inner.adjust(input);
  },
});

const cases: { flaw: string; factory: () => StorageAdapter; fails: string[] }[] = [
  { flaw: 'read, await, then write', factory: flawed(readAwaitWrite), fails: ['reserve: 1,000 concurrent promises on one SKU, exactly the stock succeeds'] },
  { flaw: 'one hold per line', factory: flawed(linePerLine), fails: ['reserve: all-or-nothing across lines'] },
  {
    flaw: 'forgotten opIds',
    factory: flawed(forgetsOpIds),
    fails: [
      'reserve: a repeated opId returns the reservation unchanged',
      'commitReservation: a repeated opId changes nothing',
      'releaseReservation: a repeated opId changes nothing and nothing goes negative',
    ],
  },
  { flaw: 'shared references', factory: flawed(sharesReferences), fails: ['isolation: orders and events passed in or returned can be mutated without changing the store'] },
  {
    flaw: 'no version check',
    factory: flawed(ignoresVersions),
    fails: [
      'updateOrder: a stale expected version is CONCURRENCY_CONFLICT and changes nothing',
      'updateOrder: of concurrent writers from one version exactly one wins',
    ],
  },
  { flaw: 'low stock on every movement', factory: flawed(noisyLowStock), fails: ['receive: low stock raises one outbox event per downward crossing'] },
  { flaw: 'ledger missing expiries', factory: flawed(dropsExpiries), fails: ['ledger: sums equal levels after every kind of movement'] },
  { flaw: 'adjust below reserved', factory: flawed(adjustsBelowReserved), fails: ['adjust: below reserved is INSUFFICIENT_STOCK and changes nothing'] },
];

describe('storage conformance kit against flawed adapters', () => {
  for (const { flaw, factory, fails } of cases) {
    for (const check of fails) {
      it(`${flaw}: fails "${check}"`, async () => {
        expect(storageChecks.some((c) => c.name === check)).toBe(true);
        await expect(runStorageCheck(check, factory)).rejects.toThrow();
      });
    }
  }

  it('memoryStorage passes every check used above', async () => {
    for (const check of new Set(cases.flatMap((c) => c.fails))) {
      await expect(runStorageCheck(check, () => memoryStorage()), check).resolves.toBe('passed');
    }
  });

  it('runHotSkuScenario reports the oversell in words', async () => {
    const report = await runHotSkuScenario(flawed(readAwaitWrite)(), { attempts: 200, stock: 10 });
    expect(report.reserved).toBe(200);
    expect(report.violations).toContain('200 reservations succeeded, expected exactly 10');
    expect(report.violations).toContain('reserved 200 exceeds onHand 10');
  });

  it('runStorageCheck reports a check the adapter lacks the capability for as unsupported', async () => {
    await expect(runStorageCheck('close: data survives reopening', () => memoryStorage())).resolves.toBe('unsupported');
    await expect(runStorageCheck('no such check', () => memoryStorage())).rejects.toThrow(/No storage check/);
  });
});
