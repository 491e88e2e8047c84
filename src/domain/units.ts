// Weights and dimensions always travel with their unit; these convert to the
// metric base units (grams, centimetres) the packing and rating code uses.
import { z } from 'zod';
import { MAX_LENGTH_VALUE, MAX_WEIGHT_VALUE } from './limits.js';

/**
 * Weight units.
 *
 * @example
 * ```ts
 * weightUnitSchema.parse('oz'); // 'oz'
 * ```
 */
export const weightUnitSchema = z.enum(['g', 'kg', 'oz', 'lb']);
/**
 * Length units.
 *
 * @example
 * ```ts
 * lengthUnitSchema.parse('in'); // 'in'
 * ```
 */
export const lengthUnitSchema = z.enum(['cm', 'in']);

/**
 * A weight with its unit.
 *
 * @example
 * ```ts
 * const w: Weight = { value: 1.2, unit: 'kg' };
 * ```
 */
export const weightSchema = z.strictObject({
  /** At most {@link MAX_WEIGHT_VALUE} in its unit. */
  value: z.number().nonnegative().max(MAX_WEIGHT_VALUE),
  unit: weightUnitSchema,
});

/**
 * Three edge lengths with their unit.
 *
 * @example
 * ```ts
 * const d: Dimensions = { length: 30, width: 20, height: 10, unit: 'cm' };
 * ```
 */
export const dimensionsSchema = z.strictObject({
  /** Each edge at most {@link MAX_LENGTH_VALUE} in its unit. */
  length: z.number().positive().max(MAX_LENGTH_VALUE),
  width: z.number().positive().max(MAX_LENGTH_VALUE),
  height: z.number().positive().max(MAX_LENGTH_VALUE),
  unit: lengthUnitSchema,
});

/** A weight unit. */
export type WeightUnit = z.infer<typeof weightUnitSchema>;
/** A length unit. */
export type LengthUnit = z.infer<typeof lengthUnitSchema>;
/** A weight with its unit. */
export type Weight = z.infer<typeof weightSchema>;
/** Three edge lengths with their unit. */
export type Dimensions = z.infer<typeof dimensionsSchema>;

const GRAMS: Record<WeightUnit, number> = { g: 1, kg: 1000, oz: 28.349523125, lb: 453.59237 };
const CENTIMETRES: Record<LengthUnit, number> = { cm: 1, in: 2.54 };

/**
 * Convert a weight to grams.
 *
 * @example
 * ```ts
 * toGrams({ value: 1, unit: 'lb' }); // 453.59237
 * toGrams({ value: 2, unit: 'kg' }); // 2000
 * ```
 */
export function toGrams(w: Weight): number {
  return w.value * GRAMS[w.unit];
}

/** Convert grams to a weight in `unit`. */
export function fromGrams(grams: number, unit: WeightUnit = 'g'): Weight {
  return { value: grams / GRAMS[unit], unit };
}

/**
 * Convert dimensions to centimetres.
 *
 * @example
 * ```ts
 * toCentimetres({ length: 10, width: 5, height: 2, unit: 'in' }); // { length: 25.4, width: 12.7, height: 5.08 }
 * ```
 */
export function toCentimetres(d: Dimensions): { length: number; width: number; height: number } {
  const f = CENTIMETRES[d.unit];
  return { length: d.length * f, width: d.width * f, height: d.height * f };
}

/** Volume in cubic centimetres. */
export function volumeCm3(d: Dimensions): number {
  const c = toCentimetres(d);
  return c.length * c.width * c.height;
}
