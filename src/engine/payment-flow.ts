// Authorize, capture, void and refund through the payment adapter, recording
// each outcome on the order. Idempotency keys derive from order, operation and
// attempt, so a retried call never charges twice.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { PaymentAdapter, PaymentResult } from '../ports/payment.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { cloneOrder, mutateOrder } from './order-writer.js';
import { transitionOrder } from './order-transition.js';

/** The configured payment adapter, or `CONFIGURATION_ERROR`. */
export function requirePayments(ctx: EngineContext): PaymentAdapter {
  if (!ctx.payments) throw new FulfillmentError('CONFIGURATION_ERROR', 'No payment adapter configured: pass `payments` to createFulfillment');
  return ctx.payments;
}

/** Key of the n-th authorization attempt of an order. */
export const authorizeKey = (orderId: string, attempt: number): string => `${orderId}:authorize:${attempt}`;

/**
 * Authorize the order's current attempt and move the order on: to
 * processing/backordered, to payment_failed on a decline or fault, or leave it
 * pending when the provider needs action.
 */
export async function authorizeOrder(ctx: EngineContext, order: Order): Promise<Order> {
  const payments = requirePayments(ctx);
  const key = authorizeKey(order.id, order.payment.attempts);
  let result: PaymentResult | null = null;
  let fault: FulfillmentError | null = null;
  try {
    result = await callAdapter('payment.authorize', ctx.policy.retry, () =>
      payments.authorize({
        orderId: order.id,
        amount: order.payment.amount,
        method: order.payment.method,
        customer: order.customer,
        idempotencyKey: key,
      }),
    );
  } catch (err) {
    fault = err as FulfillmentError;
    // The provider may have authorized before the failure reached us.
    result = await lookupByKey(ctx, payments, key);
  }

  if (result && (result.status === 'authorized' || result.status === 'captured')) {
    return recordAuthorized(ctx, order, result);
  }
  if (result && result.status === 'requires_action') {
    const authorized = result;
    return mutateOrder(
      ctx,
      order.id,
      (current) => {
        if (current.status !== 'pending_payment' && current.status !== 'payment_failed') return null;
        const next = cloneOrder(current);
        next.payment = { ...next.payment, status: 'requires_action', paymentId: authorized.paymentId, lastError: null };
        const events = next.status === 'pending_payment' ? transitionOrder(ctx, next, { type: 'PAYMENT_REQUIRES_ACTION' }) : [];
        return { order: next, events };
      },
    );
  }

  const failure = result?.failure ?? { code: fault?.code ?? 'PAYMENT_FAILED', message: fault?.message ?? 'Payment failed' };
  return mutateOrder(ctx, order.id, (current) => {
    if (current.status !== 'pending_payment' && current.status !== 'payment_failed') return null;
    const next = cloneOrder(current);
    next.payment = { ...next.payment, status: 'failed', paymentId: result?.paymentId ?? next.payment.paymentId, lastError: failure };
    const events: DomainEvent[] = [
      ...transitionOrder(ctx, next, { type: 'PAYMENT_DECLINED', code: failure.code, message: failure.message }),
      ctx.event('order.payment_failed', next.id, { ...failure, attempt: next.payment.attempts }),
    ];
    const outbox = notify(ctx, next, 'order.payment_failed', String(next.payment.attempts), { reason: failure.message });
    return { order: next, events, outbox };
  });
}

/** Record a successful authorization (from a call, a lookup or a webhook). */
export async function recordAuthorized(ctx: EngineContext, order: Order, result: PaymentResult): Promise<Order> {
  // Stop the unpaid-hold clock before the order says paid; a crash in between
  // is healed by the stale-payment sweep, which finds the authorization.
  if (order.reservationId) {
    try {
      await ctx.storage.setReservationExpiry(order.reservationId, null);
    } catch (err) {
      if (!isFulfillmentError(err, 'NOT_FOUND')) throw err;
    }
  }
  let updated: Order;
  try {
    updated = await mutateOrder(ctx, order.id, (current) => {
      if (current.status !== 'pending_payment' && current.status !== 'payment_failed') return null;
      const next = cloneOrder(current);
      next.payment = {
        ...next.payment,
        status: result.status,
        paymentId: result.paymentId,
        authorized: result.authorized,
        captured: result.captured,
        lastError: null,
      };
      const backordered = next.lines.some((l) => l.backordered > 0);
      const events: DomainEvent[] = [
        ctx.event('payment.authorized', next.id, { amount: { amount: result.authorized, currency: result.amount.currency }, paymentId: result.paymentId }),
        ...transitionOrder(ctx, next, { type: 'PAYMENT_AUTHORIZED', backordered, order: next }),
      ];
      const outbox = [...notify(ctx, next, 'order.confirmed', 'placed')];
      if (next.status === 'backordered') {
        const lines = next.lines.filter((l) => l.backordered > 0).map((l) => ({ sku: l.sku, quantity: l.backordered }));
        events.push(ctx.event('order.backordered', next.id, { lines }));
        outbox.push(...notify(ctx, next, 'order.backordered', 'placed', { lines }));
      } else if (next.status === 'processing') {
        events.push(ctx.event('order.confirmed', next.id, {}));
      }
      return { order: next, events, outbox };
    });
  } catch (err) {
    // The order moved on without us (cancelled meanwhile): give the money back.
    await voidAuthorization(ctx, { ...order, payment: { ...order.payment, paymentId: result.paymentId, status: result.status, captured: result.captured } }).catch(() => undefined);
    throw err;
  }
  if (ctx.policy.capture === 'on_place' && updated.payment.status === 'authorized') {
    const amount = updated.payment.authorized - updated.payment.captured;
    const captured = await capture(ctx, updated, amount, `${updated.id}:capture:place`);
    updated = await recordCapture(ctx, updated.id, captured);
  }
  return updated;
}

/** Capture `amount` minor units. Throws `PAYMENT_FAILED` when the provider refuses. */
export async function capture(ctx: EngineContext, order: Order, amount: number, key: string): Promise<PaymentResult> {
  const payments = requirePayments(ctx);
  const paymentId = order.payment.paymentId;
  if (!paymentId) throw new FulfillmentError('PAYMENT_FAILED', `Order ${order.id} has no authorization to capture`, { details: { orderId: order.id } });
  const result = await callAdapter('payment.capture', ctx.policy.retry, () =>
    payments.capture({ paymentId, amount, idempotencyKey: key }),
  );
  if (result.status === 'failed') {
    throw new FulfillmentError('PAYMENT_FAILED', `Capture refused: ${result.failure?.message ?? 'unknown reason'}`, {
      details: { orderId: order.id, failure: result.failure },
    });
  }
  return result;
}

/** Store a capture result on the order. */
export function recordCapture(ctx: EngineContext, orderId: string, result: PaymentResult): Promise<Order> {
  return mutateOrder(ctx, orderId, (current) => {
    if (current.payment.captured >= result.captured) return null;
    const next = cloneOrder(current);
    const delta = result.captured - next.payment.captured;
    next.payment = { ...next.payment, status: result.status, captured: result.captured };
    return { order: next, events: [ctx.event('payment.captured', next.id, { amount: { amount: delta, currency: result.amount.currency } })] };
  });
}

/** Refund up to `amount` of what was captured. Returns the provider's view, or null when nothing to refund. */
export async function refund(ctx: EngineContext, order: Order, amount: number, key: string, reason: string): Promise<PaymentResult | null> {
  const refundable = order.payment.captured - order.payment.refunded;
  const value = Math.min(amount, refundable);
  const paymentId = order.payment.paymentId;
  if (value <= 0 || !paymentId) return null;
  const payments = requirePayments(ctx);
  return callAdapter('payment.refund', ctx.policy.retry, () =>
    payments.refund({ paymentId, amount: value, idempotencyKey: key, reason }),
  );
}

/** Void an open, uncaptured authorization. Returns the provider's view, or null when there was nothing to void. */
export async function voidAuthorization(ctx: EngineContext, order: Order): Promise<PaymentResult | null> {
  const paymentId = order.payment.paymentId;
  if (!paymentId || order.payment.captured > 0) return null;
  if (order.payment.status !== 'authorized' && order.payment.status !== 'requires_action') return null;
  const payments = requirePayments(ctx);
  return callAdapter('payment.void', ctx.policy.retry, () =>
    payments.void({ paymentId, idempotencyKey: `${order.id}:void` }),
  );
}

/**
 * The provider's record of the order's current authorization attempt, when the
 * order does not hold a live authorization (its answer may have been lost).
 * Unlike {@link lookupByKey}, a failed lookup throws: callers must not act as if
 * nothing was authorized when they could not find out.
 */
export async function findLostAuthorization(ctx: EngineContext, order: Order): Promise<PaymentResult | null> {
  const payments = ctx.payments;
  if (!payments?.capabilities.lookupByIdempotencyKey) return null;
  const known = order.payment.status;
  if (known === 'authorized' || known === 'captured' || known === 'partially_refunded' || known === 'refunded' || known === 'voided') return null;
  const key = authorizeKey(order.id, order.payment.attempts);
  return callAdapter('payment.retrieve', ctx.policy.retry, () => payments.retrieve({ idempotencyKey: key }));
}

/** Ask the provider what became of an authorization attempt whose answer was lost. */
export async function lookupByKey(ctx: EngineContext, payments: PaymentAdapter, key: string): Promise<PaymentResult | null> {
  if (!payments.capabilities.lookupByIdempotencyKey) return null;
  try {
    return await callAdapter('payment.retrieve', { ...ctx.policy.retry, retries: 0 }, () => payments.retrieve({ idempotencyKey: key }));
  } catch {
    return null;
  }
}
