// Cross-border labels carry a customs declaration built from line customs data, and the
// validateAddress placement policy — both against the EasyPost fake through the real adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryNotifier, sandboxPayment } from '../../src/adapters.js';
import { easypostCarrier } from '../../src/easypost.js';
import { createFulfillment, type FulfillmentConfig, type OrderInput } from '../../src/index.js';
import { memoryStorage } from '../../src/memory.js';
import { type EasyPostFake, startEasyPostFake } from '../fakes/easypost-fake.js';

let fake: EasyPostFake;
beforeAll(async () => {
  fake = await startEasyPostFake();
});
afterAll(() => fake.close());

function shop(policy: FulfillmentConfig['policy'] = {}) {
  const storage = memoryStorage();
  const ff = createFulfillment({
    storage,
    locations: [{ id: 'sfo', name: 'SFO', address: { name: 'Acme', line1: '417 Montgomery St', city: 'San Francisco', region: 'CA', postalCode: '94104', country: 'US' } }],
    carriers: [easypostCarrier({ apiKey: 'EZTKtest', baseUrl: fake.baseUrl })],
    payments: sandboxPayment(),
    notifier: memoryNotifier(),
    policy: { retry: { timeoutMs: 5_000, retries: 1, baseDelayMs: 1 }, ...policy },
  });
  return { ff, storage };
}

const paris = { name: 'Jean Dupont', line1: '8 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' };
const order = (shippingAddress: OrderInput['shippingAddress']): OrderInput => ({
  customer: { email: 'jean@example.com' },
  shippingAddress,
  currency: 'USD',
  lines: [
    {
      sku: 'TEE',
      quantity: 2,
      name: 'T-shirt',
      unitPrice: { amount: 2000, currency: 'USD' },
      weight: { value: 200, unit: 'g' },
      dimensions: { length: 20, width: 15, height: 3, unit: 'cm' },
      customs: { hsCode: '6109.10', originCountry: 'PT', description: 'Cotton t-shirt' },
    },
  ],
  payment: { method: 'tok_visa' },
});

async function pickAndPack(ff: ReturnType<typeof shop>['ff']) {
  const list = await ff.fulfillment.pickList({ locationId: 'sfo' });
  const shipmentId = list.shipmentIds[0] as string;
  await ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE', quantity: 2 }] });
  await ff.fulfillment.pack(shipmentId);
  return shipmentId;
}

describe('customs declarations', () => {
  it('a cross-border label carries the declaration built from the lines and the customs policy', async () => {
    const { ff } = shop({ customs: { signer: 'Grace Hopper', incoterm: 'DDP' } });
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    await ff.orders.place(order(paris));
    const { shipment: shipped } = await ff.fulfillment.ship(await pickAndPack(ff));
    const sent = fake.shipments.get(shipped.label?.labelId as string);
    expect(sent?.options.incoterm).toBe('DDP');
    expect(sent?.customs_info).toMatchObject({
      customs_signer: 'Grace Hopper',
      contents_type: 'merchandise',
      customs_items: [{ description: 'Cotton t-shirt', quantity: 2, value: '40.00', hs_tariff_number: '610910', origin_country: 'PT', code: 'TEE' }],
    });
  });

  it('without a customs policy the carrier refuses the cross-border label and nothing ships', async () => {
    const { ff } = shop();
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    const placed = await ff.orders.place(order(paris));
    const shipmentId = await pickAndPack(ff);
    await expect(ff.fulfillment.ship(shipmentId)).rejects.toMatchObject({ code: expect.stringMatching(/CARRIER_ERROR|NO_RATES/) });
    const after = await ff.orders.get(placed.id);
    expect(after?.shipments[0]?.status).toBe('packed');
    expect((await ff.inventory.level('TEE')).onHand).toBe(5);
  });

  it('a domestic shipment carries no declaration', async () => {
    const { ff } = shop({ customs: { signer: 'Grace Hopper' } });
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    await ff.orders.place(order({ name: 'Ada', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }));
    const { shipment: shipped } = await ff.fulfillment.ship(await pickAndPack(ff));
    expect(fake.shipments.get(shipped.label?.labelId as string)?.customs_info).toBeNull();
  });

  it('refuses malformed line customs data at placement', async () => {
    const { ff } = shop();
    const bad = order(paris);
    (bad.lines[0] as { customs: unknown }).customs = { hsCode: '61', originCountry: 'XX', description: '' };
    await expect(ff.orders.place(bad)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('policy.validateAddress', () => {
  const nowhere = { name: 'Ada', line1: '99 Nowhere Lane', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };

  it("'require' refuses an address the carrier cannot verify and changes nothing", async () => {
    const { ff } = shop({ validateAddress: 'require' });
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    const err = await ff.orders.place(order(nowhere)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { carrierId: 'easypost', issues: [{ path: 'shippingAddress' }] } });
    expect((await ff.inventory.level('TEE')).reserved).toBe(0);
    expect((await ff.orders.list({})).items).toHaveLength(0);
    expect((await ff.orders.place(order({ ...nowhere, line1: '1 Main St' }))).status).toBe('processing');
  });

  it("'warn' places the order and reports the problem on order.placed", async () => {
    const { ff } = shop({ validateAddress: 'warn' });
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    const placed = await ff.orders.place(order(nowhere));
    expect(placed.status).toBe('processing');
    const event = (await ff.orders.history(placed.id)).find((e) => e.type === 'order.placed');
    expect(event?.data).toMatchObject({ addressCheck: { carrierId: 'easypost', valid: false, messages: [expect.stringContaining('Address not found')] } });
  });

  it("'warn' survives a carrier outage; 'require' fails the placement on it", async () => {
    const warn = shop({ validateAddress: 'warn' });
    await warn.ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    for (let i = 0; i < 2; i++) fake.http.inject({ kind: 'status', status: 503, match: /^POST \/v2\/addresses$/ });
    expect((await warn.ff.orders.place(order(paris))).status).toBe('processing');
    const require = shop({ validateAddress: 'require' });
    await require.ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    for (let i = 0; i < 2; i++) fake.http.inject({ kind: 'status', status: 503, match: /^POST \/v2\/addresses$/ });
    await expect(require.ff.orders.place(order(paris))).rejects.toMatchObject({ code: 'CARRIER_ERROR' });
    expect((await require.ff.inventory.level('TEE')).reserved).toBe(0);
  });

  it("'off' (the default) asks no carrier", async () => {
    const { ff } = shop();
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 5 });
    const before = fake.http.requests.filter((r) => r.path === '/v2/addresses').length;
    await ff.orders.place(order(nowhere));
    expect(fake.http.requests.filter((r) => r.path === '/v2/addresses').length).toBe(before);
  });
});
