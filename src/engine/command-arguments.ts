// Checks for the arguments every command shares (ids, options objects, webhook
// requests), applied once where createFulfillment hands them to the commands.
import { z } from 'zod';
import { parseInput } from '../domain/errors.js';
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

const count = (max: number) => z.number().int().min(1).max(max).optional();

/** Options of `orders.place`. */
export const placeOptionsSchema = z.strictObject({ idempotencyKey: z.string().min(1).max(255).optional() });

/** Options of `tracking.poll`. */
export const pollOptionsSchema = z.strictObject({ limit: count(100_000) });

/** Options of `outbox.dispatch`. */
export const dispatchOptionsSchema = z.strictObject({ batchSize: count(10_000), leaseMs: count(86_400_000), maxMessages: count(10_000_000) });

// Header values are left to the signature check, which refuses anything but
// text as WEBHOOK_SIGNATURE_INVALID; the raw body is never stored.
const webhookRequestSchema = z.object({
  rawBody: z.union([z.string(), z.instanceof(Uint8Array)]),
  headers: z.record(z.string(), z.unknown()).optional(),
});

/** A webhook request: an object whose `rawBody` is a string or bytes and whose `headers`, when given, is an object. */
export function webhookRequestArgument(value: unknown): { headers: WebhookHeaders; rawBody: string | Uint8Array } {
  const parsed = webhookRequestSchema.safeParse(value);
  // Only the shape is checked here (no text rule): parseInput words the refusal.
  if (!parsed.success) parseInput(webhookRequestSchema, value, 'webhook');
  const request = parsed.data as z.output<typeof webhookRequestSchema>;
  return { headers: (request.headers ?? {}) as WebhookHeaders, rawBody: request.rawBody };
}
