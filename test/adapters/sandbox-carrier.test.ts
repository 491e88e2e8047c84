import { describe, expect, it } from 'vitest';
import { type SandboxCarrier, sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { describeCarrierConformance } from '../../src/testing/carrier-conformance.js';
import { type FakeClock, fakeClock } from '../../src/testing/fake-clock.js';
import { customer, parcel, usRequest, warehouse } from './carrier-fixtures.js';

const DAY = 86_400_000;
// How the sandbox plays each backend fault of the kit.
const SANDBOX_FAULTS = {
  server_error: 'error',
  rate_limited: 'rate_limited',
  timeout: 'timeout',
  network_error: 'network',
  client_error: 'rejected',
  error_body: 'error_body',
  lost_reply: 'late',
} as const;
const clocks = new WeakMap<SandboxCarrier, FakeClock>();
const clockOf = (c: SandboxCarrier) => clocks.get(c) as FakeClock;

describeCarrierConformance(
  'sandboxCarrier',
  () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock });
    clocks.set(carrier, clock);
    return carrier;
  },
  {
    sampleRequest: usRequest,
    unserviceableRequest: { ...usRequest, parcels: [parcel(45_000)] },
    signedWebhook: (c, label) => c.webhookFor(label.trackingNumber),
    staleWebhook: (c, label) => c.webhookFor(label.trackingNumber, { signedAt: new Date(clockOf(c).now().getTime() - 3_600_000) }),
    advance: (c) => {
      clockOf(c).advance(10 * DAY);
    },
    injectFault: (c, fault) => c.injectFault(SANDBOX_FAULTS[fault]),
    open: (c) => {
      const other = c.open();
      clocks.set(other, clockOf(c));
      return other;
    },
    purchases: (c) => c.labels().length,
  },
);

async function buyLabel(carrier: SandboxCarrier, key = 'order-1:label:1') {
  const quote = await carrier.getRates(usRequest);
  const rate = quote.rates.find((r) => r.speed === 'standard')!;
  return carrier.createShipment({ shipmentId: 'shp_1', rate, from: warehouse, to: customer, parcels: usRequest.parcels, idempotencyKey: key });
}

describe('sandboxCarrier', () => {
  it('prices by zone, weight and speed, deterministically', async () => {
    const carrier = sandboxCarrier();
    const local = await carrier.getRates({ ...usRequest, to: { ...customer, postalCode: '07030' } });
    const domestic = await carrier.getRates(usRequest);
    const heavy = await carrier.getRates({ ...usRequest, parcels: [parcel(5_500)] });
    const standard = (q: typeof local) => q.rates.find((r) => r.speed === 'standard')!.amount.amount;
    expect(standard(local)).toBe(500); // $4 base + 2 started kg × $0.50
    expect(standard(domestic)).toBe(800); // $6 + 2 kg × $1
    expect(standard(heavy)).toBe(1200); // $6 + 6 started kg × $1
    expect(domestic.rates.map((r) => r.speed)).toEqual(['economy', 'standard', 'express', 'overnight']);
    expect(await carrier.getRates(usRequest)).toEqual(domestic);
  });

  it('explains missing rates: overweight, destinations, overnight abroad', async () => {
    const carrier = sandboxCarrier({ destinations: ['US', 'DE'] });
    expect((await carrier.getRates({ ...usRequest, parcels: [parcel(31_000)] })).messages[0]?.code).toBe('OVERWEIGHT');
    const fr = { ...customer, country: 'FR', postalCode: '75001', region: undefined };
    expect((await carrier.getRates({ ...usRequest, to: fr })).messages[0]?.code).toBe('NO_SERVICE_TO_DESTINATION');
    const de = { ...customer, country: 'DE', postalCode: '10115', region: undefined };
    const abroad = await carrier.getRates({ ...usRequest, to: de, speed: 'overnight' });
    expect(abroad.rates).toEqual([]);
    expect(abroad.messages.map((m) => m.code)).toEqual(['SERVICE_UNAVAILABLE']);
    const international = await carrier.getRates({ ...usRequest, to: de });
    expect(international.rates.find((r) => r.speed === 'standard')?.transitDays).toBe(7);
  });

  it('derives labels from the idempotency key', async () => {
    const a = sandboxCarrier({ clock: fakeClock() });
    const b = sandboxCarrier({ clock: fakeClock() });
    const first = await buyLabel(a);
    expect(await buyLabel(a)).toEqual(first);
    expect((await buyLabel(b)).trackingNumber).toBe(first.trackingNumber);
    expect(first.trackingNumber).toMatch(/^SBX\d{12}$/);
    expect(a.labels()).toHaveLength(1);
  });

  it('tracks a parcel by the clock through to delivery', async () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock });
    const label = await buyLabel(carrier);
    expect((await carrier.track(label.trackingNumber)).map((e) => e.status)).toEqual(['pending']);
    clock.advance(13 * 3_600_000);
    expect((await carrier.track(label.trackingNumber)).map((e) => e.status)).toEqual(['pending', 'picked_up', 'in_transit']);
    clock.advance(4 * DAY);
    const events = await carrier.track(label.trackingNumber);
    expect(events.map((e) => e.status)).toEqual(['pending', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(events.at(-1)?.occurredAt).toBe(new Date(Date.parse(label.purchasedAt) + 4 * DAY).toISOString());
    expect(events.at(-1)?.carrierStatus).toBe('DELIVERED');
  });

  it('plays failed attempts and returns to sender when the scenario says so', async () => {
    const carrier = sandboxCarrier({
      clock: fakeClock(),
      scenario: (tn) => (tn.endsWith('0') ? 'failed_then_delivered' : 'return_to_sender'),
    });
    const label = await buyLabel(carrier);
    const statuses = carrier.schedule(label.trackingNumber).map((e) => e.status);
    const expected = label.trackingNumber.endsWith('0')
      ? ['delivery_failed', 'out_for_delivery', 'delivered']
      : ['delivery_failed', 'out_for_delivery', 'delivery_failed', 'return_to_sender'];
    expect(statuses.slice(4)).toEqual(expected);
  });

  it('voids only before pickup, and a voided label tracks as cancelled', async () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock });
    const label = await buyLabel(carrier);
    clock.advance(60_000);
    expect(await carrier.voidShipment({ labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: 'v1' })).toEqual({ status: 'voided' });
    clock.advance(DAY);
    expect((await carrier.track(label.trackingNumber)).map((e) => e.status)).toEqual(['pending', 'cancelled']);
    const late = await buyLabel(carrier, 'other');
    clock.advance(3 * 3_600_000);
    expect(await carrier.voidShipment({ labelId: late.labelId, trackingNumber: late.trackingNumber, idempotencyKey: 'v2' })).toMatchObject({ status: 'refused' });
  });

  it('sends signed webhooks that parse back into the tracked events', async () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock, secret: 'whsec_test' });
    const label = await buyLabel(carrier);
    clock.advance(5 * DAY);
    const hooks = await carrier.webhooksSince();
    expect(hooks).toHaveLength(5);
    const parsed = (await Promise.all(hooks.map((h) => carrier.parseWebhook(h.rawBody, h.headers)))).flat();
    expect(parsed).toEqual(await carrier.track(label.trackingNumber));
    expect(await carrier.webhooksSince(new Date(parsed[2]!.occurredAt))).toHaveLength(2);
    const other = sandboxCarrier({ clock, secret: 'whsec_other' });
    await expect(other.parseWebhook(hooks[0]!.rawBody, hooks[0]!.headers)).rejects.toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      details: { reason: 'mismatch' },
    });
  });

  it('injects faults: scripted failures, rejections and late answers', async () => {
    const carrier = sandboxCarrier({
      clock: fakeClock(),
      failures: { getRates: 1 },
      fault: (op, attempt) => (op === 'createShipment' && attempt === 1 ? 'late' : op === 'track' ? 'rejected' : null),
    });
    await expect(carrier.getRates(usRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
    await expect(buyLabel(carrier)).rejects.toMatchObject({ retryable: true, details: { reason: 'timeout' } });
    // The late purchase went through: the retry returns that label, and no second one exists.
    const label = await buyLabel(carrier);
    expect(carrier.labels()).toEqual([label]);
    await expect(carrier.track(label.trackingNumber)).rejects.toMatchObject({ retryable: false });
  });

  it('validates addresses and proposes a tidied one', async () => {
    const carrier = sandboxCarrier();
    expect(await carrier.validateAddress(customer)).toEqual({ valid: true, messages: [], suggestion: null });
    const sloppy = { ...customer, country: 'GB', postalCode: 'sw1a 1aa', region: undefined };
    const result = await carrier.validateAddress({ ...sloppy, postalCode: 'SW1A1AAX' });
    expect(result.valid).toBe(false);
    expect(result.messages[0]?.code).toBe('INVALID_ADDRESS');
  });
});

describe('sandboxCarrier: what real carriers do', () => {
  it('quotes with a providerRef and refuses a purchase whose reference was altered or, when required, missing', async () => {
    const carrier = sandboxCarrier({ requireProviderRef: true });
    const rate = (await carrier.getRates(usRequest)).rates[0]!;
    expect(rate.providerRef).toEqual({ rateId: expect.stringMatching(/^rate_/), service: rate.service });
    const buy = (r: typeof rate, key: string) =>
      carrier.createShipment({ shipmentId: 'shp_1', rate: r, from: warehouse, to: customer, parcels: usRequest.parcels, idempotencyKey: key });
    await expect(buy({ ...rate, amount: { ...rate.amount, amount: 1 } }, 'cheap')).rejects.toMatchObject({ details: { reason: 'unknown_rate' } });
    const { providerRef: _dropped, ...bare } = rate;
    await expect(buy(bare, 'bare')).rejects.toMatchObject({ details: { reason: 'unknown_rate' } });
    expect((await buy(rate, 'ok')).cost).toEqual(rate.amount);
  });

  it('settles async voids later: pending, then voided with a cancelled scan, same answer for the same key', async () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock, voids: 'async', voidSettleMs: 30 * 60_000 });
    const label = await buyLabel(carrier);
    const request = { labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: 'v1' };
    expect(await carrier.voidShipment(request)).toMatchObject({ status: 'pending' });
    clock.advance(10 * 60_000);
    expect(await carrier.voidShipment(request)).toMatchObject({ status: 'pending' });
    expect((await carrier.track(label.trackingNumber)).map((e) => e.status)).toEqual(['pending']);
    clock.advance(DAY);
    expect(await carrier.voidShipment(request)).toEqual({ status: 'voided' });
    expect((await carrier.track(label.trackingNumber)).map((e) => e.status)).toEqual(['pending', 'cancelled']);
  });

  it('shares its backend with a second instance, and injects one-shot faults per instance', async () => {
    const carrier = sandboxCarrier();
    const other = carrier.open();
    const label = await buyLabel(carrier, 'k1');
    expect(await buyLabel(other, 'k1')).toEqual(label);
    expect(other.labels()).toHaveLength(1);
    carrier.injectFault('rate_limited');
    await expect(buyLabel(carrier, 'k2')).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true, details: { reason: 'rate_limited' } });
    carrier.injectFault('error_body');
    await expect(buyLabel(carrier, 'k2')).rejects.toMatchObject({ retryable: false, details: { reason: 'error_body' } });
    carrier.injectFault('late');
    await expect(buyLabel(carrier, 'k2')).rejects.toMatchObject({ retryable: true });
    expect((await buyLabel(other, 'k2')).trackingNumber).toBe(carrier.labels()[1]?.trackingNumber);
    expect(carrier.labels()).toHaveLength(2);
  });

  it('gives failed attempts an incident reason', async () => {
    const clock = fakeClock();
    const carrier = sandboxCarrier({ clock, scenario: 'failed_then_delivered' });
    const label = await buyLabel(carrier);
    const failed = carrier.schedule(label.trackingNumber).find((e) => e.status === 'delivery_failed');
    expect(failed?.reason).toBe('recipient_unavailable');
  });
});
