// Order queries and the small commands: hold, release, retry payment.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import { type PaymentInput, paymentInputSchema } from '../domain/payment.js';
import { orderStatusSchema } from '../domain/status.js';
import { applyOrderEvent } from '../machines/order.js';
import type { Page } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { transitionOrder } from './order-transition.js';
import { loadOrder, mutateOrder } from './order-writer.js';
import { registerIntentHandler } from './intent-registry.js';
import { act, assertNoIntent } from './intents.js';
import {
  type AuthorizationOutcome,
  applyAuthorization,
  authorizeKey,
  captureOnPlace,
  findLostAuthorization,
  paidHold,
  recordAuthorized,
} from './payment-flow.js';

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
    // A hold decided while another command's effects run would strand them half-done.
    assertNoIntent(current);
    const next = current;
    const events = transitionOrder(ctx, next, { type: 'HOLD', reason });
    next.hold = { reason, since: ctx.nowIso() };
    return { order: next, events };
  });
}

/** `orders.releaseHold`: resume where the order was. */
export function releaseHold(ctx: EngineContext, id: string): Promise<Order> {
  return mutateOrder(ctx, parseInput(idSchema, id, 'order id'), (current) => {
    assertNoIntent(current);
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
  if (before.status === 'payment_failed' && !before.intent) {
    // The last attempt may have gone through with its answer lost: use it rather
    // than authorize a second time and leave the first one hanging.
    const lost = await findLostAuthorization(ctx, before);
    if (lost && (lost.status === 'authorized' || lost.status === 'captured')) return recordAuthorized(ctx, before, lost);
  }
  const fingerprint = JSON.stringify(payment);
  const result = await act(
    ctx,
    before.id,
    (current, retry) => {
      const pending = current.intent;
      if (pending?.command === 'authorize' && pending.fingerprint === fingerprint) {
        return { kind: 'intent', command: 'authorize', target: current.id, fingerprint, effects: [] };
      }
      if (retry && current.status !== 'payment_failed' && current.payment.method === payment.method && current.payment.attempts > before.payment.attempts) {
        return { kind: 'done' };
      }
      if (current.status !== 'payment_failed') {
        throw new FulfillmentError('INVALID_TRANSITION', `Order ${current.id} is ${current.status}; only payment_failed orders can retry payment`, {
          details: { status: current.status, event: 'RETRY_PAYMENT' },
        });
      }
      // The machine's retry names the authorization; taking it in the intent's write hands its host actions over.
      const { actions } = applyOrderEvent(current.machine as never, { type: 'RETRY_PAYMENT' }, ctx.orderMachine);
      if (!actions.includes('requestAuthorization')) throw new FulfillmentError('CONFIGURATION_ERROR', 'The order machine requests no authorization on RETRY_PAYMENT');
      transitionOrder(ctx, current, { type: 'RETRY_PAYMENT' });
      // The attempt is counted in the intent's write: provider idempotency keys are never reused.
      const attempts = current.payment.attempts + 1;
      current.payment = { ...current.payment, method: payment.method, attempts };
      return {
        kind: 'intent',
        command: 'authorize',
        target: current.id,
        fingerprint,
        effects: [{ kind: 'authorize', amount: current.payment.amount, method: payment.method, key: authorizeKey(current.id, attempts) }],
      };
    },
    authorizeHandler,
    before,
  );
  const settled = result.payment.status === 'authorized' && result.intent === null ? await captureOnPlace(ctx, result) : result;
  if (settled.status === 'payment_failed') {
    const failure = settled.payment.lastError;
    throw new FulfillmentError('PAYMENT_DECLINED', `Payment declined: ${failure?.message ?? 'no reason given'}`, {
      details: { orderId: id, attempt: settled.payment.attempts, code: failure?.code ?? null },
    });
  }
  return settled;
}

/** Records a retried authorization's outcome; a paid order's hold stops expiring in the same write. */
const authorizeHandler = registerIntentHandler('authorize', {
  finish(ctx, order, _intent, outcomes) {
    const outcome = outcomes[0] as AuthorizationOutcome;
    const change = applyAuthorization(ctx, order, outcome);
    return { ...(change ?? {}), reservationExpiry: paidHold(order, outcome) };
  },
});
