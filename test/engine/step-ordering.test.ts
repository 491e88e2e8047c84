// Multi-step commands move money before stock and check before they act: a
// repeated or failing command never refunds, releases or restocks without
// recording it.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { CarrierError } from '../../src/domain/errors.js';
import type { CarrierAdapter } from '../../src/ports/carrier.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { expectCode, fulfil, makeShop, orderFor, reload, shipmentOf, stock } from '../helpers/shop.js';

const DAY = 86_400_000;

describe('commands that must not act twice or half', () => {
  it('confirmPick on a confirmed shipment is refused before any refund or release', async () => {
    const { ff, payments } = makeShop({ policy: { capture: 'on_place', retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } } });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    const shipment = shipmentOf(order);
    await ff.fulfillment.confirmPick(shipment.id, { lines: [{ sku: 'TEE-M', quantity: 2 }] });
    await expectCode(ff.fulfillment.confirmPick(shipment.id, { lines: [{ sku: 'TEE-M', quantity: 0 }] }), 'INVALID_TRANSITION');
    expect(payments.payments()[0]).toMatchObject({ captured: 2000, refunded: 0 });
    expect(await ff.inventory.level('TEE-M')).toMatchObject({ onHand: 5, reserved: 2 });
  });

  it('a cancellation whose void fails keeps the order holding its stock', async () => {
    const { ff } = makeShop({ policy: { retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } } }, { payment: { failures: { void: 1 } } });
    await stock(ff, 'east', { 'TEE-M': 3 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 3 }));
    await expect(ff.orders.cancel(order.id, { reason: 'changed mind' })).rejects.toMatchObject({ code: 'ADAPTER_ERROR' });
    expect((await reload(ff, order.id)).status).toBe('processing');
    expect(await ff.inventory.level('TEE-M')).toMatchObject({ reserved: 3, available: 0 });
    // Another customer cannot take the units meanwhile; retrying the cancellation completes it.
    await expectCode(ff.orders.place(orderFor({ 'TEE-M': 1 })), 'INSUFFICIENT_STOCK');
    expect((await ff.orders.cancel(order.id, { reason: 'changed mind' })).status).toBe('cancelled');
    expect(await ff.inventory.level('TEE-M')).toMatchObject({ reserved: 0, available: 3 });
  });

  it('a failed capture at placement is taken at shipment: goods never leave unpaid', async () => {
    const { ff, payments } = makeShop(
      { policy: { capture: 'on_place', retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } }, onBackgroundError: () => undefined },
      { payment: { failures: { capture: 1 } } },
    );
    await stock(ff, 'east', { 'TEE-M': 3 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    expect(order.status).toBe('processing');
    expect(order.payment.captured).toBe(0);
    const shipped = await fulfil(ff, order.id);
    expect(shipped.status).toBe('shipped');
    expect(shipped.payment.captured).toBe(2000);
    expect(payments.payments()[0]?.captured).toBe(2000);
  });

  it('returns.receive cannot receive more than the return authorized, however the lines are split', async () => {
    const { ff, clock, carrier, payments } = makeShop();
    await stock(ff, 'east', { 'TEE-M': 5 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 2 }));
    await fulfil(ff, order.id);
    clock.advance(10 * DAY);
    for (const hook of await carrier.webhooksSince()) await ff.tracking.handleWebhook('sandbox', hook);
    const rma = await ff.returns.request(order.id, { lines: [{ sku: 'TEE-M', quantity: 1 }], reason: 'too small' });
    await expectCode(
      ff.returns.receive(rma.id, { lines: [{ sku: 'TEE-M', quantity: 1 }, { sku: 'TEE-M', quantity: 1 }] }),
      'VALIDATION_FAILED',
    );
    expect(payments.payments()[0]?.refunded).toBe(0);
    expect((await ff.inventory.level('TEE-M')).onHand).toBe(3);
    const received = await ff.returns.receive(rma.id, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    expect(received.refund).toEqual({ amount: 1000, currency: 'USD' });
    expect((await reload(ff, order.id)).status).toBe('partially_returned');
  });

  it('tracking.poll carries on past a parcel its carrier cannot answer for', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const inner = sandboxCarrier({ clock });
    let broken: string | null = null;
    // A carrier whose tracking endpoint fails for one parcel.
    const flaky: CarrierAdapter = {
      ...inner,
      id: inner.id,
      name: inner.name,
      capabilities: { ...inner.capabilities, polling: true },
      getRates: (r) => inner.getRates(r),
      createShipment: (r) => inner.createShipment(r),
      voidShipment: (r) => inner.voidShipment(r),
      track: async (trackingNumber) => {
        if (trackingNumber === broken) throw new CarrierError('tracking service error', { carrierId: inner.id, retryable: false });
        return inner.track(trackingNumber);
      },
    };
    const reported: string[] = [];
    const { ff } = makeShop({ clock, carriers: [flaky], onBackgroundError: (_e, what) => reported.push(what) });
    await stock(ff, 'east', { 'TEE-M': 5 });
    const a = await fulfil(ff, (await ff.orders.place(orderFor({ 'TEE-M': 1 }))).id);
    const b = await fulfil(ff, (await ff.orders.place(orderFor({ 'TEE-M': 1 }))).id);
    broken = shipmentOf(a).label?.trackingNumber ?? null;
    clock.advance(10 * DAY);
    const polled = await ff.tracking.poll();
    expect(polled.ignored).toBeGreaterThanOrEqual(1);
    expect((await reload(ff, a.id)).status).toBe('shipped');
    expect((await reload(ff, b.id)).status).toBe('delivered');
    expect(reported).toEqual([expect.stringContaining(broken as string)]);
  });
});
