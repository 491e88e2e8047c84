// The one error type every command throws: a stable `code`, machine-readable
// `details`, and the underlying `cause` preserved.
import type { z } from 'zod';

/**
 * Every error code the library throws. Stable across minor versions.
 *
 * @example
 * ```ts
 * ERROR_CODES.includes('INSUFFICIENT_STOCK'); // true
 * // e.g. a code-to-HTTP-status table the type checker keeps complete:
 * const httpStatus = { VALIDATION_FAILED: 400, NOT_FOUND: 404, INSUFFICIENT_STOCK: 409 } satisfies Partial<Record<(typeof ERROR_CODES)[number], number>>;
 * ```
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'INSUFFICIENT_STOCK',
  'PAYMENT_DECLINED',
  'PAYMENT_FAILED',
  'CARRIER_ERROR',
  'NO_RATES',
  'CONCURRENCY_CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'WEBHOOK_SIGNATURE_INVALID',
  'ADAPTER_ERROR',
  'CONFIGURATION_ERROR',
] as const;

/** A {@link FulfillmentError} code. */
export type FulfillmentErrorCode = (typeof ERROR_CODES)[number];

/** One problem found while validating input: where, and what is wrong. */
export interface ValidationIssue {
  /** Path to the offending field, e.g. `lines.0.quantity`. Empty for the root. */
  path: string;
  /** Human-readable explanation. */
  message: string;
}

/** Options accepted by the {@link FulfillmentError} constructor. */
export interface FulfillmentErrorOptions {
  /** Data a program can act on (shortages, issues, ids). */
  details?: Record<string, unknown>;
  /** The error that caused this one. */
  cause?: unknown;
  /**
   * Whether repeating the same call may succeed (a timeout, a 503).
   * @defaultValue false
   */
  retryable?: boolean;
}

/**
 * The error thrown by every fulfillkit command. Switch on `code`; read
 * `details` for specifics. After a command throws, storage is as it was.
 *
 * @example
 * ```ts
 * try {
 *   await ff.orders.place(input);
 * } catch (err) {
 *   if (isFulfillmentError(err, 'INSUFFICIENT_STOCK')) {
 *     console.log(err.details.shortages); // [{ sku, requested, available }]
 *   }
 * }
 * ```
 */
export class FulfillmentError extends Error {
  override readonly name: string = 'FulfillmentError';
  /** Stable, UPPER_SNAKE error code. */
  readonly code: FulfillmentErrorCode;
  /** Machine-readable specifics; shape depends on `code`. */
  readonly details: Record<string, unknown>;
  /** Whether the same call may succeed if repeated. */
  readonly retryable: boolean;

  constructor(code: FulfillmentErrorCode, message: string, options: FulfillmentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
  }

  /** A plain JSON form, suitable for logs and API responses. */
  toJSON(): { name: string; code: FulfillmentErrorCode; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * An error raised by a carrier adapter. `retryable` tells the engine whether
 * to back off and try again or move to the next rate.
 *
 * @example
 * ```ts
 * throw new CarrierError('Label service unavailable', { carrierId: 'ups', retryable: true });
 * ```
 */
export class CarrierError extends FulfillmentError {
  override readonly name: string = 'CarrierError';
  /** Which carrier raised it. */
  readonly carrierId: string;

  constructor(
    message: string,
    options: { carrierId: string; retryable?: boolean; cause?: unknown; details?: Record<string, unknown> },
  ) {
    super('CARRIER_ERROR', message, {
      retryable: options.retryable ?? false,
      cause: options.cause,
      details: { carrierId: options.carrierId, ...options.details },
    });
    this.carrierId = options.carrierId;
  }
}

/**
 * Narrow an unknown error to a {@link FulfillmentError}, optionally of one code.
 *
 * @example
 * ```ts
 * if (isFulfillmentError(err, 'NOT_FOUND')) return null;
 * ```
 */
export function isFulfillmentError(err: unknown, code?: FulfillmentErrorCode): err is FulfillmentError {
  return err instanceof FulfillmentError && (code === undefined || err.code === code);
}

/** Turn zod issues into {@link ValidationIssue}s with dotted paths. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Validate `input` against `schema`, throwing `VALIDATION_FAILED` whose message
 * names every offending field and whose `details.issues` lists them.
 *
 * @example
 * ```ts
 * const input = parseInput(orderInputSchema, raw, 'order');
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new FulfillmentError('VALIDATION_FAILED', `Invalid ${what}: ${summary}`, {
    details: { issues },
    cause: result.error,
  });
}
