// Lookup keys and index tags derived from an order, so that commands find
// the few orders they need without scanning.
import type { Order } from '../domain/order.js';
import { SHIPPED_STATUSES } from '../domain/status.js';

const PICKABLE_ORDER: ReadonlySet<string> = new Set(['processing', 'backordered', 'partially_shipped', 'partially_delivered']);
const TRACKABLE: ReadonlySet<string> = new Set(['shipped', 'in_transit', 'out_for_delivery', 'delivery_failed']);

/** Key under which a shipment's order is found. */
export const shipmentKey = (shipmentId: string): string => `shipment:${shipmentId}`;
/** Key under which a tracking number's order is found. */
export const trackingKey = (carrierId: string, trackingNumber: string): string => `tracking:${carrierId}:${trackingNumber}`;
/** Key under which the order holding a provider's payment is found. */
export const paymentKey = (providerId: string, paymentId: string): string => `payment:${providerId}:${paymentId}`;
/** Key under which a return's order is found. */
export const returnKey = (returnId: string): string => `return:${returnId}`;
/** Tag of orders with shipments waiting to be picked at a location. */
export const pickTag = (locationId: string): string => `pick:${locationId}`;
/** Tag of orders waiting for stock of a SKU. */
export const backorderTag = (sku: string): string => `backorder:${sku}`;
/** Tag of orders with parcels on the road with a carrier. */
export const trackTag = (carrierId: string): string => `track:${carrierId}`;

/** Tag of orders with a pending intent, so the sweep finds them at flat cost. */
export const INTENT_TAG = 'intent:pending';

/** Tag of orders with a parcel the carrier scanned before its hand-over completed. */
export const HANDOVER_DUE_TAG = 'handover:due';

/** Tag of orders with a label void the carrier has not decided yet. */
export const voidTag = 'void:pending';

/** Unique lookup keys of an order. */
export function orderKeys(order: Order): string[] {
  const keys: string[] = [];
  for (const s of order.shipments) {
    keys.push(shipmentKey(s.id));
    if (s.label && s.rate) keys.push(trackingKey(s.rate.carrierId, s.label.trackingNumber));
  }
  for (const r of order.returns) keys.push(returnKey(r.id));
  if (order.payment.paymentId) keys.push(paymentKey(order.payment.provider, order.payment.paymentId));
  return keys;
}

/** Index tags of an order. */
export function orderTags(order: Order): string[] {
  const tags = new Set<string>();
  if (PICKABLE_ORDER.has(order.status)) {
    for (const s of order.shipments) if (s.status === 'pending') tags.add(pickTag(s.locationId));
    for (const l of order.lines) if (l.backordered > 0) tags.add(backorderTag(l.sku));
  }
  for (const s of order.shipments) {
    if (s.rate && TRACKABLE.has(s.status)) tags.add(trackTag(s.rate.carrierId));
    if (s.labelVoid?.status === 'pending') tags.add(voidTag);
  }
  if (order.intent) tags.add(INTENT_TAG);
  // Scanned by the carrier before the hand-over completed: the sweep completes it.
  if (order.shipments.some((s) => s.status === 'label_purchased' && s.trackingEvents.length > 0)) tags.add(HANDOVER_DUE_TAG);
  return [...tags];
}

/** An order's lookup keys and index tags. */
export interface OrderIndex {
  keys: string[];
  tags: string[];
}

// The index stored with an order object's version, for objects read from or written to storage.
// Commands edit those objects in place, so it is taken when the object leaves or enters storage.
const storedIndexes = new WeakMap<Order, OrderIndex>();

/** Remember the index `order` was stored with: call on an order just read, before anything edits it. */
export function noteStored(order: Order): Order {
  storedIndexes.set(order, { keys: orderKeys(order), tags: orderTags(order) });
  return order;
}

/**
 * The keys and tags an update of `stored` (an order as read, at the version the write expects)
 * to `next` must carry: each set only when it changed, since an omitted set stays as stored. Most
 * writes (a scan, a pick, a claimed intent) change neither. An order object whose stored index is
 * not known gets both sets in full. Call `written` once the write succeeded.
 */
export function indexUpdate(stored: Order, next: Order): { keys?: string[]; tags?: string[]; written: () => void } {
  const keys = orderKeys(next);
  const tags = orderTags(next);
  const known = storedIndexes.get(stored);
  const written = () => void storedIndexes.set(next, { keys, tags });
  if (!known) return { keys, tags, written };
  return { ...(sameSet(known.keys, keys) ? {} : { keys }), ...(sameSet(known.tags, tags) ? {} : { tags }), written };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  if (set.size !== a.length) return false;
  return b.every((x) => set.has(x));
}

/** Whether any shipment of the order has left the building. */
export function hasShipped(order: Order): boolean {
  return order.shipments.some((s) => SHIPPED_STATUSES.has(s.status));
}
