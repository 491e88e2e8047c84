// The hand-over as one effect: capture what is due, commit the shipment's
// stock, record it shipped. Started by ship() or by a carrier scan of a parcel
// whose hand-over had not completed; both run the same intent.
import { FulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Effect } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { Label, Shipment } from '../domain/shipment.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { registerIntentHandler } from './intent-registry.js';
import type { Decision } from './intents.js';
import { shipmentValue } from './labels.js';
import { recordCaptureOf, recordRefundOf } from './money.js';
import { notify } from './notifications.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { applyScan } from './shipment-tracking.js';
import { findShipment } from './shipment-lookup.js';

/** Order statuses in which goods may be packed and leave: paid, not held, not finished. */
const FULFILLING: ReadonlySet<string> = new Set(['processing', 'backordered', 'partially_shipped', 'partially_delivered']);
const SECURED: ReadonlySet<string> = new Set(['authorized', 'captured', 'partially_refunded']);

/** `INVALID_TRANSITION` unless the order is paid and not on hold: unpaid goods never leave. */
export function assertFulfillable(order: Order, shipmentId: string, event: string): void {
  if (order.status === 'on_hold') {
    throw new FulfillmentError('INVALID_TRANSITION', `Order ${order.id} is on hold: ${order.hold?.reason ?? ''}`, {
      details: { status: order.status, event, shipmentId },
    });
  }
  if (!FULFILLING.has(order.status) || !SECURED.has(order.payment.status)) {
    throw new FulfillmentError('INVALID_TRANSITION', `Order ${order.id} is ${order.status} (payment ${order.payment.status}); only paid orders are packed and shipped`, {
      details: { status: order.status, payment: order.payment.status, event, shipmentId },
    });
  }
}

/** The hand-over's effects, as the shipment machine's `handOver` action asks for them. */
export function handOverEffects(ctx: EngineContext, order: Order, shipment: Shipment): Effect[] {
  const effects: Effect[] = [];
  const payment = order.payment;
  // With capture on placement nothing is due here, unless that capture failed: then the goods
  // never leave without the money, and the whole open authorization is taken now.
  const onPlaceMissed = ctx.policy.capture === 'on_place' && payment.captured === 0;
  if ((ctx.policy.capture === 'on_ship' || onPlaceMissed) && payment.paymentId && (payment.status === 'authorized' || payment.status === 'captured')) {
    const open = payment.authorized - payment.captured;
    const caps = ctx.payments?.capabilities;
    const partialCapture = caps?.partialCapture ?? false;
    const due = shipmentValue(order, shipment) + (payment.captured === 0 ? order.totals.shipping.amount : 0);
    // What the whole order still owes: units cancelled (by request or short pick) are never charged.
    const cancelledValue = order.lines.reduce((n, l) => n + l.unitPrice.amount * l.cancelled, 0);
    const outstanding = Math.max(0, payment.amount.amount - cancelledValue - payment.captured);
    let amount: number;
    // Per-shipment captures need a provider that captures several times.
    if (partialCapture && (caps?.multipleCaptures ?? false) && !onPlaceMissed) amount = Math.min(open, due);
    // A single-capture provider is charged once, at the first hand-over, for everything still due;
    // what is cancelled or short-picked later is refunded.
    else if (payment.captured > 0) amount = 0;
    else if (partialCapture) amount = Math.min(open, outstanding);
    // Without partial capture only the whole authorization can be taken: the excess goes straight back.
    else amount = open;
    if (amount > 0) effects.push({ kind: 'capture', paymentId: payment.paymentId, amount, key: `${order.id}:capture:${shipment.id}` });
    if (amount > outstanding && !partialCapture) {
      effects.push({ kind: 'refund', paymentId: payment.paymentId, amount: amount - outstanding, key: `${order.id}:refund:excess:${shipment.id}`, reason: 'units cancelled before capture' });
    }
  }
  if (order.reservationId) {
    effects.push({
      kind: 'commitStock',
      reservationId: order.reservationId,
      lines: shipment.lines.map((l) => ({ sku: l.sku, locationId: shipment.locationId, quantity: l.quantity })),
      opId: `ship:${shipment.id}`,
      reason: `shipped ${shipment.id}`,
    });
  }
  return effects;
}

/** Decide the hand-over of a shipment with a label; `done` when it has left already. */
export function decideHandOver(ctx: EngineContext, order: Order, shipmentId: string, retry: boolean, fromScan = false): Decision {
  const s = findShipment(order, shipmentId);
  if (s.status !== 'label_purchased') {
    if ((retry || fromScan) && s.shippedAt !== null) return { kind: 'done' };
    throw new FulfillmentError('INVALID_TRANSITION', `Shipment ${shipmentId} is ${s.status}; only packed shipments can ship`, {
      details: { status: s.status, event: 'SHIP' },
    });
  }
  assertFulfillable(order, shipmentId, 'SHIP');
  const { actions } = applyShipmentEvent(s.status, { type: 'HAND_OVER' });
  const effects = actions.includes('handOver') ? handOverEffects(ctx, order, s) : [];
  return { kind: 'intent', command: 'handOver', target: shipmentId, fingerprint: 'handOver', effects };
}

/** Finishes a hand-over: shipped, money and stock recorded by what each operation did, early scans replayed. */
export const handOverHandler = registerIntentHandler('handOver', {
  finish(ctx, order, intent) {
    const s = findShipment(order, intent.target);
    s.status = applyShipmentEvent(s.status, { type: 'HAND_OVER' }).status;
    s.shippedAt = ctx.nowIso();
    for (const l of s.lines) {
      const line = order.lines.find((x) => x.id === l.lineId);
      if (line) line.shipped += l.quantity;
    }
    const label = s.label as Label;
    const events: DomainEvent[] = [ctx.event('shipment.shipped', order.id, { shipmentId: s.id, trackingNumber: label.trackingNumber, trackingUrl: label.trackingUrl })];
    for (const effect of intent.effects) {
      if (effect.kind === 'capture') events.push(...recordCaptureOf(ctx, order, effect.amount));
      if (effect.kind === 'refund') events.push(...recordRefundOf(ctx, order, effect.amount));
    }
    const outbox: OutboxMessageInput[] = notify(ctx, order, 'shipment.shipped', s.id, {
      shipmentId: s.id,
      carrier: s.rate?.carrierId ?? null,
      service: s.rate?.service ?? null,
      trackingNumber: label.trackingNumber,
      trackingUrl: label.trackingUrl,
    });
    // Scans that arrived before the hand-over completed move the shipment now.
    for (const scan of s.trackingEvents) events.push(...applyScan(ctx, order, s, scan, outbox));
    events.push(...transitionOrder(ctx, order, { type: 'SHIPMENTS_UPDATED', summary: summarizeShipments(order) }));
    return { events, outbox };
  },
});
