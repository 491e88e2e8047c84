// Response and request shapes of the ops API that the domain does not define
// as zod schemas already; the OpenAPI document is generated from these.
import { z } from 'zod';
import { DOMAIN_EVENT_TYPES } from '../domain/events.js';
import { labelSchema, shipmentSchema } from '../domain/shipment.js';
import { dimensionsSchema, weightSchema } from '../domain/units.js';
import { orderSchema } from '../domain/order.js';
import { orderStatusSchema } from '../domain/status.js';

/** A domain event as `orders.history` returns it. */
export const domainEventSchema = z.object({
  id: z.string(),
  type: z.enum(DOMAIN_EVENT_TYPES),
  orderId: z.string().nullable(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** A page of orders. */
export const orderPageSchema = z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() });

/** A batch pick list in walking order. */
export const pickListSchema = z.object({
  locationId: z.string(),
  rows: z.array(
    z.object({
      sku: z.string(),
      bin: z.string().nullable(),
      quantity: z.number().int(),
      shipments: z.array(z.object({ shipmentId: z.string(), orderId: z.string(), lineId: z.string(), quantity: z.number().int() })),
    }),
  ),
  shipmentIds: z.array(z.string()),
  totalUnits: z.number().int(),
});

const slipRowSchema = z.object({
  lineId: z.string().nullable(),
  sku: z.string(),
  name: z.string().nullable(),
  quantity: z.number().int(),
  fragile: z.boolean(),
  giftWrap: z.boolean(),
});

/** The data of a printed packing slip. */
export const packingSlipSchema = z.object({
  orderId: z.string(),
  reference: z.string().nullable(),
  shipmentId: z.string(),
  parcelCount: z.number().int(),
  totalUnits: z.number().int(),
  parcels: z.array(
    z.object({
      number: z.number().int(),
      boxId: z.string().nullable(),
      dimensions: dimensionsSchema,
      weight: weightSchema,
      fragile: z.boolean(),
      giftWrap: z.boolean(),
      contents: z.array(slipRowSchema),
    }),
  ),
  giftMessage: z.string().nullable(),
  hidePrices: z.boolean(),
  instructions: z.array(z.string()),
  missing: z.array(z.object({ lineId: z.string(), sku: z.string(), quantity: z.number().int() })),
});

/** Result of picking: the order and the shipment as picked. */
export const pickResultSchema = z.object({ order: orderSchema, shipment: shipmentSchema });
/** Result of packing, with the packing slip. */
export const packResultSchema = z.object({ order: orderSchema, shipment: shipmentSchema, packingSlip: packingSlipSchema });
/** Result of shipping, with the label. */
export const shipResultSchema = z.object({ order: orderSchema, shipment: shipmentSchema, label: labelSchema });

/** Query of `GET /orders`. */
export const orderListQuerySchema = z.strictObject({
  status: orderStatusSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Body of cancel and hold. */
export const reasonBodySchema = z.strictObject({ reason: z.string().min(1).max(500) });
/** Body of `POST /locations/:id/pick-list`. */
export const startPickBodySchema = z.strictObject({ limit: z.number().int().min(1).max(500).optional() });

/** Result of a carrier webhook. */
export const trackingBatchSchema = z.object({ received: z.number().int(), applied: z.number().int(), ignored: z.number().int() });
/** Result of a payment webhook. */
export const paymentWebhookResultSchema = z.object({ eventId: z.string(), orderId: z.string().nullable(), applied: z.boolean() });
/** `GET /health`. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** An RFC 9457 problem as this API sends it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  retryable: z.boolean().optional(),
});
