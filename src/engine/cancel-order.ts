// Cancellation: the whole order before anything shipped, or only the
// unshipped remainder after a partial shipment. Labels are voided, held stock
// released and money voided or refunded before the order records it.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import { applyOrderEvent } from '../machines/order.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { StockLine } from '../ports/storage.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { hasShipped } from './order-index.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { cloneOrder, loadOrder, mutateOrder } from './order-writer.js';
import { refund, voidAuthorization } from './payment-flow.js';

const cancelInputSchema = z.strictObject({ reason: z.string().min(1).max(500) });
const OPEN_SHIPMENT: ReadonlySet<string> = new Set(['pending', 'picking', 'packed', 'label_purchased']);

/** Cancel an order, or its unshipped part. */
export async function cancelOrder(ctx: EngineContext, orderId: string, raw: { reason: string }): Promise<Order> {
  const { reason } = parseInput(cancelInputSchema, raw, 'cancellation');
  const order = await loadOrder(ctx, orderId);
  // Dry run first: a refused cancellation must not void or release anything.
  applyOrderEvent(order.machine as never, { type: 'CANCEL', reason }, ctx.orderMachine);
  return cancelUnshipped(ctx, order, reason);
}

/** Shared by cancel and reservation expiry: undo everything not yet shipped. */
export async function cancelUnshipped(ctx: EngineContext, order: Order, reason: string, expired = false): Promise<Order> {
  const whole = !hasShipped(order);
  const open = order.shipments.filter((s) => OPEN_SHIPMENT.has(s.status));

  for (const s of open) if (s.status === 'label_purchased') await voidLabel(ctx, s);

  if (order.reservationId) {
    const lines: StockLine[] | undefined = whole
      ? undefined
      : open.flatMap((s) => s.lines.map((l) => ({ sku: l.sku, locationId: s.locationId, quantity: l.quantity })));
    if (whole || (lines && lines.length > 0)) {
      await ctx.storage.releaseReservation({
        reservationId: order.reservationId,
        lines,
        opId: `cancel:${open.map((s) => s.id).join(',') || 'all'}`,
        reason,
        at: ctx.nowIso(),
      });
    }
  }

  const cancelledValue = open.reduce((n, s) => n + shipmentValue(order, s), 0) + backorderedValue(order);
  let voided = false;
  let refunded = 0;
  if (whole) {
    voided = (await voidAuthorization(ctx, order)) !== null;
    const result = await refund(ctx, order, order.payment.captured - order.payment.refunded, `${order.id}:refund:cancel`, reason);
    refunded = result ? result.refunded - order.payment.refunded : 0;
  } else if (order.payment.captured > 0) {
    const result = await refund(ctx, order, cancelledValue, `${order.id}:refund:cancel-remaining`, reason);
    refunded = result ? result.refunded - order.payment.refunded : 0;
  }

  return mutateOrder(ctx, order.id, (current) => {
    if (current.status === 'cancelled') return null;
    const next = cloneOrder(current);
    const events: DomainEvent[] = [];
    const cancelledUnits: { sku: string; quantity: number }[] = [];
    for (const s of next.shipments) {
      if (!OPEN_SHIPMENT.has(s.status)) continue;
      s.status = applyShipmentEvent(s.status, { type: 'CANCEL', reason }).status;
      events.push(ctx.event('shipment.cancelled', next.id, { shipmentId: s.id, reason }));
      for (const l of s.lines) {
        const line = next.lines.find((x) => x.id === l.lineId);
        if (line) line.cancelled += l.quantity;
        cancelledUnits.push({ sku: l.sku, quantity: l.quantity });
      }
    }
    for (const line of next.lines) {
      if (line.backordered > 0) cancelledUnits.push({ sku: line.sku, quantity: line.backordered });
      line.cancelled += line.backordered;
      line.backordered = 0;
    }
    if (voided) {
      next.payment = { ...next.payment, status: 'voided' };
      if (next.payment.paymentId) events.push(ctx.event('payment.voided', next.id, { paymentId: next.payment.paymentId }));
    }
    if (refunded > 0) {
      const total = next.payment.refunded + refunded;
      next.payment = { ...next.payment, refunded: total, status: total >= next.payment.captured ? 'refunded' : 'partially_refunded' };
      events.push(ctx.event('payment.refunded', next.id, { amount: { amount: refunded, currency: next.currency } }));
    }
    if (expired && next.status === 'on_hold') events.push(...transitionOrder(ctx, next, { type: 'RELEASE_HOLD' }));
    if (expired && (next.status === 'pending_payment' || next.status === 'payment_failed')) {
      events.push(...transitionOrder(ctx, next, { type: 'RESERVATION_EXPIRED' }));
    } else {
      events.push(...transitionOrder(ctx, next, { type: 'CANCEL', reason }));
    }
    if (next.status !== 'cancelled') events.push(...transitionOrder(ctx, next, { type: 'SHIPMENTS_UPDATED', summary: summarizeShipments(next) }));
    if (next.status === 'cancelled') next.cancellation = { reason, at: ctx.nowIso() };
    events.push(ctx.event('order.cancelled', next.id, { reason, lines: cancelledUnits }));
    const outbox = notify(ctx, next, 'order.cancelled', whole ? 'order' : `remaining:${next.version}`, { reason, lines: cancelledUnits });
    if (refunded > 0) {
      outbox.push(...notify(ctx, next, 'payment.refunded', `cancel:${next.version}`, { amount: refunded, currency: next.currency }));
    }
    return { order: next, events, outbox };
  }, order);
}

/** Void a bought but unused label; a carrier that refuses leaves the label cost as spent. */
export async function voidLabel(ctx: EngineContext, shipment: Shipment): Promise<boolean> {
  if (!shipment.label || !shipment.rate) return false;
  const carrier = ctx.carriers.get(shipment.rate.carrierId);
  if (!carrier) throw new FulfillmentError('CONFIGURATION_ERROR', `Carrier ${shipment.rate.carrierId} is not configured`);
  const label = shipment.label;
  const result = await callAdapter('carrier.voidShipment', ctx.policy.retry, () =>
    carrier.voidShipment({ labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: `${shipment.id}:void` }),
  );
  return result.voided;
}

/** Value of a shipment's lines in minor units. */
export function shipmentValue(order: Order, shipment: Shipment): number {
  return shipment.lines.reduce((n, l) => {
    const line = order.lines.find((x) => x.id === l.lineId);
    return n + (line ? line.unitPrice.amount * l.quantity : 0);
  }, 0);
}

function backorderedValue(order: Order): number {
  return order.lines.reduce((n, l) => n + l.unitPrice.amount * l.backordered, 0);
}
