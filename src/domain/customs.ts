// Customs data for shipments that cross a border: per order line, and the
// declaration the engine hands to carriers.
import { z } from 'zod';
import { countrySchema } from './address.js';
import { moneySchema } from './money.js';
import { weightSchema } from './units.js';

/**
 * Customs facts of one product, given on an order line.
 *
 * @example
 * ```ts
 * lineCustomsSchema.parse({ hsCode: '6109.10', originCountry: 'PT', description: 'Cotton t-shirt' });
 * ```
 */
export const lineCustomsSchema = z.strictObject({
  /** Harmonized System tariff code (6 to 10 digits, dots allowed). */
  hsCode: z.string().regex(/^\d{4}(\.?\d{2}){1,3}$/, 'must be a 6 to 10 digit HS code').optional(),
  /** Where the goods were made (ISO 3166-1 alpha-2). */
  originCountry: countrySchema,
  /** Plain description customs officers understand ("cotton t-shirt"). */
  description: z.string().trim().min(1).max(200),
});
/** Customs facts of one product. */
export type LineCustoms = z.infer<typeof lineCustomsSchema>;

/** What a parcel contains, as customs forms ask. */
export const customsContentsTypeSchema = z.enum(['merchandise', 'gift', 'documents', 'returned_goods', 'sample', 'other']);

/**
 * One line of a customs declaration.
 *
 * @example
 * ```ts
 * customsItemSchema.parse({ description: 'Cotton t-shirt', quantity: 2, value: { amount: 4000, currency: 'USD' },
 *   weight: { value: 400, unit: 'g' }, hsCode: '610910', originCountry: 'PT' });
 * ```
 */
export const customsItemSchema = z.strictObject({
  sku: z.string().max(64).optional(),
  description: z.string().trim().min(1).max(200),
  quantity: z.number().int().positive().max(1_000_000),
  /** Total value of the line (unit price × quantity). */
  value: moneySchema,
  /** Total net weight of the line. */
  weight: weightSchema,
  hsCode: z.string().max(16).optional(),
  originCountry: countrySchema,
});
/** One line of a customs declaration. */
export type CustomsItem = z.infer<typeof customsItemSchema>;

/**
 * A customs declaration for a cross-border shipment.
 *
 * @example
 * ```ts
 * const declaration = customsDeclarationSchema.parse({ contentsType: 'merchandise', incoterm: 'DDU', signer: 'Grace Hopper', items });
 * ```
 */
export const customsDeclarationSchema = z.strictObject({
  contentsType: customsContentsTypeSchema,
  /** Who pays duties: the recipient (`DDU`/`DAP`) or the shop (`DDP`). */
  incoterm: z.enum(['DDU', 'DAP', 'DDP']),
  /** What the carrier does when the parcel cannot be delivered. */
  nonDeliveryOption: z.enum(['return', 'abandon']).default('return'),
  /** Name of the person certifying the declaration. */
  signer: z.string().trim().min(1).max(100),
  /** Export filing reference (US EEL/PFC), when the value requires one. */
  exportFiling: z.string().max(64).optional(),
  items: z.array(customsItemSchema).min(1).max(100),
});
/** A customs declaration for a cross-border shipment. */
export type CustomsDeclaration = z.infer<typeof customsDeclarationSchema>;
/** A customs declaration as callers may supply it. */
export type CustomsDeclarationInput = z.input<typeof customsDeclarationSchema>;
