// Checks for the arguments every command shares (ids, options objects, webhook
// requests), applied once where createFulfillment hands them to the commands.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import { idArgumentSchema } from '../domain/limits.js';
import type { WebhookHeaders } from '../ports/carrier.js';

/**
 * An id argument (`'order id'`, `'shipment id'`, ...) as a storable string of
 * 1 to 128 characters, or `VALIDATION_FAILED`. Nothing about the value is
 * stringified on the way: a Symbol or a 10,000-deep array costs a type check.
 */
export function idArgument(value: unknown, what: string): string {
  return parseInput(idArgumentSchema, value, what);
}

/**
 * An optional options argument: `undefined` becomes `{}`; anything else must
 * match `schema` (`null`, arrays and primitives are `VALIDATION_FAILED`).
 */
export function optionsArgument<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseInput(schema, value === undefined ? {} : value, what);
}

/** Options of `orders.place`. */
export const placeOptionsSchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(255).optional(),
});

/** Options of `tracking.poll`. */
export const pollOptionsSchema = z.strictObject({
  limit: z.number().int().min(1).max(100_000).optional(),
});

/** Options of `outbox.dispatch`. */
export const dispatchOptionsSchema = z.strictObject({
  batchSize: z.number().int().min(1).max(10_000).optional(),
  leaseMs: z.number().int().min(1).max(86_400_000).optional(),
  maxMessages: z.number().int().min(1).max(10_000_000).optional(),
});

/**
 * A webhook request's shape: an object whose `rawBody` is a string or bytes and
 * whose `headers`, when given, is an object. Header values are left to the
 * signature check, which refuses anything but strings as `WEBHOOK_SIGNATURE_INVALID`.
 */
export function webhookRequestArgument(value: unknown): { headers: WebhookHeaders; rawBody: string | Uint8Array } {
  const request = value as { headers?: unknown; rawBody?: unknown } | null;
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw invalid('', 'must be an object with headers and rawBody');
  }
  const { headers, rawBody } = request;
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw invalid('rawBody', 'must be the raw request body (string or Uint8Array)');
  }
  if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers))) {
    throw invalid('headers', 'must be an object of header names to values');
  }
  return { headers: (headers ?? {}) as WebhookHeaders, rawBody };
}

function invalid(path: string, message: string): FulfillmentError {
  return new FulfillmentError('VALIDATION_FAILED', `Invalid webhook: ${path || '(root)'}: ${message}`, {
    details: { issues: [{ path, message }] },
  });
}
