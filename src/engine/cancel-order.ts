// Cancellation: the whole order before anything shipped, or only the
// unshipped remainder after a partial shipment. Labels are voided, held stock
// released and money voided or refunded before the order records it.
import { z } from 'zod';
import { customsDeclarationFor } from './customs-declaration.js';
import { FulfillmentError, isFulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Label, Rate, Shipment } from '../domain/shipment.js';
import { applyOrderEvent } from '../machines/order.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { StockLine } from '../ports/storage.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { orderIdSchema } from './order-commands.js';
import { hasShipped } from './order-index.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { loadOrder, mutateOrder } from './order-writer.js';
import { findLostAuthorization, refund, voidAuthorization } from './payment-flow.js';

const cancelInputSchema = z.strictObject({ reason: z.string().min(1).max(500) });
const OPEN_SHIPMENT: ReadonlySet<string> = new Set(['pending', 'picking', 'packed', 'label_purchased']);

/** Cancel an order, or its unshipped part. */
export async function cancelOrder(ctx: EngineContext, orderId: string, raw: { reason: string }): Promise<Order> {
  const { reason } = parseInput(cancelInputSchema, raw, 'cancellation');
  const order = await loadOrder(ctx, parseInput(orderIdSchema, orderId, 'order id'));
  // Dry run first: a refused cancellation must not void or release anything.
  applyOrderEvent(order.machine as never, { type: 'CANCEL', reason }, ctx.orderMachine);
  return cancelUnshipped(ctx, order, reason);
}

/** Shared by cancel and reservation expiry: undo everything not yet shipped. */
export async function cancelUnshipped(ctx: EngineContext, order: Order, reason: string, expired = false): Promise<Order> {
  const whole = !hasShipped(order);
  if (whole && !expired) {
    // An authorization whose answer was lost is still money held: find it so it is
    // voided. (The expiry sweep has looked it up already, without failing the sweep.)
    const lost = await findLostAuthorization(ctx, order);
    if (lost && (lost.status === 'authorized' || lost.status === 'captured' || lost.status === 'requires_action')) {
      order = { ...order, payment: { ...order.payment, paymentId: lost.paymentId, status: lost.status, authorized: lost.authorized, captured: lost.captured } };
    }
  }
  const open = order.shipments.filter((s) => OPEN_SHIPMENT.has(s.status));

  for (const s of open) {
    if (s.status === 'label_purchased') await voidLabel(ctx, s);
    else if (s.rate && !s.label) await voidUnsettledLabel(ctx, order, s, s.rate);
  }

  const cancelledValue = open.reduce((n, s) => n + shipmentValue(order, s), 0) + backorderedValue(order);
  let voided = false;
  let refunded = 0;
  const paymentId = order.payment.paymentId;
  if (whole) {
    voided = (await voidAuthorization(ctx, order)) !== null;
    const result = await refund(ctx, order, order.payment.captured - order.payment.refunded, `${order.id}:refund:cancel`, reason);
    refunded = result ? result.refunded - order.payment.refunded : 0;
  } else if (order.payment.captured > 0) {
    // Funds still authorized but never captured already cover cancelled units
    // (capture on ship); only a charge beyond that goes back to the customer.
    const uncaptured = Math.max(0, order.payment.authorized - order.payment.captured);
    const result = await refund(ctx, order, cancelledValue - uncaptured, `${order.id}:refund:cancel-remaining`, reason);
    refunded = result ? result.refunded - order.payment.refunded : 0;
  }

  // Money before stock: a failed void or refund leaves the order holding its units.
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

  return mutateOrder(ctx, order.id, (current) => {
    if (current.status === 'cancelled') return null;
    const next = current;
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
      next.payment = { ...next.payment, paymentId, status: 'voided' };
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

/**
 * Buy the label for `rate` under the shipment's key for that rate. Repeating
 * it returns the label already bought, which is also how a purchase whose
 * answer was lost is found again.
 */
export async function issueLabel(ctx: EngineContext, order: Order, shipment: Shipment, rate: Rate): Promise<Label> {
  const carrier = ctx.carriers.get(rate.carrierId);
  const location = ctx.locations.get(shipment.locationId);
  if (!carrier || !location) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Carrier ${rate.carrierId} or location ${shipment.locationId} is not configured`);
  }
  let calls = 0;
  const customs = customsDeclarationFor(order, shipment, location, ctx.policy.customs);
  try {
    return await callAdapter(`${carrier.id}.createShipment`, ctx.policy.retry, () => {
      calls++;
      return carrier.createShipment({
        shipmentId: shipment.id,
        rate,
        from: location.address,
        to: order.shippingAddress,
        parcels: shipment.parcels,
        idempotencyKey: `${shipment.id}:label:${rate.carrierId}:${rate.service}`,
        reference: order.reference ?? order.id,
        ...(customs === undefined ? {} : { customs }),
      });
    });
  } catch (err) {
    // After an unanswered attempt, a refusal does not prove that no label was bought.
    if (calls > 1 && isFulfillmentError(err) && !err.retryable) {
      throw new FulfillmentError('CARRIER_ERROR', err.message, { cause: err, retryable: true, details: err.details });
    }
    throw err;
  }
}

/**
 * A shipment whose label purchase went unanswered may own a label: ask again
 * under the same key and void what comes back. A carrier that refuses outright
 * has nothing to give back, so the cancellation goes on.
 */
async function voidUnsettledLabel(ctx: EngineContext, order: Order, shipment: Shipment, rate: Rate): Promise<void> {
  let label: Label;
  try {
    label = await issueLabel(ctx, order, shipment, rate);
  } catch (err) {
    if (isFulfillmentError(err) && !err.retryable) return;
    throw err;
  }
  await voidLabel(ctx, { ...shipment, rate, label });
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
  // A pending void counts as not voided for now: the label cost stays recorded as spent.
  return result.status === 'voided';
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
