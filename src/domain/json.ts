// Opaque JSON values adapters hand the engine to keep for them (a provider's
// own references on a rate), bounded so they stay cheap to store and compare.
import { z } from 'zod';

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Largest `Rate.providerRef`, in bytes of its UTF-8 JSON.
 *
 * @example
 * ```ts
 * new TextEncoder().encode(JSON.stringify(ref)).length <= MAX_PROVIDER_REF_BYTES;
 * ```
 */
export const MAX_PROVIDER_REF_BYTES = 2048;

/** Deepest nesting a provider reference may have. */
const MAX_REF_DEPTH = 16;

const encoder = new TextEncoder();

// Why `value` is not plain JSON (a Date, a Map, NaN, undefined, a class
// instance or a cycle all are not), or null when it is.
function notJson(value: unknown, depth: number): string | null {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must not hold NaN or Infinity';
  if (typeof value !== 'object') return `must not hold a ${typeof value}`;
  if (depth >= MAX_REF_DEPTH) return `must not nest deeper than ${MAX_REF_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = notJson(item, depth + 1);
      if (why !== null) return why;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 'must hold only plain objects, arrays, strings, finite numbers, booleans and null';
  for (const child of Object.values(value)) {
    const why = notJson(child, depth + 1);
    if (why !== null) return why;
  }
  return null;
}

/**
 * A provider's opaque reference: plain JSON, at most
 * {@link MAX_PROVIDER_REF_BYTES} bytes serialized and 16 levels deep.
 *
 * @example
 * ```ts
 * providerRefSchema.parse({ shipmentId: 'shp_123', rateId: 'rate_456' });
 * ```
 */
export const providerRefSchema = z.unknown().transform((value, ctx): JsonValue => {
  const why = notJson(value, 0);
  if (why !== null) {
    ctx.addIssue({ code: 'custom', message: why });
    return z.NEVER;
  }
  const bytes = encoder.encode(JSON.stringify(value)).length;
  if (bytes > MAX_PROVIDER_REF_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_PROVIDER_REF_BYTES} bytes as JSON (is ${bytes})` });
    return z.NEVER;
  }
  return value as JsonValue;
});
