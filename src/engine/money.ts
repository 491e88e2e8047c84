// Money bookkeeping on the order record: each operation is recorded by the
// amount that operation moved, never as a difference of provider totals.
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { EngineContext } from './context.js';

/** Money the customer paid and has not been given back. */
export function refundable(order: Order): number {
  return order.payment.captured - order.payment.refunded;
}

/** Record one capture of `amount`, in place. */
export function recordCaptureOf(ctx: EngineContext, order: Order, amount: number): DomainEvent[] {
  if (amount <= 0) return [];
  order.payment = { ...order.payment, captured: order.payment.captured + amount, status: 'captured' };
  return [ctx.event('payment.captured', order.id, { amount: { amount, currency: order.payment.amount.currency } })];
}

/** Record one refund of `amount`, in place. */
export function recordRefundOf(ctx: EngineContext, order: Order, amount: number): DomainEvent[] {
  if (amount <= 0) return [];
  const refunded = order.payment.refunded + amount;
  order.payment = { ...order.payment, refunded, status: refunded >= order.payment.captured ? 'refunded' : 'partially_refunded' };
  return [ctx.event('payment.refunded', order.id, { amount: { amount, currency: order.currency } })];
}

/** Record that the authorization `paymentId` was voided, in place. */
export function recordVoidOf(ctx: EngineContext, order: Order, paymentId: string): DomainEvent[] {
  order.payment = { ...order.payment, paymentId, status: 'voided' };
  return [ctx.event('payment.voided', order.id, { paymentId })];
}

/**
 * Authorized money that is still capturable and so already covers units that
 * will not ship. A single-capture provider's first capture closed the
 * authorization (the rest was released), so nothing is left to cover them.
 */
export function stillCapturable(ctx: EngineContext, order: Order): number {
  const caps = ctx.payments?.capabilities;
  const severalCaptures = (caps?.partialCapture ?? false) && (caps?.multipleCaptures ?? false);
  if (order.payment.captured > 0 && !severalCaptures) return 0;
  return Math.max(0, order.payment.authorized - order.payment.captured);
}
