// RFC 9457 problem details, and the one table that maps a FulfillmentError
// code to an HTTP status, used by every route, webhook and console page.
import { type FulfillmentErrorCode, isFulfillmentError } from '../domain/errors.js';

/**
 * HTTP status of every {@link FulfillmentErrorCode}. The only place a code
 * becomes a status.
 *
 * @example
 * ```ts
 * STATUS_BY_CODE.INSUFFICIENT_STOCK; // 409
 * ```
 */
export const STATUS_BY_CODE: Readonly<Record<FulfillmentErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  INSUFFICIENT_STOCK: 409,
  CONCURRENCY_CONFLICT: 409,
  PAYMENT_DECLINED: 402,
  PAYMENT_FAILED: 402,
  IDEMPOTENCY_CONFLICT: 422,
  NO_RATES: 422,
  WEBHOOK_SIGNATURE_INVALID: 401,
  CARRIER_ERROR: 502,
  ADAPTER_ERROR: 502,
  CONFIGURATION_ERROR: 500,
};

/** Problems raised by the HTTP layer itself rather than by a command. */
export type HttpProblemCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BODY_TOO_LARGE'
  | 'MALFORMED_BODY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CSRF_REJECTED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'INTERNAL_ERROR';

const HTTP_PROBLEMS: Readonly<Record<HttpProblemCode, { status: number; title: string }>> = {
  UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this role' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  MALFORMED_BODY: { status: 400, title: 'Malformed request body' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  CSRF_REJECTED: { status: 403, title: 'Cross-site request refused' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
};

const TITLES: Readonly<Record<FulfillmentErrorCode, string>> = {
  VALIDATION_FAILED: 'Invalid request',
  NOT_FOUND: 'Not found',
  INVALID_TRANSITION: 'Not possible in the current state',
  INSUFFICIENT_STOCK: 'Insufficient stock',
  CONCURRENCY_CONFLICT: 'Changed concurrently',
  PAYMENT_DECLINED: 'Payment declined',
  PAYMENT_FAILED: 'Payment failed',
  IDEMPOTENCY_CONFLICT: 'Idempotency-Key reused with a different request',
  NO_RATES: 'No shipping rates',
  WEBHOOK_SIGNATURE_INVALID: 'Webhook signature invalid',
  CARRIER_ERROR: 'Carrier error',
  ADAPTER_ERROR: 'Provider error',
  CONFIGURATION_ERROR: 'Server configuration error',
};

/** An RFC 9457 problem document, with the error `code` and its `details` as extensions. */
export interface Problem {
  /** `urn:fulfillkit:problem:<CODE>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path. */
  instance?: string;
  /** The stable error code (a FulfillmentError code or an HTTP-layer code). */
  code: FulfillmentErrorCode | HttpProblemCode;
  /** Machine-readable specifics (validation issues, shortages). */
  details?: Record<string, unknown>;
  /** Whether repeating the request may succeed. */
  retryable?: boolean;
}

/**
 * The problem for an error thrown while serving a request; unknown errors reveal nothing.
 * Hosts use it to answer their own routes' errors the same way.
 *
 * @example
 * ```ts
 * const problem = problemFromError(err, '/checkout');
 * return new Response(JSON.stringify(problem), { status: problem.status, headers: { 'content-type': 'application/problem+json' } });
 * ```
 */
export function problemFromError(error: unknown, instance?: string): Problem {
  if (isFulfillmentError(error)) {
    const status = STATUS_BY_CODE[error.code];
    // Server-side faults keep their internals (adapter messages, config) out of the response.
    const internal = status === 500;
    return {
      type: `urn:fulfillkit:problem:${error.code}`,
      title: TITLES[error.code],
      status,
      detail: internal ? 'The server is misconfigured; see its logs' : error.message,
      instance,
      code: error.code,
      details: internal ? undefined : error.details,
      retryable: error.retryable,
    };
  }
  return httpProblem('INTERNAL_ERROR', 'The request failed; see the server logs', instance);
}

/** A problem raised by the HTTP layer. */
export function httpProblem(code: HttpProblemCode, detail: string, instance?: string, details?: Record<string, unknown>): Problem {
  const { status, title } = HTTP_PROBLEMS[code];
  return { type: `urn:fulfillkit:problem:${code}`, title, status, detail, instance, code, details };
}

/** Serialize a problem as `application/problem+json`. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  });
}

/** Thrown inside the HTTP layer to answer with an HTTP-level problem. */
export class HttpProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}
