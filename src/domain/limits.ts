// What every storage adapter can hold exactly: the numeric bounds the input
// schemas enforce, and the text PostgreSQL refuses (NUL, lone surrogates).
import { z } from 'zod';

/**
 * Largest number of units one (SKU, location) level may hold, and the largest
 * quantity one receipt, adjustment or setting may carry: PostgreSQL `integer`
 * (2³¹ − 1), which the stock tables use. Memory and PostgreSQL refuse beyond it alike.
 *
 * @example
 * ```ts
 * import { MAX_STOCK_UNITS } from 'fulfillkit';
 * if (count > MAX_STOCK_UNITS) throw new Error('split this receipt');
 * ```
 */
export const MAX_STOCK_UNITS = 2_147_483_647;

/**
 * Largest amount of money in minor units: `Number.MAX_SAFE_INTEGER`, the
 * largest integer a JavaScript number (and so JSON) carries exactly. An
 * order whose lines plus shipping add up to more is refused.
 *
 * @example
 * ```ts
 * import { MAX_MONEY_AMOUNT } from 'fulfillkit';
 * const fits = cart.totalMinor <= MAX_MONEY_AMOUNT;
 * ```
 */
export const MAX_MONEY_AMOUNT = Number.MAX_SAFE_INTEGER;

/**
 * Largest weight value accepted, in its own unit (a million kilograms is a ship, not a parcel).
 *
 * @example
 * ```ts
 * import { MAX_WEIGHT_VALUE } from 'fulfillkit';
 * const ok = weight.value <= MAX_WEIGHT_VALUE;
 * ```
 */
export const MAX_WEIGHT_VALUE = 1_000_000;

/**
 * Largest edge length accepted, in its own unit.
 *
 * @example
 * ```ts
 * import { MAX_LENGTH_VALUE } from 'fulfillkit';
 * const ok = box.length <= MAX_LENGTH_VALUE;
 * ```
 */
export const MAX_LENGTH_VALUE = 100_000;

/**
 * Longest id a command accepts (order, shipment, return, carrier ids).
 *
 * @example
 * ```ts
 * import { MAX_ID_LENGTH } from 'fulfillkit';
 * const ok = orderId.length <= MAX_ID_LENGTH;
 * ```
 */
export const MAX_ID_LENGTH = 128;

/** Why a string cannot be stored: a NUL character or an unpaired UTF-16 surrogate. */
export type UnstorableTextReason = 'nul_character' | 'lone_surrogate';

// PostgreSQL `text` and `jsonb` cannot hold U+0000, and a lone surrogate is
// not Unicode at all (the pg driver would silently turn it into U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `text` cannot be stored by every adapter, or `null` when it can.
 *
 * @example
 * ```ts
 * unstorableText('Ada'); // null
 * unstorableText('A\u0000da'); // 'nul_character'
 * ```
 */
export function unstorableText(text: string): UnstorableTextReason | null {
  if (text.includes('\u0000')) return 'nul_character';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return null;
}

/** Deepest nesting {@link findUnstorableText} walks; validated input never comes close. */
const MAX_DEPTH = 64;

/**
 * The first string (value or object key) in already-validated data that no
 * adapter can store, with its dotted path; `null` when all is storable.
 * Data nested deeper than 64 levels is reported rather than walked.
 *
 * @example
 * ```ts
 * findUnstorableText({ notes: 'ok', lines: [{ name: 'A\u0000' }] });
 * // { path: 'lines.0.name', message: 'Text must not contain the NUL character (U+0000)' }
 * ```
 */
export function findUnstorableText(value: unknown): { path: string; message: string } | null {
  // Walked without building paths: every command's input passes through here, nearly always clean.
  const trail: string[] = [];
  const message = unstorableAt(value, 0, trail);
  return message === null ? null : { path: trail.reverse().join('.'), message };
}

/** The problem with `value`, if any; on one, `trail` holds the keys leading to it, innermost first. */
function unstorableAt(value: unknown, depth: number, trail: string[]): string | null {
  if (typeof value === 'string') return textProblem(value);
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return `Data is nested deeper than ${MAX_DEPTH} levels`;
  for (const key of Object.keys(value)) {
    const found = textProblem(key) ?? unstorableAt((value as Record<string, unknown>)[key], depth + 1, trail);
    if (found !== null) {
      trail.push(key);
      return found;
    }
  }
  return null;
}

function textProblem(text: string): string | null {
  const reason = unstorableText(text);
  if (reason === null) return null;
  return reason === 'nul_character' ? 'Text must not contain the NUL character (U+0000)' : 'Text must be well-formed Unicode (no unpaired surrogate)';
}

/**
 * An id argument of a command: a non-empty string of at most
 * {@link MAX_ID_LENGTH} characters (storability is checked by `parseInput`).
 */
export const idArgumentSchema = z.string().min(1).max(MAX_ID_LENGTH);
