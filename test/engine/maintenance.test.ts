// Crash healing: what a process that died mid-placement leaves behind is
// released and voided by the sweep; paid orders never lose their stock to it.
import { describe, expect, it } from 'vitest';
import { makeShop, orderFor } from '../helpers/shop.js';

const TTL = 15 * 60_000;

describe('maintenance sweep', () => {
  it('a paid order stops its reservation expiring in the same write', async () => {
    const { ff, clock, storage } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    expect(order.status).toBe('processing');
    expect((await storage.getReservation(order.reservationId!))?.expiresAt).toBeNull();
    clock.advance(TTL * 4);
    const swept = await ff.sweep();
    expect(swept.expired).toBe(0);
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(2);
  });

  it('releases the hold and voids the authorization of an order a crash never stored', async () => {
    const { ff, clock, storage, payments } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 5 });
    // What a process leaves when it dies between authorizing and storing the order.
    const orderId = 'ord_crashed';
    await storage.reserve({
      reservationId: `res_${orderId}`,
      orderId,
      lines: [{ sku: 'TEE-M', locationId: 'east', quantity: 3 }],
      expiresAt: new Date(clock.now().getTime() + TTL).toISOString(),
      opId: 'place:0',
      at: clock.now().toISOString(),
    });
    const auth = await payments.authorize({
      orderId,
      amount: { amount: 3000, currency: 'USD' },
      method: 'tok_visa',
      customer: { email: 'a@example.com' },
      idempotencyKey: `${orderId}:authorize:1`,
    });
    expect(auth.status).toBe('authorized');
    expect((await ff.inventory.level('TEE-M')).available).toBe(2);

    clock.advance(TTL + 1);
    const swept = await ff.sweep();
    expect(swept).toMatchObject({ expired: 1, voided: 1 });
    expect((await ff.inventory.level('TEE-M'))).toMatchObject({ reserved: 0, available: 5 });
    expect((await payments.retrieve({ paymentId: auth.paymentId }))?.status).toBe('voided');
    expect(await ff.inventory.reconcile()).toEqual([]);
  });

  it('cancels an unpaid order whose hold lapsed and voids what the provider holds', async () => {
    const { ff, clock, payments } = makeShop();
    await ff.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }, { payment: { method: 'tok_3ds' } }));
    expect(order.status).toBe('pending_payment');
    clock.advance(TTL + 1);
    // Any command may run the sweep; this one does.
    await ff.inventory.receive({ sku: 'CAP', locationId: 'east', quantity: 1 });
    const after = await ff.orders.get(order.id);
    expect(after?.status).toBe('cancelled');
    expect((await ff.inventory.level('TEE-M')).reserved).toBe(0);
    expect((await payments.retrieve({ paymentId: order.payment.paymentId! }))?.status).toBe('voided');
  });
});
