// The warehouse console: server-rendered pages behind a session cookie, with
// CSRF and same-origin checks on every form post and strict security headers.
import { FulfillmentError } from '../../domain/errors.js';
import type { Order } from '../../domain/order.js';
import type { Shipment } from '../../domain/shipment.js';
import type { Fulfillment } from '../../engine/create-fulfillment.js';
import { type Permission, type Principal, allows } from '../access.js';
import { confirmPickOutcome, packOutcome, shipOutcome } from '../command-results.js';
import { type IdempotencyStore, bodyFingerprint } from '../idempotency.js';
import { HttpProblemError, type Problem, httpProblem, problemFromError } from '../problem.js';
import { readBody } from '../body.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { type SafeHtml, html } from './html.js';
import { type PageContext, page } from './layout.js';
import { boardPage, orderPage } from './pages-orders.js';
import { type ConsoleLocation, labelPage, packPage, pickIndexPage, pickPage, shipPage, slipPage } from './pages-fulfillment.js';
import { allLevels, returnsPage, stockPage } from './pages-stock.js';
import { type Session, cookie, randomNonce, readCookie, sessionKeys, sessionPrincipal } from './session.js';

/** Options of the console (`createHttpHandler(ff, { console: { ... } })`). */
export interface ConsoleOptions {
  /**
   * Secret that signs session cookies and CSRF tokens (32+ characters). Give the same one to every server instance.
   * @defaultValue a random secret per process (sessions end on restart)
   */
  sessionSecret?: string;
  /**
   * How long a login lasts, in milliseconds.
   * @defaultValue 28_800_000 (8 hours)
   */
  sessionTtlMs?: number;
  /**
   * Locations offered on the pick and receiving screens.
   * @defaultValue the locations that hold stock
   */
  locations?: ConsoleLocation[];
  /**
   * Mark cookies `Secure`.
   * @defaultValue true when the request URL is https
   */
  secureCookies?: boolean;
}

/** What the handler passes in besides the host's options. */
export interface ConsoleInternals {
  basePath: string;
  identify(request: Request): Promise<Principal | null>;
  maxBodyBytes: number;
  idempotency: IdempotencyStore;
  now(): number;
}

const SESSION_COOKIE = 'ff_session';
const LOGIN_COOKIE = 'ff_login';
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // 'no-referrer' would make browsers send `Origin: null` with our own forms.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

const FLASH: Record<string, string> = {
  picked: 'Pick confirmed.',
  wave: 'Pick wave started.',
  packed: 'Packed. Print the slip, then ship.',
  shipped: 'Label bought and shipment handed over.',
  received: 'Stock received.',
  held: 'Order put on hold.',
  released: 'Hold released.',
  cancelled: 'Order cancelled.',
  'return-requested': 'Return opened.',
  'return-approved': 'Return approved.',
  'return-received': 'Return received.',
};

type Form = URLSearchParams;
type Action = { permission: Permission; run(form: Form, params: string[]): Promise<{ to: string; flash: string }> };

// A malformed escape in a path is a page that does not exist, not a server error.
function decodeParams(match: RegExpExecArray): string[] | null {
  try {
    return match.slice(1).map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

function quantities(form: Form): { sku: string; quantity: number }[] {
  const lines: { sku: string; quantity: number }[] = [];
  for (const [name, value] of form) {
    if (!name.startsWith('qty:')) continue;
    const quantity = Number(value);
    if (value.trim() === '' || !Number.isInteger(quantity)) {
      throw new FulfillmentError('VALIDATION_FAILED', `Invalid quantity for ${name.slice(4)}: ${value}`, { details: { issues: [{ path: name, message: 'must be a whole number' }] } });
    }
    lines.push({ sku: name.slice(4), quantity });
  }
  return lines;
}

/** Build the console; `path` is relative to the handler's base path and starts with `/console`. */
export function consoleApp(ff: Fulfillment, options: ConsoleOptions & ConsoleInternals): (request: Request, path: string) => Promise<Response> {
  if (options.sessionSecret !== undefined && options.sessionSecret.length < 32) {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'console.sessionSecret must be at least 32 characters');
  }
  const keys = sessionKeys(options.sessionSecret);
  const base = `${options.basePath}/console`;
  const ttl = options.sessionTtlMs ?? 28_800_000;

  const respond = (body: string, status = 200, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers } });
  const redirect = (to: string, headers: Record<string, string> = {}) => new Response(null, { status: 303, headers: { location: to, ...SECURITY_HEADERS, ...headers } });
  const secure = (request: Request) => options.secureCookies ?? new URL(request.url).protocol === 'https:';

  async function locations(): Promise<ConsoleLocation[]> {
    if (options.locations) return options.locations;
    const ids = [...new Set((await allLevels(ff)).map((l) => l.locationId))].sort();
    return ids.map((id) => ({ id, name: id }));
  }

  async function shipmentOrder(shipmentId: string): Promise<{ order: Order; shipment: Shipment }> {
    const found = await ff.fulfillment.shipment(shipmentId);
    if (!found) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} not found`, { details: { shipmentId } });
    return found;
  }

  async function loadOrder(id: string): Promise<Order> {
    const order = await ff.orders.get(id);
    if (!order) throw new FulfillmentError('NOT_FOUND', `Order ${id} not found`, { details: { orderId: id } });
    return order;
  }

  function problemPage(ctx: PageContext, problem: Problem): Response {
    const body = html`<section class="card"><p><b>${problem.title}.</b> ${problem.detail}</p><p class="muted">${problem.code}</p><p><a href="${base}">Back to the orders board</a></p></section>`;
    return respond(page(ctx, problem.title, body, { flash: null }), problem.status);
  }

  // ---- pages --------------------------------------------------------------

  const pages: [RegExp, (ctx: PageContext, params: string[], url: URL) => Promise<[string, SafeHtml, string?]>][] = [
    [/^$/, async (ctx, _p, url) => ['Orders', await boardPage(ff, ctx, url.searchParams), '']],
    [/^\/orders\/([^/]+)$/, async (ctx, [id]) => {
      const order = await loadOrder(id as string);
      return [`Order ${order.reference ?? order.id}`, await orderPage(ff, ctx, order)];
    }],
    [/^\/pick$/, async (ctx) => ['Pick', pickIndexPage(ctx, await locations()), '/pick']],
    [/^\/pick\/([^/]+)$/, async (ctx, [loc]) => [`Pick at ${loc}`, await pickPage(ff, ctx, loc as string), '/pick']],
    [/^\/shipments\/([^/]+)\/pack$/, async (ctx, [id]) => {
      const { order, shipment } = await shipmentOrder(id as string);
      return [`Pack ${shipment.id}`, packPage(ctx, order, shipment, ff.boxes)];
    }],
    [/^\/shipments\/([^/]+)\/slip$/, async (ctx, [id]) => {
      const { order, shipment } = await shipmentOrder(id as string);
      return [`Packing slip ${shipment.id}`, slipPage(ctx, order, shipment)];
    }],
    [/^\/shipments\/([^/]+)\/ship$/, async (ctx, [id]) => {
      const { order, shipment } = await shipmentOrder(id as string);
      return [`Ship ${shipment.id}`, shipPage(ctx, order, shipment)];
    }],
    [/^\/shipments\/([^/]+)\/label$/, async (ctx, [id]) => {
      const { order, shipment } = await shipmentOrder(id as string);
      return [`Label ${shipment.id}`, labelPage(ctx, order, shipment)];
    }],
    [/^\/stock$/, async (ctx) => ['Stock', await stockPage(ff, ctx, await locations()), '/stock']],
    [/^\/returns$/, async (ctx) => ['Returns', await returnsPage(ff, ctx), '/returns']],
  ];

  // ---- actions ------------------------------------------------------------

  const orderUrl = (id: string) => `${base}/orders/${encodeURIComponent(id)}`;
  const actions: [RegExp, Action][] = [
    [/^\/pick\/([^/]+)\/start$/, { permission: 'pick', run: async (_f, [loc]) => {
      await ff.fulfillment.pickList({ locationId: loc as string, limit: 50 });
      return { to: `${base}/pick/${encodeURIComponent(loc as string)}`, flash: 'wave' };
    } }],
    [/^\/shipments\/([^/]+)\/pick$/, { permission: 'pick', run: async (form, [id]) => {
      const { shipment } = await confirmPickOutcome(ff, id as string, quantities(form));
      return { to: `${base}/pick/${encodeURIComponent(shipment.locationId)}`, flash: 'picked' };
    } }],
    [/^\/shipments\/([^/]+)\/pack$/, { permission: 'pack', run: async (_f, [id]) => {
      await packOutcome(ff, id as string, {});
      return { to: `${base}/shipments/${encodeURIComponent(id as string)}/pack`, flash: 'packed' };
    } }],
    [/^\/shipments\/([^/]+)\/ship$/, { permission: 'ship', run: async (_f, [id]) => {
      await shipOutcome(ff, id as string, {});
      return { to: `${base}/shipments/${encodeURIComponent(id as string)}/label`, flash: 'shipped' };
    } }],
    [/^\/stock\/receive$/, { permission: 'inventory.receive', run: async (form) => {
      const bin = form.get('bin')?.trim();
      await ff.inventory.receive({ sku: form.get('sku')?.trim() ?? '', locationId: form.get('locationId') ?? '', quantity: Number(form.get('quantity')), ...(bin ? { bin } : {}) });
      return { to: `${base}/stock`, flash: 'received' };
    } }],
    [/^\/orders\/([^/]+)\/hold$/, { permission: 'hold', run: async (form, [id]) => {
      await ff.orders.hold(id as string, { reason: form.get('reason') ?? '' });
      return { to: orderUrl(id as string), flash: 'held' };
    } }],
    [/^\/orders\/([^/]+)\/release$/, { permission: 'hold', run: async (_f, [id]) => {
      await ff.orders.releaseHold(id as string);
      return { to: orderUrl(id as string), flash: 'released' };
    } }],
    [/^\/orders\/([^/]+)\/cancel$/, { permission: 'cancel', run: async (form, [id]) => {
      await ff.orders.cancel(id as string, { reason: form.get('reason') ?? '' });
      return { to: orderUrl(id as string), flash: 'cancelled' };
    } }],
    [/^\/orders\/([^/]+)\/returns$/, { permission: 'returns.request', run: async (form, [id]) => {
      await ff.returns.request(id as string, { lines: quantities(form).filter((l) => l.quantity > 0), reason: form.get('reason') ?? '' });
      return { to: `${base}/returns`, flash: 'return-requested' };
    } }],
    [/^\/returns\/([^/]+)\/approve$/, { permission: 'returns.approve', run: async (_f, [id]) => {
      await ff.returns.approve(id as string);
      return { to: `${base}/returns`, flash: 'return-approved' };
    } }],
    [/^\/returns\/([^/]+)\/receive$/, { permission: 'returns.receive', run: async (form, [id]) => {
      const lines = quantities(form).map((l) => ({ ...l, restock: form.get(`restock:${l.sku}`) === '1' }));
      await ff.returns.receive(id as string, { lines });
      return { to: `${base}/returns`, flash: 'return-received' };
    } }],
  ];

  const context = async (principal: Principal | null, nonce: string): Promise<PageContext> => ({ base, principal, csrf: await keys.csrf(nonce), formKey: randomNonce });

  // A browser says where a form came from; anything but this origin is refused.
  function sameOrigin(request: Request): boolean {
    const site = request.headers.get('sec-fetch-site');
    if (site !== null && site !== 'same-origin' && site !== 'none') return false;
    const origin = request.headers.get('origin');
    return origin === null || origin === new URL(request.url).origin;
  }

  async function readForm(request: Request, path: string): Promise<{ form: Form; raw: Uint8Array<ArrayBuffer> }> {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new HttpProblemError(httpProblem('UNSUPPORTED_MEDIA_TYPE', 'Forms are sent as application/x-www-form-urlencoded', path));
    const raw = await readBody(request, options.maxBodyBytes);
    return { form: new URLSearchParams(new TextDecoder().decode(raw)), raw };
  }

  async function loginPage(request: Request, error: string | null, status = 200): Promise<Response> {
    const nonce = randomNonce();
    const ctx = await context(null, `login:${nonce}`);
    const body = html`<form method="post" action="${base}/login" class="card" aria-label="Log in"><input type="hidden" name="_csrf" value="${ctx.csrf}">
      <label>Access token <input type="password" name="token" autocomplete="current-password" required></label><button type="submit">Log in</button></form>`;
    return respond(page(ctx, 'Log in', body, { flash: error ? { text: error, error: true } : null }), status, {
      'set-cookie': cookie(LOGIN_COOKIE, nonce, { path: base, maxAgeSeconds: 900, secure: secure(request) }),
    });
  }

  async function login(request: Request, path: string): Promise<Response> {
    if (!sameOrigin(request)) return problemPage(await context(null, randomNonce()), httpProblem('CSRF_REJECTED', 'The form was not sent from this console', path));
    const { form } = await readForm(request, path);
    const nonce = readCookie(request, LOGIN_COOKIE);
    if (!nonce || !(await keys.checkCsrf(`login:${nonce}`, form.get('_csrf')))) {
      return problemPage(await context(null, randomNonce()), httpProblem('CSRF_REJECTED', 'The login form expired; reload it and try again', path));
    }
    const token = (form.get('token') ?? '').trim();
    // Only what could travel in an Authorization header is a token at all.
    const principal = /^[\x21-\x7e]{1,4096}$/.test(token) ? await options.identify(new Request(request.url, { headers: { authorization: `Bearer ${token}` } })) : null;
    if (!principal) return loginPage(request, 'That token is not valid.', 401);
    const session: Session = { role: principal.role, id: principal.id ?? principal.role, nonce: randomNonce(), exp: options.now() + ttl };
    const headers = new Headers({ location: base, ...SECURITY_HEADERS });
    headers.append('set-cookie', cookie(SESSION_COOKIE, await keys.seal(session), { path: base, maxAgeSeconds: Math.floor(ttl / 1000), secure: secure(request) }));
    headers.append('set-cookie', cookie(LOGIN_COOKIE, '', { path: base, maxAgeSeconds: 0, secure: secure(request) }));
    return new Response(null, { status: 303, headers });
  }

  async function act(request: Request, path: string, rel: string, session: Session): Promise<Response> {
    const principal = sessionPrincipal(session);
    const ctx = await context(principal, session.nonce);
    if (!sameOrigin(request)) return problemPage(ctx, httpProblem('CSRF_REJECTED', 'The form was not sent from this console', path));
    const { form, raw } = await readForm(request, path);
    if (!(await keys.checkCsrf(session.nonce, form.get('_csrf')))) return problemPage(ctx, httpProblem('CSRF_REJECTED', 'The form is missing its CSRF token or it has expired', path));
    if (rel === '/logout') return redirect(`${base}/login`, { 'set-cookie': cookie(SESSION_COOKIE, '', { path: base, maxAgeSeconds: 0, secure: secure(request) }) });
    for (const [pattern, action] of actions) {
      const m = pattern.exec(rel);
      if (!m) continue;
      if (!allows(principal.role, action.permission)) return problemPage(ctx, httpProblem('FORBIDDEN', `The ${principal.role} role may not do this`, path));
      const params = decodeParams(m);
      if (!params) break;
      const run = async () => {
        const { to, flash } = await action.run(form, params);
        return redirect(`${to}${to.includes('?') ? '&' : '?'}flash=${flash}`);
      };
      const key = form.get('_key');
      if (!key) return run();
      // A double-tapped button replays the first outcome instead of acting twice.
      const storeKey = `console ${principal.id} ${rel}\n${key}`;
      const fingerprint = await bodyFingerprint(raw);
      const claim = await options.idempotency.begin(storeKey, fingerprint, options.now());
      if (claim.state === 'done') return redirect(claim.response.headers.location ?? base);
      if (claim.state === 'running') return problemPage(ctx, httpProblem('IDEMPOTENCY_IN_PROGRESS', 'This form is already being processed', path));
      try {
        const response = await run();
        await options.idempotency.complete(storeKey, { status: 303, headers: { location: response.headers.get('location') ?? base }, body: '' }, options.now());
        return response;
      } catch (err) {
        await options.idempotency.abandon(storeKey);
        throw err;
      }
    }
    return problemPage(ctx, httpProblem('ROUTE_NOT_FOUND', `No console action at ${path}`, path));
  }

  return async (request, path) => {
    const rel = path.slice('/console'.length).replace(/\/$/, '');
    if (request.method === 'GET' && rel === '/assets/console.css') return new Response(CONSOLE_CSS, { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' } });
    if (request.method === 'GET' && rel === '/assets/console.js') return new Response(CONSOLE_JS, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' } });
    if (rel === '/login' && request.method === 'GET') return loginPage(request, null);
    try {
      if (rel === '/login' && request.method === 'POST') return await login(request, path);
      const session = await keys.open(readCookie(request, SESSION_COOKIE), options.now());
      if (!session) {
        if (request.method === 'GET') return redirect(`${base}/login`);
        return problemPage(await context(null, randomNonce()), httpProblem('UNAUTHORIZED', 'Log in first', path));
      }
      const principal = sessionPrincipal(session);
      const ctx = await context(principal, session.nonce);
      if (request.method === 'POST') {
        try {
          return await act(request, path, rel, session);
        } catch (err) {
          if (err instanceof HttpProblemError) return problemPage(ctx, err.problem);
          return problemPage(ctx, problemFromError(err, path));
        }
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return problemPage(ctx, httpProblem('METHOD_NOT_ALLOWED', `${request.method} is not allowed here`, path));
      if (!allows(principal.role, 'read')) return problemPage(ctx, httpProblem('FORBIDDEN', 'This role may not read the console', path));
      for (const [pattern, render] of pages) {
        const m = pattern.exec(rel);
        const params = m ? decodeParams(m) : null;
        if (!params) continue;
        const url = new URL(request.url);
        try {
          const [title, body, current] = await render(ctx, params, url);
          const flash = FLASH[url.searchParams.get('flash') ?? ''];
          return respond(page(ctx, title, body, { current, flash: flash ? { text: flash } : null }));
        } catch (err) {
          return problemPage(ctx, problemFromError(err, path));
        }
      }
      return problemPage(ctx, httpProblem('ROUTE_NOT_FOUND', `No console page at ${path}`, path));
    } catch (err) {
      const ctx = await context(null, randomNonce());
      if (err instanceof HttpProblemError) return problemPage(ctx, err.problem);
      return problemPage(ctx, problemFromError(err, path));
    }
  };
}

