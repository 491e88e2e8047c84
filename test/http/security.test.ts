// One test per security case: no token, a wrong token, the wrong role, a
// cross-site form post, markup in customer data, an oversized body, a forged
// webhook; plus the session cookie and fail-closed configuration.
import { describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/domain/errors.js';
import { constantTimeEqual } from '../../src/http/access.js';
import { safeUrl } from '../../src/http/console/html.js';
import { createHttpHandler } from '../../src/http/handler.js';
import { SIGNATURE_HEADER } from '../../src/tracking/webhook-signature.js';
import { expectCode, makeShop, orderFor, stock } from '../helpers/shop.js';
import { consoleLogin } from './console-session.js';
import { ORIGIN, TOKENS, httpShop } from './http-shop.js';

const XSS_NAME = '<script>alert("name")</script>';
const XSS_ITEM = '<img src=x onerror=alert(1)>';

async function orderWithPayloads() {
  const s = httpShop();
  await stock(s.ff, 'east', { 'TEE-M': 5 });
  const input = orderFor({ 'TEE-M': 1 }, { notes: `"><svg onload=alert(2)>`, giftMessage: XSS_ITEM });
  input.customer.name = XSS_NAME;
  input.shippingAddress.name = XSS_NAME;
  input.lines[0] = { ...input.lines[0], name: XSS_ITEM } as (typeof input.lines)[number];
  const order = await s.ff.orders.place(input);
  return { s, order };
}

describe('HTTP security', () => {
  it('answers 401 without a token', async () => {
    const s = httpShop();
    const res = await s.call('GET', '/orders', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    expect((await s.call('POST', '/inventory/receive', { token: null, body: { sku: 'A', locationId: 'east', quantity: 1 } })).status).toBe(401);
    expect(await s.ff.inventory.ledger('A')).toEqual([]);
  });

  it('answers 401 for a wrong token, a near miss and a token outside the Authorization header', async () => {
    const s = httpShop();
    expect((await s.call('GET', '/orders', { token: 'not-a-token-at-all-xyz' })).status).toBe(401);
    expect((await s.call('GET', '/orders', { token: `${TOKENS.admin.slice(0, -1)}x` })).status).toBe(401);
    expect((await s.call('GET', '/orders', { token: `${TOKENS.admin}x` })).status).toBe(401);
    expect((await s.call('GET', `/orders?token=${TOKENS.admin}`, { token: null })).status).toBe(401);
    expect((await s.call('GET', '/orders', { token: null, headers: { authorization: `Basic ${TOKENS.admin}` } })).status).toBe(401);
    expect((await s.call('GET', '/orders', { token: 'admin' })).status).toBe(200);
  });

  it('answers 403 for the wrong role, and changes nothing', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 5 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    const refused = [
      await s.call('POST', `/orders/${order.id}/cancel`, { token: 'warehouse', body: { reason: 'no' } }),
      await s.call('POST', `/orders/${order.id}/hold`, { token: 'warehouse', body: { reason: 'no' } }),
      await s.call('POST', '/locations/east/pick-list', { token: 'support', body: {} }),
      await s.call('POST', `/shipments/${order.shipments[0]?.id}/ship`, { token: 'support' }),
      await s.call('POST', '/inventory/adjust', { token: 'support', body: { sku: 'TEE-M', locationId: 'east', delta: 5, reason: 'x' } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await s.ff.orders.get(order.id)).toEqual(order);
    expect((await s.ff.inventory.level('TEE-M')).onHand).toBe(5);
  });

  it('refuses a cross-site form post to the console', async () => {
    const { s, order } = await orderWithPayloads();
    const user = await consoleLogin(s, 'support');
    const attempts = [
      await user.post(`/console/orders/${order.id}/cancel`, { reason: 'csrf' }, { origin: 'http://evil.test', 'sec-fetch-site': 'cross-site' }),
      await user.post(`/console/orders/${order.id}/cancel`, { reason: 'csrf' }, { origin: 'http://evil.test' }),
      await user.post(`/console/orders/${order.id}/cancel`, { reason: 'csrf', _csrf: '' }),
      await user.post(`/console/orders/${order.id}/cancel`, { reason: 'csrf', _csrf: 'forged-token' }),
    ];
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect((await s.ff.orders.get(order.id))?.status).toBe('processing');
    // Another user's token does not work for this session either.
    const other = await consoleLogin(s, 'admin');
    expect((await user.post(`/console/orders/${order.id}/cancel`, { reason: 'csrf', _csrf: other.csrf })).status).toBe(403);
    const ok = await user.post(`/console/orders/${order.id}/cancel`, { reason: 'asked by the customer' });
    expect(ok.status).toBe(303);
    expect((await s.ff.orders.get(order.id))?.status).toBe('cancelled');
  });

  it('escapes markup in customer data on every console page', async () => {
    const { s, order } = await orderWithPayloads();
    const user = await consoleLogin(s, 'admin');
    const shipmentId = order.shipments[0]?.id as string;
    await s.ff.fulfillment.pickList({ locationId: 'east' });
    await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    await s.ff.fulfillment.pack(shipmentId);
    await s.ff.fulfillment.ship(shipmentId);
    for (const path of ['/console', `/console/orders/${order.id}`, `/console/shipments/${shipmentId}/slip`, `/console/shipments/${shipmentId}/label`, `/console/shipments/${shipmentId}/pack`]) {
      const res = await user.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      const text = await res.text();
      expect(text, path).not.toContain('<script>alert');
      expect(text, path).not.toContain('<img src=x');
      expect(text, path).not.toContain('<svg onload');
      expect(text, path).toMatch(/&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;|&lt;img src=x onerror=alert\(1\)&gt;/);
    }
    const order_page = await (await user.get(`/console/orders/${order.id}`)).text();
    expect(order_page).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(order_page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(order_page).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;');
  });

  it('links only to http(s) label files, whatever the carrier returns', () => {
    expect(safeUrl('https://labels.example/1.pdf')).toBe('https://labels.example/1.pdf');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl(' JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeUrl(null)).toBeNull();
  });

  it('refuses a SKU carrying markup before it is stored', async () => {
    const s = httpShop();
    const res = await s.call('POST', '/inventory/receive', { body: { sku: '<img src=x onerror=alert(1)>', locationId: 'east', quantity: 1 } });
    expect(res.status).toBe(400);
    expect(await s.ff.inventory.skus()).toEqual([]);
    const user = await consoleLogin(s, 'warehouse');
    const form = await user.post('/console/stock/receive', { sku: '"><script>alert(3)</script>', locationId: 'east', quantity: '2' });
    expect(form.status).toBe(400);
    const text = await form.text();
    expect(text).not.toContain('<script>alert(3)');
    expect(await s.ff.inventory.skus()).toEqual([]);
  });

  it('answers 413 for an oversized body, declared or streamed, and stores nothing', async () => {
    const s = httpShop({ handler: { maxBodyBytes: 1024 } });
    const big = JSON.stringify({ sku: 'TEE-M', locationId: 'east', quantity: 1, reason: 'x'.repeat(5000) });
    const declared = await s.call('POST', '/inventory/receive', { rawBody: big, headers: { 'content-type': 'application/json', 'content-length': String(big.length) } });
    expect(declared.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 500, (i + 1) * 500)));
        controller.close();
      },
    });
    const streamed = await s.handler(
      new Request(`${ORIGIN}/webhooks/carriers/sandbox`, { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('BODY_TOO_LARGE');
    const user = await consoleLogin(s, 'warehouse');
    expect((await user.post('/console/stock/receive', { sku: 'TEE-M', locationId: 'east', quantity: '1', bin: 'x'.repeat(3000) })).status).toBe(413);
    expect(await s.ff.inventory.skus()).toEqual([]);
  });

  it('answers 401 for a forged carrier webhook and changes nothing', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 5 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    const shipmentId = order.shipments[0]?.id as string;
    await s.ff.fulfillment.pickList({ locationId: 'east' });
    await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    await s.ff.fulfillment.pack(shipmentId);
    await s.ff.fulfillment.ship(shipmentId);
    const before = await s.ff.orders.get(order.id);
    s.clock.advance(5 * 86_400_000);
    const [hook] = await s.carrier.webhooksSince();
    if (!hook) throw new Error('the carrier sent no webhook');
    const headers = hook.headers as Record<string, string>;
    const raw = hook.rawBody as string;
    const tampered = raw.replace(/in_transit|picked_up|delivered/, 'delivered');
    const attempts = [
      await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: `${raw} `, headers }),
      await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: tampered.replace('"', "'"), headers }),
      await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: raw, headers: { ...headers, [SIGNATURE_HEADER]: 't=1,v1=00' } }),
      await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: raw }),
    ];
    expect(attempts.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(await s.ff.orders.get(order.id)).toEqual(before);
  });

  it('sets the console session cookie HttpOnly and SameSite=Strict, and rejects a tampered one', async () => {
    const s = httpShop();
    const loginPage = await s.call('GET', '/console/login', { token: null });
    for (const c of loginPage.headers.getSetCookie()) expect(c).toMatch(/HttpOnly; SameSite=Strict/);
    const user = await consoleLogin(s, 'warehouse');
    expect((await user.get('/console')).status).toBe(200);
    const [name, value] = user.cookie.split('=') as [string, string];
    const tampered = `${name}=${value.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`;
    const res = await s.call('GET', '/console', { token: null, headers: { cookie: tampered } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    const forgedRole = `${name}=${btoa(JSON.stringify({ role: 'admin', id: 'x', nonce: 'n', exp: 9e15 })).replace(/=+$/, '')}.${value.split('.')[1]}`;
    expect((await s.call('GET', '/console', { token: null, headers: { cookie: forgedRole } })).status).toBe(303);
    // A wrong token does not log in.
    const page = await s.call('GET', '/console/login', { token: null });
    const wrong = await s.call('POST', '/console/login', {
      token: null,
      rawBody: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '', token: 'wrong-token-0123456789' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page.headers.getSetCookie()[0] ?? '').split(';')[0] as string, origin: ORIGIN },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith('ff_session='))).toBe(false);
    const page2 = await s.call('GET', '/console/login', { token: null });
    const garbage = await s.call('POST', '/console/login', {
      token: null,
      rawBody: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(await page2.text())?.[1] ?? '', token: 'line\nbreak\u0000' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page2.headers.getSetCookie()[0] ?? '').split(';')[0] as string, origin: ORIGIN },
    });
    expect(garbage.status).toBe(401);
  });

  it('marks cookies Secure over https', async () => {
    const s = httpShop();
    const res = await s.handler(new Request('https://shop.test/console/login'));
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });

  it('lets a warehouse session do floor work but not cancel', async () => {
    const { s, order } = await orderWithPayloads();
    const user = await consoleLogin(s, 'warehouse');
    const res = await user.post(`/console/orders/${order.id}/cancel`, { reason: 'no' });
    expect(res.status).toBe(403);
    expect((await s.ff.orders.get(order.id))?.status).toBe('processing');
    expect((await user.post('/console/pick/east/start', {})).status).toBe(303);
  });

  it('fails closed: no auth configured, short tokens, unknown roles from a hook', async () => {
    const { ff } = makeShop();
    await expectCode(Promise.resolve().then(() => createHttpHandler(ff)), 'CONFIGURATION_ERROR');
    await expectCode(Promise.resolve().then(() => createHttpHandler(ff, { token: 'short' })), 'CONFIGURATION_ERROR');
    const hooked = createHttpHandler(ff, { authorize: () => ({ role: 'root' }) as never });
    expect((await hooked(new Request(`${ORIGIN}/orders`))).status).toBe(401);
    const errors: unknown[] = [];
    const broken = createHttpHandler(ff, {
      authorize: () => {
        throw new Error('db password hunter2 leaked');
      },
      onError: (e) => errors.push(e),
    });
    const res = await broken(new Request(`${ORIGIN}/orders`));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
  });

  it('compares byte strings without stopping at the first difference', () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([0]))).toBe(false);
  });
});

describe('Idempotency-Key after a fault', () => {
  it('runs the request again when the first attempt failed in a retryable way', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 5 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    const shipmentId = order.shipments[0]?.id as string;
    await s.ff.fulfillment.pickList({ locationId: 'east' });
    await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
    await s.ff.fulfillment.pack(shipmentId);
    const createShipment = s.carrier.createShipment.bind(s.carrier);
    let down = true;
    s.carrier.createShipment = async (request) => {
      if (down) throw new CarrierError('label service down', { carrierId: 'sandbox', retryable: true });
      return createShipment(request);
    };
    const headers = { 'idempotency-key': 'ship-1' };
    const first = await s.call('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse', headers });
    expect(first.status).toBeGreaterThanOrEqual(500);
    down = false;
    const second = await s.call('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse', headers });
    expect(second.status, await second.clone().text()).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    const third = await s.call('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse', headers });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(s.carrier.labels()).toHaveLength(1);
  });
});

describe('webhook routes and Idempotency-Key', () => {
  it('ignore the header, so an anonymous caller cannot reserve a key a provider would use', async () => {
    const s = httpShop();
    const poisoned = await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: '{"forged":true}', headers: { 'idempotency-key': 'delivery-1' } });
    expect(poisoned.status).toBe(401);
    const again = await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: '{"other":true}', headers: { 'idempotency-key': 'delivery-1' } });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });
});
