// Logging in to the console the way a browser does: fetch the form, post it
// back with its CSRF token and cookie, keep the session cookie.
import { expect } from 'vitest';
import { ORIGIN, TOKENS } from './http-shop.js';
import type { HttpShop } from './http-shop.js';

/** A logged-in console user. */
export interface ConsoleUser {
  cookie: string;
  csrf: string;
  /** GET a console page with the session. */
  get(path: string): Promise<Response>;
  /** POST a console form with the session (and, unless given, the CSRF token and this origin). */
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

export function csrfOf(text: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(text);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1] as string;
}

export async function consoleLogin(s: HttpShop, role: keyof typeof TOKENS): Promise<ConsoleUser> {
  const loginPage = await s.call('GET', '/console/login', { token: null });
  const loginCookie = (loginPage.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
  const res = await s.call('POST', '/console/login', {
    token: null,
    rawBody: new URLSearchParams({ _csrf: csrfOf(await loginPage.text()), token: TOKENS[role] }).toString(),
    headers: { ...form, cookie: loginCookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
  });
  expect(res.status).toBe(303);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('ff_session='));
  if (!session) throw new Error('no session cookie');
  const cookie = session.split(';')[0] as string;
  const board = await s.call('GET', '/console', { token: null, headers: { cookie } });
  const csrf = csrfOf(await board.text());
  return {
    cookie,
    csrf,
    get: (path) => s.call('GET', path, { token: null, headers: { cookie } }),
    post: (path, fields, headers = {}) =>
      s.call('POST', path, {
        token: null,
        rawBody: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
        headers: { ...form, cookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin', ...headers },
      }),
  };
}
