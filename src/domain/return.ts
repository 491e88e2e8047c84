// Returns (RMAs): what the customer sends back and what is refunded.
import { z } from 'zod';
import { MAX_ID_LENGTH, MAX_STOCK_UNITS } from './limits.js';
import { moneySchema } from './money.js';
import { returnStatusSchema } from './status.js';

/**
 * Input of `returns.request`.
 *
 * @example
 * ```ts
 * const input = returnRequestInputSchema.parse({ lines: [{ sku: 'TEE-M', quantity: 1 }], reason: 'too small' });
 * await ff.returns.request(orderId, input);
 * ```
 */
export const returnRequestInputSchema = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        lineId: z.string().min(1).max(MAX_ID_LENGTH).optional(),
        sku: z.string().min(1).max(64),
        quantity: z.number().int().positive().max(MAX_STOCK_UNITS),
      }),
    )
    .min(1)
    .max(500),
  reason: z.string().min(1).max(500),
});
/** Input of `returns.request`. */
export type ReturnRequestInput = z.input<typeof returnRequestInputSchema>;

/**
 * Input of `returns.receive`: what actually came back, and whether it can be sold again.
 *
 * @example
 * ```ts
 * const input = returnReceiveInputSchema.parse({ lines: [{ sku: 'TEE-M', quantity: 1, restock: false }] });
 * await ff.returns.receive(returnId, input); // refunded, not restocked (damaged)
 * ```
 */
export const returnReceiveInputSchema = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        sku: z.string().min(1).max(64),
        quantity: z.number().int().nonnegative().max(MAX_STOCK_UNITS),
        /** Put back into sellable stock. @defaultValue true */
        restock: z.boolean().default(true),
      }),
    )
    .min(1)
    .max(500),
  /** Location receiving the goods; defaults to the location that shipped them. */
  locationId: z.string().min(1).max(64).optional(),
});
/** Input of `returns.receive`. */
export type ReturnReceiveInput = z.input<typeof returnReceiveInputSchema>;

/**
 * A return merchandise authorization.
 *
 * @example
 * ```ts
 * // Check a return document read back from your own store or an API before trusting its shape:
 * const return = returnRequestSchema.parse(JSON.parse(text));
 * ```
 */
export const returnRequestSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  status: returnStatusSchema,
  reason: z.string(),
  lines: z.array(
    z.object({
      lineId: z.string(),
      sku: z.string(),
      quantity: z.number().int().positive(),
      received: z.number().int().nonnegative(),
      restocked: z.number().int().nonnegative(),
    }),
  ),
  refund: moneySchema.nullable(),
  createdAt: z.string(),
  receivedAt: z.string().nullable(),
});
/** A return merchandise authorization. */
export type ReturnRequest = z.infer<typeof returnRequestSchema>;
