// A shop behind createHttpHandler, with one token per role and helpers that
// call the handler with Request objects (no socket).
import type { StorageAdapter } from '../../src/ports/storage.js';
import { createHttpHandler } from '../../src/http.js';
import type { HttpHandlerOptions } from '../../src/http/handler.js';
import { memoryIdempotencyStore } from '../../src/http/idempotency.js';
import { makeShop } from '../helpers/shop.js';
import { webhookPayments } from '../helpers/webhook-payments.js';
import { fakeClock } from '../../src/testing/fake-clock.js';

export const TOKENS = {
  admin: 'admin-token-5f1c9e2a7b',
  warehouse: 'warehouse-token-3d8a61c0',
  support: 'support-token-9b27e4f1a6',
} as const;

export const ORIGIN = 'http://shop.test';
export const SESSION_SECRET = 'console-session-secret-for-tests-0123456789';

/** Options of one request. */
export interface CallOptions {
  token?: keyof typeof TOKENS | string | null;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export function httpShop(options: { storage?: StorageAdapter; handler?: Partial<HttpHandlerOptions> } = {}) {
  const clock = fakeClock('2026-03-02T09:00:00.000Z');
  const { payments, webhook } = webhookPayments(clock);
  const shop = makeShop({ clock, payments, ...(options.storage ? { storage: options.storage } : {}) });
  const errors: unknown[] = [];
  const handler = createHttpHandler(shop.ff, {
    tokens: { [TOKENS.admin]: 'admin', [TOKENS.warehouse]: 'warehouse', [TOKENS.support]: 'support' },
    now: () => clock.now().getTime(),
    console: { sessionSecret: SESSION_SECRET },
    onError: (error) => errors.push(error),
    idempotency: memoryIdempotencyStore(),
    ...options.handler,
  });

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const headers = new Headers(opts.headers);
    const token = opts.token === undefined ? 'admin' : opts.token;
    if (token !== null) headers.set('authorization', `Bearer ${TOKENS[token as keyof typeof TOKENS] ?? token}`);
    let body: BodyInit | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody as BodyInit;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return handler(new Request(`${ORIGIN}${path}`, { method, headers, body }));
  }

  /** Call and parse a JSON answer, failing loudly on an unexpected status. */
  async function json<T = Record<string, unknown>>(method: string, path: string, opts: CallOptions & { status?: number } = {}): Promise<T> {
    const response = await call(method, path, opts);
    const text = await response.text();
    const expected = opts.status ?? (method === 'POST' && response.status === 201 ? 201 : 200);
    if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return { ...shop, payments, webhook, handler, call, json, errors };
}

export type HttpShop = ReturnType<typeof httpShop>;
