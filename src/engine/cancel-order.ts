// Cancellation: the whole order before anything shipped, or only the
// unshipped remainder after a partial shipment. The machines' cancel
// transitions name the effects (void labels, void or refund money, release
// stock); they are recorded as one intent before any of them runs.
import { z } from 'zod';
import { parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Effect, OrderIntent } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import { applyOrderEvent } from '../machines/order.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { StockLine } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { registerIntentHandler } from './intent-registry.js';
import { type Decision, act, isIdle } from './intents.js';
import { recordLabelVoid } from './label-voids.js';
import { shipmentValue } from './labels.js';
import { recordCaptureOf, recordRefundOf, recordVoidOf, refundable, stillCapturable } from './money.js';
import { notify } from './notifications.js';
import { orderIdSchema } from './order-commands.js';
import { hasShipped } from './order-index.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { type EffectOutcomes, lastTried } from './effects.js';
import { loadOrder } from './order-writer.js';
import { findLostAuthorization } from './payment-flow.js';

const cancelInputSchema = z.strictObject({ reason: z.string().min(1).max(500) });
const OPEN_SHIPMENT: ReadonlySet<string> = new Set(['pending', 'picking', 'packed', 'label_purchased']);

/** Cancel an order, or its unshipped part. */
export async function cancelOrder(ctx: EngineContext, orderId: string, raw: { reason: string }): Promise<Order> {
  const { reason } = parseInput(cancelInputSchema, raw, 'cancellation');
  const order = await loadOrder(ctx, parseInput(orderIdSchema, orderId, 'order id'));
  // Refuse before any lookup: a cancellation the machine does not accept changes nothing.
  applyOrderEvent(order.machine as never, { type: 'CANCEL', reason }, ctx.orderMachine);
  return cancelUnshipped(ctx, order, reason);
}

/** Shared by cancel and reservation expiry: undo everything not yet shipped. */
export async function cancelUnshipped(ctx: EngineContext, order: Order, reason: string, expired = false, reservationLapsed = expired): Promise<Order> {
  // The expiry sweep passes the money it found at the provider on the order it hands over.
  let lost: Order['payment'] | null = expired && ['authorized', 'captured', 'requires_action'].includes(order.payment.status) ? order.payment : null;
  if (!hasShipped(order) && !expired) {
    // An authorization whose answer was lost is still money held: find it so it is
    // voided. (The expiry sweep has looked it up already, without failing the sweep.)
    const found = await findLostAuthorization(ctx, order);
    if (found && (found.status === 'authorized' || found.status === 'captured' || found.status === 'requires_action')) {
      lost = { ...order.payment, paymentId: found.paymentId, status: found.status, authorized: found.authorized, captured: found.captured };
    }
  }
  const fingerprint = JSON.stringify({ reason, expired, reservationLapsed });
  return act(ctx, order.id, (current, retry) => decideCancel(ctx, current, reason, expired, reservationLapsed, lost, retry, fingerprint), cancelHandler, order);
}

/** The expiry sweep found the money of an unpaid order: record it so the cancellation gives it back. */
export function withFoundPayment(order: Order, found: { paymentId: string; status: Order['payment']['status']; captured: number; authorized: number }): Order {
  return { ...order, payment: { ...order.payment, paymentId: found.paymentId, status: found.status, captured: found.captured, authorized: found.authorized } };
}

function decideCancel(
  ctx: EngineContext,
  order: Order,
  reason: string,
  expired: boolean,
  reservationLapsed: boolean,
  lost: Order['payment'] | null,
  retry: boolean,
  fingerprint: string,
): Decision {
  if (order.status === 'cancelled' && (retry || expired)) return { kind: 'done' };
  if (lost && order.payment.status !== 'authorized' && order.payment.status !== 'captured') order.payment = lost;
  const superseded = takeOver(ctx, order);
  const whole = !hasShipped(order);
  const event = expired && (order.status === 'pending_payment' || order.status === 'payment_failed') ? ({ type: 'RESERVATION_EXPIRED' } as const) : ({ type: 'CANCEL', reason } as const);
  // The machine's transition names the order-level effects; a dry run refuses before anything is written.
  const orderActions = expired && order.status === 'on_hold' ? ['releaseReservation', 'voidPayment'] : applyOrderEvent(order.machine as never, event, ctx.orderMachine).actions;
  const open = order.shipments.filter((s) => OPEN_SHIPMENT.has(s.status));
  const effects: Effect[] = [];
  const release: StockLine[] = [];
  for (const s of open) {
    for (const action of applyShipmentEvent(s.status, { type: 'CANCEL', reason }).actions) {
      if (action === 'voidLabel' && s.label && s.rate) effects.push({ kind: 'voidLabel', shipmentId: s.id, carrierId: s.rate.carrierId, label: s.label, key: `${s.id}:void` });
      if (action === 'releaseAllocation') release.push(...s.lines.map((l) => ({ sku: l.sku, locationId: s.locationId, quantity: l.quantity })));
    }
  }
  const paymentId = order.payment.paymentId;
  // A ship() that stopped on an unknown outcome is undone by the same keys: the label it may
  // have bought is asked for again and voided, a capture it may have taken is given back.
  const unsettledCapture = superseded?.command === 'handOver' ? superseded.effects.find((e) => e.kind === 'capture') : undefined;
  if (superseded?.command === 'label') {
    const purchase = superseded.effects[0];
    if (purchase?.kind === 'purchaseLabel') {
      // Only the candidate last tried can hold a label: the purchase moves on only after a refusal,
      // and records each move before it makes it.
      const tried = purchase.candidates[lastTried(purchase)];
      if (tried) effects.unshift({ kind: 'voidUnsettledLabel', shipmentId: purchase.shipmentId, candidates: [tried] });
    }
  }
  const cancelledValue = open.reduce((n, s) => n + shipmentValue(order, s), 0) + order.lines.reduce((n, l) => n + l.unitPrice.amount * l.backordered, 0);
  for (const action of orderActions) {
    if (action === 'voidPayment' && paymentId && unsettledCapture) {
      effects.push({ kind: 'returnMoney', paymentId, key: `${order.id}:refund:cancel`, reason });
    } else if (action === 'voidPayment' && paymentId) {
      // Open, uncaptured money is voided; money already taken goes back in full.
      if (order.payment.captured === 0 && (order.payment.status === 'authorized' || order.payment.status === 'requires_action')) {
        effects.push({ kind: 'voidPayment', paymentId, key: `${order.id}:void` });
      }
      const amount = refundable(order);
      if (amount > 0) effects.push({ kind: 'refund', paymentId, amount, key: `${order.id}:refund:cancel`, reason });
    }
    if (action === 'cancelUnshipped' && paymentId && unsettledCapture?.kind === 'capture') {
      effects.push({ kind: 'undoCapture', paymentId, amount: unsettledCapture.amount, recorded: order.payment.captured, key: `${unsettledCapture.key}:undo`, reason });
    }
    if (action === 'cancelUnshipped' && paymentId && order.payment.captured > 0) {
      // Funds still authorized but never captured already cover cancelled units
      // (capture on ship); only a charge beyond that goes back to the customer.
      const uncaptured = stillCapturable(ctx, order);
      const amount = Math.min(refundable(order), cancelledValue - uncaptured);
      if (amount > 0) effects.push({ kind: 'refund', paymentId, amount, key: `${order.id}:refund:cancel-remaining:${order.version}`, reason });
    }
  }
  // Money before stock: a failed void or refund leaves the order holding its units.
  // A lapsed hold was released by the expiry itself; a stale unpaid order's hold is still live.
  if (order.reservationId && !reservationLapsed) {
    if (whole && orderActions.includes('releaseReservation')) {
      effects.push({ kind: 'releaseStock', reservationId: order.reservationId, lines: null, opId: `cancel:${order.version}`, reason });
    } else if (!whole && release.length > 0) {
      effects.push({ kind: 'releaseStock', reservationId: order.reservationId, lines: release, opId: `cancel:${order.version}`, reason });
    }
  }
  return { kind: 'intent', command: 'cancel', target: order.id, fingerprint, effects, data: { reason, expired, whole }, supersedes: superseded?.id };
}

/**
 * The pending intent a cancellation may take over: a label purchase or a
 * hand-over of an open shipment that nobody runs (it stopped on an unknown
 * outcome before any stock was committed). Anything else is left to finish.
 */
function takeOver(ctx: EngineContext, order: Order): OrderIntent | null {
  const pending = order.intent;
  if (!pending || pending.command === 'cancel' || !isIdle(ctx, pending)) return null;
  const s = order.shipments.find((x) => x.id === pending.target);
  if (!s || !OPEN_SHIPMENT.has(s.status)) return null;
  if (pending.command === 'label') return pending;
  if (pending.command === 'handOver' && pending.effects[pending.stalledAt ?? 0]?.kind === 'capture') return pending;
  return null;
}

/** Records the cancellation by what each effect did. */
const cancelHandler = registerIntentHandler('cancel', {
  finish(ctx, next, intent, outcomes) {
    const { reason, expired, whole } = intent.data as { reason: string; expired: boolean; whole: boolean };
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
    let refunded = 0;
    for (const [i, effect] of intent.effects.entries()) {
      if (effect.kind === 'voidLabel') recordLabelVoid(ctx, next, effect.shipmentId, effect.key, outcomes[i] as EffectOutcomes['voidLabel'] | undefined);
      if (effect.kind === 'voidPayment') events.push(...recordVoidOf(ctx, next, effect.paymentId));
      if (effect.kind === 'refund') {
        refunded += effect.amount;
        events.push(...recordRefundOf(ctx, next, effect.amount));
      }
      if (effect.kind === 'undoCapture') {
        const done = outcomes[i] as EffectOutcomes['undoCapture'];
        events.push(...recordCaptureOf(ctx, next, done.captured), ...recordRefundOf(ctx, next, done.refunded));
        refunded += done.refunded;
      }
      if (effect.kind === 'returnMoney') {
        // After an unanswered capture the provider's books are the record.
        const held = outcomes[i] as EffectOutcomes['returnMoney'];
        const back = held.refunded - next.payment.refunded;
        events.push(...recordCaptureOf(ctx, next, held.captured - next.payment.captured), ...recordRefundOf(ctx, next, back));
        if (held.voided) events.push(...recordVoidOf(ctx, next, effect.paymentId));
        refunded += Math.max(0, back);
      }
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
    if (refunded > 0) outbox.push(...notify(ctx, next, 'payment.refunded', `cancel:${next.version}`, { amount: refunded, currency: next.currency }));
    return { events, outbox };
  },
  // A void the carrier refused stops the cancellation: labels voided before it are
  // recorded (those shipments need a new label), and nothing else changes.
  abort(ctx, order, intent, outcomes) {
    const events: DomainEvent[] = [];
    for (const [i, effect] of intent.effects.entries()) {
      if (i >= outcomes.length || effect.kind !== 'voidLabel') continue;
      const s = order.shipments.find((x) => x.id === effect.shipmentId) as Shipment;
      s.status = applyShipmentEvent(s.status, { type: 'LABEL_VOIDED' }).status;
      s.rate = null;
      s.label = null;
      events.push(ctx.event('shipment.status_changed', order.id, { shipmentId: s.id, from: 'label_purchased', to: s.status }));
    }
    return { events };
  },
});
