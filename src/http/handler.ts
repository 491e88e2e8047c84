// createHttpHandler: the Fetch-standard entry point that serves webhooks, the
// ops API, its OpenAPI document and the warehouse console from one function.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { Fulfillment } from '../engine/create-fulfillment.js';
import { type Authorize, type Principal, type Role, allows, bearerTokens, checkPrincipal } from './access.js';
import { apiRoutes } from './api-routes.js';
import { parseJson, readBody } from './body.js';
import { type ConsoleOptions, consoleApp } from './console/app.js';
import { type IdempotencyStore, type StoredResponse, bodyFingerprint, memoryIdempotencyStore } from './idempotency.js';
import { HttpProblemError, httpProblem, problemFromError, problemResponse } from './problem.js';
import { type ApiRoute, compileRoutes } from './router.js';

/** A Fetch-standard request handler: mount it in any runtime or framework. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Options of {@link createHttpHandler}. Give `token`, `tokens` or `authorize`. */
export interface HttpHandlerOptions {
  /** A bearer token with the `admin` role (at least 16 characters). */
  token?: string;
  /** Bearer tokens and the role each grants. */
  tokens?: Readonly<Record<string, Role>>;
  /** Decide who sent a request (replaces the bearer-token default). The console's login form passes the entered token to it as a bearer token. */
  authorize?: Authorize;
  /**
   * Mount point, e.g. `/fulfillment`; routes are matched below it.
   * @defaultValue ''
   */
  basePath?: string;
  /**
   * Largest request body accepted, in bytes; larger ones get 413 before they are buffered.
   * @defaultValue 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * Where `Idempotency-Key` responses are kept. Several server instances need a shared store.
   * @defaultValue memoryIdempotencyStore()
   */
  idempotency?: IdempotencyStore;
  /**
   * The warehouse console under `/console`, or `false` to serve only the API.
   * @defaultValue {}
   */
  console?: ConsoleOptions | false;
  /** Told about every 5xx answer, with the error behind it (the response itself reveals nothing). */
  onError?: (error: unknown, request: Request) => void;
  /** The time, for idempotency expiry and console sessions. @defaultValue Date.now */
  now?: () => number;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

function jsonResponse(status: number, value: unknown, extra: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
  });
}

/** Resolve the configured authentication, failing closed when none is given. */
export function resolveAuthorize(options: HttpHandlerOptions): Authorize {
  if (options.authorize) return options.authorize;
  const tokens: Record<string, Role> = { ...(options.tokens ?? {}) };
  if (options.token !== undefined) tokens[options.token] = 'admin';
  if (Object.keys(tokens).length === 0) {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'createHttpHandler needs `token`, `tokens` or `authorize`: the ops API is never left open');
  }
  return bearerTokens(tokens);
}

/**
 * Serve the fulfillment engine over HTTP: carrier and payment webhooks
 * (`/webhooks/...`, verified over the raw body), the ops API (bearer token or
 * an `authorize` hook, roles `warehouse`/`support`/`admin`), `/openapi.json`,
 * `/health` and the warehouse console (`/console`). Errors are RFC 9457
 * problem documents; every authenticated POST honours `Idempotency-Key`
 * (webhooks are idempotent by event id instead).
 *
 * @example
 * ```ts
 * import { createHttpHandler } from 'fulfillkit/http';
 *
 * const handler = createHttpHandler(ff, { tokens: { [process.env.WAREHOUSE_TOKEN!]: 'warehouse', [process.env.ADMIN_TOKEN!]: 'admin' } });
 * // Bun / Deno / Workers:  export default { fetch: handler };
 * // Hono:                  app.mount('/fulfillment', createHttpHandler(ff, { token, basePath: '/fulfillment' }));
 * ```
 */
export function createHttpHandler(ff: Fulfillment, options: HttpHandlerOptions = {}): FetchHandler {
  const authorize = resolveAuthorize(options);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) throw new FulfillmentError('CONFIGURATION_ERROR', 'basePath must start with "/"');
  const maxBody = options.maxBodyBytes ?? 1_048_576;
  if (!options.idempotency && ff.storageCapabilities.multiProcess) {
    // Several instances on one store would each keep their own keys and run a retried request twice.
    console.warn('fulfillkit/http: the storage is shared between processes but Idempotency-Key answers are kept in this one; pass `idempotency` a shared IdempotencyStore');
  }
  const idempotency = options.idempotency ?? memoryIdempotencyStore();
  const now = options.now ?? Date.now;
  const router = compileRoutes(apiRoutes(ff, { basePath }));
  const identify = async (request: Request): Promise<Principal | null> => checkPrincipal(await authorize(request));
  const consoleHandler =
    options.console === false ? null : consoleApp(ff, { ...(options.console ?? {}), basePath, identify, maxBodyBytes: maxBody, idempotency, now });

  const fail = (error: unknown, request: Request, instance: string): Response => {
    if (error instanceof HttpProblemError) return problemResponse(error.problem);
    const problem = problemFromError(error, instance);
    if (problem.status >= 500) options.onError?.(error, request);
    return problemResponse(problem);
  };

  async function serveRoute(route: ApiRoute, params: Record<string, string>, request: Request, url: URL, path: string): Promise<Response> {
    let principal: Principal | null = null;
    if (route.access !== 'open' && route.access !== 'webhook') {
      principal = await identify(request);
      if (!principal) return problemResponse(httpProblem('UNAUTHORIZED', 'Send Authorization: Bearer <token>', path), { 'www-authenticate': 'Bearer' });
      if (!allows(principal.role, route.access)) {
        return problemResponse(httpProblem('FORBIDDEN', `The ${principal.role} role may not ${route.operationId}`, path, { role: principal.role, permission: route.access }));
      }
    }
    const rawBody = route.method === 'POST' ? await readBody(request, maxBody) : new Uint8Array(new ArrayBuffer(0));
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    let body: unknown = {};
    if (route.method === 'POST' && route.access !== 'webhook') {
      const type = request.headers.get('content-type');
      if (rawBody.byteLength > 0 && (type === null || !JSON_TYPE.test(type))) {
        throw new HttpProblemError(httpProblem('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', path));
      }
      body = parseJson(rawBody, path);
    }
    const run = async (): Promise<Response> => {
      const result = await route.run({ params, query: Object.fromEntries(url.searchParams), body, rawBody, headers, principal, request });
      return jsonResponse(route.status ?? 200, result);
    };
    // Webhooks are idempotent by event id; their callers are anonymous, so a key could not be scoped to them.
    const key = route.method === 'POST' && route.access !== 'webhook' ? request.headers.get('idempotency-key') : null;
    if (key === null) return run().catch((err) => fail(err, request, path));
    return idempotent(key, `${principal?.id ?? 'anonymous'} ${route.method} ${path}`, rawBody, request, path, run);
  }

  async function idempotent(key: string, scope: string, rawBody: Uint8Array<ArrayBuffer>, request: Request, path: string, run: () => Promise<Response>): Promise<Response> {
    if (!KEY_PATTERN.test(key)) {
      return fail(
        new FulfillmentError('VALIDATION_FAILED', 'Invalid Idempotency-Key: 1 to 255 visible ASCII characters', {
          details: { issues: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }] },
        }),
        request,
        path,
      );
    }
    const storeKey = `${scope}\n${key}`;
    const fingerprint = await bodyFingerprint(rawBody);
    const claim = await idempotency.begin(storeKey, fingerprint, now());
    if (claim.state !== 'new' && claim.fingerprint !== fingerprint) {
      return fail(new FulfillmentError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was used with a different request body', { details: { key } }), request, path);
    }
    if (claim.state === 'running') {
      return problemResponse(httpProblem('IDEMPOTENCY_IN_PROGRESS', 'The first request with this key has not finished; retry shortly', path), { 'retry-after': '1' });
    }
    if (claim.state === 'done') {
      const { status, headers, body } = claim.response;
      return new Response(body, { status, headers: { ...headers, 'idempotent-replayed': 'true' } });
    }
    let response: Response;
    let retryable = false;
    try {
      response = await run();
    } catch (err) {
      retryable = isFulfillmentError(err) && err.retryable;
      response = fail(err, request, path);
    }
    // Only final answers are kept: a retry after a fault or a transient refusal runs again.
    if (response.status >= 500 || retryable) {
      await idempotency.abandon(storeKey);
      return response;
    }
    const text = await response.text();
    const stored: StoredResponse = { status: response.status, headers: Object.fromEntries(response.headers), body: text };
    await idempotency.complete(storeKey, stored, now());
    return new Response(text, { status: stored.status, headers: stored.headers });
  }

  return async (request) => {
    const url = new URL(request.url);
    let path = url.pathname;
    if (basePath) {
      if (path !== basePath && !path.startsWith(`${basePath}/`)) return problemResponse(httpProblem('ROUTE_NOT_FOUND', `No route for ${path}`, path));
      path = path.slice(basePath.length) || '/';
    }
    try {
      if (consoleHandler && (path === '/console' || path.startsWith('/console/'))) return await consoleHandler(request, path);
      const match = router.match(request.method, path);
      if (!match) return problemResponse(httpProblem('ROUTE_NOT_FOUND', `No route for ${request.method} ${path}`, path));
      if ('allowed' in match) {
        return problemResponse(httpProblem('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}`, path), { allow: match.allowed.join(', ') });
      }
      return await serveRoute(match.route, match.params, request, url, path);
    } catch (err) {
      return fail(err, request, path);
    }
  };
}
