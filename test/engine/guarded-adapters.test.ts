// Misbehaving providers: answers that are not labels, rates, events or payments
// are that adapter's failure, never stored, and the fallback rules apply.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { sandboxPayment } from '../../src/payments/sandbox/sandbox-payment.js';
import { CarrierError, FulfillmentError } from '../../src/domain/errors.js';
import { guardCarrier, guardPayments } from '../../src/engine/guarded-adapters.js';
import type { CarrierAdapter } from '../../src/ports/carrier.js';
import type { PaymentAdapter } from '../../src/ports/payment.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { HOUR, expectCode, flatRateCarrier, fulfil, makeShop, orderFor, pickAndPack, reload, shipmentOf, stock } from '../helpers/shop.js';

/** `inner` with some methods replaced, as a provider with a bug would answer. */
function misbehaving<C extends object>(inner: C, overrides: Record<string, (...args: never[]) => Promise<unknown>>): C {
  const wrapper = Object.create(inner) as C;
  Object.assign(wrapper, overrides);
  return wrapper;
}

const CLOCK_START = '2026-03-02T09:00:00.000Z';

async function packed(carriers: (clock: ReturnType<typeof fakeClock>) => CarrierAdapter[], payments?: (clock: ReturnType<typeof fakeClock>) => PaymentAdapter) {
  const clock = fakeClock(CLOCK_START);
  const shop = makeShop({ clock, carriers: carriers(clock), ...(payments ? { payments: payments(clock) } : {}) });
  await stock(shop.ff, 'east', { MUG: 5 });
  const order = await shop.ff.orders.place(orderFor({ MUG: 2 }));
  const shipment = shipmentOf(order);
  await pickAndPack(shop.ff, shipment);
  return { ...shop, order, shipmentId: shipment.id };
}

// A label purchase answered "200 OK" with an error body, as Karrio #682 reports.
const ERROR_BODY = async () => ({ status: 'error', messages: [{ code: 'invalid_address', message: 'Address not found' }] });

describe('labels at the port boundary', () => {
  it.each([
    ['an error body with no tracking number', ERROR_BODY],
    ['an empty tracking number', async () => ({ labelId: 'l1', trackingNumber: '', trackingUrl: null, labelUrl: null, cost: { amount: 100, currency: 'USD' }, purchasedAt: CLOCK_START })],
    ['a NUL in the tracking number', async () => ({ labelId: 'l1', trackingNumber: 'TR\u0000', trackingUrl: null, labelUrl: null, cost: { amount: 100, currency: 'USD' }, purchasedAt: CLOCK_START })],
    ['a fractional cost', async () => ({ labelId: 'l1', trackingNumber: 'TR1', trackingUrl: null, labelUrl: null, cost: { amount: 1.5, currency: 'USD' }, purchasedAt: CLOCK_START })],
    ['null', async () => null],
  ])('a carrier answering %s is not shipped with: the fallback carrier buys the label', async (_, answer) => {
    const { ff, order, shipmentId, payments } = await packed((clock) => [
      misbehaving(flatRateCarrier('cheap-co', 100, clock), { createShipment: answer }),
      flatRateCarrier('backup-co', 900, clock),
    ]);
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    expect(shipped.status).toBe('shipped');
    expect(shipped.rate?.carrierId).toBe('backup-co');
    expect(shipped.label?.trackingNumber).toMatch(/\S/);
    expect(payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
    expect((await reload(ff, order.id)).status).toBe('shipped');
  });

  it('with no fallback, an error body is CARRIER_ERROR (not retryable) and nothing is shipped, charged or committed', async () => {
    const { ff, order, shipmentId, payments } = await packed((clock) => [misbehaving(flatRateCarrier('cheap-co', 100, clock), { createShipment: ERROR_BODY })]);
    const before = await reload(ff, order.id);
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'CARRIER_ERROR');
    expect(error.retryable).toBe(false);
    const failures = error.details.failures as { message: string }[];
    expect(failures[0]?.message).toMatch(/malformed/);
    const after = await reload(ff, order.id);
    expect(shipmentOf(after)).toMatchObject({ status: 'packed', label: null });
    // The attempt's intent was written and cleared; nothing else about the order changed.
    const settled = (o: typeof after) => ({ ...o, version: 0, updatedAt: '', intent: null });
    expect(settled(after)).toEqual(settled(before));
    expect(after.intent ?? null).toBeNull();
    expect(await ff.inventory.level('MUG')).toMatchObject({ onHand: 5, reserved: 2 });
    expect(payments.ledger().some((e) => e.operation === 'capture')).toBe(false);
  });
});

describe('rates at the port boundary', () => {
  it('drops malformed rates and rates naming another carrier, with a MALFORMED_RATE message', async () => {
    const good = { carrierId: 'odd-co', service: 'ground', speed: 'standard', amount: { amount: 100, currency: 'USD' }, transitDays: 3, estimatedDelivery: null };
    const quote = async () => ({
      rates: [
        { ...good, amount: { amount: -5, currency: 'USD' } },
        { ...good, speed: 'warp' },
        { ...good, carrierId: 'backup-co', amount: { amount: 1, currency: 'USD' } },
        { ...good, service: 'ground\uD800' },
        'not a rate',
        good,
      ],
      messages: [],
    });
    const { ff, shipmentId } = await packed((clock) => [
      misbehaving(flatRateCarrier('odd-co', 100, clock), { getRates: quote }),
      flatRateCarrier('backup-co', 900, clock),
    ]);
    const { shipment: shipped } = await ff.fulfillment.ship(shipmentId);
    // The forged 1-cent rate "from backup-co" never competed; the one good rate won.
    expect(shipped.rate).toMatchObject({ carrierId: 'odd-co', service: 'ground', amount: { amount: 100 } });
    const guarded = await guardCarrier(misbehaving(flatRateCarrier('odd-co', 100), { getRates: quote })).getRates({} as never);
    expect(guarded.rates).toEqual([good]);
    expect(guarded.messages.map((m) => m.code)).toEqual(Array(5).fill('MALFORMED_RATE'));
  });

  it('a quote that is not a quote is that carrier’s failure: NO_RATES carries why', async () => {
    const { ff, shipmentId } = await packed((clock) => [misbehaving(flatRateCarrier('odd-co', 100, clock), { getRates: async () => ({ rates: 'none' }) })]);
    const error = await expectCode(ff.fulfillment.ship(shipmentId), 'NO_RATES');
    const messages = error.details.messages as { code: string; message: string }[];
    expect(messages.some((m) => m.code === 'RATE_REQUEST_FAILED' && /malformed/.test(m.message))).toBe(true);
  });

  it('keeps the carrier’s valid rates and messages, without extra fields', async () => {
    const carrier = guardCarrier(
      misbehaving(flatRateCarrier('odd-co', 100), {
        getRates: async () => ({
          rates: [{ carrierId: 'odd-co', service: 'ground', speed: 'standard', amount: { amount: 5, currency: 'USD' }, transitDays: null, estimatedDelivery: '2026-03-05', secret: 'x' }],
          messages: [{ carrierId: 'odd-co', code: 'NOTE', message: 'fine' }],
        }),
      }),
    );
    const quote = await carrier.getRates({} as never);
    expect(quote.rates).toEqual([{ carrierId: 'odd-co', service: 'ground', speed: 'standard', amount: { amount: 5, currency: 'USD' }, transitDays: null, estimatedDelivery: '2026-03-05' }]);
    expect(quote.messages).toEqual([{ carrierId: 'odd-co', code: 'NOTE', message: 'fine' }]);
  });

  it('keeps a rate’s providerRef as the carrier gave it, and drops a rate whose reference is not small plain JSON', async () => {
    const base = { carrierId: 'odd-co', service: 'ground', speed: 'standard', amount: { amount: 5, currency: 'USD' }, transitDays: null, estimatedDelivery: null };
    const ref = { shipmentId: 'shp_1', rateId: 'rate_1', legs: [1, null, true] };
    const carrier = guardCarrier(
      misbehaving(flatRateCarrier('odd-co', 100), {
        getRates: async () => ({
          rates: [
            { ...base, providerRef: ref },
            { ...base, service: 'big', providerRef: { blob: 'x'.repeat(2100) } },
            { ...base, service: 'date', providerRef: { at: new Date() } },
            { ...base, service: 'nan', providerRef: [Number.NaN] },
          ],
          messages: [],
        }),
      }),
    );
    const quote = await carrier.getRates({} as never);
    expect(quote.rates).toEqual([{ ...base, providerRef: ref }]);
    expect(quote.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/^Rate 1 ignored: providerRef: must be at most 2048 bytes/),
      expect.stringMatching(/^Rate 2 ignored: providerRef: must hold only plain objects/),
      expect.stringMatching(/^Rate 3 ignored: providerRef: must not hold NaN/),
    ]);
  });
});

describe('voids and tracking at the port boundary', () => {
  it.each([[{ voided: true }], [{ status: 'done' }], [{ status: true }], [{}], [null], [{ status: 'voided', message: 7 }]])('a void answered %j is CARRIER_ERROR, not a void', async (answer) => {
    const carrier = guardCarrier(misbehaving(flatRateCarrier('odd-co', 100), { voidShipment: async () => answer }));
    const error = await carrier.voidShipment({ labelId: 'l', trackingNumber: 't', idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierError);
    expect(error).toMatchObject({ code: 'CARRIER_ERROR', retryable: false, details: { reason: 'malformed_response', operation: 'voidShipment' } });
  });

  it('a poll answered with another parcel’s events moves nothing', async () => {
    const clock = fakeClock(CLOCK_START);
    const inner = sandboxCarrier({ clock, webhooks: false } as never);
    let victim = '';
    const carrier = misbehaving(inner, {
      // Asked about any other parcel, it answers with the victim's delivery.
      track: async (asked: string) =>
        asked === victim ? [] : [{ carrierId: inner.id, trackingNumber: victim, status: 'delivered', occurredAt: clock.now().toISOString(), eventId: 'evt_stray' }],
    });
    const shop = makeShop({ clock, carriers: [carrier] });
    await stock(shop.ff, 'east', { MUG: 5 });
    const a = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
    const b = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
    victim = shipmentOf(b).label!.trackingNumber;
    clock.advance(HOUR);
    await shop.ff.tracking.poll();
    expect(shipmentOf(await reload(shop.ff, b.id)).status).toBe('shipped');
    expect(shipmentOf(await reload(shop.ff, a.id)).status).toBe('shipped');
    expect(shop.backgroundErrors.some((e) => /is not /.test(String((e.error as Error).message)))).toBe(true);
  });

  it('a webhook whose events are malformed is CARRIER_ERROR and changes nothing', async () => {
    const clock = fakeClock(CLOCK_START);
    const inner = sandboxCarrier({ clock });
    let tn = '';
    const carrier = misbehaving(inner, {
      parseWebhook: async () => [
        { trackingNumber: tn, status: 'delivered', occurredAt: clock.now().toISOString() },
        { trackingNumber: tn, status: 'teleported', occurredAt: 'yesterday' },
      ],
    });
    const shop = makeShop({ clock, carriers: [carrier] });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
    tn = shipmentOf(order).label!.trackingNumber;
    const error = await expectCode(shop.ff.tracking.handleWebhook(inner.id, { headers: {}, rawBody: '{}' }), 'CARRIER_ERROR');
    expect(error.details).toMatchObject({ reason: 'malformed_response', operation: 'parseWebhook' });
    expect(await reload(shop.ff, order.id)).toEqual(order);
  });

  it('the webhook path applies only events the port has checked: bad rules and unstorable text refused, extra fields dropped', async () => {
    const clock = fakeClock(CLOCK_START);
    const inner = sandboxCarrier({ clock });
    let tn = '';
    let answer: () => unknown[] = () => [];
    const carrier = misbehaving(inner, { parseWebhook: async () => answer() });
    const shop = makeShop({ clock, carriers: [carrier] });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
    tn = shipmentOf(order).label!.trackingNumber;
    const scan = (extra: Record<string, unknown>) => ({ trackingNumber: tn, status: 'in_transit', occurredAt: clock.now().toISOString(), eventId: 'evt_1', ...extra });
    for (const bad of [{ reason: 'weather' }, { description: 'nul\u0000byte' }, { description: 'x'.repeat(501) }, { eventId: '' }]) {
      answer = () => [scan(bad)];
      const error = await expectCode(shop.ff.tracking.handleWebhook(inner.id, { headers: {}, rawBody: '{}' }), 'CARRIER_ERROR');
      expect(error.details).toMatchObject({ reason: 'malformed_response', operation: 'parseWebhook' });
      expect(await reload(shop.ff, order.id)).toEqual(order);
    }
    answer = () => [scan({ internalScore: 7, description: 'Departed' })];
    await expect(shop.ff.tracking.handleWebhook(inner.id, { headers: {}, rawBody: '{}' })).resolves.toEqual({ received: 1, applied: 1, ignored: 0 });
    const kept = shipmentOf(await reload(shop.ff, order.id)).trackingEvents.at(-1);
    expect(kept).toEqual({ carrierId: inner.id, trackingNumber: tn, status: 'in_transit', occurredAt: clock.now().toISOString(), eventId: 'evt_1', description: 'Departed' });
  });
});

describe('payments at the port boundary', () => {
  const request = { orderId: 'ord_1', amount: { amount: 2000, currency: 'USD' }, method: 'tok_visa', customer: { email: 'a@example.com' }, idempotencyKey: 'k1' };

  it('an authorization answered with garbage leaves the order unpaid, with the fault recorded', async () => {
    const shop = makeShop({
      payments: misbehaving(sandboxPayment(), { authorize: async () => ({ ok: true }), retrieve: async () => null }),
    });
    await stock(shop.ff, 'east', { MUG: 5 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 })).catch((e: unknown) => e);
    // Either refused outright or recorded as a failed payment: never authorized.
    if (order instanceof FulfillmentError) expect(order.code).toBe('PAYMENT_DECLINED');
    else {
      const placed = order as Awaited<ReturnType<typeof shop.ff.orders.place>>;
      expect(placed.status).toBe('payment_failed');
      expect(placed.payment).toMatchObject({ status: 'failed', authorized: 0, lastError: { code: 'ADAPTER_ERROR' } });
    }
  });

  it.each([
    ['another amount', { amount: { amount: 1, currency: 'USD' } }],
    ['another currency', { amount: { amount: 2000, currency: 'EUR' } }],
    ['a negative capture', { captured: -1 }],
    ['refunds beyond captures', { refunded: 5 }],
    ['an unknown status', { status: 'approved' }],
    ['no payment id', { paymentId: '' }],
  ])('an authorization answered with %s is ADAPTER_ERROR', async (_, change) => {
    const inner = sandboxPayment();
    const guarded = guardPayments(misbehaving(inner, { authorize: async () => ({ ...(await inner.authorize(request)), ...change }) }));
    const error = await guarded.authorize(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ADAPTER_ERROR', retryable: false, details: { reason: 'malformed_response', operation: 'authorize' } });
  });

  it('a capture, void or refund answered for another payment is ADAPTER_ERROR', async () => {
    const inner = sandboxPayment();
    const other = await inner.authorize({ ...request, idempotencyKey: 'k2' });
    const guarded = guardPayments(
      misbehaving(inner, { capture: async () => other, void: async () => other, refund: async () => other, retrieve: async () => other }),
    );
    const mine = await guarded.authorize(request);
    for (const call of [
      () => guarded.capture({ paymentId: mine.paymentId, amount: 100, idempotencyKey: 'c' }),
      () => guarded.void({ paymentId: mine.paymentId, idempotencyKey: 'v' }),
      () => guarded.refund({ paymentId: mine.paymentId, amount: 100, idempotencyKey: 'r' }),
      () => guarded.retrieve({ paymentId: mine.paymentId }),
    ]) {
      await expectCode(call(), 'ADAPTER_ERROR');
    }
    expect(await guarded.retrieve({ idempotencyKey: 'k2' })).toMatchObject({ paymentId: other.paymentId });
  });

  it('passes well-formed answers through unchanged', async () => {
    const inner = sandboxPayment();
    const guarded = guardPayments(inner);
    const result = await guarded.authorize(request);
    expect(result).toEqual(inner.payments()[0]);
    expect(guarded.id).toBe(inner.id);
    expect(guarded.capabilities).toBe(inner.capabilities);
  });
});
