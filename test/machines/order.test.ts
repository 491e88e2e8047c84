import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { isFulfillmentError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/order.js';
import type { OrderStatus } from '../../src/domain/status.js';
import {
  applyOrderEvent,
  initialOrderState,
  ORDER_MACHINE_VERSION,
  type OrderMachine,
  type OrderMachineEvent,
  type OrderMachineState,
  type OrderTransition,
  orderMachine,
  orderStatusOf,
  type ShipmentSummary,
} from '../../src/machines/order.js';

const paid: OrderMachineEvent = { type: 'PAYMENT_AUTHORIZED', backordered: false };
const paidShort: OrderMachineEvent = { type: 'PAYMENT_AUTHORIZED', backordered: true };
const declined: OrderMachineEvent = { type: 'PAYMENT_DECLINED', code: 'card_declined', message: 'Declined' };
const hold: OrderMachineEvent = { type: 'HOLD', reason: 'address check' };
const release: OrderMachineEvent = { type: 'RELEASE_HOLD' };
const cancel: OrderMachineEvent = { type: 'CANCEL', reason: 'customer asked' };
const shipments = (s: Partial<ShipmentSummary>): OrderMachineEvent => ({
  type: 'SHIPMENTS_UPDATED',
  summary: { active: 1, shipped: 0, delivered: 0, backorderedUnits: 0, ...s },
});

function drive(events: OrderMachineEvent[], machine?: OrderMachine): OrderTransition {
  let result: OrderTransition = { ...initialOrderState(machine), holdReason: null, actions: [] };
  for (const event of events) result = applyOrderEvent(result.state, event, machine);
  return result;
}

function invalid(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    if (isFulfillmentError(err, 'INVALID_TRANSITION')) return err.details;
    throw err;
  }
  throw new Error('expected INVALID_TRANSITION');
}

describe('order machine: payment and stock', () => {
  it('starts in pending_payment with a small JSON snapshot carrying the version', () => {
    const { state, status } = initialOrderState();
    expect(status).toBe('pending_payment');
    expect(state.version).toBe(ORDER_MACHINE_VERSION);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(JSON.stringify(state).length).toBeLessThan(250);
  });

  it('goes to processing when paid with stock reserved, asking the engine to start fulfillment', () => {
    const r = drive([paid]);
    expect(r.status).toBe('processing');
    expect(r.actions).toEqual(['startFulfillment']);
  });

  it('goes to backordered when stock is short, then to processing when stock arrives', () => {
    expect(drive([paidShort]).status).toBe('backordered');
    expect(drive([paidShort, { type: 'STOCK_ALLOCATED', backordered: true }]).status).toBe('backordered');
    const arrived = drive([paidShort, { type: 'STOCK_ALLOCATED', backordered: false }]);
    expect(arrived.status).toBe('processing');
    expect(arrived.actions).toEqual(['startFulfillment']);
  });

  it('puts a short pick on backorder', () => {
    expect(drive([paid, { type: 'STOCK_SHORT' }]).status).toBe('backordered');
    expect(drive([paid, { type: 'STOCK_ALLOCATED', backordered: true }]).status).toBe('backordered');
  });

  it('waits in pending_payment when the payment needs the customer', () => {
    const r = drive([{ type: 'PAYMENT_REQUIRES_ACTION' }]);
    expect(r.status).toBe('pending_payment');
    expect(r.actions).toEqual(['requestPaymentAction']);
  });

  it('fails on decline, recovers on a successful retry, or is cancelled when the reservation lapses', () => {
    expect(drive([declined]).status).toBe('payment_failed');
    expect(drive([declined, declined]).status).toBe('payment_failed');
    expect(drive([declined, paid]).status).toBe('processing');
    expect(drive([declined, paidShort]).status).toBe('backordered');
    const lapsed = drive([declined, { type: 'RESERVATION_EXPIRED' }]);
    expect(lapsed.status).toBe('cancelled');
    expect(lapsed.actions).toEqual(['releaseReservation', 'voidPayment']);
  });
});

describe('order machine: holds', () => {
  const before: Array<[OrderStatus, OrderMachineEvent[]]> = [
    ['pending_payment', []],
    ['payment_failed', [declined]],
    ['backordered', [paidShort]],
    ['processing', [paid]],
  ];

  it.each(before)('holds from %s with a reason and releases back to it', (status, path) => {
    const held = drive([...path, hold]);
    expect(held.status).toBe('on_hold');
    expect(held.holdReason).toBe('address check');
    expect(held.actions).toEqual(['pauseFulfillment']);
    const released = applyOrderEvent(JSON.parse(JSON.stringify(held.state)), release);
    expect(released.status).toBe(status);
    expect(released.holdReason).toBeNull();
  });

  it('cancels from a hold', () => {
    expect(drive([paid, hold, cancel]).status).toBe('cancelled');
  });

  it('does not hold once anything shipped, nor twice', () => {
    expect(invalid(() => drive([paid, shipments({ active: 2, shipped: 1 }), hold]))).toEqual({
      status: 'partially_shipped',
      event: 'HOLD',
    });
    expect(invalid(() => drive([hold, hold]))).toEqual({ status: 'on_hold', event: 'HOLD' });
    expect(invalid(() => drive([release]))).toEqual({ status: 'pending_payment', event: 'RELEASE_HOLD' });
  });
});

describe('order machine: host checks with .provide()', () => {
  // A fraud check: orders over 1,000.00 wait for review before processing.
  const withFraudCheck = orderMachine.provide({
    guards: {
      canProcess: ({ event }) =>
        event.type !== 'PAYMENT_AUTHORIZED' || (event.order?.totals.total.amount ?? 0) < 100_000,
    },
  });
  const orderOf = (amount: number) => ({ totals: { total: { amount, currency: 'EUR' } } }) as unknown as Order;

  it('sends a flagged order to on_hold with reason review, and release continues to processing', () => {
    const held = drive([{ type: 'PAYMENT_AUTHORIZED', backordered: false, order: orderOf(250_000) }], withFraudCheck);
    expect(held).toMatchObject({ status: 'on_hold', holdReason: 'review', actions: ['requestReview'] });
    const approved = applyOrderEvent(held.state, release, withFraudCheck);
    expect(approved.status).toBe('processing');
    expect(approved.actions).toEqual(['startFulfillment']);
  });

  it('continues a reviewed backordered order to backordered', () => {
    const held = drive([{ type: 'PAYMENT_AUTHORIZED', backordered: true, order: orderOf(250_000) }], withFraudCheck);
    expect(applyOrderEvent(held.state, release, withFraudCheck).status).toBe('backordered');
  });

  it('lets orders that pass the check through, and leaves the default machine unchanged', () => {
    expect(drive([{ type: 'PAYMENT_AUTHORIZED', backordered: false, order: orderOf(5_000) }], withFraudCheck).status).toBe(
      'processing',
    );
    expect(drive([{ type: 'PAYMENT_AUTHORIZED', backordered: false, order: orderOf(250_000) }]).status).toBe('processing');
  });

  it('reports transitions to a listener on a live actor of the same machine', () => {
    const seen: string[] = [];
    const actor = createActor(withFraudCheck);
    actor.subscribe((snapshot) => seen.push(JSON.stringify(snapshot.value)));
    actor.start();
    actor.send({ type: 'PAYMENT_AUTHORIZED', backordered: false, order: orderOf(250_000) });
    actor.stop();
    expect(seen).toEqual(['{"unshipped":"pending_payment"}', '{"on_hold":"review"}']);
  });
});

describe('order machine: shipments decide the fulfillment status', () => {
  const cases: Array<[Partial<ShipmentSummary>, OrderStatus]> = [
    [{ active: 2, shipped: 2, delivered: 2 }, 'delivered'],
    [{ active: 2, shipped: 2, delivered: 2, backorderedUnits: 1 }, 'partially_delivered'],
    [{ active: 2, shipped: 2, delivered: 1 }, 'partially_delivered'],
    [{ active: 2, shipped: 2 }, 'shipped'],
    [{ active: 2, shipped: 2, backorderedUnits: 3 }, 'partially_shipped'],
    [{ active: 2, shipped: 1 }, 'partially_shipped'],
    [{ active: 1, backorderedUnits: 2 }, 'backordered'],
    [{ active: 1 }, 'processing'],
    [{ active: 0 }, 'processing'],
  ];

  it.each(cases)('derives %j as %s', (summary, status) => {
    expect(drive([paid, shipments(summary)]).status).toBe(status);
    expect(drive([paidShort, shipments(summary)]).status).toBe(status);
  });

  it('follows split shipments from several locations to delivery', () => {
    const r = drive([
      paid,
      shipments({ active: 2, shipped: 1 }),
      shipments({ active: 2, shipped: 2 }),
      shipments({ active: 2, shipped: 2, delivered: 1 }),
      shipments({ active: 2, shipped: 2, delivered: 2 }),
    ]);
    expect(r.status).toBe('delivered');
  });

  it('never falls back before shipping once something shipped', () => {
    expect(invalid(() => drive([paid, shipments({ active: 1, shipped: 1 }), shipments({ active: 1 })]))).toEqual({
      status: 'shipped',
      event: 'SHIPMENTS_UPDATED',
    });
  });

  it('ignores shipment updates before payment', () => {
    expect(invalid(() => drive([shipments({ active: 1, shipped: 1 })]))).toEqual({
      status: 'pending_payment',
      event: 'SHIPMENTS_UPDATED',
    });
  });
});

describe('order machine: cancellation', () => {
  it.each([
    ['pending_payment', []],
    ['payment_failed', [declined]],
    ['backordered', [paidShort]],
    ['processing', [paid]],
  ] as Array<[string, OrderMachineEvent[]]>)('cancels from %s', (_status, path) => {
    const r = drive([...path, cancel]);
    expect(r.status).toBe('cancelled');
    expect(r.actions).toEqual(['releaseReservation', 'voidPayment']);
  });

  it('after a partial shipment cancels only the unshipped part, then settles on what shipped', () => {
    const partial = drive([paid, shipments({ active: 2, shipped: 1 }), cancel]);
    expect(partial.status).toBe('partially_shipped');
    expect(partial.actions).toEqual(['cancelUnshipped']);
    expect(applyOrderEvent(partial.state, shipments({ active: 1, shipped: 1 })).status).toBe('shipped');
  });

  it('refuses to cancel once everything shipped, and accepts nothing after cancelled', () => {
    expect(invalid(() => drive([paid, shipments({ active: 1, shipped: 1 }), cancel]))).toEqual({
      status: 'shipped',
      event: 'CANCEL',
    });
    expect(invalid(() => drive([cancel, paid]))).toEqual({ status: 'cancelled', event: 'PAYMENT_AUTHORIZED' });
  });
});

describe('order machine: returns', () => {
  const delivered = [paid, shipments({ active: 1, shipped: 1, delivered: 1 })];

  it('records partial then full returns after delivery', () => {
    expect(drive([...delivered, { type: 'RETURN_RECEIVED', fully: false }]).status).toBe('partially_returned');
    expect(
      drive([...delivered, { type: 'RETURN_RECEIVED', fully: false }, { type: 'RETURN_RECEIVED', fully: true }]).status,
    ).toBe('returned');
    expect(drive([...delivered, { type: 'RETURN_RECEIVED', fully: true }]).status).toBe('returned');
  });

  it('keeps partially_returned when a later shipment is delivered', () => {
    const r = drive([
      paid,
      shipments({ active: 2, shipped: 2, delivered: 1 }),
      { type: 'RETURN_RECEIVED', fully: false },
      shipments({ active: 2, shipped: 2, delivered: 2 }),
    ]);
    expect(r.status).toBe('partially_returned');
  });

  it('rejects returns before anything shipped and after everything came back', () => {
    expect(invalid(() => drive([paid, { type: 'RETURN_RECEIVED', fully: true }])).status).toBe('processing');
    expect(invalid(() => drive([...delivered, { type: 'RETURN_RECEIVED', fully: true }, cancel])).status).toBe(
      'returned',
    );
  });
});

describe('order machine: stored state', () => {
  it('does not mutate the state it is given', () => {
    const start = initialOrderState().state;
    const copy = JSON.parse(JSON.stringify(start));
    applyOrderEvent(start, hold);
    expect(start).toEqual(copy);
  });

  it('hands out independent copies of identical results', () => {
    const a = drive([paid]);
    const b = drive([paid]);
    (a.state.snapshot as { context: { holdReason: string } }).context.holdReason = 'tampered';
    a.actions.push('tampered');
    expect(b.state.snapshot).toMatchObject({ context: { holdReason: null } });
    expect(drive([paid]).actions).toEqual(['startFulfillment']);
  });

  it('reads the status without restoring', () => {
    expect(orderStatusOf(drive([paid, hold]).state)).toBe('on_hold');
    expect(orderStatusOf(drive([paid, shipments({ active: 1, shipped: 1 })]).state)).toBe('shipped');
  });

  it('rejects a snapshot from another machine version', () => {
    const state: OrderMachineState = { ...initialOrderState().state, version: ORDER_MACHINE_VERSION + 1 };
    expect(invalid(() => applyOrderEvent(state, paid))).toMatchObject({ reason: 'version_mismatch' });
    expect(invalid(() => orderStatusOf(state))).toMatchObject({ reason: 'version_mismatch' });
  });

  it('rejects an unreadable snapshot', () => {
    const bad = (snapshot: unknown) => ({ version: ORDER_MACHINE_VERSION, snapshot });
    expect(invalid(() => applyOrderEvent(bad(null), paid))).toMatchObject({ reason: 'unreadable_snapshot' });
    expect(invalid(() => applyOrderEvent(bad({ value: 'nowhere', context: {} }), paid))).toMatchObject({
      reason: 'unreadable_snapshot',
    });
    expect(invalid(() => orderStatusOf(bad({ value: 'nowhere' })))).toMatchObject({ reason: 'unreadable_snapshot' });
  });

  it('can be handed to createActor to continue on a live actor', () => {
    const held = drive([paidShort, hold]);
    const actor = createActor(orderMachine, { snapshot: held.state.snapshot as never }).start();
    actor.send(release);
    expect(actor.getSnapshot().value).toEqual({ unshipped: 'backordered' });
    actor.stop();
  });
});
