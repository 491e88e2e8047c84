// Console sessions: a signed cookie (HMAC-SHA256) carrying the role and an
// expiry, HttpOnly and SameSite=Strict, and CSRF tokens derived from the
// session so a form from another site cannot act with it.
import { type Principal, type Role, constantTimeEqual } from '../access.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** A console session as the cookie carries it. */
export interface Session {
  role: Role;
  id: string;
  /** Random per login; CSRF tokens derive from it. */
  nonce: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

/** Signs and checks session cookies and CSRF tokens with one secret. */
export interface SessionKeys {
  seal(session: Session): Promise<string>;
  open(cookie: string | undefined, now: number): Promise<Session | null>;
  /** The CSRF token of a session (or of a pre-login nonce). */
  csrf(nonce: string): Promise<string>;
  checkCsrf(nonce: string, token: string | null): Promise<boolean>;
}

/** Session keys from a secret (at least 32 characters), or a random one per process. */
export function sessionKeys(secret: string | undefined): SessionKeys {
  const material = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
  const key = crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = async (text: string) => new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(text)));
  return {
    async seal(session) {
      const payload = base64url(encoder.encode(JSON.stringify(session)));
      return `${payload}.${base64url(await mac(`session:${payload}`))}`;
    },
    async open(cookie, now) {
      if (!cookie) return null;
      const [payload, signature, extra] = cookie.split('.');
      if (!payload || !signature || extra !== undefined) return null;
      const given = fromBase64url(signature);
      if (!given || !constantTimeEqual(given, await mac(`session:${payload}`))) return null;
      try {
        const bytes = fromBase64url(payload);
        const session = bytes ? (JSON.parse(decoder.decode(bytes)) as Session) : null;
        if (!session || typeof session.exp !== 'number' || session.exp <= now) return null;
        return session;
      } catch {
        return null;
      }
    },
    async csrf(nonce) {
      return base64url(await mac(`csrf:${nonce}`));
    },
    async checkCsrf(nonce, token) {
      if (!token) return false;
      const given = fromBase64url(token);
      return given !== null && constantTimeEqual(given, await mac(`csrf:${nonce}`));
    },
  };
}

/** A random nonce for a session or a login form. */
export function randomNonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(18)));
}

/** Read one cookie from a request. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value: always HttpOnly and SameSite=Strict; Secure over https. */
export function cookie(name: string, value: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The principal a session stands for. */
export function sessionPrincipal(session: Session): Principal {
  return { role: session.role, id: session.id };
}
