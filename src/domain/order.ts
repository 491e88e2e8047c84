// Order input as a shop submits it, and the order record the library keeps.
import { z } from 'zod';
import { lineCustomsSchema } from './customs.js';
import { addressSchema, coordinatesSchema } from './address.js';
import { skuSchema } from './inventory.js';
import { orderIntentSchema } from './intent.js';
import { MAX_MONEY_AMOUNT } from './limits.js';
import { currencySchema, moneySchema } from './money.js';
import { paymentInputSchema, paymentRecordSchema } from './payment.js';
import { returnRequestSchema } from './return.js';
import { shipmentSchema, shippingSpeedSchema } from './shipment.js';
import { orderStatusSchema } from './status.js';
import { dimensionsSchema, weightSchema } from './units.js';

/**
 * Customer contact details.
 *
 * @example
 * ```ts
 * customerSchema.parse({ email: 'ada@example.com', name: 'Ada Lovelace' });
 * ```
 */
export const customerSchema = z.strictObject({
  id: z.string().max(64).optional(),
  email: z.email(),
  name: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
  /** BCP 47 locale for notifications, e.g. `en-GB`. */
  locale: z.string().max(35).optional(),
});
/** Customer contact details. */
export type Customer = z.infer<typeof customerSchema>;

/**
 * One line of an order as submitted.
 *
 * @example
 * ```ts
 * orderLineInputSchema.parse({ sku: 'TEE-M', quantity: 2, unitPrice: { amount: 1900, currency: 'USD' } });
 * ```
 */
export const orderLineInputSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().positive().max(100_000),
  unitPrice: moneySchema,
  name: z.string().max(200).optional(),
  weight: weightSchema.optional(),
  dimensions: dimensionsSchema.optional(),
  fragile: z.boolean().optional(),
  giftWrap: z.boolean().optional(),
  /** HS code, origin and description for customs, needed when the line ships across a border. */
  customs: lineCustomsSchema.optional(),
});
/** One line of an order as submitted. */
export type OrderLineInput = z.input<typeof orderLineInputSchema>;

/**
 * What a shop passes to `orders.place`. Bounds: up to 500 lines of 1 to
 * 100,000 units; a total (lines plus shipping) of at most
 * {@link MAX_MONEY_AMOUNT} minor units; no NUL or lone surrogate in any text
 * (see `docs/guides/input-limits.md`).
 *
 * @example
 * ```ts
 * const input: OrderInput = {
 *   customer: { email: 'ada@example.com' },
 *   shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US' },
 *   currency: 'USD',
 *   lines: [{ sku: 'TEE-M', quantity: 2, unitPrice: { amount: 1500, currency: 'USD' } }],
 *   payment: { method: 'tok_visa' },
 * };
 * ```
 */
export const orderInputSchema = z
  .strictObject({
    /** Your own order number, shown in notifications. */
    reference: z.string().max(64).optional(),
    customer: customerSchema,
    shippingAddress: addressSchema,
    /** Geocoded shipping address, used by the `nearest` allocation strategy. */
    shippingCoordinates: coordinatesSchema.optional(),
    billingAddress: addressSchema.optional(),
    currency: currencySchema,
    lines: z.array(orderLineInputSchema).min(1).max(500),
    shipping: z
      .strictObject({
        speed: shippingSpeedSchema.default('standard'),
        /** Latest acceptable delivery date (ISO 8601), for `deliverBy` rate selection. */
        deliverBy: z.iso.datetime({ offset: true }).optional(),
        /** What the customer paid for shipping. */
        price: moneySchema.optional(),
      })
      .default({ speed: 'standard' }),
    payment: paymentInputSchema,
    giftMessage: z.string().max(500).optional(),
    notes: z.string().max(1000).optional(),
    /** Your own key-value pairs: at most 50 keys of up to 40 characters, values up to 500. */
    metadata: z
      .record(z.string().min(1).max(40), z.string().max(500))
      .refine((m) => Object.keys(m).length <= 50, { message: 'metadata holds at most 50 keys' })
      .optional(),
  })
  .superRefine((o, ctx) => {
    o.lines.forEach((line, i) => {
      if (line.unitPrice.currency !== o.currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'unitPrice', 'currency'],
          message: `Line currency ${line.unitPrice.currency} differs from order currency ${o.currency}`,
        });
      }
    });
    if (o.shipping.price && o.shipping.price.currency !== o.currency) {
      ctx.addIssue({ code: 'custom', path: ['shipping', 'price', 'currency'], message: 'Shipping price currency differs from order currency' });
    }
    // Refused here, before any stock is reserved or money authorized. Past 2^53
    // a float sum only rounds upward, so the comparison stays sound.
    const total = o.lines.reduce((n, l) => n + l.unitPrice.amount * l.quantity, o.shipping.price?.amount ?? 0);
    if (total > MAX_MONEY_AMOUNT) {
      ctx.addIssue({
        code: 'custom',
        path: ['lines'],
        message: `The order total exceeds ${MAX_MONEY_AMOUNT} minor units, the largest amount kept exactly`,
      });
    }
  });
/** What a shop passes to `orders.place`. */
export type OrderInput = z.input<typeof orderInputSchema>;
/** Order input after validation and defaults. */
export type ParsedOrderInput = z.output<typeof orderInputSchema>;

/**
 * An order line as recorded. Quantities partition `quantity`:
 * `allocated + backordered + cancelled = quantity` where `allocated` units
 * live in shipments.
 *
 * @example
 * ```ts
 * const order = await ff.orders.get(orderId);
 * const lines = order ? orderLineSchema.array().parse(order.lines) : [];
 * ```
 */
export const orderLineSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string().nullable(),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
  weight: weightSchema.nullable(),
  dimensions: dimensionsSchema.nullable(),
  fragile: z.boolean(),
  giftWrap: z.boolean(),
  /** Units waiting for stock. */
  backordered: z.number().int().nonnegative(),
  /** Units cancelled (by request or short pick). */
  cancelled: z.number().int().nonnegative(),
  /** Units handed to a carrier. */
  shipped: z.number().int().nonnegative(),
  /** Units returned and received back. */
  returned: z.number().int().nonnegative(),
  /** Customs facts, when given at placement. */
  customs: lineCustomsSchema.optional(),
});
/** An order line as recorded. */
export type OrderLine = z.infer<typeof orderLineSchema>;

/**
 * The order's persisted state machine position.
 *
 * @example
 * ```ts
 * const order = await ff.orders.get(orderId);
 * const { version, snapshot } = machineStateSchema.parse(order?.machine);
 * ```
 */
export const machineStateSchema = z.object({
  /** Version of the machine definition that produced it. */
  version: z.number().int(),
  /** The persisted snapshot (JSON). */
  snapshot: z.unknown(),
});
/** The order's persisted state machine position. */
export type MachineState = z.infer<typeof machineStateSchema>;

/**
 * The order record. `version` increases by one on every write.
 *
 * @example
 * ```ts
 * // Check a order document read back from your own store or an API before trusting its shape:
 * const order = orderSchema.parse(JSON.parse(text));
 * ```
 */
export const orderSchema = z.object({
  id: z.string(),
  reference: z.string().nullable(),
  version: z.number().int().positive(),
  status: orderStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  customer: customerSchema,
  shippingAddress: addressSchema,
  shippingCoordinates: coordinatesSchema.nullable(),
  billingAddress: addressSchema.nullable(),
  currency: z.string(),
  lines: z.array(orderLineSchema),
  shippingPreference: z.object({ speed: shippingSpeedSchema, deliverBy: z.string().nullable() }),
  totals: z.object({ subtotal: moneySchema, shipping: moneySchema, total: moneySchema }),
  payment: paymentRecordSchema,
  reservationId: z.string().nullable(),
  shipments: z.array(shipmentSchema),
  returns: z.array(returnRequestSchema),
  hold: z.object({ reason: z.string(), since: z.string() }).nullable(),
  cancellation: z.object({ reason: z.string(), at: z.string() }).nullable(),
  giftMessage: z.string().nullable(),
  notes: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  machine: machineStateSchema,
  /** The effects a command is running on this order, recorded before the first of them; absent or `null` when none. */
  intent: orderIntentSchema.nullable().optional(),
});
/** The order record. */
export type Order = z.infer<typeof orderSchema>;
