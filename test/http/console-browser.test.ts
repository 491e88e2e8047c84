// The console in a real browser: log in, pick (with a short pick), pack,
// print the slip, ship, and see the order delivered after the carrier's
// webhook; customer data carrying markup renders as text. (The README's
// screenshots come from `npm run screenshots`.)
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../src/http/node-listener.js';
import { orderFor, stock } from '../helpers/shop.js';
import { browserProblem, browserRequired, launchChromium } from './chromium.js';
import { TOKENS, httpShop } from './http-shop.js';
import { serve } from './serve.js';

const problem = browserProblem();
const XSS_NAME = '<script>window.__xss = "name"</script>Ada';
const XSS_ITEM = '<img src=x onerror="window.__xss = \'item\'">';

if (problem && browserRequired()) {
  it('a browser is installed', () => {
    throw new Error(problem);
  });
}

describe.skipIf(problem !== null)(`warehouse console in chromium${problem ? ` (skipped: ${problem})` : ''}`, () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  const s = httpShop();

  beforeAll(async () => {
    browser = await launchChromium();
    server = await serve(toNodeListener(s.handler));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('logs in, picks, short-picks, packs, prints, ships and sees the delivery', { timeout: 120_000 }, async () => {
    await stock(s.ff, 'east', { 'TEE-M': 10, 'MUG-1': 4 }, { 'TEE-M': 'A-01-1', 'MUG-1': 'B-02-1' });
    await s.ff.inventory.configure({ sku: 'MUG-1', locationId: 'east', reorderPoint: 3 });
    const input = orderFor({ 'TEE-M': 2, 'MUG-1': 1 }, { reference: '#1001', giftMessage: XSS_ITEM });
    input.customer.name = XSS_NAME;
    input.lines[1] = { ...input.lines[1], name: XSS_ITEM } as (typeof input.lines)[number];
    const first = await s.ff.orders.place(input);
    const second = await s.ff.orders.place(orderFor({ 'TEE-M': 3 }, { reference: '#1002' }));

    const context = await browser.newContext({ viewport: { width: 1100, height: 820 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.accept();
    });
    await page.addInitScript(() => {
      (window as unknown as { __printed: number }).__printed = 0;
      window.print = () => {
        (window as unknown as { __printed: number }).__printed++;
      };
    });

    // Log in.
    await page.goto(`${server.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByLabel('Access token').fill(TOKENS.warehouse);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/console`);
    await expect.poll(() => page.getByRole('navigation', { name: 'Orders per status' }).textContent()).toContain('processing');
    // The customer name is text, not a script.
    await expect.poll(() => page.getByRole('cell', { name: XSS_NAME }).count()).toBe(1);

    // Pick at east: start a wave, tick the rows, confirm one shipment in full and short-pick the other.
    await page.getByRole('link', { name: 'Pick', exact: true }).click();
    await page.getByRole('link', { name: 'east' }).click();
    await page.getByRole('button', { name: /Start a pick wave/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Pick wave started');
    const rows = page.locator('tr.pick-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').nth(1).textContent()).toBe('A-01-1');
    await rows.nth(0).getByRole('checkbox').check();
    expect(await rows.nth(0).getAttribute('class')).toContain('done');
    const shortShipment = second.shipments[0]?.id as string;
    await page.getByLabel(`Picked TEE-M for ${shortShipment}`).fill('1');
    await page.getByRole('form', { name: `Confirm ${shortShipment}` }).getByRole('button', { name: 'Confirm pick' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Pick confirmed');
    const firstShipment = first.shipments[0]?.id as string;
    await page.getByRole('form', { name: `Confirm ${firstShipment}` }).getByRole('button', { name: 'Confirm pick' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Pick confirmed');
    const shorted = await s.ff.orders.get(second.id);
    expect(shorted?.shipments[0]?.lines[0]?.picked).toBe(1);
    // Both picks are confirmed: the walk is empty and both shipments wait to be packed.
    expect(await page.locator('tr.pick-row').count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Pack shp_/ }).count()).toBe(2);

    // Pack the first order and print its slip.
    await page.goto(`${server.url}/console/orders/${first.id}`);
    await expect.poll(() => page.locator('ul.states li.current').textContent()).toContain('processing');
    await page.getByRole('link', { name: 'Pack', exact: true }).click();
    expect(await page.getByRole('heading', { name: 'Suggested cartons' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Pack (choose cartons)' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Packed');
    await page.getByRole('link', { name: 'Print packing slip' }).click();
    const slip = page.getByRole('article', { name: 'Packing slip' });
    expect(await slip.textContent()).toContain(XSS_ITEM);
    await page.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);

    // Ship: buy the label and open it.
    await page.goto(`${server.url}/console/shipments/${firstShipment}/ship`);
    await page.getByRole('button', { name: 'Buy label and ship' }).click();
    await page.waitForURL(/\/label\?flash=shipped$/);
    const shipped = await s.ff.orders.get(first.id);
    const trackingNumber = shipped?.shipments[0]?.label?.trackingNumber as string;
    expect(await page.getByRole('article', { name: 'Shipping label' }).textContent()).toContain(trackingNumber);

    // The carrier reports the delivery; the order page shows it.
    s.clock.advance(5 * 86_400_000);
    for (const hook of await s.carrier.webhooksSince()) {
      const res = await fetch(`${server.url}/webhooks/carriers/sandbox`, { method: 'POST', body: hook.rawBody as string, headers: hook.headers as Record<string, string> });
      expect(res.status).toBe(200);
    }
    // Five days later the shift's session has expired: log in again.
    await page.goto(`${server.url}/console/orders/${first.id}`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByLabel('Access token').fill(TOKENS.warehouse);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/console`);
    await page.goto(`${server.url}/console/orders/${first.id}`);
    expect(await page.locator('main > p .status').first().textContent()).toBe('delivered');
    await expect.poll(() => page.locator('ul.states li.current').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('delivered')]));
    expect(await page.locator('ol.timeline').textContent()).toContain('shipment.delivered');

    // Stock page shows the reorder alert.
    await page.goto(`${server.url}/console/stock`);
    expect(await page.getByRole('region', { name: 'Reorder alerts' }).textContent()).toContain('MUG-1');

    // Markup never ran anywhere.
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('works on a phone-sized screen', { timeout: 60_000 }, async () => {
    await s.ff.orders.place(orderFor({ 'TEE-M': 1, 'MUG-1': 1 }, { reference: '#1003' }));
    await s.ff.fulfillment.pickList({ locationId: 'east' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/console/login`);
    await page.getByLabel('Access token').fill(TOKENS.warehouse);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/console`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.goto(`${server.url}/console/pick/east`);
    expect(await page.getByRole('heading', { name: 'Pick at east' }).isVisible()).toBe(true);
    expect(await page.locator('tr.pick-row').count()).toBe(2);
    await page.locator('tr.pick-row').first().getByRole('checkbox').tap();
    expect(await page.locator('tr.pick-row').first().getAttribute('class')).toContain('done');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });
});
