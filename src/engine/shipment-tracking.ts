// Applying one carrier scan to a shipment record: status, milestone events and
// notifications. Shared by tracking ingestion and the hand-over, which replays
// the scans that arrived before it completed.
import { isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import type { TrackingEvent } from '../domain/tracking.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';

/** Move a handed-over shipment by one scan, in place; returns the events. A scan its state cannot take changes nothing. */
export function applyScan(ctx: EngineContext, order: Order, s: Shipment, event: TrackingEvent, outbox: OutboxMessageInput[]): DomainEvent[] {
  const from = s.status;
  try {
    s.status = applyShipmentEvent(s.status, { type: 'TRACKING', status: event.status }).status;
  } catch (err) {
    // A scan the shipment's state cannot take (e.g. after delivery) is kept as history only.
    if (!isFulfillmentError(err, 'INVALID_TRANSITION')) throw err;
  }
  if (s.status === from) return [];
  return [ctx.event('shipment.status_changed', order.id, { shipmentId: s.id, from, to: s.status }), ...milestone(ctx, order, s, event, outbox)];
}

function milestone(ctx: EngineContext, order: Order, s: Shipment, event: TrackingEvent, outbox: OutboxMessageInput[]): DomainEvent[] {
  const link = { shipmentId: s.id, trackingNumber: s.label?.trackingNumber ?? null, trackingUrl: s.label?.trackingUrl ?? null };
  switch (s.status) {
    case 'out_for_delivery':
      outbox.push(...notify(ctx, order, 'shipment.out_for_delivery', `${s.id}:${s.failedAttempts}`, link));
      return [ctx.event('shipment.out_for_delivery', order.id, { shipmentId: s.id })];
    case 'delivered':
      s.deliveredAt = event.occurredAt;
      outbox.push(...notify(ctx, order, 'shipment.delivered', s.id, link));
      return [ctx.event('shipment.delivered', order.id, { shipmentId: s.id })];
    case 'delivery_failed':
      s.failedAttempts += 1;
      outbox.push(...notify(ctx, order, 'shipment.delivery_failed', `${s.id}:${s.failedAttempts}`, { ...link, attempt: s.failedAttempts }));
      return [ctx.event('shipment.delivery_failed', order.id, { shipmentId: s.id, attempt: s.failedAttempts })];
    case 'returned_to_sender':
      return [ctx.event('shipment.returned_to_sender', order.id, { shipmentId: s.id })];
    default:
      return [];
  }
}
