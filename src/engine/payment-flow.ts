// Authorize, capture, void and refund through the payment adapter, recording
// each outcome on the order. Idempotency keys derive from order, operation and
// attempt, so a retried call never charges twice.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { OrderIntent } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/status.js';
import type { PaymentAdapter, PaymentResult } from '../ports/payment.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { registerIntentHandler } from './intent-registry.js';
import { act, assertNoIntent } from './intents.js';
import { recordCaptureOf } from './money.js';
import { mutateOrder } from './order-writer.js';
import { transitionOrder } from './order-transition.js';

/** The configured payment adapter, or `CONFIGURATION_ERROR`. */
export function requirePayments(ctx: EngineContext): PaymentAdapter {
  if (!ctx.payments) throw new FulfillmentError('CONFIGURATION_ERROR', 'No payment adapter configured: pass `payments` to createFulfillment');
  return ctx.payments;
}

/** Key of the n-th authorization attempt of an order. */
export const authorizeKey = (orderId: string, attempt: number): string => `${orderId}:authorize:${attempt}`;

/** What one authorization attempt came to. */
export type AuthorizationOutcome =
  | { kind: 'authorized'; result: PaymentResult }
  | { kind: 'requires_action'; result: PaymentResult }
  | { kind: 'failed'; failure: { code: string; message: string }; paymentId: string | null };

/** Ask the provider to authorize the order's current attempt. Never throws for a decline or a fault. */
export async function requestAuthorization(
  ctx: EngineContext,
  order: Order,
  key = authorizeKey(order.id, order.payment.attempts),
): Promise<AuthorizationOutcome> {
  const payments = requirePayments(ctx);
  let result: PaymentResult | null = null;
  let fault: FulfillmentError | null = null;
  try {
    result = await callAdapter('payment.authorize', ctx.policy.retry, (o) =>
      payments.authorize({
        orderId: order.id,
        amount: order.payment.amount,
        method: order.payment.method,
        customer: order.customer,
        idempotencyKey: key,
      }, o),
    );
  } catch (err) {
    fault = err as FulfillmentError;
    // The provider may have authorized before the failure reached us.
    result = await lookupByKey(ctx, payments, key);
  }
  if (result && (result.status === 'authorized' || result.status === 'captured')) return { kind: 'authorized', result };
  if (result && result.status === 'requires_action') return { kind: 'requires_action', result };
  return {
    kind: 'failed',
    failure: result?.failure ?? { code: fault?.code ?? 'PAYMENT_FAILED', message: fault?.message ?? 'Payment failed' },
    paymentId: result?.paymentId ?? null,
  };
}

/**
 * Record an authorization outcome on an unpaid order, in place. Returns the
 * events and notifications it causes, or `null` when the order is no longer
 * waiting for payment.
 */
export function applyAuthorization(
  ctx: EngineContext,
  order: Order,
  outcome: AuthorizationOutcome,
): { events: DomainEvent[]; outbox: OutboxMessageInput[] } | null {
  if (order.status !== 'pending_payment' && order.status !== 'payment_failed') return null;
  if (outcome.kind === 'authorized') {
    const { result } = outcome;
    order.payment = {
      ...order.payment,
      status: result.status,
      paymentId: result.paymentId,
      authorized: result.authorized,
      captured: result.captured,
      lastError: null,
    };
    const backordered = order.lines.some((l) => l.backordered > 0);
    const events: DomainEvent[] = [
      ctx.event('payment.authorized', order.id, { amount: { amount: result.authorized, currency: result.amount.currency }, paymentId: result.paymentId }),
      ...transitionOrder(ctx, order, { type: 'PAYMENT_AUTHORIZED', backordered, order }),
    ];
    const outbox = [...notify(ctx, order, 'order.confirmed', 'placed')];
    const status = order.status as OrderStatus; // moved on by the transition
    if (status === 'backordered') {
      const lines = order.lines.filter((l) => l.backordered > 0).map((l) => ({ sku: l.sku, quantity: l.backordered }));
      events.push(ctx.event('order.backordered', order.id, { lines }));
      outbox.push(...notify(ctx, order, 'order.backordered', 'placed', { lines }));
    } else if (status === 'processing') {
      events.push(ctx.event('order.confirmed', order.id, {}));
    }
    return { events, outbox };
  }
  if (outcome.kind === 'requires_action') {
    order.payment = { ...order.payment, status: 'requires_action', paymentId: outcome.result.paymentId, lastError: null };
    const events = order.status === 'payment_failed' ? transitionOrder(ctx, order, { type: 'PAYMENT_REQUIRES_ACTION' }) : [];
    return { events, outbox: [] };
  }
  const { failure } = outcome;
  order.payment = { ...order.payment, status: 'failed', paymentId: outcome.paymentId ?? order.payment.paymentId, lastError: failure };
  const events: DomainEvent[] = [
    ...transitionOrder(ctx, order, { type: 'PAYMENT_DECLINED', code: failure.code, message: failure.message }),
    ctx.event('order.payment_failed', order.id, { ...failure, attempt: order.payment.attempts }),
  ];
  return { events, outbox: notify(ctx, order, 'order.payment_failed', String(order.payment.attempts), { reason: failure.message }) };
}

/** Record a successful authorization found later (a lookup, a webhook, a sync). */
export function recordAuthorized(ctx: EngineContext, order: Order, result: PaymentResult): Promise<Order> {
  return recordAuthorization(ctx, order, { kind: 'authorized', result });
}

/** Store an outcome on a stored order; a paid order's reservation stops expiring in the same write. */
async function recordAuthorization(ctx: EngineContext, order: Order, outcome: AuthorizationOutcome): Promise<Order> {
  let updated: Order;
  try {
    updated = await mutateOrder(ctx, order.id, (current) => {
      assertNoIntent(current);
      const change = applyAuthorization(ctx, current, outcome);
      if (!change) return null;
      return { order: current, ...change, reservationExpiry: paidHold(current, outcome) };
    });
  } catch (err) {
    // Another command is acting on the order and will settle this payment itself.
    if (isFulfillmentError(err, 'CONCURRENCY_CONFLICT')) throw err;
    // The order moved on without us: give the money back.
    if (outcome.kind !== 'failed') await voidResult(ctx, order, outcome.result).catch((e) => ctx.reportError(e, `void of ${order.id}'s authorization`));
    throw err;
  }
  return captureOnPlace(ctx, updated);
}

/** The reservation change a paid order's write carries: its hold no longer expires. */
export function paidHold(order: Order, outcome: AuthorizationOutcome): { reservationId: string; expiresAt: null } | undefined {
  return outcome.kind === 'authorized' && order.reservationId ? { reservationId: order.reservationId, expiresAt: null } : undefined;
}

/** The intent that takes the whole authorization of a paid order with `capture: 'on_place'`, or `null`. */
export function placeCaptureIntent(ctx: EngineContext, order: Order): OrderIntent | null {
  if (ctx.policy.capture !== 'on_place' || order.payment.status !== 'authorized' || !order.payment.paymentId) return null;
  const amount = order.payment.authorized - order.payment.captured;
  if (amount <= 0) return null;
  return {
    id: ctx.id('int'),
    command: 'capture',
    target: order.id,
    fingerprint: 'capture',
    effects: [{ kind: 'capture', paymentId: order.payment.paymentId, amount, key: `${order.id}:capture:place` }],
    data: {},
    startedAt: ctx.nowIso(),
  };
}

/** Records a capture taken on placement by the amount that capture took. */
export const captureHandler = registerIntentHandler('capture', {
  finish(ctx, order, intent) {
    const events: DomainEvent[] = [];
    for (const effect of intent.effects) if (effect.kind === 'capture') events.push(...recordCaptureOf(ctx, order, effect.amount));
    return { events };
  },
});

/** With `capture: 'on_place'`, take the whole authorization of a stored, paid order now. */
export async function captureOnPlace(ctx: EngineContext, order: Order): Promise<Order> {
  if (!placeCaptureIntent(ctx, order)) return order;
  return act(
    ctx,
    order.id,
    (current) => {
      const intent = placeCaptureIntent(ctx, current);
      if (!intent) return { kind: 'done' };
      return { kind: 'intent', command: 'capture', target: current.id, fingerprint: 'capture', effects: intent.effects };
    },
    captureHandler,
  );
}

/** Void an authorization that was never recorded on a stored order. */
export function voidResult(ctx: EngineContext, order: Order, result: PaymentResult): Promise<PaymentResult | null> {
  return voidAuthorization(ctx, { ...order, payment: { ...order.payment, paymentId: result.paymentId, status: result.status, captured: result.captured } });
}

/** Void an open, uncaptured authorization. Returns the provider's view, or null when there was nothing to void. */
export async function voidAuthorization(ctx: EngineContext, order: Order): Promise<PaymentResult | null> {
  const paymentId = order.payment.paymentId;
  if (!paymentId || order.payment.captured > 0) return null;
  if (order.payment.status !== 'authorized' && order.payment.status !== 'requires_action') return null;
  const payments = requirePayments(ctx);
  return callAdapter('payment.void', ctx.policy.retry, (o) =>
    payments.void({ paymentId, idempotencyKey: `${order.id}:void` }, o),
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
  return callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ idempotencyKey: key }, o));
}

/** Ask the provider what became of an authorization attempt whose answer was lost. */
export async function lookupByKey(ctx: EngineContext, payments: PaymentAdapter, key: string): Promise<PaymentResult | null> {
  if (!payments.capabilities.lookupByIdempotencyKey) return null;
  try {
    return await callAdapter('payment.retrieve', { ...ctx.policy.retry, retries: 0 }, (o) => payments.retrieve({ idempotencyKey: key }, o));
  } catch {
    return null;
  }
}
