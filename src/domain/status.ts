// The status vocabularies of orders, shipments, payments, returns and carrier
// tracking. These strings are part of the public contract.
import { z } from 'zod';

/** Every order status. */
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
/** An order's status. */
export const orderStatusSchema = z.enum(ORDER_STATUSES);
/** An order's status. */
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** Every shipment status. */
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
/** A shipment's status. */
export const shipmentStatusSchema = z.enum(SHIPMENT_STATUSES);
/** A shipment's status. */
export type ShipmentStatus = z.infer<typeof shipmentStatusSchema>;

/** Normalized carrier tracking statuses (covers EasyPost's and Shippo's sets). */
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
/** A normalized carrier tracking status. */
export const trackingStatusSchema = z.enum(TRACKING_STATUSES);
/** A normalized carrier tracking status. */
export type TrackingStatus = z.infer<typeof trackingStatusSchema>;

/** Every payment status. */
export const PAYMENT_STATUSES = [
  'requires_action',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'failed',
] as const;
/** A payment's status. */
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
/** A payment's status. */
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

/** Every return (RMA) status. */
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'received', 'refunded', 'cancelled'] as const;
/** A return's status. */
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
