// The Shippo adapter through the official `shippo` SDK (pointed at the fake with serverURL).
import { Shippo } from 'shippo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomsDeclaration, RateRequest } from '../../src/index.js';
import { shippoCarrier } from '../../src/shippo.js';
import { describeCarrierConformance } from '../../src/testing.js';
import { backendFault } from '../fakes/http-fake.js';
import { type ShippoFake, startShippoFake } from '../fakes/shippo-fake.js';

const SECRET = 'shippo-hmac-secret';
let fake: ShippoFake;
beforeAll(async () => {
  fake = await startShippoFake();
});
afterAll(() => fake.close());

const client = (token = 'shippo_test_key') => new Shippo({ apiKeyHeader: `ShippoToken ${token}`, serverURL: fake.url, retryConfig: { strategy: 'none' } });
const carrier = (over: Partial<Parameters<typeof shippoCarrier>[0]> = {}) => shippoCarrier({ client: client(), webhookSecret: SECRET, timeoutMs: 1_000, ...over });

const warehouse = { name: 'Acme Warehouse', line1: '417 Montgomery St', city: 'San Francisco', region: 'CA', postalCode: '94104', country: 'US' };
const customer = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
const sampleRequest: RateRequest = {
  shipmentId: 'shp_sample',
  from: warehouse,
  to: customer,
  parcels: [{ dimensions: { length: 30, width: 20, height: 10, unit: 'cm' }, weight: { value: 1.2, unit: 'kg' }, items: [], fragile: false, giftWrap: false }],
  currency: 'USD',
  shipDate: '2026-12-02',
};
const customs: CustomsDeclaration = {
  contentsType: 'merchandise',
  incoterm: 'DDU',
  nonDeliveryOption: 'return',
  signer: 'Grace Hopper',
  items: [{ sku: 'TEE', description: 'Cotton t-shirt', quantity: 2, value: { amount: 4000, currency: 'USD' }, weight: { value: 400, unit: 'g' }, hsCode: '6109.10', originCountry: 'PT' }],
};

describeCarrierConformance('shippo (official SDK)', () => carrier(), {
  sampleRequest,
  unserviceableRequest: { ...sampleRequest, to: { ...customer, country: 'AQ', region: undefined, postalCode: '0000' } as never },
  signedWebhook: (_, label) => {
    fake.scan(label.trackingNumber, 'TRANSIT', 'package_departed');
    return fake.webhook(label.trackingNumber, SECRET);
  },
  staleWebhook: (_, label) => fake.webhook(label.trackingNumber, SECRET, new Date(Date.now() - 3_600_000)),
  advance: (_, label) => fake.scan(label.trackingNumber, 'TRANSIT', 'package_arrived'),
  // Faults hit the purchase itself, the request that spends money.
  injectFault: (_, fault) => {
    for (const f of backendFault(fault, /^POST \/transactions$/, { errorBody: { detail: `injected ${fault}` }, hangMs: 2_500 })) fake.http.inject(f);
  },
  open: () => carrier(),
  purchases: () => fake.purchases.length,
  labelService: (_, label) => fake.serviceOf(label.labelId),
});

async function quote(c = carrier(), request = sampleRequest) {
  const rate = (await c.getRates(request)).rates[0];
  if (rate === undefined) throw new Error('no rate');
  return rate;
}

describe('shippoCarrier', () => {
  it('a retried purchase finds its transaction by the key in metadata and buys once', async () => {
    const c = carrier();
    const rate = await quote(c);
    const request = { shipmentId: 's1', rate, from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `lbl_${Math.random()}` };
    const before = fake.purchases.length;
    fake.http.inject({ kind: 'lose-reply', match: /^POST \/transactions$/ });
    await expect(c.createShipment(request)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
    const label = await carrier().createShipment(request);
    expect(label.labelUrl).toMatch(/\.pdf$/);
    expect(fake.purchases.length - before).toBe(1);
  });

  it.each([500, 502, 429])('HTTP %i is a retryable CarrierError; 400 is final', async (status) => {
    fake.http.inject({ kind: 'status', status, body: { detail: 'injected' }, match: /^POST \/shipments$/ });
    await expect(carrier().getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true, details: { status } });
    fake.http.inject({ kind: 'status', status: 400, body: { detail: 'bad parcel' }, match: /^POST \/shipments$/ });
    await expect(carrier().getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false });
  });

  it('a deadline aborts the SDK call as a retryable error', async () => {
    fake.http.inject({ kind: 'delay', ms: 500, match: /^POST \/shipments$/ });
    await expect(carrier().getRates(sampleRequest, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
  });

  it('an international label needs a customs declaration', async () => {
    const abroad = { ...sampleRequest, to: { name: 'Jean Dupont', line1: '8 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' } };
    const c = carrier();
    const bare = await quote(c, abroad);
    await expect(c.createShipment({ shipmentId: 'i1', rate: bare, from: warehouse, to: abroad.to, parcels: abroad.parcels, idempotencyKey: `k_${Math.random()}` })).rejects.toMatchObject({
      code: 'CARRIER_ERROR',
      retryable: false,
    });
    const withCustoms = await quote(c, { ...abroad, customs });
    const label = await c.createShipment({ shipmentId: 'i2', rate: withCustoms, from: warehouse, to: abroad.to, parcels: abroad.parcels, idempotencyKey: `k_${Math.random()}`, customs });
    expect(label.trackingNumber).toMatch(/^92/);
  });

  it('voids through refunds: pending until Shippo settles, refused once scanned', async () => {
    const c = carrier();
    const label = await c.createShipment({ shipmentId: 'v1', rate: await quote(c), from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `k_${Math.random()}` });
    const request = { labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: 'void-1' };
    expect((await c.voidShipment(request)).status).toBe('pending');
    fake.settleRefunds();
    expect((await c.voidShipment(request)).status).toBe('voided');
    const scanned = await c.createShipment({ shipmentId: 'v2', rate: await quote(c), from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `k_${Math.random()}` });
    fake.scan(scanned.trackingNumber, 'TRANSIT', 'package_departed');
    expect((await c.voidShipment({ labelId: scanned.labelId, trackingNumber: scanned.trackingNumber, idempotencyKey: 'void-2' })).status).toBe('refused');
  });

  it('maps Shippo statuses and substatus codes with incident reasons', async () => {
    const c = carrier();
    const label = await c.createShipment({ shipmentId: 't1', rate: await quote(c), from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `k_${Math.random()}` });
    fake.scan(label.trackingNumber, 'TRANSIT', 'package_accepted');
    fake.scan(label.trackingNumber, 'TRANSIT', 'out_for_delivery');
    fake.scan(label.trackingNumber, 'FAILURE', 'delivery_attempted');
    fake.scan(label.trackingNumber, 'DELIVERED', 'other');
    const events = await c.track(label.trackingNumber);
    expect(events.map((e) => [e.status, e.reason])).toEqual([
      ['pending', undefined],
      ['picked_up', undefined],
      ['out_for_delivery', undefined],
      ['delivery_failed', 'recipient_unavailable'],
      ['delivered', undefined],
    ]);
  });

  it('validates addresses', async () => {
    expect(await carrier().validateAddress?.({ ...customer, line1: '1 main st' })).toMatchObject({ valid: true, suggestion: { line1: '1 MAIN ST' } });
    expect((await carrier().validateAddress?.({ ...customer, line1: '9 Nowhere Rd' }))?.valid).toBe(false);
  });

  it('a wrong token is a final error', async () => {
    await expect(shippoCarrier({ client: client('wrong') }).getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false, details: { status: 401 } });
  });
});
