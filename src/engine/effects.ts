// One executor per effect kind: each runs its effect under the key stored in
// the intent, so running it again (a join, a resume, a sweep) repeats nothing.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { Effect, EffectKind } from '../domain/intent.js';
import type { Label, Rate } from '../domain/shipment.js';
import type { Order } from '../domain/order.js';
import type { PaymentResult } from '../ports/payment.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { issueLabel, voidLabel } from './labels.js';
import { type AuthorizationOutcome, requestAuthorization, requirePayments } from './payment-flow.js';
import { holds } from './intent-registry.js';
import { mutateOrder } from './order-writer.js';
import { findShipment } from './shipment-lookup.js';

type Of<K extends EffectKind> = Extract<Effect, { kind: K }>;

/** What each effect reports back, by kind. */
export interface EffectOutcomes {
  purchaseLabel: { rate: Rate; label: Label };
  voidLabel: { status: 'voided' | 'pending'; message?: string };
  voidUnsettledLabel: { label: Label | null; status?: 'voided' | 'pending' };
  /** The provider's totals after the money went back. */
  returnMoney: { captured: number; refunded: number; voided: boolean };
  undoCapture: { captured: number; refunded: number };
  authorize: AuthorizationOutcome;
  capture: PaymentResult;
  voidPayment: PaymentResult;
  refund: PaymentResult;
  reserveStock: { reserved: true };
  commitStock: { committed: true };
  releaseStock: { released: true };
  adjustStock: { adjusted: boolean };
  restock: { restocked: true };
}

type Executor<K extends EffectKind> = (ctx: EngineContext, order: Order, effect: Of<K>) => Promise<EffectOutcomes[K]>;

/** A void the carrier refused: the parcel was scanned or manifested. */
export function voidRefused(shipmentId: string, trackingNumber: string): FulfillmentError {
  return new FulfillmentError(
    'INVALID_TRANSITION',
    `The carrier refused to void the label of shipment ${shipmentId} (${trackingNumber}): the parcel is already with the carrier`,
    { details: { shipmentId, trackingNumber, reason: 'void_refused', event: 'CANCEL' } },
  );
}

/** The candidate a label purchase tried last, so the only one that can hold its label. */
export function lastTried(effect: Of<'purchaseLabel'>): number {
  return Math.max(effect.unsettled ?? 0, effect.reached ?? 0);
}

/**
 * Before a label purchase falls back to candidate `index`, record it on the intent, so that a
 * resume after a crash starts there too. Only the runner that holds the intent may move it on:
 * the write is fenced by the intent's id and the time of its claim, which a takeover after the
 * lease renews. False when it could not be recorded; then nothing past the refusal is tried.
 */
async function recordFallback(ctx: EngineContext, order: Order, effect: Of<'purchaseLabel'>, index: number): Promise<boolean> {
  const mine = order.intent;
  if (!mine) return true; // run outside a recorded intent: nothing to resume
  let recorded = false;
  try {
    await mutateOrder(ctx, order.id, (current) => {
      recorded = false;
      const intent = current.intent;
      if (!intent || !holds(current, mine)) return null;
      const effects = intent.effects.map((e) => (e.kind === 'purchaseLabel' && e.shipmentId === effect.shipmentId ? { ...e, reached: index } : e));
      current.intent = { ...intent, effects };
      recorded = true;
      return { order: current };
    });
  } catch (err) {
    ctx.reportError(err, `recording the label fallback of shipment ${effect.shipmentId}`);
    return false;
  }
  return recorded;
}

const executors: { [K in EffectKind]: Executor<K> } = {
  async purchaseLabel(ctx, order, effect) {
    const shipment = findShipment(order, effect.shipmentId);
    const failures: { carrierId: string; service: string; message: string }[] = [];
    // Only an outright refusal moves on to the next rate, so at most one candidate can hold a
    // label: the one tried last. A resume starts there; the ones before it refused, and asking
    // them again could buy a second label.
    const from = lastTried(effect);
    for (const [i, rate] of effect.candidates.entries()) {
      if (i < from) continue;
      if (i > from && !(await recordFallback(ctx, order, effect, i))) {
        // The refusals so far stand (a resume starts at the last recorded candidate and may move on).
        throw new FulfillmentError('CARRIER_ERROR', `Could not record the fallback to carrier ${rate.carrierId} for shipment ${shipment.id}; retry later`, {
          details: { failures, fallback: i },
          retryable: true,
        });
      }
      try {
        return { rate, label: await issueLabel(ctx, order, shipment, rate) };
      } catch (err) {
        if (!isFulfillmentError(err)) throw err;
        failures.push({ carrierId: rate.carrierId, service: rate.service, message: err.message });
        // Unanswered (or refused after an unanswered try): the label may exist, so
        // falling back could buy a second one. The intent stays for a retry.
        if (err.retryable || i === effect.unsettled) {
          throw new FulfillmentError('CARRIER_ERROR', `Carrier ${rate.carrierId} did not issue a label for shipment ${shipment.id}; retry later`, {
            details: { failures, unsettled: rate, candidate: i },
            retryable: true,
            cause: err,
          });
        }
      }
    }
    throw new FulfillmentError('CARRIER_ERROR', `Every carrier refused to issue a label for shipment ${shipment.id}`, {
      details: { failures },
      retryable: false,
    });
  },

  async voidLabel(ctx, _order, effect) {
    const answer = await voidLabel(ctx, effect.carrierId, effect.label, effect.key);
    if (answer.status === 'refused') throw voidRefused(effect.shipmentId, effect.label.trackingNumber);
    // A pending void lets the cancellation go on: the label goes unused, and the sweep settles its refund.
    return answer.message === undefined ? { status: answer.status } : { status: answer.status, message: answer.message };
  },

  async voidUnsettledLabel(ctx, order, effect) {
    const shipment = findShipment(order, effect.shipmentId);
    for (const rate of effect.candidates) {
      let label: Label;
      try {
        label = await issueLabel(ctx, order, shipment, rate);
      } catch (err) {
        // A carrier that refuses outright has no label to give back; the next candidate may.
        if (isFulfillmentError(err) && !err.retryable) continue;
        throw err;
      }
      const answer = await voidLabel(ctx, rate.carrierId, label, `${shipment.id}:void`);
      if (answer.status === 'refused') throw voidRefused(shipment.id, label.trackingNumber);
      return { label, status: answer.status };
    }
    return { label: null };
  },

  async returnMoney(ctx, _order, effect) {
    const payments = requirePayments(ctx);
    const held = await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ paymentId: effect.paymentId }, o));
    if (!held) return { captured: 0, refunded: 0, voided: false };
    const open = held.captured - held.refunded;
    let refunded = 0;
    if (open > 0) {
      await executors.refund(ctx, _order, { kind: 'refund', paymentId: effect.paymentId, amount: open, key: effect.key, reason: effect.reason });
      refunded = open;
    }
    let voided = false;
    if (held.captured === 0 && (held.status === 'authorized' || held.status === 'requires_action')) {
      await callAdapter('payment.void', ctx.policy.retry, (o) => payments.void({ paymentId: effect.paymentId, idempotencyKey: `${effect.key}:void` }, o));
      voided = true;
    }
    // Totals at the provider: what the order must record after an unanswered capture.
    return { captured: held.captured, refunded: held.refunded + refunded, voided };
  },

  async undoCapture(ctx, order, effect) {
    const payments = requirePayments(ctx);
    const held = await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ paymentId: effect.paymentId }, o));
    if (!held || held.captured <= effect.recorded) return { captured: 0, refunded: 0 };
    await executors.refund(ctx, order, { kind: 'refund', paymentId: effect.paymentId, amount: effect.amount, key: effect.key, reason: effect.reason });
    return { captured: effect.amount, refunded: effect.amount };
  },

  async authorize(ctx, order, effect) {
    // Authorization outcomes (a decline included) are recorded, never thrown.
    return requestAuthorization(ctx, { ...order, payment: { ...order.payment, amount: effect.amount, method: effect.method } }, effect.key);
  },

  async capture(ctx, order, effect) {
    const payments = requirePayments(ctx);
    const result = await callAdapter('payment.capture', ctx.policy.retry, (o) =>
      payments.capture({ paymentId: effect.paymentId, amount: effect.amount, idempotencyKey: effect.key }, o),
    );
    if (result.status === 'failed') {
      throw new FulfillmentError('PAYMENT_FAILED', `Capture refused: ${result.failure?.message ?? 'unknown reason'}`, {
        details: { orderId: order.id, failure: result.failure },
      });
    }
    return result;
  },

  async voidPayment(ctx, _order, effect) {
    const payments = requirePayments(ctx);
    return callAdapter('payment.void', ctx.policy.retry, (o) => payments.void({ paymentId: effect.paymentId, idempotencyKey: effect.key }, o));
  },

  async refund(ctx, order, effect) {
    const payments = requirePayments(ctx);
    const result = await callAdapter('payment.refund', ctx.policy.retry, (o) =>
      payments.refund({ paymentId: effect.paymentId, amount: effect.amount, idempotencyKey: effect.key, reason: effect.reason }, o),
    );
    if (result.status === 'failed') {
      throw new FulfillmentError('PAYMENT_FAILED', `Refund refused: ${result.failure?.message ?? 'unknown reason'}`, {
        details: { orderId: order.id, failure: result.failure },
      });
    }
    return result;
  },

  async reserveStock(ctx, order, effect) {
    await ctx.storage.reserve({ reservationId: effect.reservationId, orderId: order.id, lines: effect.lines, expiresAt: null, opId: effect.opId, at: ctx.nowIso() });
    ctx.levelsCache.reserved(effect.lines);
    return { reserved: true };
  },

  async commitStock(ctx, _order, effect) {
    await ctx.storage.commitReservation({ reservationId: effect.reservationId, lines: effect.lines, opId: effect.opId, reason: effect.reason, at: ctx.nowIso() });
    return { committed: true };
  },

  async releaseStock(ctx, _order, effect) {
    await ctx.storage.releaseReservation({
      reservationId: effect.reservationId,
      lines: effect.lines ?? undefined,
      opId: effect.opId,
      reason: effect.reason,
      at: ctx.nowIso(),
    });
    return { released: true };
  },

  async adjustStock(ctx, _order, effect) {
    try {
      await ctx.storage.adjust({ sku: effect.sku, locationId: effect.locationId, delta: effect.delta, reason: effect.reason, opId: effect.opId, at: ctx.nowIso() });
      return { adjusted: true };
    } catch (err) {
      // A count correction the stock row cannot take (units reserved by others) is reported, not fatal.
      if (!isFulfillmentError(err, 'INSUFFICIENT_STOCK')) throw err;
      ctx.reportError(err, `count correction of ${effect.sku} at ${effect.locationId}`);
      return { adjusted: false };
    }
  },

  async restock(ctx, order, effect) {
    await ctx.storage.receive({
      sku: effect.sku,
      locationId: effect.locationId,
      quantity: effect.quantity,
      movement: 'returned',
      orderId: order.id,
      reason: effect.reason,
      opId: effect.opId,
      at: ctx.nowIso(),
    });
    return { restocked: true };
  },
};

/** Run one effect. */
export function executeEffect(ctx: EngineContext, order: Order, effect: Effect): Promise<unknown> {
  return (executors[effect.kind] as Executor<EffectKind>)(ctx, order, effect as never);
}

/**
 * The effect that undoes a completed one, when there is one: a label bought is
 * voided, a capture refunded, an authorization voided, a hold released. Others
 * (voids, refunds, commits, count corrections) cannot be undone and are
 * recorded by the command's abort instead.
 */
export function compensationOf(intentId: string, index: number, effect: Effect, outcome: unknown): Effect | null {
  switch (effect.kind) {
    case 'purchaseLabel': {
      const { rate, label } = outcome as EffectOutcomes['purchaseLabel'];
      return { kind: 'voidLabel', shipmentId: effect.shipmentId, carrierId: rate.carrierId, label, key: `${effect.shipmentId}:void` };
    }
    case 'capture':
      return { kind: 'refund', paymentId: effect.paymentId, amount: effect.amount, key: `${intentId}:undo:${index}`, reason: 'hand-over not completed' };
    case 'authorize': {
      const result = outcome as EffectOutcomes['authorize'];
      if (result.kind === 'failed') return null;
      return { kind: 'voidPayment', paymentId: result.result.paymentId, key: `${intentId}:undo:${index}` };
    }
    case 'reserveStock':
      return { kind: 'releaseStock', reservationId: effect.reservationId, lines: effect.lines, opId: `${effect.opId}:undo`, reason: 'intent abandoned' };
    default:
      return null;
  }
}

/** Whether an error proves the effect did not happen (a refusal), rather than leaving it unknown. */
export function isRefusal(err: unknown): boolean {
  return isFulfillmentError(err) && !err.retryable;
}
