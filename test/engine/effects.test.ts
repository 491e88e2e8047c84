// The effect model seen from outside: unpaid or unpicked goods never leave, a
// refused void stops the cancellation, a scan before hand-over never delivers
// unpaid goods, NO_RATES explains itself.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import type { Order } from '../../src/domain/order.js';
import type { CarrierAdapter } from '../../src/ports/carrier.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { expectCode, makeShop, orderFor, reload, shipmentOf, stock, storeState } from '../helpers/shop.js';

async function pickedShop(adapters: Parameters<typeof makeShop>[1] = {}, overrides: Parameters<typeof makeShop>[0] = {}) {
  const shop = makeShop(overrides, adapters);
  await stock(shop.ff, 'east', { MUG: 5 });
  const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
  const shipmentId = shipmentOf(order).id;
  return { ...shop, order, shipmentId };
}

describe('unpaid and unpicked goods never leave', () => {
  it('pack of a shipment whose pick was never confirmed is INVALID_TRANSITION and changes nothing', async () => {
    const shop = await pickedShop();
    const before = await storeState(shop, ['MUG']);
    const error = await expectCode(shop.ff.fulfillment.pack(shop.shipmentId), 'INVALID_TRANSITION');
    expect(error.details).toMatchObject({ event: 'PACK', shipmentId: shop.shipmentId });
    await shop.ff.fulfillment.pickList({ locationId: 'east' });
    await expectCode(shop.ff.fulfillment.pack(shop.shipmentId), 'INVALID_TRANSITION');
    expect(shipmentOf(await reload(shop.ff, shop.order.id)).lines.every((l) => l.picked === null)).toBe(true);
    expect((await storeState(shop, ['MUG'])).payments).toEqual(before.payments);
  });

  it('a shipment of an order waiting for 3-D Secure is neither picked, packed nor shipped', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }, { payment: { method: 'tok_3ds' } }));
    expect(order.status).toBe('pending_payment');
    const id = shipmentOf(order).id;
    const before = await storeState(shop, ['MUG']);
    await expectCode(shop.ff.fulfillment.confirmPick(id, { lines: [{ sku: 'MUG', quantity: 1 }] }), 'INVALID_TRANSITION');
    await expectCode(shop.ff.fulfillment.pack(id), 'INVALID_TRANSITION');
    await expectCode(shop.ff.fulfillment.ship(id), 'INVALID_TRANSITION');
    expect(await storeState(shop, ['MUG'])).toEqual(before);
    expect(shop.carrier.labels()).toEqual([]);
    // Completing 3-D Secure afterwards still works: nothing was committed.
    await shop.payments.completeAction(order.payment.paymentId as string, 'approve');
    expect((await shop.ff.orders.syncPayment(order.id)).status).toBe('processing');
  });

  it('a packed shipment of an order put on hold is not shipped, and no label is bought', async () => {
    const shop = await pickedShop();
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    await shop.ff.orders.hold(shop.order.id, { reason: 'address check' });
    await expectCode(shop.ff.fulfillment.ship(shop.shipmentId), 'INVALID_TRANSITION');
    expect(shop.carrier.labels()).toEqual([]);
  });
});

describe('a refused void is not a successful cancel', () => {
  it('stops the cancellation with an error naming the shipment; money, stock and the label stay as they were', async () => {
    const shop = await pickedShop({ payment: { fault: (op, attempt) => (op === 'capture' && attempt === 1 ? 'rejected' : null) } });
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    await expect(shop.ff.fulfillment.ship(shop.shipmentId)).rejects.toMatchObject({ retryable: false });
    const labelled = shipmentOf(await reload(shop.ff, shop.order.id));
    expect(labelled.status).toBe('label_purchased');
    shop.clock.advance(3 * 3_600_000); // the carrier has collected it: voids are refused now
    const before = await storeState(shop, ['MUG']);
    const error = await expectCode(shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' }), 'INVALID_TRANSITION');
    expect(error.details).toMatchObject({ shipmentId: shop.shipmentId, reason: 'void_refused', trackingNumber: labelled.label?.trackingNumber });
    const after = await storeState(shop, ['MUG']);
    expect(after.levels).toEqual(before.levels);
    expect(after.payments).toEqual(before.payments);
    const order = await reload(shop.ff, shop.order.id);
    expect(order).toMatchObject({ status: 'processing', payment: { status: 'authorized' }, intent: null });
    expect(shipmentOf(order)).toMatchObject({ status: 'label_purchased', label: labelled.label });
    expect(shop.payments.payments()[0]?.status).toBe('authorized');
  });
});

describe('a carrier scan before the hand-over completed', () => {
  async function labelledShop(captureRefusals: number) {
    let refusals = captureRefusals;
    const shop = await pickedShop({ payment: { fault: (op) => (op === 'capture' && refusals-- > 0 ? 'rejected' : null) } });
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    await expect(shop.ff.fulfillment.ship(shop.shipmentId)).rejects.toBeDefined();
    const s = shipmentOf(await reload(shop.ff, shop.order.id));
    const scan = (status: 'in_transit' | 'delivered', minutes: number) =>
      shop.ff.tracking.record({ carrierId: s.rate?.carrierId ?? '', trackingNumber: s.label?.trackingNumber ?? '', status, occurredAt: new Date(shop.clock.now().getTime() + minutes * 60_000).toISOString() });
    return { ...shop, scan };
  }

  it('completes the hand-over: the money is captured and the stock committed, then the scan moves it', async () => {
    const shop = await labelledShop(1);
    await shop.scan('in_transit', 1);
    const order = await reload(shop.ff, shop.order.id);
    expect(shipmentOf(order).status).toBe('in_transit');
    expect(order.payment).toMatchObject({ captured: 2000, status: 'captured' });
    expect(shop.payments.ledger().filter((e) => e.operation === 'capture').map((e) => e.amount)).toEqual([2000]);
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('never delivers unpaid goods: while the capture is refused the parcel waits, and the sweep completes it later', async () => {
    const shop = await labelledShop(3);
    await shop.scan('in_transit', 1);
    await shop.scan('delivered', 2);
    let order = await reload(shop.ff, shop.order.id);
    expect(shipmentOf(order).status).toBe('label_purchased');
    expect(shipmentOf(order).trackingEvents.map((e) => e.status)).toEqual(['in_transit', 'delivered']);
    expect(order.payment.captured).toBe(0);
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 2 });
    // The provider takes the capture again: the sweep hands the parcel over and replays the scans.
    const swept = await shop.ff.sweep();
    expect(swept.handedOver).toBe(1);
    order = await reload(shop.ff, shop.order.id);
    expect(order.status).toBe('delivered');
    expect(order.payment).toMatchObject({ captured: 2000 });
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 3, reserved: 0 });
  });
});

describe('NO_RATES explains the rates the engine set aside', () => {
  it('names an unknown service', async () => {
    const shop = await pickedShop();
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    const error = await expectCode(shop.ff.fulfillment.ship(shop.shipmentId, { service: 'teleport' }), 'NO_RATES');
    expect(error.details.messages).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SERVICE_NOT_OFFERED', message: expect.stringContaining('teleport') })]));
  });

  it('names rates quoted in another currency', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const inner = sandboxCarrier({ clock });
    const euros = Object.create(inner) as CarrierAdapter;
    euros.getRates = async (request) => {
      const quote = await inner.getRates(request);
      return { ...quote, rates: quote.rates.map((r) => ({ ...r, amount: { ...r.amount, currency: 'EUR' } })) };
    };
    const shop = await pickedShop({}, { clock, carriers: [euros] });
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    const error = await expectCode(shop.ff.fulfillment.ship(shop.shipmentId), 'NO_RATES');
    expect(error.details.messages).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'CURRENCY_MISMATCH' })]));
  });
});

describe('money is recorded by what each operation did', () => {
  it('two returns of one order refund each its own amount, and the order agrees with the provider', async () => {
    const shop = await pickedShop();
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    const { shipment: shipped } = await shop.ff.fulfillment.ship(shop.shipmentId);
    await shop.ff.tracking.record({ carrierId: shipped.rate?.carrierId ?? '', trackingNumber: shipped.label?.trackingNumber ?? '', status: 'delivered', occurredAt: shop.clock.now().toISOString() });
    for (let i = 0; i < 2; i++) {
      const rma = await shop.ff.returns.request(shop.order.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'broken' });
      await Promise.allSettled([
        shop.ff.returns.receive(rma.id, { lines: [{ sku: 'MUG', quantity: 1 }] }),
        shop.ff.returns.receive(rma.id, { lines: [{ sku: 'MUG', quantity: 1 }] }),
      ]);
    }
    const order: Order = await reload(shop.ff, shop.order.id);
    expect(shop.payments.ledger().filter((e) => e.operation === 'refund').map((e) => e.amount)).toEqual([1000, 1000]);
    expect(order.payment).toMatchObject({ captured: 2000, refunded: 2000, status: 'refunded' });
    expect(order.returns.map((r) => r.refund?.amount)).toEqual([1000, 1000]);
  });
});

describe('a crash between the effects and their record', () => {
  it('leaves a pending intent that the sweep finishes once the lease has passed, by the same keys', async () => {
    const shop = await pickedShop();
    await shop.ff.fulfillment.confirmPick(shop.shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
    await shop.ff.fulfillment.pack(shop.shipmentId);
    // The process "dies" when it writes the hand-over's outcome: the capture and the commit happened.
    const storage = shop.storage;
    const update = storage.updateOrder.bind(storage);
    let writes = 0;
    storage.updateOrder = async (write, expected) => {
      if (write.order.intent === null && write.order.shipments[0]?.status === 'shipped' && writes++ === 0) throw new Error('process killed');
      return update(write, expected);
    };
    await expect(shop.ff.fulfillment.ship(shop.shipmentId)).rejects.toThrow('process killed');
    const crashed = await reload(shop.ff, shop.order.id);
    expect(crashed.intent?.command).toBe('handOver');
    expect(shipmentOf(crashed).status).toBe('label_purchased');
    expect((await shop.ff.orders.list({ limit: 10 })).items).toHaveLength(1);
    // Within the lease the sweep leaves it to its owner; after it, the sweep runs it to its end.
    expect((await shop.ff.sweep()).resumed).toBe(0);
    shop.clock.advance(2 * 60_000);
    expect((await shop.ff.sweep()).resumed).toBe(1);
    const healed = await reload(shop.ff, shop.order.id);
    expect(healed).toMatchObject({ status: 'shipped', intent: null, payment: { captured: 2000 } });
    expect(shop.payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ onHand: 3, reserved: 0 });
    expect((await shop.ff.inventory.ledger('MUG')).filter((m) => m.type === 'committed')).toHaveLength(1);
  });
});
