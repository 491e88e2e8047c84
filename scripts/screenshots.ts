// `npm run screenshots`: the console's main screens on the demo shop, taken
// with headless chromium into docs/screenshots/ (shrink them with pngquant).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createHttpHandler, toNodeListener } from 'fulfillkit/http';
import { type Page, chromium } from 'playwright-core';
import { createDemoShop } from '../examples/demo-shop.js';

const OUT = resolve(import.meta.dirname, '../docs/screenshots');
const TOKEN = 'screenshot-token-0123456789';

async function main(): Promise<void> {
  const { ff } = await createDemoShop();
  const handler = createHttpHandler(ff, { token: TOKEN, console: { locations: [{ id: 'newark', name: 'Newark DC' }, { id: 'reno', name: 'Reno DC' }] } });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const login = async (page: Page) => {
      await page.goto(`${url}/login`);
      await page.getByLabel('Access token').fill(TOKEN);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(url);
    };
    const station = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    await login(station);
    const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}/${name}.png`, scale: 'css' });
    await shot(station, 'orders-board');

    const delivered = (await ff.orders.list({ status: 'delivered', limit: 1 })).items[0];
    if (delivered) {
      await station.goto(`${url}/orders/${delivered.id}`);
      await shot(station, 'order-delivered');
    }
    await station.goto(`${url}/pick/newark`);
    await station.getByRole('button', { name: /Start a pick wave/ }).click();
    await station.locator('tr.pick-row').first().getByRole('checkbox').check();
    await shot(station, 'pick-wave');

    const wave = await ff.fulfillment.pickList({ locationId: 'reno' });
    const shipmentId = wave.shipmentIds[0];
    if (shipmentId) {
      const lines = wave.rows.flatMap((r) => r.shipments.filter((s) => s.shipmentId === shipmentId).map((s) => ({ sku: r.sku, quantity: s.quantity })));
      await ff.fulfillment.confirmPick(shipmentId, { lines });
      await ff.fulfillment.pack(shipmentId);
      await station.goto(`${url}/shipments/${shipmentId}/slip`);
      await shot(station, 'packing-slip');
      await ff.fulfillment.ship(shipmentId);
      await station.goto(`${url}/shipments/${shipmentId}/label`);
      await shot(station, 'label');
    }
    await station.goto(`${url}/stock`);
    await shot(station, 'stock');

    const phone = await (await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true })).newPage();
    await login(phone);
    await phone.goto(`${url}/pick/newark`);
    await shot(phone, 'phone-pick');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
