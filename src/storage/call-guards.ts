// Input checks shared by the memory adapter's parts: every write validates
// with these before it touches state, so a throw leaves the store unchanged.
import { FulfillmentError } from '../domain/errors.js';

/** A `VALIDATION_FAILED` error for a malformed storage call. */
export function invalidCall(message: string, details: Record<string, unknown> = {}): FulfillmentError {
  return new FulfillmentError('VALIDATION_FAILED', message, { details });
}

/** Epoch milliseconds of an ISO instant; `VALIDATION_FAILED` when it does not parse. */
export function instantMillis(iso: string, field: string): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidCall(`${field} is not an ISO 8601 instant: ${String(iso)}`, { field, value: iso });
  return ms;
}

/** Assert a whole number at least `min`. */
export function requireInteger(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw invalidCall(`${field} must be an integer of at least ${min} (got ${String(value)})`, { field, value });
  }
}

/** Assert a non-empty string. */
export function requireText(value: string, field: string): void {
  if (typeof value !== 'string' || value.length === 0) throw invalidCall(`${field} must be a non-empty string`, { field });
}

/** JSON text of `value` (`null` for `undefined`); `VALIDATION_FAILED` when it cannot be serialized. */
export function toJsonText(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (cause) {
    throw new FulfillmentError('VALIDATION_FAILED', `${what} is not JSON-serializable`, { cause, details: { what } });
  }
}
