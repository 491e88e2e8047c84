// A shop on the real provider adapters, each against its loopback fake:
// place → pick → pack → ship (label bought) → tracking webhooks → delivered →
// return → refund, with the customer's emails read back from the SMTP server.
import nodemailer from 'nodemailer';
import Stripe from 'stripe';
import { Shippo } from 'shippo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/memory.js';
import { migrate, postgresStorage } from '../../src/postgres.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { openPostgres, type TestDatabase } from '../helpers/database.js';
import { createFulfillment, type CarrierAdapter, type Location, type OrderInput } from '../../src/index.js';
import { easypostCarrier } from '../../src/easypost.js';
import { shippoCarrier } from '../../src/shippo.js';
import { smtpNotifier } from '../../src/smtp.js';
import { stripePayment } from '../../src/stripe.js';
import { type EasyPostFake, startEasyPostFake } from '../fakes/easypost-fake.js';
import { type ShippoFake, startShippoFake } from '../fakes/shippo-fake.js';
import { type SmtpFake, startSmtpFake } from '../fakes/smtp-fake.js';
import { type StripeFake, startStripeFake } from '../fakes/stripe-fake.js';

const STRIPE_SECRET = 'whsec_e2e';
const EASYPOST_SECRET = 'easypost-e2e';
const SHIPPO_SECRET = 'shippo-e2e';

let stripeFake: StripeFake;
let easypostFake: EasyPostFake;
let shippoFake: ShippoFake;
let smtp: SmtpFake;
beforeAll(async () => {
  [stripeFake, easypostFake, shippoFake, smtp] = await Promise.all([startStripeFake(), startEasyPostFake(), startShippoFake(), startSmtpFake()]);
});
afterAll(async () => {
  await Promise.all([stripeFake.close(), easypostFake.close(), shippoFake.close(), smtp.close()]);
});

const WAREHOUSE: Location = {
  id: 'sfo',
  name: 'San Francisco DC',
  address: { name: 'Acme SFO', line1: '417 Montgomery St', city: 'San Francisco', region: 'CA', postalCode: '94104', country: 'US' },
};
const RENO: Location = {
  id: 'rno',
  name: 'Reno DC',
  address: { name: 'Acme RNO', line1: '50 Commerce St', city: 'Reno', region: 'NV', postalCode: '89501', country: 'US' },
};

function shop(carrier: CarrierAdapter, storage: StorageAdapter = memoryStorage()) {
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: stripeFake.port, protocol: 'http', maxNetworkRetries: 1 });
  return createFulfillment({
    storage,
    locations: [WAREHOUSE, RENO],
    carriers: [carrier],
    payments: stripePayment({ client: stripe, webhookSecret: STRIPE_SECRET }),
    notifier: smtpNotifier({ transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }), from: 'Acme <orders@acme.example>' }),
    policy: { retry: { timeoutMs: 5_000, retries: 2, baseDelayMs: 1 } },
  });
}

const order = (email: string, lines: Record<string, number>, locale = 'en-US'): OrderInput => ({
  customer: { email, name: 'Ada Lovelace', locale },
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
  currency: 'USD',
  lines: Object.entries(lines).map(([sku, quantity]) => ({
    sku,
    quantity,
    unitPrice: { amount: 2500, currency: 'USD' },
    weight: { value: 300, unit: 'g' as const },
    dimensions: { length: 20, width: 15, height: 5, unit: 'cm' as const },
  })),
  payment: { method: 'pm_card_visa' },
});

const mailTo = (email: string) => smtp.received.filter((m) => m.to === email);

async function shipAll(ff: ReturnType<typeof shop>, locationId: string) {
  const list = await ff.fulfillment.pickList({ locationId });
  const shipments = [];
  for (const shipmentId of list.shipmentIds) {
    const lines = list.rows.flatMap((r) => r.shipments.filter((s) => s.shipmentId === shipmentId).map((s) => ({ sku: r.sku, quantity: s.quantity })));
    await ff.fulfillment.confirmPick(shipmentId, { lines });
    await ff.fulfillment.pack(shipmentId);
    shipments.push((await ff.fulfillment.ship(shipmentId)).shipment);
  }
  return shipments;
}

describe('end to end on the real provider adapters', () => {
  it('Stripe + EasyPost + SMTP: an order from placement to refund of a return', async () => {
    const ff = shop(easypostCarrier({ apiKey: 'EZTKtest', baseUrl: easypostFake.baseUrl, webhookSecret: EASYPOST_SECRET }));
    await ff.inventory.receive({ sku: 'TEE', locationId: 'sfo', quantity: 10 });
    const email = `ada+${Date.now()}@example.com`;
    const placed = await ff.orders.place(order(email, { TEE: 2 }, 'de-DE'));
    expect(placed.status).toBe('processing');
    expect(placed.payment).toMatchObject({ provider: 'stripe', status: 'authorized', authorized: 5000 });
    const paymentId = placed.payment?.paymentId as string;
    expect(stripeFake.intents.get(paymentId)?.metadata.order_id).toBe(placed.id);

    const [shipped] = await shipAll(ff, 'sfo');
    expect(shipped?.status).toBe('shipped');
    const trackingNumber = shipped?.label?.trackingNumber as string;
    expect(easypostFake.shipments.get(shipped?.label?.labelId as string)?.postage_label).not.toBeNull();
    expect(stripeFake.movements.filter((m) => m.intent === paymentId)).toEqual([{ intent: paymentId, kind: 'capture', amount: 5000 }]);

    // Stripe tells the shop about the capture; the engine reads the payment back and changes nothing.
    const succeeded = stripeFake.events.find((e) => e.type === 'payment_intent.succeeded' && (e.data.object as { id: string }).id === paymentId);
    const rawBody = JSON.stringify(succeeded);
    const header = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload: rawBody, secret: STRIPE_SECRET });
    await ff.payments.handleWebhook('stripe', { headers: { 'stripe-signature': header }, rawBody });
    expect((await ff.orders.get(placed.id))?.payment?.captured).toBe(5000);

    for (const [status, detail] of [
      ['in_transit', 'arrived_at_facility'],
      ['out_for_delivery', 'out_for_delivery'],
      ['delivered', 'arrived_at_destination'],
    ] as const) {
      easypostFake.scan(trackingNumber, status, detail);
      await ff.tracking.handleWebhook('easypost', easypostFake.webhook(trackingNumber, EASYPOST_SECRET));
    }
    // A redelivered webhook changes nothing.
    await ff.tracking.handleWebhook('easypost', easypostFake.webhook(trackingNumber, EASYPOST_SECRET));
    expect((await ff.orders.get(placed.id))?.status).toBe('delivered');

    const rma = await ff.returns.request(placed.id, { lines: [{ sku: 'TEE', quantity: 1 }], reason: 'too small' });
    const received = await ff.returns.receive(rma.id, { lines: [{ sku: 'TEE', quantity: 1 }] });
    expect(received.status).toBe('refunded');
    expect(stripeFake.movements.filter((m) => m.intent === paymentId && m.kind === 'refund')).toEqual([{ intent: paymentId, kind: 'refund', amount: 2500 }]);
    expect((await ff.orders.get(placed.id))?.payment).toMatchObject({ captured: 5000, refunded: 2500 });

    await ff.outbox.dispatch();
    await ff.outbox.dispatch();
    const subjects = mailTo(email).map((m) => m.parsed.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Bestellung .* bestätigt$/),
        expect.stringMatching(/ist unterwegs$/),
        expect.stringMatching(/wird heute zugestellt$/),
        expect.stringMatching(/zugestellt$/),
        expect.stringMatching(/Rücksendung erhalten$/),
        expect.stringMatching(/Erstattung von 25,00\s\$$/),
      ]),
    );
    const shippedMail = mailTo(email).find((m) => /unterwegs/.test(m.parsed.subject ?? ''));
    expect(shippedMail?.parsed.text).toContain(trackingNumber);
    expect(new Set(mailTo(email).map((m) => m.parsed.messageId)).size, 'one message per notification').toBe(mailTo(email).length);
    ff.close();
  });

  it('Stripe + Shippo + SMTP: an order from placement to refund of a return', async () => {
    const ff = shop(shippoCarrier({ client: new Shippo({ apiKeyHeader: 'ShippoToken shippo_test_key', serverURL: shippoFake.url }), webhookSecret: SHIPPO_SECRET }));
    await ff.inventory.receive({ sku: 'MUG', locationId: 'sfo', quantity: 4 });
    const email = `grace+${Date.now()}@example.com`;
    const placed = await ff.orders.place(order(email, { MUG: 1 }));
    const [shipped] = await shipAll(ff, 'sfo');
    const trackingNumber = shipped?.label?.trackingNumber as string;
    expect(shippoFake.transactions.get(shipped?.label?.labelId as string)?.status).toBe('SUCCESS');
    for (const [status, sub] of [
      ['TRANSIT', 'package_departed'],
      ['TRANSIT', 'out_for_delivery'],
      ['DELIVERED', 'other'],
    ] as const) {
      shippoFake.scan(trackingNumber, status, sub);
      await ff.tracking.handleWebhook('shippo', shippoFake.webhook(trackingNumber, SHIPPO_SECRET));
    }
    expect((await ff.orders.get(placed.id))?.status).toBe('delivered');
    const rma = await ff.returns.request(placed.id, { lines: [{ sku: 'MUG', quantity: 1 }], reason: 'chipped' });
    expect((await ff.returns.receive(rma.id, { lines: [{ sku: 'MUG', quantity: 1 }] })).status).toBe('refunded');
    expect((await ff.orders.get(placed.id))?.status).toBe('returned');
    await ff.outbox.dispatch();
    await ff.outbox.dispatch();
    expect(mailTo(email).map((m) => m.parsed.subject)).toEqual(
      expect.arrayContaining([expect.stringMatching(/confirmed$/), expect.stringMatching(/on its way$/), expect.stringMatching(/delivered$/), expect.stringMatching(/refund of \$25\.00$/)]),
    );
    ff.close();
  });

  it('a split shipment on a single-capture Stripe account captures once and refunds the cancelled part', async () => {
    const ff = shop(easypostCarrier({ apiKey: 'EZTKtest', baseUrl: easypostFake.baseUrl }));
    await ff.inventory.receive({ sku: 'CAP', locationId: 'sfo', quantity: 3 });
    await ff.inventory.receive({ sku: 'BAG', locationId: 'rno', quantity: 3 });
    const placed = await ff.orders.place(order(`split+${Date.now()}@example.com`, { CAP: 1, BAG: 1 }));
    expect(placed.shipments).toHaveLength(2);
    const paymentId = placed.payment?.paymentId as string;
    await shipAll(ff, 'sfo');
    expect(stripeFake.movements.filter((m) => m.intent === paymentId), 'the first hand-over takes the whole amount').toEqual([
      { intent: paymentId, kind: 'capture', amount: 5000 },
    ]);
    await ff.orders.cancel(placed.id, { reason: 'out of stock at the second warehouse' });
    expect(stripeFake.movements.filter((m) => m.intent === paymentId)).toEqual([
      { intent: paymentId, kind: 'capture', amount: 5000 },
      { intent: paymentId, kind: 'refund', amount: 2500 },
    ]);
    expect((await ff.orders.get(placed.id))?.payment).toMatchObject({ captured: 5000, refunded: 2500 });
    ff.close();
  });
});

describe('end to end on PostgreSQL', async () => {
  const opened = await openPostgres();
  const db: TestDatabase | null = opened.db;
  if (opened.problem !== null) throw new Error(opened.problem);
  afterAll(async () => db?.close());

  it.skipIf(db === null)('two engines on one database racing to ship one shipment buy one EasyPost label and capture once at Stripe', async () => {
    const database = db as TestDatabase;
    const schema = database.schema();
    await migrate({ client: database.client, schema });
    const carrier = () => easypostCarrier({ apiKey: 'EZTKtest', baseUrl: easypostFake.baseUrl, webhookSecret: EASYPOST_SECRET });
    const a = shop(carrier(), postgresStorage({ client: database.client, schema }));
    const b = shop(carrier(), postgresStorage({ client: database.client, schema }));
    await a.inventory.receive({ sku: 'PG-TEE', locationId: 'sfo', quantity: 3 });
    const placed = await a.orders.place(order(`pg+${Date.now()}@example.com`, { 'PG-TEE': 1 }));
    const paymentId = placed.payment?.paymentId as string;
    const list = await b.fulfillment.pickList({ locationId: 'sfo' });
    const shipmentId = list.shipmentIds[0] as string;
    await b.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'PG-TEE', quantity: 1 }] });
    await a.fulfillment.pack(shipmentId);
    const results = await Promise.allSettled([a.fulfillment.ship(shipmentId), b.fulfillment.ship(shipmentId), a.fulfillment.ship(shipmentId)]);
    expect(results.some((r) => r.status === 'fulfilled'), JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')))).toBe(true);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toMatch(/CONCURRENCY_CONFLICT|INVALID_TRANSITION/);
    // The engine claims the purchase before calling the carrier: the racers buy one label, and it is the stored one.
    const bought = [...easypostFake.shipments.values()].filter((s) => s.reference?.startsWith(`${shipmentId}:`) && s.postage_label !== null);
    expect(bought.map((s) => s.id), 'one label bought').toHaveLength(1);
    const standing = bought.filter((s) => s.refund_status === null);
    expect(standing, 'and not voided').toHaveLength(1);
    expect(stripeFake.movements.filter((m) => m.intent === paymentId)).toEqual([{ intent: paymentId, kind: 'capture', amount: 2500 }]);
    const stored = await b.orders.get(placed.id);
    expect(stored?.status).toBe('shipped');
    expect(stored?.shipments[0]?.label?.labelId).toBe(standing[0]?.id);
    a.close();
    b.close();
  });
});
