// Shipments, parcels, boxes, rates and labels: what leaves a location.
import { z } from 'zod';
import { moneySchema } from './money.js';
import { shipmentStatusSchema, trackingStatusSchema } from './status.js';
import { trackingEventSchema } from './tracking.js';
import { dimensionsSchema, weightSchema } from './units.js';

/**
 * A carton in the packing catalog.
 *
 * @example
 * ```ts
 * const boxes = boxSchema.array().parse(JSON.parse(await readFile('boxes.json', 'utf8')));
 * const ff = createFulfillment({ boxes, locations, carriers, payments });
 * ```
 */
export const boxSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Inner dimensions. */
  dimensions: dimensionsSchema,
  /** Weight of the empty box. */
  tareWeight: weightSchema,
  /** Most the filled box may weigh. */
  maxWeight: weightSchema,
  /** Cost of the carton itself, when tracked. */
  cost: moneySchema.optional(),
});
/** A carton in the packing catalog. */
export type Box = z.infer<typeof boxSchema>;

/**
 * A packed parcel: a box (or the item's own packaging) with its contents.
 *
 * @example
 * ```ts
 * // Parcels packed by hand, checked before ff.fulfillment.pack(shipmentId, { parcels }):
 * const parcels = parcelSchema.array().parse(body.parcels);
 * ```
 */
export const parcelSchema = z.strictObject({
  boxId: z.string().nullable().optional(),
  dimensions: dimensionsSchema,
  weight: weightSchema,
  items: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int().positive() })).default([]),
  fragile: z.boolean().default(false),
  giftWrap: z.boolean().default(false),
});
/** A packed parcel. */
export type Parcel = z.infer<typeof parcelSchema>;
/** A parcel as callers may supply it. */
export type ParcelInput = z.input<typeof parcelSchema>;

/**
 * Shipping speed a customer chose.
 *
 * @example
 * ```ts
 * shippingSpeedSchema.parse('express'); // 'express'
 * shippingSpeedSchema.options; // ['economy', 'standard', 'express', 'overnight']
 * ```
 */
export const shippingSpeedSchema = z.enum(['economy', 'standard', 'express', 'overnight']);
/** Shipping speed a customer chose. */
export type ShippingSpeed = z.infer<typeof shippingSpeedSchema>;

/**
 * A carrier's price for one service.
 *
 * @example
 * ```ts
 * // In a carrier adapter's tests: every quote it returns is a valid rate.
 * const quote = await carrier.getRates(request);
 * for (const rate of quote.rates) rateSchema.parse(rate);
 * ```
 */
export const rateSchema = z.object({
  carrierId: z.string(),
  service: z.string(),
  speed: shippingSpeedSchema,
  amount: moneySchema,
  /** Business days in transit, when the carrier says. */
  transitDays: z.number().int().nonnegative().nullable(),
  /** Estimated delivery (ISO), when the carrier says. */
  estimatedDelivery: z.string().nullable(),
});
/** A carrier's price for one service. */
export type Rate = z.infer<typeof rateSchema>;

/**
 * A purchased label.
 *
 * @example
 * ```ts
 * const { shipment } = await ff.fulfillment.ship(shipmentId);
 * const label = labelSchema.nullable().parse(shipment.label); // { trackingNumber, trackingUrl, labelUrl, cost, ... }
 * ```
 */
export const labelSchema = z.object({
  labelId: z.string(),
  trackingNumber: z.string(),
  trackingUrl: z.string().nullable(),
  labelUrl: z.string().nullable(),
  cost: moneySchema,
  purchasedAt: z.string(),
});
/** A purchased label. */
export type Label = z.infer<typeof labelSchema>;

/**
 * Units of one order line in a shipment; `picked` is set by `confirmPick`.
 *
 * @example
 * ```ts
 * const shipment = order.shipments[0];
 * const lines = shipmentLineSchema.array().parse(shipment?.lines);
 * ```
 */
export const shipmentLineSchema = z.object({
  lineId: z.string(),
  sku: z.string(),
  quantity: z.number().int().positive(),
  picked: z.number().int().nonnegative().nullable(),
});
/** Units of one order line in a shipment. */
export type ShipmentLine = z.infer<typeof shipmentLineSchema>;

/**
 * One shipment: the part of an order that leaves one location in one go.
 *
 * @example
 * ```ts
 * // Check a shipment document read back from your own store or an API before trusting its shape:
 * const shipment = shipmentSchema.parse(JSON.parse(text));
 * ```
 */
export const shipmentSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  locationId: z.string(),
  status: shipmentStatusSchema,
  lines: z.array(shipmentLineSchema),
  parcels: z.array(parcelSchema),
  rate: rateSchema.nullable(),
  label: labelSchema.nullable(),
  trackingStatus: trackingStatusSchema.nullable(),
  /** Newest-last tracking events applied so far (duplicates dropped). */
  trackingEvents: z.array(trackingEventSchema),
  failedAttempts: z.number().int().nonnegative(),
  createdAt: z.string(),
  shippedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
/** One shipment. */
export type Shipment = z.infer<typeof shipmentSchema>;
