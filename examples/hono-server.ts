// Mounting fulfillkit/http in a Hono app. The handler takes the untouched
// Fetch Request (`c.req.raw`), so webhook bodies reach the verifier byte for byte.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Fulfillment } from 'fulfillkit';
import { createHttpHandler, toNodeListener } from 'fulfillkit/http';
import { Hono } from 'hono';
import { createDemoShop } from './demo-shop.js';

/** The shop's own app with fulfillment mounted under `/fulfillment`. */
export function createApp(ff: Fulfillment, token: string): Hono {
  const fulfillment = createHttpHandler(ff, { token, basePath: '/fulfillment' });
  const app = new Hono();
  app.get('/', (c) => c.text('My shop. Operations live under /fulfillment/console.'));
  // Hand the raw request over before any middleware reads its body.
  app.all('/fulfillment/*', (c) => fulfillment(c.req.raw));
  app.all('/fulfillment', (c) => fulfillment(c.req.raw));
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const token = process.env.FULFILLKIT_TOKEN ?? `demo-${crypto.randomUUID()}`;
  const { ff } = await createDemoShop();
  const app = createApp(ff, token);
  // Bun, Deno and Workers take `app.fetch` directly; on Node the same adapter as the handler works.
  createServer(toNodeListener(app.fetch)).listen(3001, '127.0.0.1', () => {
    console.log(`Hono shop on http://127.0.0.1:3001/fulfillment/console, token ${token}`);
  });
}
