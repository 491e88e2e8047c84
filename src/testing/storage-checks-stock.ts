// Conformance checks for stock rows: receive, adjust, configure, levels,
// the ledger that explains them, and low-stock events.
import { expect } from './runner.js';
import type { DomainEvent } from '../domain/events.js';
import type { LocationLevel } from '../domain/inventory.js';
import { MAX_STOCK_UNITS } from '../domain/limits.js';
import { claimMine, expectCode, expectLedgerMatchesLevels, levelOf, type StorageCheck, storageCheck } from './storage-check-kit.js';

/** Checks of receive, adjust, configureStock, levels, skus and ledger. */
export const stockChecks: StorageCheck[] = [
  storageCheck('levels: empty for unknown SKUs', async ({ storage, id }) => {
    expect(await storage.levels([id('SKU'), id('SKU')])).toEqual([]);
  }),

  storageCheck('receive: creates the row and adds to on-hand', async ({ storage, reader, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    const first = await storage.receive({ sku, locationId: loc, quantity: 5, bin: 'A-01-1', at: at() });
    const expected: LocationLevel = { sku, locationId: loc, onHand: 5, reserved: 0, safetyStock: 0, available: 5, reorderPoint: null, bin: 'A-01-1' };
    expect(first.levels).toEqual([expected]);
    await storage.receive({ sku, locationId: loc, quantity: 3, reason: 'PO-7', at: at(1) });
    expect(await storage.levels([sku])).toEqual([{ ...expected, onHand: 8, available: 8 }]);
    expect((await storage.ledger(sku)).map((m) => [m.type, m.onHandDelta, m.reservedDelta, m.reason])).toEqual([
      ['received', 5, 0, null],
      ['received', 3, 0, 'PO-7'],
    ]);
    if (reader) expect(await reader.onHand(sku, loc)).toBe(8);
  }),

  storageCheck('receive: returned stock records its order in the ledger', async ({ storage, id, at }) => {
    const [sku, loc, orderId] = [id('SKU'), id('loc'), id('ord')];
    await storage.receive({ sku, locationId: loc, quantity: 2, movement: 'returned', orderId, at: at() });
    expect(await storage.ledger(sku)).toMatchObject([{ type: 'returned', orderId, onHandDelta: 2, reservedDelta: 0, at: at() }]);
  }),

  storageCheck('receive: a repeated opId, even concurrent, moves on-hand once', async ({ storage, reader, id, at }) => {
    const [sku, loc, opId] = [id('SKU'), id('loc'), id('op')];
    const receipt = { sku, locationId: loc, quantity: 4, movement: 'returned' as const, opId, at: at() };
    await Promise.all([storage.receive(receipt), storage.receive(receipt), storage.receive(receipt)]);
    const again = await storage.receive({ ...receipt, at: at(1) });
    expect(again.levels).toMatchObject([{ sku, locationId: loc, onHand: 4 }]);
    expect(await storage.ledger(sku)).toHaveLength(1);
    if (reader) expect(await reader.onHand(sku, loc)).toBe(4);
    await storage.receive({ ...receipt, opId: id('op'), at: at(2) });
    expect((await levelOf(storage, sku, loc))?.onHand).toBe(8);
  }),

  storageCheck('adjust: a repeated opId, even concurrent, moves on-hand once', async ({ storage, reader, id, at }) => {
    const [sku, loc, opId] = [id('SKU'), id('loc'), id('op')];
    await storage.receive({ sku, locationId: loc, quantity: 10, at: at() });
    const count = { sku, locationId: loc, delta: -3, reason: 'short pick', opId, at: at(1) };
    await Promise.all([storage.adjust(count), storage.adjust(count)]);
    expect((await storage.adjust({ ...count, at: at(2) })).levels).toMatchObject([{ onHand: 7 }]);
    expect((await storage.ledger(sku)).filter((m) => m.type === 'adjusted')).toHaveLength(1);
    if (reader) expect(await reader.onHand(sku, loc)).toBe(7);
    await expectLedgerMatchesLevels(storage, sku);
  }),

  storageCheck('adjust: changes on-hand and records the reason', async ({ storage, reader, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    await storage.receive({ sku, locationId: loc, quantity: 10, at: at() });
    const result = await storage.adjust({ sku, locationId: loc, delta: -3, reason: 'damaged', at: at(1) });
    expect(result.levels).toMatchObject([{ sku, locationId: loc, onHand: 7, available: 7 }]);
    expect((await storage.ledger(sku)).at(-1)).toMatchObject({ type: 'adjusted', onHandDelta: -3, reservedDelta: 0, reason: 'damaged' });
    if (reader) expect(await reader.onHand(sku, loc)).toBe(7);
  }),

  storageCheck('adjust: below zero is INSUFFICIENT_STOCK and changes nothing', async ({ storage, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    await storage.receive({ sku, locationId: loc, quantity: 2, at: at() });
    await expectCode(storage.adjust({ sku, locationId: loc, delta: -3, reason: 'count', at: at(1) }), 'INSUFFICIENT_STOCK');
    expect((await levelOf(storage, sku, loc))?.onHand).toBe(2);
    expect(await storage.ledger(sku)).toHaveLength(1);
  }),

  storageCheck('adjust: below reserved is INSUFFICIENT_STOCK and changes nothing', async ({ storage, reader, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    await storage.receive({ sku, locationId: loc, quantity: 10, at: at() });
    await storage.reserve({ reservationId: id('res'), orderId: id('ord'), lines: [{ sku, locationId: loc, quantity: 6 }], expiresAt: null, opId: 'op-1', at: at() });
    await expectCode(storage.adjust({ sku, locationId: loc, delta: -5, reason: 'count', at: at(1) }), 'INSUFFICIENT_STOCK');
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, reserved: 6, available: 4 });
    if (reader) expect(await reader.onHand(sku, loc)).toBe(10);
    await storage.adjust({ sku, locationId: loc, delta: -4, reason: 'count', at: at(2) });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
  }),

  storageCheck('receive: on-hand beyond MAX_STOCK_UNITS (2^31 - 1) is VALIDATION_FAILED and changes nothing', async ({ storage, reader, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    await storage.receive({ sku, locationId: loc, quantity: MAX_STOCK_UNITS - 1, at: at() });
    await expectCode(storage.receive({ sku, locationId: loc, quantity: 2, at: at(1) }), 'VALIDATION_FAILED');
    await expectCode(storage.adjust({ sku, locationId: loc, delta: 2, reason: 'count', at: at(2) }), 'VALIDATION_FAILED');
    expect((await levelOf(storage, sku, loc))?.onHand).toBe(MAX_STOCK_UNITS - 1);
    expect(await storage.ledger(sku)).toHaveLength(1);
    if (reader) expect(await reader.onHand(sku, loc)).toBe(MAX_STOCK_UNITS - 1);
    await storage.receive({ sku, locationId: loc, quantity: 1, at: at(3) });
    expect((await levelOf(storage, sku, loc))?.onHand).toBe(MAX_STOCK_UNITS);
  }),

  storageCheck('configureStock: settings persist and safety stock lowers available', async ({ storage, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    const configured = await storage.configureStock({ sku, locationId: loc, safetyStock: 3, reorderPoint: 2, bin: 'B-02-1' });
    expect(configured.levels).toEqual([{ sku, locationId: loc, onHand: 0, reserved: 0, safetyStock: 3, available: 0, reorderPoint: 2, bin: 'B-02-1' }]);
    await storage.receive({ sku, locationId: loc, quantity: 10, at: at() });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, safetyStock: 3, available: 7, reorderPoint: 2, bin: 'B-02-1' });
    await storage.configureStock({ sku, locationId: loc, reorderPoint: null });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ safetyStock: 3, reorderPoint: null, bin: 'B-02-1' });
    await storage.configureStock({ sku, locationId: loc, safetyStock: 20 });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, available: 0 });
  }),

  storageCheck('skus: sorted and includes every SKU with a row', async ({ storage, id, at }) => {
    const base = id('SKU');
    const [later, earlier] = [`${base}-b`, `${base}-a`];
    await storage.receive({ sku: later, locationId: 'loc-1', quantity: 1, at: at() });
    await storage.configureStock({ sku: earlier, locationId: 'loc-1', safetyStock: 0 });
    const skus = await storage.skus();
    expect(skus).toEqual([...skus].sort());
    expect(skus.filter((s) => s.startsWith(base))).toEqual([earlier, later]);
  }),

  storageCheck('levels: one row per location, for every SKU asked', async ({ storage, id, at }) => {
    const [a, b] = [id('SKU'), id('SKU')];
    await storage.receive({ sku: a, locationId: 'loc-east', quantity: 1, at: at() });
    await storage.receive({ sku: a, locationId: 'loc-west', quantity: 2, at: at() });
    await storage.receive({ sku: b, locationId: 'loc-east', quantity: 3, at: at() });
    const levels = await storage.levels([a, b]);
    expect(levels.map((l) => `${l.sku === a ? 'a' : 'b'}@${l.locationId}=${l.onHand}`).sort()).toEqual(['a@loc-east=1', 'a@loc-west=2', 'b@loc-east=3']);
  }),

  storageCheck('ledger: sums equal levels after every kind of movement', async ({ storage, id, at }) => {
    const [sku, east, west] = [id('SKU'), id('loc'), id('loc')];
    await storage.receive({ sku, locationId: east, quantity: 20, at: at() });
    await storage.receive({ sku, locationId: west, quantity: 5, at: at() });
    await storage.adjust({ sku, locationId: east, delta: -2, reason: 'damaged', at: at(1) });
    const order = id('ord');
    const [held, lapsing] = [id('res'), id('res')];
    await storage.reserve({ reservationId: held, orderId: order, lines: [{ sku, locationId: east, quantity: 6 }, { sku, locationId: west, quantity: 2 }], expiresAt: null, opId: 'r', at: at(2) });
    await storage.commitReservation({ reservationId: held, lines: [{ sku, locationId: east, quantity: 4 }], opId: 'c', at: at(3) });
    await storage.releaseReservation({ reservationId: held, lines: [{ sku, locationId: west, quantity: 1 }], opId: 'l', at: at(4) });
    await storage.reserve({ reservationId: lapsing, orderId: id('ord'), lines: [{ sku, locationId: east, quantity: 3 }], expiresAt: at(5), opId: 'r', at: at(4) });
    await storage.expireReservations({ now: at(6) });
    await storage.receive({ sku, locationId: east, quantity: 1, movement: 'returned', orderId: order, at: at(7) });
    const ledger = await storage.ledger(sku);
    expect(new Set(ledger.map((m) => m.type))).toEqual(new Set(['received', 'adjusted', 'reserved', 'committed', 'released', 'expired', 'returned']));
    expect(ledger.map((m) => m.at)).toEqual([...ledger.map((m) => m.at)].sort());
    await expectLedgerMatchesLevels(storage, sku);
    expect(await levelOf(storage, sku, east)).toMatchObject({ onHand: 15, reserved: 2 });
    expect(await levelOf(storage, sku, west)).toMatchObject({ onHand: 5, reserved: 1 });
  }),

  storageCheck('receive: low stock raises one outbox event per downward crossing', async ({ storage, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    await storage.configureStock({ sku, locationId: loc, reorderPoint: 5 });
    await storage.receive({ sku, locationId: loc, quantity: 10, at: at() });
    const orderId = id('ord');
    const hold = (reservationId: string, quantity: number, opId: string) =>
      storage.reserve({ reservationId, orderId, lines: [{ sku, locationId: loc, quantity }], expiresAt: null, opId, at: at(1) });
    const r = id('res');
    await hold(r, 3, 'a'); // available 7: above the reorder point
    await hold(r, 2, 'b'); // 5: crosses
    await hold(r, 1, 'c'); // 4: already below, no new event
    await storage.releaseReservation({ reservationId: r, opId: 'd', at: at(2) }); // back to 10
    await hold(id('res'), 6, 'e'); // 4: crosses again
    const prefix = `low_stock:${sku}:${loc}:`;
    const events = await claimMine(storage, { now: at(60_000), leaseMs: 60_000, mine: (k) => k.startsWith(prefix) });
    expect(events).toHaveLength(2);
    const movementIds = new Set((await storage.ledger(sku)).map((m) => m.id));
    for (const message of events) {
      expect(message.topic).toBe('event');
      expect(movementIds.has(message.key.slice(prefix.length))).toBe(true);
    }
    const data = events.map((m) => (m.payload as DomainEvent<'inventory.low_stock'>).data).sort((x, y) => y.available - x.available);
    expect(events.every((m) => (m.payload as DomainEvent).type === 'inventory.low_stock')).toBe(true);
    expect(data).toEqual([
      { sku, locationId: loc, available: 5, reorderPoint: 5 },
      { sku, locationId: loc, available: 4, reorderPoint: 5 },
    ]);
  }),

  storageCheck('isolation: levels and ledger entries returned can be mutated without changing the store', async ({ storage, id, at }) => {
    const [sku, loc] = [id('SKU'), id('loc')];
    const result = await storage.receive({ sku, locationId: loc, quantity: 4, at: at() });
    (result.levels[0] as LocationLevel).onHand = 1000;
    const levels = await storage.levels([sku]);
    (levels[0] as LocationLevel).reserved = 1000;
    const ledger = await storage.ledger(sku);
    (ledger[0] as { onHandDelta: number }).onHandDelta = 1000;
    ledger.push({ ...(ledger[0] as (typeof ledger)[number]), id: 'intruder' });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 4, reserved: 0 });
    expect(await storage.ledger(sku)).toMatchObject([{ onHandDelta: 4 }]);
  }),
];
