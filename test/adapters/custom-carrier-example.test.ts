// The plugin author's guide walks through examples/custom-carrier.ts; this
// runs that example through the carrier kit, as the guide tells authors to.
import { describe, expect, it } from 'vitest';
import { harbourCouriers, harbourTestApi } from '../../examples/custom-carrier.js';
import type { CarrierAdapter, RateRequest } from '../../src/ports/carrier.js';
import { describeCarrierConformance } from '../../src/testing/carrier-conformance.js';
import { type FakeClock, fakeClock } from '../../src/testing/fake-clock.js';

const SECRET = 'harbour_test_secret';
const request: RateRequest = {
  shipmentId: 'shp_1',
  from: { name: 'Shop', line1: 'Kade 1', city: 'Rotterdam', postalCode: '3011 AA', country: 'NL' },
  to: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
  parcels: [
    { dimensions: { length: 30, width: 20, height: 10, unit: 'cm' }, weight: { value: 2.4, unit: 'kg' }, items: [], fragile: false, giftWrap: false },
  ],
  currency: 'EUR',
  shipDate: '2025-01-01T09:00:00.000Z',
};

const worlds = new WeakMap<CarrierAdapter, { clock: FakeClock; harbour: ReturnType<typeof harbourTestApi> }>();
const worldOf = (c: CarrierAdapter) => worlds.get(c)!;

describeCarrierConformance(
  'harbourCouriers (examples/custom-carrier.ts)',
  () => {
    const clock = fakeClock();
    const harbour = harbourTestApi({ webhookSecret: SECRET, now: () => clock.now() });
    const carrier = harbourCouriers({ api: harbour.api, webhookSecret: SECRET, now: () => clock.now() });
    worlds.set(carrier, { clock, harbour });
    return carrier;
  },
  {
    sampleRequest: request,
    unserviceableRequest: { ...request, to: { ...request.to, country: 'BE', postalCode: '1000' } },
    signedWebhook: (c, label) => worldOf(c).harbour.webhook(label.trackingNumber),
    staleWebhook: (c, label) => worldOf(c).harbour.webhook(label.trackingNumber, new Date(worldOf(c).clock.now().getTime() - 600_000)),
    advance: (c, label) => {
      const { clock, harbour } = worldOf(c);
      clock.advance(3_600_000);
      harbour.scan(label.trackingNumber, 'COLLECTED', 'Rotterdam');
      clock.advance(3_600_000);
      harbour.scan(label.trackingNumber, 'ON_VAN');
    },
    injectFault: (c, fault) => worldOf(c).harbour.failNext(fault),
    open: (c) => {
      // Another process: a new adapter on the same Harbour account, nothing shared in memory.
      const world = worldOf(c);
      const other = harbourCouriers({ api: world.harbour.api, webhookSecret: SECRET, now: () => world.clock.now() });
      worlds.set(other, world);
      return other;
    },
    purchases: (c) => worldOf(c).harbour.labelsSold(),
    labelService: (c, label) => worldOf(c).harbour.serviceOf(label.trackingNumber) ?? '',
  },
);

describe('harbourCouriers', () => {
  it('prices by postcode zone and weight', async () => {
    const harbour = harbourTestApi({ webhookSecret: SECRET });
    const carrier = harbourCouriers({ api: harbour.api, webhookSecret: SECRET });
    const amsterdam = await carrier.getRates(request);
    expect(amsterdam.rates.map((r) => [r.service, r.amount.amount])).toEqual([
      ['harbour-next-day', 495 + 3 * 45],
      ['harbour-same-day', 2 * (495 + 3 * 45)],
    ]);
    const groningen = await carrier.getRates({ ...request, to: { ...request.to, postalCode: '9711 AA' }, speed: 'standard' });
    expect(groningen.rates.map((r) => r.amount.amount)).toEqual([695 + 3 * 45]);
  });

  it('turns API failures into CarrierErrors that say whether to retry', async () => {
    const failing = (status: number) => ({
      ...harbourTestApi({ webhookSecret: SECRET }).api,
      createLabel: async () => Promise.reject(Object.assign(new Error('boom'), { status })),
    });
    const rate = (await harbourCouriers({ api: failing(503), webhookSecret: SECRET }).getRates(request)).rates[0]!;
    const buy = (status: number) =>
      harbourCouriers({ api: failing(status), webhookSecret: SECRET }).createShipment({ ...request, rate, idempotencyKey: 'k' });
    await expect(buy(503)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
    await expect(buy(422)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false });
  });
});
