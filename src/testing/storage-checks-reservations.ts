// Conformance checks for reservations: all-or-nothing holds, idempotent
// operations, commit and release limits, expiry, and races.
import { expect } from './runner.js';
import type { Reservation } from '../domain/inventory.js';
import type { ReserveRequest, StorageAdapter } from '../ports/storage.js';
import { expectCode, expectLedgerMatchesLevels, levelOf, type StorageCheck, type StorageCheckContext, storageCheck } from './storage-check-kit.js';
import { runHotSkuScenario } from './storage-hot-sku.js';

// A (sku, location) with `quantity` on hand, and a builder of reserve requests for it.
async function stocked(context: StorageCheckContext, quantity: number) {
  const sku = context.id('SKU');
  const loc = context.id('loc');
  if (quantity > 0) await context.storage.receive({ sku, locationId: loc, quantity, at: context.at() });
  const request = (units: number, changes: Partial<ReserveRequest> = {}): ReserveRequest => ({
    reservationId: context.id('res'),
    orderId: 'ord-1',
    lines: [{ sku, locationId: loc, quantity: units }],
    expiresAt: null,
    opId: context.id('op'),
    at: context.at(1),
    ...changes,
  });
  return { sku, loc, request };
}

function heldTotal(reservation: Reservation): number {
  return reservation.lines.reduce((n, l) => n + l.quantity - l.committed - l.released, 0);
}

async function reservedAt(storage: StorageAdapter, sku: string, loc: string): Promise<number | undefined> {
  return (await levelOf(storage, sku, loc))?.reserved;
}

/** Checks of reserve, commitReservation, releaseReservation, setReservationExpiry, getReservation and expireReservations. */
export const reservationChecks: StorageCheck[] = [
  storageCheck('getReservation: null for an unknown id', async ({ storage, id }) => {
    expect(await storage.getReservation(id('res'))).toBeNull();
  }),

  storageCheck('reserve: holds stock and raises reserved', async (context) => {
    const { storage, reader, at } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(3, { expiresAt: at(900_000) });
    const reservation = await storage.reserve(req);
    expect(reservation).toMatchObject({ id: req.reservationId, orderId: req.orderId, status: 'active', expiresAt: at(900_000), createdAt: req.at });
    expect(reservation.lines).toEqual([{ sku, locationId: loc, quantity: 3, committed: 0, released: 0 }]);
    expect(await storage.getReservation(req.reservationId)).toEqual(reservation);
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    expect((await storage.ledger(sku)).at(-1)).toMatchObject({ type: 'reserved', onHandDelta: 0, reservedDelta: 3, reservationId: req.reservationId, orderId: req.orderId });
    if (reader) expect(await reader.reserved(sku, loc)).toBe(3);
  }),

  storageCheck('reserve: all-or-nothing across lines', async (context) => {
    const { storage, reader, id, at } = context;
    const plenty = await stocked(context, 5);
    const scarce = await stocked(context, 1);
    const reservationId = id('res');
    const error = await expectCode(
      storage.reserve({
        reservationId,
        orderId: id('ord'),
        lines: [
          { sku: plenty.sku, locationId: plenty.loc, quantity: 3 },
          { sku: scarce.sku, locationId: scarce.loc, quantity: 2 },
        ],
        expiresAt: null,
        opId: 'op-1',
        at: at(1),
      }),
      'INSUFFICIENT_STOCK',
    );
    expect(error.details.shortages).toEqual([{ sku: scarce.sku, locationId: scarce.loc, requested: 2, available: 1 }]);
    expect(await reservedAt(storage, plenty.sku, plenty.loc)).toBe(0);
    expect(await reservedAt(storage, scarce.sku, scarce.loc)).toBe(0);
    expect(await storage.getReservation(reservationId)).toBeNull();
    expect((await storage.ledger(plenty.sku)).map((m) => m.type)).toEqual(['received']);
    if (reader) expect(await reader.reserved(plenty.sku, plenty.loc)).toBe(0);
  }),

  storageCheck('reserve: lines of one SKU and location count together', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 5);
    const twice = (a: number, b: number) => request(a, { lines: [{ sku, locationId: loc, quantity: a }, { sku, locationId: loc, quantity: b }] });
    const error = await expectCode(storage.reserve(twice(3, 3)), 'INSUFFICIENT_STOCK');
    expect(error.details.shortages).toEqual([{ sku, locationId: loc, requested: 6, available: 5 }]);
    const reservation = await storage.reserve(twice(2, 3));
    expect(heldTotal(reservation)).toBe(5);
    expect(await levelOf(storage, sku, loc)).toMatchObject({ reserved: 5, available: 0 });
  }),

  storageCheck('reserve: safety stock is never reserved', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    await storage.configureStock({ sku, locationId: loc, safetyStock: 4 });
    const error = await expectCode(storage.reserve(request(7)), 'INSUFFICIENT_STOCK');
    expect(error.details.shortages).toEqual([{ sku, locationId: loc, requested: 7, available: 6 }]);
    await storage.reserve(request(6));
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, reserved: 6, available: 0 });
  }),

  storageCheck('reserve: stock never received is INSUFFICIENT_STOCK with available 0', async (context) => {
    const { sku, loc, request } = await stocked(context, 0);
    const error = await expectCode(context.storage.reserve(request(1)), 'INSUFFICIENT_STOCK');
    expect(error.details.shortages).toEqual([{ sku, locationId: loc, requested: 1, available: 0 }]);
  }),

  storageCheck('reserve: a repeated opId returns the reservation unchanged', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(3);
    const first = await storage.reserve(req);
    const again = await storage.reserve({ ...req, at: context.at(2) });
    expect(again).toEqual(first);
    expect(await reservedAt(storage, sku, loc)).toBe(3);
    expect((await storage.ledger(sku)).filter((m) => m.type === 'reserved')).toHaveLength(1);
  }),

  storageCheck('reserve: a known opId with other lines is IDEMPOTENCY_CONFLICT and changes nothing', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(3);
    const first = await storage.reserve(req);
    await expectCode(storage.reserve({ ...req, lines: [{ sku, locationId: loc, quantity: 5 }], at: context.at(2) }), 'IDEMPOTENCY_CONFLICT');
    expect(await storage.getReservation(req.reservationId)).toEqual(first);
    expect(await reservedAt(storage, sku, loc)).toBe(3);
  }),

  storageCheck('reserve: a new opId tops up the reservation', async (context) => {
    const { storage, at } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(3, { expiresAt: at(60_000) });
    await storage.reserve(req);
    const topped = await storage.reserve({ ...req, lines: [{ sku, locationId: loc, quantity: 2 }], opId: 'top-up', expiresAt: null, at: at(2) });
    expect(topped.status).toBe('active');
    expect(heldTotal(topped)).toBe(5);
    expect(topped.expiresAt).toBe(at(60_000));
    expect(await reservedAt(storage, sku, loc)).toBe(5);
  }),

  storageCheck('reserve: 1,000 concurrent promises on one SKU, exactly the stock succeeds', async ({ storage, at }) => {
    const report = await runHotSkuScenario(storage, { attempts: 1000, stock: 37, at: at() });
    expect(report.violations).toEqual([]);
    expect(report.reserved).toBe(37);
  }),

  storageCheck(
    'reserve: atomic across adapter instances on one store',
    async ({ storage, open, id, at }) => {
      const other = await open();
      const [sku, loc] = [id('SKU'), id('loc')];
      await storage.receive({ sku, locationId: loc, quantity: 50, at: at() });
      const race = Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? storage : other).reserve({
          reservationId: id('res'),
          orderId: id('ord'),
          lines: [{ sku, locationId: loc, quantity: 1 }],
          expiresAt: null,
          opId: 'op',
          at: at(1),
        }),
      );
      const results = await Promise.allSettled(race);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
      expect(await levelOf(other, sku, loc)).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    },
    'multiProcess',
  ),

  storageCheck('commitReservation: on-hand and reserved both fall', async (context) => {
    const { storage, reader } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    const committed = await storage.commitReservation({ reservationId: req.reservationId, opId: 'ship', at: context.at(2) });
    expect(committed.status).toBe('committed');
    expect(committed.lines).toEqual([{ sku, locationId: loc, quantity: 4, committed: 4, released: 0 }]);
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 6, reserved: 0, available: 6 });
    expect((await storage.ledger(sku)).at(-1)).toMatchObject({ type: 'committed', onHandDelta: -4, reservedDelta: -4 });
    if (reader) expect([await reader.onHand(sku, loc), await reader.reserved(sku, loc)]).toEqual([6, 0]);
  }),

  storageCheck('commitReservation: partial lines, never more than is held', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    const line = (quantity: number) => [{ sku, locationId: loc, quantity }];
    const partial = await storage.commitReservation({ reservationId: req.reservationId, lines: line(1), opId: 'c1', at: context.at(2) });
    expect(partial.status).toBe('active');
    expect(partial.lines[0]).toMatchObject({ committed: 1, released: 0 });
    // More than is held is refused, never clamped, and changes nothing.
    const over = await expectCode(storage.commitReservation({ reservationId: req.reservationId, lines: line(10), opId: 'c2', at: context.at(3) }), 'INVALID_TRANSITION');
    expect(over.details.shortages).toEqual([{ sku, locationId: loc, requested: 10, held: 3 }]);
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 9, reserved: 3 });
    const rest = await storage.commitReservation({ reservationId: req.reservationId, lines: line(3), opId: 'c2', at: context.at(3) });
    expect(rest.status).toBe('committed');
    expect(rest.lines[0]).toMatchObject({ quantity: 4, committed: 4 });
    await storage.commitReservation({ reservationId: req.reservationId, opId: 'c3', at: context.at(4) });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 6, reserved: 0 });
    await expectLedgerMatchesLevels(storage, sku);
  }),

  storageCheck('commitReservation: a repeated opId changes nothing', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    const change = { reservationId: req.reservationId, lines: [{ sku, locationId: loc, quantity: 1 }], opId: 'ship-1', at: context.at(2) };
    const first = await storage.commitReservation(change);
    expect(await storage.commitReservation(change)).toEqual(first);
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 9, reserved: 3 });
  }),

  storageCheck('commitReservation: NOT_FOUND for an unknown reservation', async ({ storage, id, at }) => {
    await expectCode(storage.commitReservation({ reservationId: id('res'), opId: 'x', at: at() }), 'NOT_FOUND');
  }),

  storageCheck('releaseReservation: gives held units back to available', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    const partial = await storage.releaseReservation({ reservationId: req.reservationId, lines: [{ sku, locationId: loc, quantity: 1 }], opId: 'r1', reason: 'line cancelled', at: context.at(2) });
    expect(partial.status).toBe('active');
    expect(await levelOf(storage, sku, loc)).toMatchObject({ reserved: 3, available: 7 });
    const released = await storage.releaseReservation({ reservationId: req.reservationId, opId: 'r2', at: context.at(3) });
    expect(released.status).toBe('released');
    expect(released.lines[0]).toMatchObject({ quantity: 4, committed: 0, released: 4 });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect((await storage.ledger(sku)).filter((m) => m.type === 'released').map((m) => [m.reservedDelta, m.reason])).toEqual([
      [-1, 'line cancelled'],
      [-3, null],
    ]);
  }),

  storageCheck('releaseReservation: a repeated opId changes nothing and nothing goes negative', async (context) => {
    const { storage, reader } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    const one = { reservationId: req.reservationId, lines: [{ sku, locationId: loc, quantity: 1 }], opId: 'drop-one', at: context.at(2) };
    const first = await storage.releaseReservation(one);
    expect(await storage.releaseReservation(one)).toEqual(first);
    expect(await reservedAt(storage, sku, loc)).toBe(3);
    await storage.releaseReservation({ reservationId: req.reservationId, opId: 'cancel', at: context.at(3) });
    await expectCode(storage.releaseReservation({ ...one, opId: 'cancel-again', lines: [{ sku, locationId: loc, quantity: 3 }] }), 'INVALID_TRANSITION');
    await expectCode(storage.releaseReservation({ ...one, lines: [{ sku, locationId: loc, quantity: 2 }] }), 'IDEMPOTENCY_CONFLICT');
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect((await storage.getReservation(req.reservationId))?.lines[0]).toMatchObject({ quantity: 4, released: 4 });
    if (reader) expect(await reader.reserved(sku, loc)).toBe(0);
  }),

  storageCheck('releaseReservation: after a partial commit the reservation ends committed', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(4);
    await storage.reserve(req);
    await storage.commitReservation({ reservationId: req.reservationId, lines: [{ sku, locationId: loc, quantity: 1 }], opId: 'ship', at: context.at(2) });
    const ended = await storage.releaseReservation({ reservationId: req.reservationId, opId: 'cancel', at: context.at(3) });
    expect(ended.status).toBe('committed');
    expect(ended.lines[0]).toMatchObject({ quantity: 4, committed: 1, released: 3 });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 9, reserved: 0 });
  }),

  storageCheck('releaseReservation: NOT_FOUND for an unknown reservation', async ({ storage, id, at }) => {
    await expectCode(storage.releaseReservation({ reservationId: id('res'), opId: 'x', at: at() }), 'NOT_FOUND');
  }),

  storageCheck('setReservationExpiry: clearing the expiry protects it from the sweep', async (context) => {
    const { storage, at } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(2, { expiresAt: at(10_000) });
    await storage.reserve(req);
    expect((await storage.setReservationExpiry(req.reservationId, null)).expiresAt).toBeNull();
    const swept = await storage.expireReservations({ now: at(20_000) });
    expect(swept.map((r) => r.id)).not.toContain(req.reservationId);
    expect((await storage.getReservation(req.reservationId))?.status).toBe('active');
    expect(await reservedAt(storage, sku, loc)).toBe(2);
    const later = await storage.setReservationExpiry(req.reservationId, at(30_000));
    expect(later.expiresAt).toBe(at(30_000));
    expect((await storage.expireReservations({ now: at(30_000) })).map((r) => r.id)).toContain(req.reservationId);
  }),

  storageCheck('setReservationExpiry: NOT_FOUND for an unknown reservation', async ({ storage, id, at }) => {
    await expectCode(storage.setReservationExpiry(id('res'), at()), 'NOT_FOUND');
  }),

  storageCheck('expireReservations: releases due active reservations only', async (context) => {
    const { storage, at } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const due = request(1, { expiresAt: at(60_000) });
    const notYet = request(2, { expiresAt: at(600_000) });
    const forever = request(3);
    const committed = request(1, { expiresAt: at(30_000) });
    for (const req of [due, notYet, forever, committed]) await storage.reserve(req);
    await storage.commitReservation({ reservationId: committed.reservationId, opId: 'ship', at: at(2) });
    const swept = (await storage.expireReservations({ now: at(300_000) })).filter((r) => r.lines.some((l) => l.sku === sku));
    expect(swept.map((r) => r.id)).toEqual([due.reservationId]);
    expect(swept[0]).toMatchObject({ status: 'expired', lines: [{ quantity: 1, released: 1, committed: 0 }] });
    expect(await storage.getReservation(due.reservationId)).toMatchObject({ status: 'expired' });
    expect(await storage.getReservation(committed.reservationId)).toMatchObject({ status: 'committed' });
    expect(await levelOf(storage, sku, loc)).toMatchObject({ onHand: 9, reserved: 5 });
    expect((await storage.ledger(sku)).filter((m) => m.type === 'expired')).toMatchObject([{ reservationId: due.reservationId, reservedDelta: -1, onHandDelta: 0 }]);
    const again = await storage.expireReservations({ now: at(300_000) });
    expect(again.map((r) => r.id)).not.toContain(due.reservationId);
  }),

  storageCheck('expireReservations: stops at the limit', async (context) => {
    const { storage, at } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const requests = [request(1, { expiresAt: at(1000) }), request(1, { expiresAt: at(2000) }), request(1, { expiresAt: at(3000) })];
    for (const req of requests) await storage.reserve(req);
    expect(await storage.expireReservations({ now: at(5000), limit: 1 })).toHaveLength(1);
    await storage.expireReservations({ now: at(5000) });
    for (const req of requests) expect((await storage.getReservation(req.reservationId))?.status).toBe('expired');
    expect(await reservedAt(storage, sku, loc)).toBe(0);
  }),

  storageCheck('isolation: reserve requests and returned reservations can be mutated without changing the store', async (context) => {
    const { storage } = context;
    const { sku, loc, request } = await stocked(context, 10);
    const req = request(2);
    const reservation = await storage.reserve(req);
    (req.lines[0] as { quantity: number }).quantity = 9;
    (reservation.lines[0] as { committed: number }).committed = 2;
    reservation.status = 'committed';
    const fetched = (await storage.getReservation(req.reservationId)) as Reservation;
    fetched.lines.push({ sku, locationId: loc, quantity: 5, committed: 0, released: 0 });
    expect(await storage.getReservation(req.reservationId)).toMatchObject({ status: 'active', lines: [{ quantity: 2, committed: 0, released: 0 }] });
    expect(await reservedAt(storage, sku, loc)).toBe(2);
  }),
];
