// Typed domain events: what happened to an order, a shipment, stock or money.
import type { Money } from './money.js';
import type { OrderStatus, ShipmentStatus, TrackingStatus } from './status.js';

/** Payload of every domain event, by type. */
export interface DomainEventMap {
  /** `addressCheck` is present under `policy.validateAddress: 'warn' | 'require'`. */
  'order.placed': { status: OrderStatus; total: Money; addressCheck?: { carrierId: string; valid: boolean; messages: string[] } };
  'order.status_changed': { from: OrderStatus; to: OrderStatus };
  'order.confirmed': Record<string, never>;
  'order.backordered': { lines: { sku: string; quantity: number }[] };
  'order.payment_failed': { code: string; message: string; attempt: number };
  'order.on_hold': { reason: string };
  'order.hold_released': Record<string, never>;
  'order.cancelled': { reason: string; lines: { sku: string; quantity: number }[] };
  'shipment.created': { shipmentId: string; locationId: string };
  'shipment.status_changed': { shipmentId: string; from: ShipmentStatus; to: ShipmentStatus };
  'shipment.picked': { shipmentId: string; short: { sku: string; quantity: number }[] };
  'shipment.packed': { shipmentId: string; parcels: number };
  'shipment.label_purchased': { shipmentId: string; carrierId: string; service: string; trackingNumber: string; cost: Money };
  'shipment.shipped': { shipmentId: string; trackingNumber: string; trackingUrl: string | null };
  'shipment.tracking_updated': { shipmentId: string; status: TrackingStatus; occurredAt: string };
  'shipment.out_for_delivery': { shipmentId: string };
  'shipment.delivery_failed': { shipmentId: string; attempt: number };
  'shipment.delivered': { shipmentId: string };
  'shipment.returned_to_sender': { shipmentId: string };
  'shipment.cancelled': { shipmentId: string; reason: string };
  'payment.authorized': { amount: Money; paymentId: string };
  'payment.captured': { amount: Money };
  'payment.voided': { paymentId: string };
  'payment.refunded': { amount: Money };
  'return.requested': { returnId: string; lines: { sku: string; quantity: number }[] };
  'return.received': { returnId: string; lines: { sku: string; quantity: number; restock: boolean }[] };
  'return.refunded': { returnId: string; amount: Money };
  'inventory.low_stock': { sku: string; locationId: string; available: number; reorderPoint: number };
}

/** A domain event type. */
export type DomainEventType = keyof DomainEventMap;

/**
 * A domain event. `orderId` is set for order-scoped events; `seq` orders
 * events of one order.
 *
 * @example
 * ```ts
 * ff.events.on('shipment.shipped', (e) => console.log(e.orderId, e.data.trackingNumber));
 * ```
 */
export type DomainEvent<T extends DomainEventType = DomainEventType> = {
  [K in T]: {
    id: string;
    type: K;
    orderId: string | null;
    at: string;
    data: DomainEventMap[K];
  };
}[T];

/**
 * All domain event types, for validation and listing.
 *
 * @example
 * ```ts
 * // Forward every domain event to your own bus:
 * for (const type of DOMAIN_EVENT_TYPES) ff.events.on(type, (event) => bus.publish(event.type, event));
 * ```
 */
export const DOMAIN_EVENT_TYPES = [
  'order.placed',
  'order.status_changed',
  'order.confirmed',
  'order.backordered',
  'order.payment_failed',
  'order.on_hold',
  'order.hold_released',
  'order.cancelled',
  'shipment.created',
  'shipment.status_changed',
  'shipment.picked',
  'shipment.packed',
  'shipment.label_purchased',
  'shipment.shipped',
  'shipment.tracking_updated',
  'shipment.out_for_delivery',
  'shipment.delivery_failed',
  'shipment.delivered',
  'shipment.returned_to_sender',
  'shipment.cancelled',
  'payment.authorized',
  'payment.captured',
  'payment.voided',
  'payment.refunded',
  'return.requested',
  'return.received',
  'return.refunded',
  'inventory.low_stock',
] as const satisfies readonly DomainEventType[];
