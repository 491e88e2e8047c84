// JSON over fetch for carrier APIs: auth header, deadline signal, and one
// mapping of HTTP failures onto CarrierError (429 and 5xx retryable).
import { CarrierError } from '../domain/errors.js';

/** A `fetch` implementation (the global one by default; inject one for proxies or tests). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How one carrier API is reached. */
export interface JsonApi {
  carrierId: string;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: FetchLike;
  /** Read the provider's error message out of an error body. */
  describeError(body: unknown): { code: string; message: string };
  /** Longest wait for one answer, whatever the caller's signal says. */
  timeoutMs: number;
}

/** An answer that was not 2xx: `status` and the parsed body. */
export interface JsonFailure {
  status: number;
  body: unknown;
}

/**
 * Send one request; resolves with the parsed body of a 2xx answer, or
 * `{ failure }` for 404 and 4xx answers the caller may want to read.
 * Network errors, 429 and 5xx throw a retryable `CarrierError`.
 */
export async function requestJson(
  api: JsonApi,
  method: string,
  path: string,
  body: unknown,
  options: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<{ ok: true; body: unknown } | { ok: false; failure: JsonFailure }> {
  let response: Response;
  const own = AbortSignal.timeout(api.timeoutMs);
  const signal = options.signal === undefined ? own : AbortSignal.any([options.signal, own]);
  try {
    response = await api.fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { accept: 'application/json', ...api.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
  } catch (cause) {
    const timedOut = signal.aborted;
    throw new CarrierError(`${api.carrierId}: ${timedOut ? 'the call ran past its deadline' : 'the API could not be reached'}`, {
      carrierId: api.carrierId,
      retryable: true,
      cause,
      details: { reason: timedOut ? 'timeout' : 'network', path },
    });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (response.ok) {
    // "200 OK" with an error object is the provider failing, not an answer.
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed && (parsed as { error: unknown }).error) {
      const { code, message } = api.describeError(parsed);
      throw new CarrierError(`${api.carrierId}: ${message}`, { carrierId: api.carrierId, retryable: false, details: { status: response.status, providerCode: code, path, reason: 'error_body' } });
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw new CarrierError(`${api.carrierId}: the answer to ${path} is not a JSON object`, { carrierId: api.carrierId, retryable: false, details: { status: response.status, path, reason: 'malformed' } });
    }
    return { ok: true, body: parsed };
  }
  if (response.status === 429 || response.status >= 500) {
    const { code, message } = api.describeError(parsed);
    throw new CarrierError(`${api.carrierId}: ${message}`, {
      carrierId: api.carrierId,
      retryable: true,
      details: { status: response.status, providerCode: code, path },
    });
  }
  return { ok: false, failure: { status: response.status, body: parsed } };
}

/** A final (non-retryable) `CarrierError` for a 4xx answer. */
export function rejected(api: JsonApi, failure: JsonFailure, what: string): CarrierError {
  const { code, message } = api.describeError(failure.body);
  return new CarrierError(`${api.carrierId}: ${what}: ${message}`, {
    carrierId: api.carrierId,
    retryable: false,
    details: { status: failure.status, providerCode: code },
  });
}
