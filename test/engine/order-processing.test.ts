// Step 3, order processing: authorization outcomes, payment retries, unpaid
// hold expiry, capture policy, holds and a host-provided fraud guard.
import { describe, expect, it } from 'vitest';
import { orderMachine } from '../../src/machines/order.js';
import { expectCode, fulfil, makeShop, orderFor, reload, stock } from '../helpers/shop.js';

describe('authorization', () => {
  it('a decline leaves the order payment_failed with its stock still held', async () => {
    const { ff, notifier } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    expect(order.status).toBe('payment_failed');
    expect(order.payment).toMatchObject({ status: 'failed', lastError: { code: 'card_declined' } });
    expect((await ff.inventory.level('MUG')).reserved).toBe(2);
    await ff.outbox.dispatch();
    expect(notifier.sent({ template: 'order.payment_failed' })).toHaveLength(1);
  });

  it('retryPayment with a good card moves on to processing and stops the hold clock', async () => {
    const { ff, storage } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    expect((await storage.getReservation(order.reservationId!))?.expiresAt).not.toBeNull();
    const paid = await ff.orders.retryPayment(order.id, { method: 'tok_visa' });
    expect(paid.status).toBe('processing');
    expect(paid.payment).toMatchObject({ status: 'authorized', attempts: 2, authorized: 2000 });
    expect((await storage.getReservation(order.reservationId!))?.expiresAt).toBeNull();
  });

  it('a decline is a result for place and retryPayment alike: the order comes back payment_failed', async () => {
    const { ff, payments } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    expect(order.status).toBe('payment_failed');
    expect(order.payment).toMatchObject({ status: 'failed', attempts: 1, lastError: { code: 'card_declined' } });
    const again = await ff.orders.retryPayment(order.id, { method: 'tok_insufficient_funds' });
    expect(again.status).toBe('payment_failed');
    expect(again.payment).toMatchObject({ status: 'failed', attempts: 2, lastError: { code: 'insufficient_funds' } });
    expect(await reload(ff, order.id)).toEqual(again);
    expect((await ff.inventory.level('MUG')).reserved).toBe(2);
    expect(payments.ledger().filter((entry) => entry.operation === 'authorize')).toEqual([]); // declines move no money
    const paid = await ff.orders.retryPayment(order.id, { method: 'tok_visa' });
    expect(paid).toMatchObject({ status: 'processing', payment: { status: 'authorized', attempts: 3 } });
  });

  it('retryPayment on an order that is not payment_failed is INVALID_TRANSITION', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    await expectCode(ff.orders.retryPayment(order.id, { method: 'tok_visa' }), 'INVALID_TRANSITION');
    expect((await reload(ff, order.id)).payment.attempts).toBe(1);
  });

  it('a provider timeout on every attempt is recorded as a failed payment, not a crash', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }, { payment: { method: 'tok_timeout' } }));
    expect(order.status).toBe('payment_failed');
    expect(order.payment.lastError?.code).toBe('ADAPTER_ERROR');
  });

  it('3-D Secure waits in pending_payment until the customer completes it', async () => {
    const { ff, payments } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }, { payment: { method: 'tok_3ds' } }));
    expect(order.status).toBe('pending_payment');
    expect(order.payment.status).toBe('requires_action');
    await payments.completeAction(order.payment.paymentId!);
    expect((await ff.orders.syncPayment(order.id)).status).toBe('processing');
  });
});

describe('authorization whose answer was lost', () => {
  const lossy = { fault: (op: string, attempt: number) => (op === 'authorize' && attempt <= 3 ? 'late' : op === 'retrieve' && attempt === 1 ? 'error' : null) } as const;

  it('retryPayment adopts the authorization the provider did make instead of authorizing twice', async () => {
    const { ff, payments } = makeShop({}, { payment: lossy });
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    expect(order.status).toBe('payment_failed');
    expect(payments.payments()).toEqual([expect.objectContaining({ status: 'authorized' })]);

    const paid = await ff.orders.retryPayment(order.id, { method: 'tok_visa' });
    expect(paid.status).toBe('processing');
    expect(paid.payment).toMatchObject({ attempts: 1, paymentId: payments.payments()[0]?.paymentId });
    expect(payments.ledger().filter((e) => e.operation === 'authorize')).toHaveLength(1);
  });

  it('cancel voids the authorization the provider did make', async () => {
    const { ff, payments } = makeShop({}, { payment: lossy });
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    expect(order.payment.paymentId).toBeNull();
    const cancelled = await ff.orders.cancel(order.id, { reason: 'customer left' });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.payment.status).toBe('voided');
    expect(cancelled.payment.paymentId).toBe(payments.payments()[0]?.paymentId);
    expect(payments.payments()[0]?.status).toBe('voided');
  });
});

describe('reservation expiry', () => {
  it('a sweep after the TTL cancels the unpaid order and releases its stock', async () => {
    const { ff, clock, storage } = makeShop({ policy: { reservationTtlMs: 60_000 } });
    await stock(ff, 'east', { MUG: 5 });
    const unpaid = await ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    const paid = await ff.orders.place(orderFor({ MUG: 1 }));

    clock.advance(30_000);
    expect(await ff.sweep()).toMatchObject({ expired: 0, cancelled: 0 });
    clock.advance(30_001);
    expect(await ff.sweep()).toMatchObject({ expired: 1, cancelled: 1 });

    expect((await reload(ff, unpaid.id)).status).toBe('cancelled');
    expect((await storage.getReservation(unpaid.reservationId!))?.status).toBe('expired');
    expect((await reload(ff, paid.id)).status).toBe('processing');
    expect(await ff.inventory.level('MUG')).toMatchObject({ reserved: 1, available: 4 });
    expect(await ff.inventory.reconcile()).toEqual([]);
  });

  it('any command runs the sweep once the interval has passed', async () => {
    const { ff, clock } = makeShop({ policy: { reservationTtlMs: 60_000, sweepIntervalMs: 1_000 } });
    await stock(ff, 'east', { MUG: 2 });
    const unpaid = await ff.orders.place(orderFor({ MUG: 2 }, { payment: { method: 'tok_decline' } }));
    await expectCode(ff.orders.place(orderFor({ MUG: 1 })), 'INSUFFICIENT_STOCK');
    clock.advance(61_000);
    const next = await ff.orders.place(orderFor({ MUG: 2 }));
    expect(next.status).toBe('processing');
    expect((await reload(ff, unpaid.id)).status).toBe('cancelled');
  });
});

describe('capture policy', () => {
  it('on_place captures the whole authorization at placement', async () => {
    const { ff, payments } = makeShop({ policy: { capture: 'on_place' } });
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    expect(order.payment).toMatchObject({ status: 'captured', captured: 2000 });
    expect(payments.ledger().map((e) => [e.operation, e.amount])).toEqual([
      ['authorize', 2000],
      ['capture', 2000],
    ]);
    await fulfil(ff, order.id);
    expect(payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
  });

  it('on_ship captures nothing until the shipment leaves', async () => {
    const { ff, payments } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 2 }));
    expect(order.payment).toMatchObject({ status: 'authorized', captured: 0 });
    expect(payments.ledger().some((e) => e.operation === 'capture')).toBe(false);
    const shipped = await fulfil(ff, order.id);
    expect(shipped.payment).toMatchObject({ status: 'captured', captured: 2000 });
    expect(payments.payments()[0]).toMatchObject({ captured: 2000, authorized: 2000 });
  });
});

describe('holds', () => {
  it('hold and releaseHold return a processing order to processing', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    const held = await ff.orders.hold(order.id, { reason: 'address check' });
    expect(held.status).toBe('on_hold');
    expect(held.hold?.reason).toBe('address check');
    const shipmentId = held.shipments[0]!.id;
    // Nothing of a held order is picked, packed or shipped.
    await expectCode(ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }] }), 'INVALID_TRANSITION');
    await expectCode(ff.fulfillment.pack(shipmentId), 'INVALID_TRANSITION');
    await expectCode(ff.fulfillment.ship(shipmentId), 'INVALID_TRANSITION');
    const released = await ff.orders.releaseHold(order.id);
    expect(released.status).toBe('processing');
    expect(released.hold).toBeNull();
    await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 1 }] });
    await ff.fulfillment.pack(shipmentId);
    expect((await ff.fulfillment.ship(shipmentId)).shipment.status).toBe('shipped');
  });

  it('releaseHold returns a backordered order to backordered', async () => {
    const { ff } = makeShop({ policy: { backorders: true } });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    expect(order.status).toBe('backordered');
    expect((await ff.orders.hold(order.id, { reason: 'customer called' })).status).toBe('on_hold');
    expect((await ff.orders.releaseHold(order.id)).status).toBe('backordered');
  });

  it('holding a shipped order is INVALID_TRANSITION', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    const shipped = await fulfil(ff, order.id);
    expect(shipped.status).toBe('shipped');
    await expectCode(ff.orders.hold(order.id, { reason: 'too late' }), 'INVALID_TRANSITION');
    expect((await reload(ff, order.id)).version).toBe(shipped.version);
  });

  it('releaseHold on an order that is not held is INVALID_TRANSITION', async () => {
    const { ff } = makeShop();
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    await expectCode(ff.orders.releaseHold(order.id), 'INVALID_TRANSITION');
  });
});

describe('host fraud check through orderMachine.provide()', () => {
  it('a guard that reads the order holds only the orders it flags', async () => {
    const orderMachineWithLimit = orderMachine.provide({
      guards: { canProcess: ({ event }) => event.type !== 'PAYMENT_AUTHORIZED' || (event.order?.totals.total.amount ?? 0) < 5000 },
    });
    const { ff } = makeShop({ orderMachine: orderMachineWithLimit });
    await stock(ff, 'east', { MUG: 20 });
    expect((await ff.orders.place(orderFor({ MUG: 2 }))).status).toBe('processing');
    const big = await ff.orders.place(orderFor({ MUG: 10 }));
    expect(big.status).toBe('on_hold');
    expect(big.hold?.reason).toBe('review');
  });


  it('an order the guard refuses waits on hold for review; release approves it', async () => {
    const { ff } = makeShop({ orderMachine: orderMachine.provide({ guards: { canProcess: () => false } }) });
    await stock(ff, 'east', { MUG: 5 });
    const order = await ff.orders.place(orderFor({ MUG: 1 }));
    expect(order.status).toBe('on_hold');
    expect(order.hold?.reason).toBe('review');
    expect(order.payment.status).toBe('authorized');
    expect((await ff.fulfillment.pickList({ locationId: 'east' })).shipmentIds).toEqual([]);

    const approved = await ff.orders.releaseHold(order.id);
    expect(approved.status).toBe('processing');
    expect((await ff.fulfillment.pickList({ locationId: 'east' })).shipmentIds).toEqual([order.shipments[0]!.id]);
  });
});
