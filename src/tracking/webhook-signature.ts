// Signing and verifying webhooks: HMAC-SHA256 over `${timestamp}.${rawBody}`
// (Stripe's scheme), a hex HMAC of the body without timestamp (EasyPost's),
// and the building blocks for other providers' schemes. The core stays
// runtime-neutral: the MAC is Web Crypto's, except where the runtime hands out
// a synchronous one at run time (Node's `createHmac` through
// `process.getBuiltinModule`), which costs a fraction of a thread-pool job per
// signature and gives the same bytes. Nothing here imports a `node:` module.
import { FulfillmentError } from '../domain/errors.js';
import type { WebhookHeaders } from '../ports/carrier.js';

/**
 * Header fulfillkit's own adapters put the signature in (`t=<unix seconds>,v1=<hex>`).
 *
 * @example
 * ```ts
 * const header = request.headers.get(SIGNATURE_HEADER); // 't=1767225600,v1=5f2c...'
 * ```
 */
export const SIGNATURE_HEADER = 'fulfillkit-signature';

/**
 * Seconds a signature stays acceptable either side of `now`.
 *
 * @example
 * ```ts
 * // Accept signatures up to 10 minutes old instead of the default 300 seconds:
 * await verifyWebhook({ secret, payload: rawBody, header, tolerance: 2 * DEFAULT_SIGNATURE_TOLERANCE });
 * ```
 */
export const DEFAULT_SIGNATURE_TOLERANCE = 300;

/** Why a signature was refused; found in `error.details.reason`. */
export type WebhookSignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'stale';

/** A webhook exactly as it travels: the raw body bytes and the headers. */
export interface SignedWebhookRequest {
  headers: WebhookHeaders;
  rawBody: string | Uint8Array;
}

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** Shared secret; several produce one `v1` each, for receivers mid-rotation. */
  secret: string | readonly string[];
  /** The exact body that will be sent. */
  payload: string | Uint8Array;
  /**
   * Signing time: a Date, or unix seconds (values above 1e10 are read as milliseconds).
   * @defaultValue the current time
   */
  timestamp?: number | Date;
}

/** Input of {@link verifyWebhook}. Give `secret` or `secrets` (any one may match, for rotation). */
export interface VerifyWebhookInput {
  /** The shared secret. */
  secret?: string;
  /** Several accepted secrets, e.g. the new and the old one while rotating. */
  secrets?: readonly string[];
  /** The raw body exactly as received; re-serialized JSON will not verify. */
  payload: string | Uint8Array;
  /**
   * The signature header value (`t=...,v1=...`); repeated headers as an array.
   * Anything else (a number, an object, an array holding non-strings) is
   * refused as `malformed`, never thrown as a `TypeError`.
   */
  header: string | readonly string[] | null | undefined;
  /**
   * Seconds the timestamp may differ from `now`; `Infinity` turns replay protection off.
   * @defaultValue 300
   */
  tolerance?: number;
  /**
   * The time to check the timestamp against (a Date, unix seconds or milliseconds).
   * @defaultValue the current time
   */
  now?: Date | number;
}

const encoder = new TextEncoder();

/**
 * Sign a webhook body; returns the header value `t=<unix seconds>,v1=<hex>`.
 *
 * @example
 * ```ts
 * const rawBody = JSON.stringify({ id: 'evt_1', status: 'delivered' });
 * const signature = await signWebhook({ secret: 'whsec_test', payload: rawBody });
 * await fetch(url, { method: 'POST', body: rawBody, headers: { [SIGNATURE_HEADER]: signature } });
 * ```
 */
export async function signWebhook(input: SignWebhookInput): Promise<string> {
  const timestamp = toUnixSeconds(input.timestamp ?? Date.now());
  const secrets = typeof input.secret === 'string' ? [input.secret] : [...input.secret];
  if (secrets.length === 0) throw configurationError();
  const parts = [`t=${timestamp}`];
  for (const secret of secrets) parts.push(`v1=${toHex(await hmac(secret, timestamp, input.payload))}`);
  return parts.join(',');
}

/**
 * Verify a signature header over the raw body. Resolves with the signed
 * timestamp; throws `WEBHOOK_SIGNATURE_INVALID` with `details.reason`
 * (`missing`, `malformed`, `mismatch` or `stale`) otherwise.
 *
 * @example
 * ```ts
 * await verifyWebhook({
 *   secret: process.env.CARRIER_WEBHOOK_SECRET!,
 *   payload: rawBody,
 *   header: readHeader(headers, SIGNATURE_HEADER),
 * });
 * ```
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<{ timestamp: number }> {
  const secrets = input.secrets ?? (input.secret === undefined ? [] : [input.secret]);
  if (secrets.length === 0) throw configurationError();
  const header: unknown = input.header;
  if (header === undefined || header === null) throw signatureError('missing', 'The webhook carries no signature header');
  const raw = headerText(header);
  if (raw === null) throw signatureError('malformed', 'The webhook signature header is not text');
  if (raw.trim() === '') throw signatureError('missing', 'The webhook carries no signature header');
  const parsed = parseSignatureHeader(raw);
  if (parsed === null) throw signatureError('malformed', 'The webhook signature header is not of the form t=<seconds>,v1=<hex>');

  let matched = false;
  for (const secret of secrets) {
    const expected = await hmac(secret, parsed.timestamp, input.payload);
    // Compare against every candidate without stopping early, so timing says nothing.
    for (const candidate of parsed.signatures) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched) throw signatureError('mismatch', 'The webhook signature does not match its body');

  const tolerance = input.tolerance ?? DEFAULT_SIGNATURE_TOLERANCE;
  const now = toUnixSeconds(input.now ?? Date.now());
  if (Math.abs(now - parsed.timestamp) > tolerance) {
    throw signatureError('stale', `The webhook was signed ${now - parsed.timestamp}s ago, beyond the ${tolerance}s tolerance`, {
      timestamp: parsed.timestamp,
    });
  }
  return { timestamp: parsed.timestamp };
}

/**
 * Read a header case-insensitively from a framework's header map; repeated
 * headers are joined with commas. Values that are neither strings nor arrays
 * of strings are treated as absent.
 *
 * @example
 * ```ts
 * readHeader({ 'Fulfillkit-Signature': 't=1,v1=ab' }, 'fulfillkit-signature'); // 't=1,v1=ab'
 * ```
 */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  if (headers === null || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    // A value that is not text (a hostile or buggy caller's) reads as no header at all.
    return headerText(value) ?? undefined;
  }
  return undefined;
}

/** Input of {@link verifyHexHmacSignature}. */
export interface VerifyHexHmacInput {
  /** The raw body exactly as received. */
  rawBody: string | Uint8Array;
  /** The signature header value (`hmac-sha256-hex=<hex>`); repeated headers as an array. */
  header: string | readonly string[] | null | undefined;
  /** The shared secret, or several while rotating (any one may match). NFKD-normalized before use. */
  secret: string | readonly string[];
  /**
   * What precedes the hex digest in the header.
   * @defaultValue 'hmac-sha256-hex='
   */
  prefix?: string;
}

/**
 * Verify a hex HMAC-SHA256 of the raw body, without timestamp (EasyPost's
 * `X-Hmac-Signature: hmac-sha256-hex=<hex>`; the secret is NFKD-normalized,
 * as EasyPost does). Throws `WEBHOOK_SIGNATURE_INVALID` with `details.reason`
 * `missing`, `malformed` or `mismatch`.
 *
 * The scheme signs no time, so a captured webhook verifies forever: replay
 * protection comes from the event ids instead (the engine drops a tracking
 * event or payment event it has already applied, and reads payment state
 * back from the provider). Rotate the secret if one leaks.
 *
 * @example
 * ```ts
 * await verifyHexHmacSignature({
 *   rawBody,
 *   header: readHeader(headers, 'x-hmac-signature'),
 *   secret: process.env.EASYPOST_WEBHOOK_SECRET!,
 * });
 * ```
 */
export async function verifyHexHmacSignature(input: VerifyHexHmacInput): Promise<void> {
  const secrets = typeof input.secret === 'string' ? [input.secret] : [...input.secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s === '')) throw configurationError();
  const prefix = input.prefix ?? 'hmac-sha256-hex=';
  const header: unknown = input.header;
  if (header === undefined || header === null) throw signatureError('missing', 'The webhook carries no signature header');
  const raw = headerText(header);
  if (raw === null) throw signatureError('malformed', 'The webhook signature header is not text');
  if (raw.trim() === '') throw signatureError('missing', 'The webhook carries no signature header');
  const candidates: Uint8Array[] = [];
  for (const part of raw.split(',')) {
    const value = part.trim();
    if (!value.startsWith(prefix)) continue;
    const hex = value.slice(prefix.length);
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw signatureError('malformed', `The webhook signature is not ${prefix}<64 hex digits>`);
    candidates.push(fromHex(hex));
  }
  if (candidates.length === 0) throw signatureError('malformed', `The webhook signature header has no ${prefix}<hex> value`);
  const body = typeof input.rawBody === 'string' ? encoder.encode(input.rawBody) : input.rawBody;
  let matched = false;
  for (const secret of secrets) {
    const expected = await hmacSha256(secret.normalize('NFKD'), body);
    for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched) throw signatureError('mismatch', 'The webhook signature does not match its body');
}

/**
 * HMAC-SHA256 of `data` under `secret` (UTF-8): Node's synchronous
 * `createHmac` where the runtime offers it, Web Crypto elsewhere (browsers,
 * Deno, workers, Node before 20.16). Both give the same bytes; an empty
 * secret is refused as `CONFIGURATION_ERROR` on both.
 *
 * @example
 * ```ts
 * const mac = await hmacSha256('whsec_test', `${timestamp}.${rawBody}`);
 * ```
 */
export async function hmacSha256(secret: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> {
  return hmacSha256With(runtimeHmac(), secret, data);
}

/**
 * A synchronous HMAC-SHA256: key bytes and message bytes in, the 32-byte MAC out.
 * @internal
 */
export type SyncHmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

interface NodeCryptoLike {
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } };
}

/**
 * The runtime's synchronous HMAC-SHA256, or null where it has none: looked up
 * at run time through `host.getBuiltinModule('node:crypto')` (Node ≥ 20.16,
 * also Bun and Deno's Node layer), never by a static import, so bundles for
 * browsers carry nothing of it. Any failure of the look-up, or a module that
 * does not give the right MAC for a known vector, reads as "none".
 * @internal
 */
export function resolveSyncHmacSha256(host: unknown): SyncHmacSha256 | null {
  try {
    const getBuiltinModule = (host as { getBuiltinModule?: unknown } | null | undefined)?.getBuiltinModule;
    if (typeof getBuiltinModule !== 'function') return null;
    const crypto = getBuiltinModule.call(host, 'node:crypto') as Partial<NodeCryptoLike> | undefined;
    if (crypto === null || typeof crypto !== 'object' || typeof crypto.createHmac !== 'function') return null;
    const createHmac = crypto.createHmac.bind(crypto);
    const mac: SyncHmacSha256 = (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest());
    // RFC 4231, test case 2: a module that answers anything else is not used.
    if (toHex(mac(encoder.encode('Jefe'), encoder.encode('what do ya want for nothing?'))) !== RFC4231_CASE2) return null;
    return mac;
  } catch {
    return null;
  }
}

/**
 * HMAC-SHA256 through `sync` when given, through Web Crypto when null.
 * @internal
 */
export async function hmacSha256With(sync: SyncHmacSha256 | null, secret: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> {
  const keyBytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
  // Web Crypto refuses an empty HMAC key where Node's createHmac takes it: refuse it on both paths, typed.
  if (keyBytes.length === 0) throw configurationError();
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  if (sync !== null) return sync(keyBytes, bytes);
  const key = await globalThis.crypto.subtle.importKey('raw', keyBytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, bytes as BufferSource));
}

const RFC4231_CASE2 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

// Looked up once, on first use.
let cachedSyncHmac: SyncHmacSha256 | null | undefined;

function runtimeHmac(): SyncHmacSha256 | null {
  if (cachedSyncHmac === undefined) cachedSyncHmac = resolveSyncHmacSha256((globalThis as { process?: unknown }).process);
  return cachedSyncHmac;
}

/**
 * Compare two byte strings (or hex/ASCII strings) in time that depends only
 * on their length, so a forger learns nothing from how long a refusal takes.
 *
 * @example
 * ```ts
 * timingSafeEqual(await hmacSha256(secret, rawBody), fromProvider); // true or false
 * ```
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? encoder.encode(a) : a;
  const y = typeof b === 'string' ? encoder.encode(b) : b;
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

// ---- internals ------------------------------------------------------------

// The header as one string: a string, or an array of strings joined as HTTP does; null otherwise.
function headerText(header: unknown): string | null {
  if (typeof header === 'string') return header;
  if (Array.isArray(header) && header.every((part) => typeof part === 'string')) return header.join(',');
  return null;
}

function parseSignatureHeader(raw: string): { timestamp: number; signatures: Uint8Array[] } | null {
  let timestamp: number | null = null;
  const signatures: Uint8Array[] = [];
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return null;
      signatures.push(fromHex(value));
    }
    // Other schemes (v0, future versions) are ignored, as Stripe receivers do.
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

function hmac(secret: string, timestamp: number, payload: string | Uint8Array): Promise<Uint8Array> {
  const prefix = encoder.encode(`${timestamp}.`);
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix, 0);
  message.set(body, prefix.length);
  return hmacSha256(secret, message);
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toUnixSeconds(value: number | Date): number {
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  // Numbers above ~year 2286 in seconds are milliseconds.
  return value > 1e10 ? Math.floor(value / 1000) : Math.floor(value);
}

function signatureError(reason: WebhookSignatureFailure, message: string, extra: Record<string, unknown> = {}): FulfillmentError {
  return new FulfillmentError('WEBHOOK_SIGNATURE_INVALID', message, { details: { reason, ...extra } });
}

function configurationError(): FulfillmentError {
  return new FulfillmentError('CONFIGURATION_ERROR', 'A webhook secret is required to sign or verify webhooks', {
    details: { option: 'secret' },
  });
}
