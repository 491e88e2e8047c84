// Carriers that refund labels later: a cancellation goes on with the void
// pending, the sweep or the poll asks again under the same key, and a
// `cancelled` scan settles it too. Nothing is voided twice.
import { describe, expect, it } from 'vitest';
import type { CarrierAdapter, VoidRequest } from '../../src/ports/carrier.js';
import { createFulfillment } from '../../src/index.js';
import { EAST, WEST, makeShop, orderFor, reload, shipmentOf, stock } from '../helpers/shop.js';

const MINUTE = 60_000;

// A packed shipment whose hand-over was refused once (capture rejected): it holds a label, unused.
async function labelledShop(carrier: NonNullable<Parameters<typeof makeShop>[1]>['carrier'] = {}) {
  const shop = makeShop({}, { carrier: { voids: 'async', voidSettleMs: 30 * MINUTE, ...carrier }, payment: { fault: (op, attempt) => (op === 'capture' && attempt === 1 ? 'rejected' : null) } });
  await stock(shop.ff, 'east', { MUG: 5 });
  const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
  const shipmentId = shipmentOf(order).id;
  await shop.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'MUG', quantity: 2 }] });
  await shop.ff.fulfillment.pack(shipmentId);
  await expect(shop.ff.fulfillment.ship(shipmentId)).rejects.toBeDefined();
  const labelled = shipmentOf(await reload(shop.ff, order.id));
  expect(labelled.status).toBe('label_purchased');
  return { ...shop, order, shipmentId, label: labelled.label! };
}

describe('label voids that settle later', () => {
  it('a pending void lets the cancellation go on; the sweep settles it as voided under the same key', async () => {
    const shop = await labelledShop();
    const cancelled = await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    expect(cancelled.status).toBe('cancelled');
    expect(shipmentOf(cancelled).labelVoid).toMatchObject({ status: 'pending', key: `${shop.shipmentId}:void`, settledAt: null });
    expect(await shop.ff.inventory.level('MUG')).toMatchObject({ reserved: 0 });

    shop.clock.advance(10 * MINUTE);
    expect((await shop.ff.sweep()).voidsSettled).toBe(0);
    expect(shipmentOf(await reload(shop.ff, shop.order.id)).labelVoid?.status).toBe('pending');

    shop.clock.advance(30 * MINUTE);
    expect((await shop.ff.sweep()).voidsSettled).toBe(1);
    const settled = shipmentOf(await reload(shop.ff, shop.order.id));
    expect(settled.labelVoid).toMatchObject({ status: 'voided', settledAt: expect.any(String) });
    expect((await shop.ff.sweep()).voidsSettled, 'nothing left to settle').toBe(0);
  });

  it('asks again with the same idempotency key every time', async () => {
    const requests: VoidRequest[] = [];
    const shop = await labelledShop();
    const spy: CarrierAdapter = shop.carrier;
    const original = spy.voidShipment.bind(spy);
    spy.voidShipment = (request, options) => {
      requests.push(request);
      return original(request, options);
    };
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    shop.clock.advance(5 * MINUTE);
    await shop.ff.tracking.poll();
    shop.clock.advance(40 * MINUTE);
    await shop.ff.tracking.poll();
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(new Set(requests.map((r) => r.idempotencyKey))).toEqual(new Set([`${shop.shipmentId}:void`]));
    expect(shipmentOf(await reload(shop.ff, shop.order.id)).labelVoid?.status).toBe('voided');
  });

  it('a cancelled scan from the carrier settles a pending void', async () => {
    const shop = await labelledShop({ voidSettleMs: 20 * MINUTE });
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    shop.clock.advance(25 * MINUTE);
    for (const webhook of await shop.carrier.webhooksSince()) await shop.ff.tracking.handleWebhook('sandbox', webhook);
    const s = shipmentOf(await reload(shop.ff, shop.order.id));
    expect(s.labelVoid?.status).toBe('voided');
    expect((await shop.ff.sweep()).voidsSettled).toBe(0);
  });

  it('a void the carrier refuses in the end is recorded as refused, and the order stays cancelled', async () => {
    const shop = await labelledShop();
    let verdict: 'pending' | 'refused' = 'pending';
    const carrier: CarrierAdapter = shop.carrier;
    const original = carrier.voidShipment.bind(carrier);
    carrier.voidShipment = async (request, options) => {
      const answer = await original(request, options);
      return verdict === 'refused' ? { status: 'refused', message: 'Refund window closed' } : answer;
    };
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    verdict = 'refused';
    expect((await shop.ff.sweep()).voidsSettled).toBe(1);
    const after = await reload(shop.ff, shop.order.id);
    expect(after.status).toBe('cancelled');
    expect(shipmentOf(after).labelVoid).toMatchObject({ status: 'refused', message: 'Refund window closed' });
  });

  it('two engines sweeping one store at once settle the void once', async () => {
    const shop = await labelledShop();
    await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    shop.clock.advance(45 * MINUTE);
    const other = createFulfillment({ storage: shop.storage, clock: shop.clock, locations: [EAST, WEST], carriers: [shop.carrier], payments: shop.payments });
    const results = await Promise.all([shop.ff.sweep(), other.sweep(), shop.ff.sweep(), other.sweep()]);
    expect(results.reduce((n, r) => n + r.voidsSettled, 0)).toBe(1);
    expect(shipmentOf(await reload(shop.ff, shop.order.id)).labelVoid?.status).toBe('voided');
  });

  it('an instant void is recorded as voided at once', async () => {
    const shop = await labelledShop({ voids: 'instant' });
    const cancelled = await shop.ff.orders.cancel(shop.order.id, { reason: 'customer called' });
    expect(shipmentOf(cancelled).labelVoid).toMatchObject({ status: 'voided', settledAt: expect.any(String) });
  });
});
