import { describe, expect, it } from 'vitest';
import { type RateTable, tableRateCarrier } from '../../src/carriers/table-rate/table-rate-carrier.js';
import type { RateRequest } from '../../src/ports/carrier.js';
import { describeCarrierConformance } from '../../src/testing/carrier-conformance.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { parcel } from './carrier-fixtures.js';

const table: RateTable = {
  currency: 'EUR',
  zones: [
    { id: 'islands', countries: ['DE'], postalPrefixes: ['18565', '25980'] },
    { id: 'de', countries: ['DE'] },
    { id: 'eu', countries: ['AT', 'FR', 'NL'] },
  ],
  services: [
    {
      service: 'parcel',
      speed: 'standard',
      transitDays: 2,
      prices: {
        de: { weightBands: [{ upToGrams: 2000, amount: 490 }, { upToGrams: 10000, amount: 790 }], freeOver: 5000 },
        islands: { weightBands: [{ upToGrams: 10000, amount: 1290 }] },
        eu: { flatRate: 1490 },
      },
    },
    { service: 'express', speed: 'express', transitDays: 1, prices: { de: { flatRate: 1290 } } },
  ],
};

const berlin = { name: 'Lager', line1: 'Hafenstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const munich = { name: 'Ada', line1: 'Marienplatz 1', city: 'München', postalCode: '80331', country: 'DE' };
const request: RateRequest = {
  shipmentId: 'shp_1',
  from: berlin,
  to: munich,
  parcels: [parcel(1500)],
  currency: 'EUR',
  shipDate: '2025-01-03T10:00:00.000Z', // a Friday
};

describeCarrierConformance('tableRateCarrier', () => tableRateCarrier({ table, clock: fakeClock() }), {
  sampleRequest: request,
  unserviceableRequest: { ...request, to: { ...munich, country: 'US', postalCode: '62701' } },
  advance: (carrier, label) => {
    carrier.recordScan({ trackingNumber: label.trackingNumber, status: 'picked_up' });
  },
});

describe('tableRateCarrier', () => {
  it('prices from bands, flat rates, zones and the free-shipping threshold', async () => {
    const carrier = tableRateCarrier({ table });
    const quote = await carrier.getRates({ ...request, parcels: [parcel(1500), parcel(4000)] });
    expect(quote.rates.map((r) => [r.service, r.amount.amount, r.transitDays])).toEqual([
      ['parcel', 490 + 790, 2],
      ['express', 1290, 1],
    ]);
    expect(quote.rates[0]?.estimatedDelivery).toBe('2025-01-07T10:00:00.000Z'); // skips the weekend
    const free = await carrier.getRates({ ...request, declaredValue: { amount: 5000, currency: 'EUR' } });
    expect(free.rates.find((r) => r.service === 'parcel')?.amount.amount).toBe(0);
    const island = await carrier.getRates({ ...request, to: { ...munich, postalCode: '18565' } });
    expect(island.rates.map((r) => [r.service, r.amount.amount])).toEqual([['parcel', 1290]]);
    expect(island.messages.map((m) => m.code)).toEqual(['SERVICE_UNAVAILABLE']);
    const paris = { ...munich, country: 'FR', postalCode: '75001' };
    expect((await carrier.getRates({ ...request, to: paris, speed: 'standard' })).rates[0]?.amount.amount).toBe(1490);
  });

  it('explains every empty answer', async () => {
    const carrier = tableRateCarrier({ table, originCountry: 'DE' });
    const codes = async (r: Partial<RateRequest>) => (await carrier.getRates({ ...request, ...r })).messages.map((m) => m.code);
    expect(await codes({ parcels: [parcel(12_000)] })).toEqual(['OVERWEIGHT']);
    expect(await codes({ currency: 'USD' })).toEqual(['CURRENCY_UNSUPPORTED']);
    expect(await codes({ from: { ...berlin, country: 'AT', postalCode: '1010' } })).toEqual(['ORIGIN_NOT_SERVED']);
    expect(await codes({ speed: 'overnight' })).toEqual(['SERVICE_UNAVAILABLE']);
    expect(await codes({ parcels: [] })).toEqual(['NO_PARCELS']);
    expect(carrier.capabilities).toMatchObject({ webhooks: false, polling: true, voidLabels: true, international: true });
  });

  it('numbers labels in sequence and tracks host-recorded scans', async () => {
    const carrier = tableRateCarrier({ table, trackingPrefix: 'NW', trackingUrl: (tn) => `https://track.example/${tn}`, clock: fakeClock() });
    const rate = (await carrier.getRates(request)).rates[0]!;
    const buy = (key: string) => carrier.createShipment({ ...request, rate, idempotencyKey: key });
    const a = await buy('a');
    const b = await buy('b');
    expect([a.trackingNumber, b.trackingNumber, (await buy('a')).trackingNumber]).toEqual(['NW00000001', 'NW00000002', 'NW00000001']);
    expect(a.trackingUrl).toBe('https://track.example/NW00000001');
    carrier.recordScan({ trackingNumber: a.trackingNumber, status: 'delivered', occurredAt: '2025-01-02T09:00:00.000Z', location: 'München' });
    carrier.recordScan({ trackingNumber: a.trackingNumber, status: 'in_transit', occurredAt: '2025-01-01T18:00:00.000Z' });
    expect((await carrier.track(a.trackingNumber)).map((e) => e.status)).toEqual(['pending', 'in_transit', 'delivered']);
    expect(await carrier.voidShipment({ labelId: a.labelId, trackingNumber: a.trackingNumber, idempotencyKey: 'v' })).toMatchObject({ status: 'refused' });
    expect(() => carrier.recordScan({ trackingNumber: 'NW404', status: 'delivered' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('rejects an inconsistent table when built', () => {
    const broken: RateTable = { ...table, services: [{ service: 'x', speed: 'economy', transitDays: 5, prices: { mars: { flatRate: 1, weightBands: [] } } }] };
    expect(() => tableRateCarrier({ table: broken })).toThrow(/no zone "mars".*either weightBands or flatRate/);
  });
});
