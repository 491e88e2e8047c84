// The EasyPost adapter on fetch against the loopback EasyPost fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomsDeclaration } from '../../src/index.js';
import { easypostCarrier } from '../../src/easypost.js';
import type { RateRequest } from '../../src/index.js';
import { describeCarrierConformance } from '../../src/testing.js';
import { type EasyPostFake, startEasyPostFake } from '../fakes/easypost-fake.js';
import { backendFault } from '../fakes/http-fake.js';

const SECRET = 'ｓｅｃｒｅｔ-easypost'; // full-width letters: EasyPost NFKD-normalizes the secret
let fake: EasyPostFake;
beforeAll(async () => {
  fake = await startEasyPostFake();
});
afterAll(() => fake.close());

const warehouse = { name: 'Acme Warehouse', line1: '417 Montgomery St', city: 'San Francisco', region: 'CA', postalCode: '94104', country: 'US' };
const customer = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
const sampleRequest: RateRequest = {
  shipmentId: 'shp_sample',
  from: warehouse,
  to: customer,
  parcels: [{ dimensions: { length: 30, width: 20, height: 10, unit: 'cm' }, weight: { value: 1.2, unit: 'kg' }, items: [{ sku: 'TEE', quantity: 2 }], fragile: false, giftWrap: false }],
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
const carrier = (over: Partial<Parameters<typeof easypostCarrier>[0]> = {}) =>
  easypostCarrier({ apiKey: 'EZTKtest', baseUrl: fake.baseUrl, webhookSecret: SECRET, timeoutMs: 1_000, ...over });

describeCarrierConformance('easypost', () => carrier(), {
  sampleRequest,
  unserviceableRequest: { ...sampleRequest, to: { ...customer, country: 'AQ', region: undefined, postalCode: '0000' } as never },
  signedWebhook: (_, label) => {
    fake.scan(label.trackingNumber, 'in_transit', 'arrived_at_facility');
    return fake.webhook(label.trackingNumber, SECRET);
  },
  advance: (_, label) => fake.scan(label.trackingNumber, 'in_transit', 'departed_facility'),
  // Faults hit the purchase itself, the request that spends money.
  injectFault: (_, fault) => {
    const errorBody = { error: { code: fault === 'client_error' ? 'SHIPMENT.INVALID_PARAMS' : 'INTERNAL_SERVER_ERROR', message: `injected ${fault}` } };
    for (const f of backendFault(fault, /\/buy$/, { errorBody, hangMs: 2_500 })) fake.http.inject(f);
  },
  open: () => carrier(),
  purchases: () => fake.purchases.length,
  labelService: (_, label) => {
    const rate = fake.shipments.get(label.labelId)?.selected_rate as { carrier: string; service: string } | null;
    return `${rate?.carrier} ${rate?.service}`;
  },
});

async function buyOne(c = carrier(), request: RateRequest = sampleRequest, extra: { customs?: CustomsDeclaration } = {}) {
  const quote = await c.getRates(request);
  const rate = quote.rates[0];
  if (rate === undefined) throw new Error(JSON.stringify(quote.messages));
  return c.createShipment({ shipmentId: request.shipmentId, rate, from: request.from, to: request.to, parcels: request.parcels, idempotencyKey: `lbl_${Math.random()}`, ...extra });
}

describe('easypostCarrier', () => {
  it('rates carry the EasyPost shipment and rate ids in providerRef and map delivery days to speeds', async () => {
    const quote = await carrier().getRates(sampleRequest);
    const byService = Object.fromEntries(quote.rates.map((r) => [r.service, r]));
    expect(byService['USPS GroundAdvantage']).toMatchObject({ speed: 'standard', amount: { amount: 550, currency: 'USD' }, transitDays: 5 });
    expect(byService['UPS NextDayAir']?.speed).toBe('overnight');
    const ref = byService['USPS Priority']?.providerRef as { shipmentId: string; rateId: string };
    expect(fake.shipments.get(ref.shipmentId)?.rates.some((r) => r.id === ref.rateId)).toBe(true);
    const sent = fake.shipments.get(ref.shipmentId);
    expect(sent?.parcel).toEqual({ length: 11.8, width: 7.9, height: 3.9, weight: 42.3 });
  });

  it('buys the label in the configured format, and a retry with the same key finds the first purchase', async () => {
    const c = carrier({ labelFormat: 'ZPL' });
    const quote = await c.getRates(sampleRequest);
    const rate = quote.rates[0];
    if (rate === undefined) throw new Error('no rate');
    const request = { shipmentId: 'shp_1', rate, from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `lbl_${Math.random()}` };
    const before = fake.purchases.length;
    const label = await c.createShipment(request);
    expect(label.labelUrl).toMatch(/\.zpl$/);
    expect(label.trackingUrl).toMatch(/^https:\/\/track\./);
    const again = await carrier({ labelFormat: 'ZPL' }).createShipment(request);
    expect(again.labelId).toBe(label.labelId);
    expect(fake.purchases.length - before, 'one label bought').toBe(1);
  });

  it('a lost reply to a purchase is retryable, and the retry does not buy a second label', async () => {
    const c = carrier();
    const quote = await c.getRates(sampleRequest);
    const rate = quote.rates[0];
    if (rate === undefined) throw new Error('no rate');
    const request = { shipmentId: 'shp_2', rate, from: warehouse, to: customer, parcels: sampleRequest.parcels, idempotencyKey: `lbl_${Math.random()}` };
    fake.http.inject({ kind: 'lose-reply', match: /\/buy$/ });
    const before = fake.purchases.length;
    await expect(c.createShipment(request)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true });
    const label = await c.createShipment(request);
    expect(label.trackingNumber).toMatch(/^9400/);
    expect(fake.purchases.length - before).toBe(1);
  });

  it.each([500, 503, 429])('HTTP %i is a retryable CarrierError', async (status) => {
    fake.http.inject({ kind: 'status', status, body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'injected' } }, match: /^POST \/v2\/shipments$/ });
    await expect(carrier().getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: true, details: { status } });
  });

  it('an error body on 422 is a final CarrierError with EasyPost’s code', async () => {
    fake.http.inject({ kind: 'status', status: 422, body: { error: { code: 'ADDRESS.VERIFY.FAILURE', message: 'Unable to verify address.' } }, match: /^POST \/v2\/shipments$/ });
    await expect(carrier().getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false, details: { providerCode: 'ADDRESS.VERIFY.FAILURE' } });
  });

  it('a deadline aborts the fetch as a retryable timeout', async () => {
    fake.http.inject({ kind: 'delay', ms: 500, match: /^POST \/v2\/shipments$/ });
    await expect(carrier().getRates(sampleRequest, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ retryable: true, details: { reason: 'timeout' } });
  });

  it('a wrong API key is a final error', async () => {
    await expect(carrier({ apiKey: 'EZTKwrong' }).getRates(sampleRequest)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false, details: { status: 401 } });
  });

  it('an international label needs customs: refused without, bought with customs_info', async () => {
    const abroad: RateRequest = { ...sampleRequest, to: { name: 'Jean Dupont', line1: '8 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' } };
    await expect(buyOne(carrier(), abroad)).rejects.toMatchObject({ code: 'CARRIER_ERROR', retryable: false, details: { providerCode: 'SHIPMENT.POSTAGE.FAILURE' } });
    const label = await buyOne(carrier(), abroad, { customs });
    const sent = fake.shipments.get(label.labelId)?.customs_info as { customs_items: Record<string, unknown>[]; customs_signer: string };
    expect(sent.customs_signer).toBe('Grace Hopper');
    expect(sent.customs_items[0]).toMatchObject({ hs_tariff_number: '610910', origin_country: 'PT', value: '40.00', quantity: 2, weight: 14.1 });
  });

  it('voids asynchronously: pending, then voided once EasyPost settles; a scanned label is refused', async () => {
    const c = carrier();
    const label = await buyOne(c);
    const request = { labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: `void_${label.labelId}` };
    expect((await c.voidShipment(request)).status).toBe('pending');
    expect((await c.voidShipment(request)).status, 'asking again reports the current state').toBe('pending');
    fake.settleRefunds();
    expect((await c.voidShipment(request)).status).toBe('voided');
    const scanned = await buyOne(c);
    fake.scan(scanned.trackingNumber, 'in_transit', 'arrived_at_facility');
    expect((await c.voidShipment({ labelId: scanned.labelId, trackingNumber: scanned.trackingNumber, idempotencyKey: 'v' })).status).toBe('refused');
  });

  it('maps statuses and status_detail onto the normalized set with incident reasons', async () => {
    const c = carrier();
    const label = await buyOne(c);
    fake.scan(label.trackingNumber, 'in_transit', 'weather_delay');
    fake.scan(label.trackingNumber, 'out_for_delivery', 'out_for_delivery');
    fake.scan(label.trackingNumber, 'failure', 'address_not_found');
    fake.scan(label.trackingNumber, 'return_to_sender', 'return');
    const events = await c.track(label.trackingNumber);
    expect(events.map((e) => [e.status, e.reason])).toEqual([
      ['pending', undefined],
      ['delayed', 'weather'],
      ['out_for_delivery', undefined],
      ['delivery_failed', 'address_issue'],
      ['return_to_sender', 'other'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('verifies addresses and proposes EasyPost’s correction', async () => {
    const ok = await carrier().validateAddress?.({ ...customer, line1: '1 main st' });
    expect(ok).toMatchObject({ valid: true, suggestion: { line1: '1 MAIN ST', city: 'AUSTIN' } });
    const bad = await carrier().validateAddress?.({ ...customer, line1: '99 Nowhere Lane' });
    expect(bad?.valid).toBe(false);
    expect(bad?.messages[0]?.code).toBe('E.ADDRESS.NOT_FOUND');
  });

  it('webhooks: tracker.updated verifies with the NFKD secret; other events carry nothing', async () => {
    const c = carrier();
    const label = await buyOne(c);
    const signed = fake.webhook(label.trackingNumber, SECRET);
    expect((await c.parseWebhook?.(signed.rawBody, signed.headers))?.[0]?.trackingNumber).toBe(label.trackingNumber);
    const otherSecret = fake.webhook(label.trackingNumber, 'another-secret');
    await expect(c.parseWebhook?.(otherSecret.rawBody, otherSecret.headers)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify({ id: 'evt_1', object: 'Event', description: 'batch.updated', result: {} });
    const mac = createHmac('sha256', SECRET.normalize('NFKD')).update(body).digest('hex');
    expect(await c.parseWebhook?.(body, { 'x-hmac-signature': `hmac-sha256-hex=${mac}` })).toEqual([]);
  });

  it('refuses a missing API key', () => {
    expect(() => easypostCarrier({ apiKey: '' })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
  });
});
