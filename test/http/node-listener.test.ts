// The handler once over a real node:http server: raw webhook bytes through a
// socket, the body limit on a streamed upload, and a console login with cookies.
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../src/http/node-listener.js';
import { TOKENS, httpShop } from './http-shop.js';
import { csrfOf } from './console-session.js';
import { serve, shippedWithWebhooks } from './serve.js';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function started(options: Parameters<typeof httpShop>[0] = {}) {
  const s = httpShop(options);
  const server = await serve(toNodeListener(s.handler));
  close = server.close;
  return { s, url: server.url };
}

describe('toNodeListener over node:http', () => {
  it('verifies carrier webhooks over the bytes received and delivers the order', async () => {
    const { s, url } = await started();
    const { order, hooks } = await shippedWithWebhooks(s);
    const [first] = hooks;
    if (!first) throw new Error('no webhook');
    const bytes = new TextEncoder().encode(first.rawBody);
    const altered = bytes.slice();
    altered[altered.length - 2] = (altered[altered.length - 2] as number) ^ 1;
    const forged = await fetch(`${url}/webhooks/carriers/sandbox`, { method: 'POST', body: altered, headers: first.headers });
    expect(forged.status).toBe(401);
    for (const hook of hooks) {
      const res = await fetch(`${url}/webhooks/carriers/sandbox`, { method: 'POST', body: new TextEncoder().encode(hook.rawBody), headers: hook.headers });
      expect(res.status).toBe(200);
    }
    const res = await fetch(`${url}/orders/${order.id}`, { headers: { authorization: `Bearer ${TOKENS.support}` } });
    expect(((await res.json()) as { status: string }).status).toBe('delivered');
  });

  it('stops a streamed upload at the body limit with 413', async () => {
    const { s, url } = await started({ handler: { maxBodyBytes: 4096 } });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 1_000_000) return controller.close();
        sent += 16_384;
        controller.enqueue(new Uint8Array(16_384).fill(120));
      },
    });
    const res = await fetch(`${url}/inventory/receive`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('BODY_TOO_LARGE');
    expect(await s.ff.inventory.skus()).toEqual([]);
  });

  it('logs in to the console with cookies and serves its assets and pages', async () => {
    const { url } = await started();
    const loginPage = await fetch(`${url}/console/login`);
    const loginCookie = (loginPage.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const login = await fetch(`${url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ _csrf: csrfOf(await loginPage.text()), token: TOKENS.warehouse }),
      headers: { cookie: loginCookie, origin: url },
    });
    expect(login.status).toBe(303);
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    const session = cookies.find((c) => c.startsWith('ff_session='))?.split(';')[0] as string;
    const board = await fetch(`${url}/console`, { headers: { cookie: session } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('Orders per status');
    const css = await fetch(`${url}/console/assets/console.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});
