// "Runs on edge runtimes", tested: the built core ESM, loaded as ES modules in
// headless Chromium (no Node, no bundler: an import map points at the
// dependencies' own browser builds), takes an order from place to delivered on
// the default memory store, which the entry loads as a chunk of its own on first use.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserTestsEnabled, launchChromium, serveFiles } from '../helpers/browser.js';
import { buildJavaScript } from '../helpers/package-build.js';

const root = resolve(import.meta.dirname, '../..');
const enabled = browserTestsEnabled();

const importMap = {
  imports: {
    xstate: '/node_modules/xstate/dist/xstate.esm.js',
    zod: '/node_modules/zod/index.js',
    nanoid: '/node_modules/nanoid/index.browser.js',
  },
};

const scenario = `
import { createFulfillment } from '/dist/index.js';
import { memoryNotifier, sandboxCarrier, sandboxPayment, signWebhook, verifyWebhook } from '/dist/adapters.js';
import { fakeClock } from '/dist/testing.js';

const clock = fakeClock('2026-06-01T09:00:00.000Z');
const ff = createFulfillment({
  clock,
  locations: [{ id: 'dc', name: 'DC', address: { name: 'DC', line1: '1 Dock St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' } }],
  carriers: [sandboxCarrier({ clock })],
  payments: sandboxPayment({ clock }),
  notifier: memoryNotifier(),
});
await ff.inventory.receive({ sku: 'TEE-M', locationId: 'dc', quantity: 4, bin: 'A-01-1' });
const order = await ff.orders.place({
  customer: { email: 'ada@example.com' },
  shippingAddress: { name: 'Ada', line1: '12 Elm St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' },
  currency: 'USD',
  lines: [{ sku: 'TEE-M', quantity: 3, unitPrice: { amount: 1900, currency: 'USD' } }],
  payment: { method: 'tok_visa' },
});
const list = await ff.fulfillment.pickList({ locationId: 'dc' });
for (const shipmentId of list.shipmentIds) {
  const lines = list.rows.flatMap((row) => row.shipments.filter((s) => s.shipmentId === shipmentId).map((s) => ({ sku: row.sku, quantity: s.quantity })));
  await ff.fulfillment.confirmPick(shipmentId, { lines });
  await ff.fulfillment.pack(shipmentId);
  await ff.fulfillment.ship(shipmentId);
}
clock.advance(6 * 86_400_000);
await ff.tracking.poll();
const delivered = await ff.orders.get(order.id);
const level = await ff.inventory.level('TEE-M');
window.__result = {
  node: typeof process !== 'undefined',
  placed: order.status,
  status: delivered.status,
  captured: delivered.payment.captured,
  onHand: level.onHand,
  reserved: level.reserved,
  history: (await ff.orders.history(order.id)).map((e) => e.type),
  // No process here: webhook signatures go through Web Crypto.
  signature: await signWebhook({ secret: 'whsec_browser', payload: '{"id":"evt_1"}', timestamp: 1767225600 }),
  verified: (await verifyWebhook({ secret: 'whsec_browser', payload: '{"id":"evt_1"}', header: await signWebhook({ secret: 'whsec_browser', payload: '{"id":"evt_1"}', timestamp: 1767225600 }), now: 1767225600 })).timestamp,
};
`;

let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof serveFiles>> | undefined;
let dist: string;

beforeAll(async () => {
  if (!enabled) return;
  dist = mkdtempSync(join(tmpdir(), 'fulfillkit-browser-'));
  await buildJavaScript(dist);
  server = await serveFiles(
    { '/dist/': dist, '/node_modules/': join(root, 'node_modules') },
    {
      '/': `<!doctype html><html><head><script type="importmap">${JSON.stringify(importMap)}</script></head><body><script type="module" src="/scenario.js"></script></body></html>`,
      '/scenario.js': scenario,
      '/favicon.ico': '',
    },
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

it.skipIf(!enabled)('the core ESM takes an order from place to delivered in Chromium', async () => {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${server!.url}/`);
  const result = await page
    .waitForFunction(() => (window as unknown as { __result?: unknown }).__result, undefined, { timeout: 30_000 })
    .then((handle) => handle.jsonValue())
    .catch((err: Error) => {
      throw new Error(`${err.message}\npage errors: ${errors.join('\n') || 'none'}`);
    });
  expect(errors).toEqual([]);
  expect(result).toMatchObject({ node: false, placed: 'processing', status: 'delivered', captured: 5700, onHand: 1, reserved: 0 });
  const mac = createHmac('sha256', 'whsec_browser').update('1767225600.{"id":"evt_1"}').digest('hex');
  expect(result).toMatchObject({ signature: `t=1767225600,v1=${mac}`, verified: 1767225600 });
  expect((result as { history: string[] }).history).toEqual(expect.arrayContaining(['order.placed', 'shipment.shipped', 'shipment.delivered']));
  await page.close();
}, 60_000);
