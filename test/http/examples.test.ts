// The Hono and Express examples: fulfillment mounted under /fulfillment, raw
// webhook bodies intact next to the shop's own JSON routes.
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp as createExpressApp } from '../../examples/express-server.js';
import { createApp as createHonoApp } from '../../examples/hono-server.js';
import { createHttpHandler } from '../../src/http/handler.js';
import { toNodeListener } from '../../src/http/node-listener.js';
import { makeShop } from '../helpers/shop.js';
import { serve, shippedWithWebhooks } from './serve.js';

const TOKEN = 'example-token-1234567890';
let close: (() => Promise<void>) | null = null;
// These tests call no faulty adapter: a generous attempt timeout keeps a loaded machine from failing them.
const patient = { policy: { retry: { timeoutMs: 5_000, retries: 2, baseDelayMs: 1 } } };

afterEach(async () => {
  await close?.();
  close = null;
});

describe('examples/hono-server.ts', () => {
  it('serves the API, verifies webhooks and leaves the rest of the app alone', async () => {
    const shop = makeShop(patient);
    const app = createHonoApp(shop.ff, TOKEN);
    const { order, hooks } = await shippedWithWebhooks(shop);
    expect((await app.fetch(new Request('http://shop.test/'))).status).toBe(200);
    expect((await app.fetch(new Request('http://shop.test/fulfillment/orders'))).status).toBe(401);
    for (const hook of hooks) {
      const res = await app.fetch(new Request('http://shop.test/fulfillment/webhooks/carriers/sandbox', { method: 'POST', body: hook.rawBody, headers: hook.headers }));
      expect(res.status).toBe(200);
    }
    const res = await app.fetch(new Request(`http://shop.test/fulfillment/orders/${order.id}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(((await res.json()) as { status: string }).status).toBe('delivered');
    const doc = (await (await app.fetch(new Request('http://shop.test/fulfillment/openapi.json'))).json()) as { servers: { url: string }[]; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([{ url: '/fulfillment' }]);
    expect(Object.keys(doc.paths)).toContain('/orders/{id}');
    const login = await app.fetch(new Request('http://shop.test/fulfillment/console'));
    expect(login.headers.get('location')).toBe('/fulfillment/console/login');
  });
});

describe('toNodeListener behind express.raw()', () => {
  it('verifies webhooks over the bytes express.raw() kept', async () => {
    const shop = makeShop(patient);
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.use(toNodeListener(createHttpHandler(shop.ff, { token: TOKEN })));
    const server = await serve(app);
    close = server.close;
    const { order, hooks } = await shippedWithWebhooks(shop);
    for (const hook of hooks) {
      const res = await fetch(`${server.url}/webhooks/carriers/sandbox`, { method: 'POST', body: hook.rawBody, headers: hook.headers });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    expect((await shop.ff.orders.get(order.id))?.status).toBe('delivered');
  });
});

describe('examples/express-server.ts', () => {
  it('keeps webhook bodies raw although the app parses JSON', async () => {
    const shop = makeShop(patient);
    const server = await serve(createExpressApp(shop.ff, TOKEN));
    close = server.close;
    const { order, hooks } = await shippedWithWebhooks(shop);
    for (const hook of hooks) {
      const res = await fetch(`${server.url}/fulfillment/webhooks/carriers/sandbox`, { method: 'POST', body: hook.rawBody, headers: hook.headers });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const got = await fetch(`${server.url}/fulfillment/orders/${order.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await got.json()) as { status: string }).status).toBe('delivered');
    await shop.ff.inventory.receive({ sku: 'CAP-WOOL', locationId: 'east', quantity: 5 });
    const short = await fetch(`${server.url}/checkout`, { method: 'POST', body: JSON.stringify({ n: 3, cart: 'c-0' }), headers: { 'content-type': 'application/json' } });
    expect(short.status).toBe(409);
    expect(((await short.json()) as { code: string }).code).toBe('INSUFFICIENT_STOCK');
    await shop.ff.inventory.receive({ sku: 'TEE-CLASSIC-M', locationId: 'east', quantity: 5 });
    const checkout = await fetch(`${server.url}/checkout`, { method: 'POST', body: JSON.stringify({ n: 3, cart: 'c-1' }), headers: { 'content-type': 'application/json' } });
    expect(checkout.status).toBe(201);
    const problem = await fetch(`${server.url}/fulfillment/nope`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toBe('application/problem+json');
  });
});
