// Idempotency-Key for POST requests: the first response under a key is kept
// and replayed for a retry of the same request; a different request under
// the same key is refused, and so is one that arrives while the first runs.

/** A response as kept for replay. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What {@link IdempotencyStore.begin} found under a key. */
export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'running'; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: StoredResponse };

/**
 * Where idempotent responses live. `begin` must be atomic: of two concurrent
 * calls with one key, exactly one sees `new`. Several server instances need a
 * shared store (the default lives in process memory).
 */
export interface IdempotencyStore {
  /** Claim `key` for a request with `fingerprint`, or report what holds it. */
  begin(key: string, fingerprint: string, now: number): Promise<IdempotencyClaim>;
  /** Keep the response of a claimed key until `now + ttlMs`. */
  complete(key: string, response: StoredResponse, now: number): Promise<void>;
  /** Drop a claim whose request failed in a way worth retrying (5xx). */
  abandon(key: string): Promise<void>;
}

/** Options of {@link memoryIdempotencyStore}. */
export interface MemoryIdempotencyOptions {
  /**
   * How long a response is replayed, in milliseconds.
   * @defaultValue 86_400_000 (24 hours)
   */
  ttlMs?: number;
  /**
   * Most keys kept; the oldest go first.
   * @defaultValue 10_000
   */
  maxEntries?: number;
  /**
   * How long a claim may stay running before another request may take it over, in milliseconds.
   * @defaultValue 60_000
   */
  leaseMs?: number;
}

type Entry = { fingerprint: string; response: StoredResponse | null; expiresAt: number };

/**
 * An in-process {@link IdempotencyStore}: fine for one server; give
 * several instances a shared one.
 *
 * @example
 * ```ts
 * const handler = createHttpHandler(ff, { token, idempotency: memoryIdempotencyStore({ ttlMs: 3_600_000 }) });
 * ```
 */
export function memoryIdempotencyStore(options: MemoryIdempotencyOptions = {}): IdempotencyStore {
  const ttl = options.ttlMs ?? 86_400_000;
  const max = options.maxEntries ?? 10_000;
  const lease = options.leaseMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const evict = (now: number) => {
    for (const [key, e] of entries) {
      if (entries.size <= max && e.expiresAt > now) break;
      if (e.expiresAt <= now || entries.size > max) entries.delete(key);
    }
  };
  return {
    async begin(key, fingerprint, now) {
      const found = entries.get(key);
      if (found && found.expiresAt > now) {
        return found.response ? { state: 'done', fingerprint: found.fingerprint, response: found.response } : { state: 'running', fingerprint: found.fingerprint };
      }
      entries.delete(key);
      entries.set(key, { fingerprint, response: null, expiresAt: now + lease });
      evict(now);
      return { state: 'new' };
    },
    async complete(key, response, now) {
      const found = entries.get(key);
      if (!found) return;
      entries.delete(key);
      entries.set(key, { ...found, response, expiresAt: now + ttl });
    },
    async abandon(key) {
      entries.delete(key);
    },
  };
}

/** The fingerprint a request body is compared by: SHA-256, hex. */
export async function bodyFingerprint(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
