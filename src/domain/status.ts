// The status vocabularies of orders, shipments, payments, returns and carrier
// tracking. These strings are part of the public contract.
import { z } from 'zod';

/**
 * Every order status.
 *
 * @example
 * ```ts
 * ORDER_STATUSES[0]; // 'pending_payment'
 * ORDER_STATUSES.includes('shipped'); // true
 * ```
 */
export const ORDER_STATUSES = [
  'pending_payment',
  'payment_failed',
  'backordered',
  'on_hold',
  'processing',
  'partially_shipped',
  'shipped',
  'partially_delivered',
  'delivered',
  'partially_returned',
  'returned',
  'cancelled',
] as const;
/**
 * An order's status.
 *
 * @example
 * ```ts
 * // a status filter from a query string, checked before ff.orders.list:
 * const status = orderStatusSchema.parse(url.searchParams.get('status'));
 * const page = await ff.orders.list({ status });
 * ```
 */
export const orderStatusSchema = z.enum(ORDER_STATUSES);
/** An order's status. */
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/**
 * Every shipment status.
 *
 * @example
 * ```ts
 * SHIPMENT_STATUSES[0]; // 'pending'
 * SHIPMENT_STATUSES.includes('in_transit'); // true
 * ```
 */
export const SHIPMENT_STATUSES = [
  'pending',
  'picking',
  'packed',
  'label_purchased',
  'shipped',
  'in_transit',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'returned_to_sender',
  'cancelled',
] as const;
/**
 * A shipment's status.
 *
 * @example
 * ```ts
 * // e.g. a status filter from a query string:
 * const status = shipmentStatusSchema.parse(url.searchParams.get('status')); // 'in_transit', or a ZodError
 * ```
 */
export const shipmentStatusSchema = z.enum(SHIPMENT_STATUSES);
/** A shipment's status. */
export type ShipmentStatus = z.infer<typeof shipmentStatusSchema>;

/**
 * Normalized carrier tracking statuses (covers EasyPost's and Shippo's sets).
 *
 * @example
 * ```ts
 * TRACKING_STATUSES[0]; // 'pending'
 * TRACKING_STATUSES.includes('out_for_delivery'); // true
 * ```
 */
export const TRACKING_STATUSES = [
  'pending',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'ready_for_pickup',
  'delivered',
  'delivery_failed',
  'delayed',
  'on_hold',
  'return_to_sender',
  'cancelled',
  'unknown',
] as const;
/**
 * A normalized carrier tracking status.
 *
 * @example
 * ```ts
 * // e.g. a status filter from a query string:
 * const status = trackingStatusSchema.parse(url.searchParams.get('status')); // 'out_for_delivery', or a ZodError
 * ```
 */
export const trackingStatusSchema = z.enum(TRACKING_STATUSES);
/** A normalized carrier tracking status. */
export type TrackingStatus = z.infer<typeof trackingStatusSchema>;

/**
 * Every payment status.
 *
 * @example
 * ```ts
 * PAYMENT_STATUSES[0]; // 'requires_action'
 * PAYMENT_STATUSES.includes('captured'); // true
 * ```
 */
export const PAYMENT_STATUSES = [
  'requires_action',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'failed',
] as const;
/**
 * A payment's status.
 *
 * @example
 * ```ts
 * // e.g. a status filter from a query string:
 * const status = paymentStatusSchema.parse(url.searchParams.get('status')); // 'captured', or a ZodError
 * ```
 */
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
/** A payment's status. */
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

/**
 * Every return (RMA) status.
 *
 * @example
 * ```ts
 * RETURN_STATUSES[0]; // 'requested'
 * RETURN_STATUSES.includes('refunded'); // true
 * ```
 */
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'received', 'refunded', 'cancelled'] as const;
/**
 * A return's status.
 *
 * @example
 * ```ts
 * // e.g. a status filter from a query string:
 * const status = returnStatusSchema.parse(url.searchParams.get('status')); // 'refunded', or a ZodError
 * ```
 */
export const returnStatusSchema = z.enum(RETURN_STATUSES);
/** A return's status. */
export type ReturnStatus = z.infer<typeof returnStatusSchema>;

/** Shipment statuses after which the goods have left the building. */
export const SHIPPED_STATUSES: ReadonlySet<ShipmentStatus> = new Set([
  'shipped',
  'in_transit',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'returned_to_sender',
]);
