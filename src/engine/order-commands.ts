// Order queries and the small commands: hold, release, retry payment.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import { type PaymentInput, paymentInputSchema } from '../domain/payment.js';
import { orderStatusSchema } from '../domain/status.js';
import type { Page } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { transitionOrder } from './order-transition.js';
import { loadOrder, mutateOrder } from './order-writer.js';
import { authorizeOrder, findLostAuthorization, recordAuthorized } from './payment-flow.js';

const listSchema = z.strictObject({
  status: orderStatusSchema.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).nullable().optional(),
});
const holdSchema = z.strictObject({ reason: z.string().min(1).max(500) });
/** An order id as commands accept it. */
export const orderIdSchema = z.string().min(1).max(128);
const idSchema = orderIdSchema;

/** Input of `orders.list`. */
export type ListOrdersInput = z.input<typeof listSchema>;

/** `orders.get`: the order or `null`. */
export async function getOrder(ctx: EngineContext, id: string): Promise<Order | null> {
  return ctx.storage.getOrder(parseInput(idSchema, id, 'order id'));
}

/** `orders.list`: oldest first within a status, paged. */
export async function listOrders(ctx: EngineContext, raw: ListOrdersInput = {}): Promise<Page<Order>> {
  const q = parseInput(listSchema, raw, 'order query');
  return ctx.storage.listOrders({ status: q.status, limit: q.limit, cursor: q.cursor ?? null });
}

/** `orders.history`: the order's domain events, oldest first. */
export async function orderHistory(ctx: EngineContext, id: string): Promise<DomainEvent[]> {
  await loadOrder(ctx, parseInput(idSchema, id, 'order id'));
  return ctx.storage.orderEvents(id);
}

/** `orders.hold`: pause an order that has not shipped. */
export function holdOrder(ctx: EngineContext, id: string, raw: { reason: string }): Promise<Order> {
  const { reason } = parseInput(holdSchema, raw, 'hold');
  return mutateOrder(ctx, parseInput(idSchema, id, 'order id'), (current) => {
    const next = current;
    const events = transitionOrder(ctx, next, { type: 'HOLD', reason });
    next.hold = { reason, since: ctx.nowIso() };
    return { order: next, events };
  });
}

/** `orders.releaseHold`: resume where the order was. */
export function releaseHold(ctx: EngineContext, id: string): Promise<Order> {
  return mutateOrder(ctx, parseInput(idSchema, id, 'order id'), (current) => {
    const next = current;
    const events = transitionOrder(ctx, next, { type: 'RELEASE_HOLD' });
    return { order: next, events };
  });
}

/**
 * `orders.retryPayment`: authorize again with a new payment method. Throws
 * `PAYMENT_DECLINED` when the new attempt is declined too (the attempt is
 * recorded: provider idempotency keys must never be reused).
 */
export async function retryPayment(ctx: EngineContext, id: string, raw: PaymentInput): Promise<Order> {
  const payment = parseInput(paymentInputSchema, raw, 'payment');
  const before = await loadOrder(ctx, parseInput(idSchema, id, 'order id'));
  if (before.status === 'payment_failed') {
    // The last attempt may have gone through with its answer lost: use it rather
    // than authorize a second time and leave the first one hanging.
    const lost = await findLostAuthorization(ctx, before);
    if (lost && (lost.status === 'authorized' || lost.status === 'captured')) return recordAuthorized(ctx, before, lost);
  }
  const order = await mutateOrder(ctx, before.id, (current) => {
    if (current.status !== 'payment_failed') {
      throw new FulfillmentError('INVALID_TRANSITION', `Order ${current.id} is ${current.status}; only payment_failed orders can retry payment`, {
        details: { status: current.status, event: 'RETRY_PAYMENT' },
      });
    }
    const next = current;
    next.payment = { ...next.payment, method: payment.method, attempts: next.payment.attempts + 1 };
    return { order: next };
  });
  const result = await authorizeOrder(ctx, order);
  if (result.status === 'payment_failed') {
    const failure = result.payment.lastError;
    throw new FulfillmentError('PAYMENT_DECLINED', `Payment declined: ${failure?.message ?? 'no reason given'}`, {
      details: { orderId: id, attempt: result.payment.attempts, code: failure?.code ?? null },
    });
  }
  return result;
}
