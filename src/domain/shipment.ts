// Shipments, parcels, boxes, rates and labels: what leaves a location.
import { z } from 'zod';
import { providerRefSchema } from './json.js';
import { MAX_STOCK_UNITS } from './limits.js';
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
  boxId: z.string().max(64).nullable().optional(),
  dimensions: dimensionsSchema,
  weight: weightSchema,
  items: z
    .array(z.strictObject({ sku: z.string().max(64), quantity: z.number().int().positive().max(MAX_STOCK_UNITS) }))
    .max(500)
    .default([]),
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

// What carriers may answer, checked at the port boundary and by the carrier conformance kit.
const required = (max: number) => z.string().min(1).max(max);
/** An instant or a date `Date.parse` reads (carriers send both). */
const instant = required(64).refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 date or instant' });

/**
 * A carrier's price for one service. `carrierId` is the quoting carrier's own id.
 *
 * @example
 * ```ts
 * // In a carrier adapter's tests: every quote it returns is a valid rate.
 * const quote = await carrier.getRates(request);
 * for (const rate of quote.rates) rateSchema.parse(rate);
 * ```
 */
export const rateSchema = z.object({
  carrierId: required(64),
  service: required(64),
  speed: shippingSpeedSchema,
  amount: moneySchema,
  /** Business days in transit, when the carrier says. */
  transitDays: z.number().int().nonnegative().max(365).nullable(),
  /** Estimated delivery (ISO date or instant), when the carrier says. */
  estimatedDelivery: instant.nullable(),
  /**
   * The carrier's own references for buying this rate (EasyPost: `{ shipmentId, rateId }`):
   * plain JSON, at most 2 KB serialized. Opaque to the engine, which stores it with the
   * chosen rate and hands the same rate back in `LabelRequest.rate`.
   */
  providerRef: providerRefSchema.optional(),
});
/** A carrier's price for one service. */
export type Rate = z.infer<typeof rateSchema>;

/**
 * A purchased label. A carrier answering "200 OK" with an error body has no
 * tracking number and fails here: nothing is marked shipped on such an answer.
 *
 * @example
 * ```ts
 * const { shipment } = await ff.fulfillment.ship(shipmentId);
 * const label = labelSchema.nullable().parse(shipment.label); // { trackingNumber, trackingUrl, labelUrl, cost, ... }
 * ```
 */
export const labelSchema = z.object({
  labelId: required(256),
  trackingNumber: required(64),
  trackingUrl: z.string().max(2048).nullable(),
  labelUrl: z.string().max(2048).nullable(),
  cost: moneySchema,
  purchasedAt: instant,
});
/** A purchased label. */
export type Label = z.infer<typeof labelSchema>;

/**
 * Where the void of a cancelled shipment's label stands. A `pending` void is
 * asked about again, under the same `key`, by `ff.sweep()` and `tracking.poll()`
 * (or settled by a `cancelled` scan) until the carrier says `voided` or `refused`.
 *
 * @example
 * ```ts
 * const pending = order.shipments.filter((s) => s.labelVoid?.status === 'pending');
 * ```
 */
export const labelVoidSchema = z.object({
  status: z.enum(['voided', 'pending', 'refused']),
  /** Idempotency key of the void request; asking again uses the same one. */
  key: z.string(),
  requestedAt: z.string(),
  /** When the carrier's final answer was recorded; `null` while pending. */
  settledAt: z.string().nullable(),
  /** The carrier's explanation, when it gave one. */
  message: z.string().max(1000).optional(),
});
/** Where the void of a cancelled shipment's label stands. */
export type LabelVoid = z.infer<typeof labelVoidSchema>;

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
  /** The void of the label after a cancellation, when one was asked for (absent on older records). */
  labelVoid: labelVoidSchema.nullable().optional(),
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
