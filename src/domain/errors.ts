// The one error type every command throws: a stable `code`, machine-readable
// `details`, and the underlying `cause` preserved.
import type { z } from 'zod';
import { findUnstorableText } from './limits.js';

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

/** One SKU that could not be reserved or is no longer held, in `INSUFFICIENT_STOCK` details. */
export interface StockShortage {
  sku: string;
  /** Units asked for. */
  requested: number;
  /** Units that were there to take. */
  available: number;
  /** `requested - available`, when the whole order was refused. */
  short?: number;
  /** Set when the shortage is at one location (a reservation line, a shipment). */
  locationId?: string;
}

/**
 * What `details` holds for each {@link FulfillmentErrorCode}. The fields listed
 * are the ones a program can rely on; commands and adapters may add more, so
 * every shape is open. {@link isFulfillmentError} narrows `details` with the code.
 *
 * @example
 * ```ts
 * if (isFulfillmentError(err, 'INSUFFICIENT_STOCK')) {
 *   for (const { sku, requested, available } of err.details.shortages) console.log(sku, requested, available);
 * }
 * ```
 */
export interface FulfillmentErrorDetailsMap {
  /** `issues` when the input failed its schema (every command input does). */
  VALIDATION_FAILED: { issues?: ValidationIssue[] };
  /** The id that was looked up, under its own name (`orderId`, `shipmentId`, `returnId`, `locationId`, ...). */
  NOT_FOUND: { orderId?: string; shipmentId?: string; returnId?: string; locationId?: string; carrierId?: string; sku?: string };
  /** The status the thing was in and the event it refused, or a `reason`. */
  INVALID_TRANSITION: { status?: string | null; event?: string; reason?: string };
  /** Every SKU that was short, and by how much. */
  INSUFFICIENT_STOCK: { shortages: StockShortage[] };
  /** The order, the attempt and the provider's decline code. */
  PAYMENT_DECLINED: { orderId?: string; attempt?: number; code?: string | null };
  /** What the provider refused, e.g. `reason: 'exceeds_authorization'`. */
  PAYMENT_FAILED: { orderId?: string; paymentId?: string; reason?: string };
  /** The carrier that failed (a {@link CarrierError}), or each failed label purchase when every rate failed. */
  CARRIER_ERROR: { carrierId?: string; failures?: Array<{ carrierId: string; service: string; message: string }> };
  /** Why each carrier returned no rate. */
  NO_RATES: { messages: Array<{ carrierId: string; code: string; message: string }> };
  /** The order and the versions that disagreed. */
  CONCURRENCY_CONFLICT: { orderId?: string; expectedVersion?: number; actualVersion?: number };
  /** The key that was reused with a different request. */
  IDEMPOTENCY_CONFLICT: { key?: string; scope?: string; orderId?: string };
  /** Why the signature was refused. */
  WEBHOOK_SIGNATURE_INVALID: { reason?: string };
  /** The adapter operation that failed. */
  ADAPTER_ERROR: { operation?: string };
  /** The option that is wrong (at construction), or the command and what it needed (at first use). */
  CONFIGURATION_ERROR: { option?: string | string[]; command?: string; missing?: string[]; issues?: ValidationIssue[] };
}

/** `details` of a {@link FulfillmentError} with code `C`: the documented fields, open to more. */
export type FulfillmentErrorDetails<C extends FulfillmentErrorCode = FulfillmentErrorCode> = FulfillmentErrorDetailsMap[C] & {
  [field: string]: unknown;
};

/** Options accepted by the {@link FulfillmentError} constructor. */
export interface FulfillmentErrorOptions<C extends FulfillmentErrorCode = FulfillmentErrorCode> {
  /** Data a program can act on (shortages, issues, ids); its shape follows the code. */
  details?: FulfillmentErrorDetails<C>;
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
 * `details` for specifics (typed per code once narrowed). After a command
 * throws, storage is as it was.
 *
 * @example
 * ```ts
 * try {
 *   await ff.orders.place(input);
 * } catch (err) {
 *   if (isFulfillmentError(err, 'INSUFFICIENT_STOCK')) {
 *     console.log(err.details.shortages); // StockShortage[]: [{ sku, requested, available }]
 *   }
 * }
 * ```
 */
export class FulfillmentError<C extends FulfillmentErrorCode = FulfillmentErrorCode> extends Error {
  override readonly name: string = 'FulfillmentError';
  /** Stable, UPPER_SNAKE error code. */
  readonly code: C;
  /** Machine-readable specifics; see {@link FulfillmentErrorDetailsMap} for each code's fields. */
  readonly details: FulfillmentErrorDetails<C>;
  /** Whether the same call may succeed if repeated. */
  readonly retryable: boolean;

  constructor(code: C, message: string, options: FulfillmentErrorOptions<NoInfer<C>> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? ({} as FulfillmentErrorDetails<C>);
    this.retryable = options.retryable ?? false;
  }

  /** A plain JSON form, suitable for logs and API responses. */
  toJSON(): { name: string; code: C; message: string; details: FulfillmentErrorDetails<C> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Build errors without capturing a stack: for expected refusals (stock sold
 * out) made by the thousand in a storm, where the trace would cost more than
 * the refusal and say nothing a caller needs. Internal.
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // Frozen intrinsics (SES, --frozen-intrinsics): build it with its stack.
    return make();
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
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
export class CarrierError extends FulfillmentError<'CARRIER_ERROR'> {
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
 * Narrow an unknown error to a {@link FulfillmentError}, optionally of one
 * code, which also narrows `details` to that code's fields.
 *
 * @example
 * ```ts
 * if (isFulfillmentError(err, 'NOT_FOUND')) return null;
 * ```
 */
export function isFulfillmentError<C extends FulfillmentErrorCode = FulfillmentErrorCode>(err: unknown, code?: C): err is FulfillmentError<C> {
  return err instanceof FulfillmentError && (code === undefined || err.code === code);
}

const MAX_ISSUES_IN_MESSAGE = 10;
const MAX_ISSUE_CHARS = 200;

function clip(text: string): string {
  return text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS)}…` : text;
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
 * names every offending field and whose `details.issues` lists them. Strings
 * (values and keys) holding a NUL character or a lone surrogate are refused
 * too: no storage adapter can keep them exactly.
 *
 * @example
 * ```ts
 * const input = parseInput(orderInputSchema, raw, 'order');
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    // Text that passes the schema but that PostgreSQL cannot hold is refused
    // here, before any effect, so every storage adapter gives the same answer.
    const unstorable = findUnstorableText(result.data);
    if (unstorable === null) return result.data;
    throw new FulfillmentError('VALIDATION_FAILED', `Invalid ${what}: ${unstorable.path || '(root)'}: ${unstorable.message}`, {
      details: { issues: [unstorable] },
    });
  }
  const issues = toValidationIssues(result.error);
  // Hostile input can carry thousands of issues or megabyte-long keys: the message stays short.
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => clip(`${i.path || '(root)'}: ${i.message}`));
  if (issues.length > MAX_ISSUES_IN_MESSAGE) shown.push(`and ${issues.length - MAX_ISSUES_IN_MESSAGE} more`);
  const summary = shown.join('; ');
  throw new FulfillmentError('VALIDATION_FAILED', `Invalid ${what}: ${summary}`, {
    details: { issues },
    cause: result.error,
  });
}
