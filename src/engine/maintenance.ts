// Crash healing: pending intents are resumed, expired holds of unpaid orders
// cancel them, orders left pending by a crash mid-payment are completed or
// cancelled, and parcels scanned before their hand-over are handed over.
import type { Order } from '../domain/order.js';
import { cancelUnshipped, withFoundPayment } from './cancel-order.js';
import { decideHandOver, handOverHandler } from './hand-over.js';
import { act, resumeIntent } from './intents.js';
import { HANDOVER_DUE_TAG, INTENT_TAG } from './order-index.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { settlePendingVoids } from './label-voids.js';
import { authorizeKey, lookupByKey, recordAuthorized } from './payment-flow.js';

/** What a sweep did. */
export interface SweepResult {
  /** Reservations whose unpaid hold lapsed. */
  expired: number;
  /** Orders cancelled because their hold lapsed. */
  cancelled: number;
  /** Orders found paid after a lost payment answer. */
  recovered: number;
  /** Authorizations voided because their order was never stored. */
  voided: number;
  /** Pending intents (a crash or an outage mid-command) run to their end or undone. */
  resumed: number;
  /** Hand-overs completed for parcels the carrier scanned first. */
  handedOver: number;
  /** Label voids the carrier had left pending and has now decided (voided or refused). */
  voidsSettled: number;
}

const UNPAID: ReadonlySet<string> = new Set(['pending_payment', 'payment_failed']);

/** Expire lapsed reservations and settle stale unpaid orders. Safe to run from several processes. */
export async function sweep(ctx: EngineContext): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, cancelled: 0, recovered: 0, voided: 0, resumed: 0, handedOver: 0, voidsSettled: 0 };
  const now = ctx.clock.now();
  await resumeIntents(ctx, now, result);
  const expired = await ctx.storage.expireReservations({ now: now.toISOString(), limit: 1000 });
  result.expired = expired.length;
  for (const reservation of expired) {
    const order = await ctx.storage.getOrder(reservation.orderId);
    if (!order) {
      // A crash before the order was stored: the stock is back; money may not be.
      if (await voidOrphanAuthorization(ctx, reservation.orderId)) result.voided++;
      continue;
    }
    try {
      if (await settle(ctx, order, true)) result.cancelled++;
      else result.recovered++;
    } catch (err) {
      // One order must not stop the sweep; a busy one is settled by a later sweep.
      ctx.reportError(err, `settling ${order.id} after its hold lapsed`);
    }
  }
  // Orders stuck in pending_payment past their hold: a crash between authorize and record.
  const staleBefore = now.getTime() - ctx.policy.reservationTtlMs;
  const page = await ctx.storage.listOrders({ status: 'pending_payment', limit: 100 });
  for (const order of page.items) {
    if (Date.parse(order.updatedAt) > staleBefore) continue;
    try {
      if (await settle(ctx, order, false)) result.cancelled++;
      else result.recovered++;
    } catch (err) {
      ctx.reportError(err, `settling the unpaid order ${order.id}`);
    }
  }
  await completeHandOvers(ctx, result);
  result.voidsSettled = (await settlePendingVoids(ctx)).settled;
  return result;
}

/** Run pending intents older than the lease through their own handler: the same path the command took. */
async function resumeIntents(ctx: EngineContext, now: Date, result: SweepResult): Promise<void> {
  const before = now.getTime() - ctx.policy.intentLeaseMs;
  const page = await ctx.storage.listOrders({ tag: INTENT_TAG, limit: 100 });
  for (const order of page.items) {
    const intent = order.intent;
    if (!intent || Date.parse(intent.startedAt) > before) continue;
    try {
      await resumeIntent(ctx, order);
      result.resumed++;
    } catch (err) {
      ctx.reportError(err, `resuming the ${intent.command} intent of ${order.id}`);
    }
  }
}

/** Parcels the carrier scanned before their hand-over completed: complete it (capture, stock commit). */
async function completeHandOvers(ctx: EngineContext, result: SweepResult): Promise<void> {
  const page = await ctx.storage.listOrders({ tag: HANDOVER_DUE_TAG, limit: 100 });
  for (const order of page.items) {
    for (const s of order.shipments) {
      if (s.status !== 'label_purchased' || s.trackingEvents.length === 0) continue;
      try {
        const done = await act(ctx, order.id, (current, retry) => decideHandOver(ctx, current, s.id, retry, true), handOverHandler);
        if (done.shipments.find((x) => x.id === s.id)?.status !== 'label_purchased') result.handedOver++;
      } catch (err) {
        ctx.reportError(err, `hand-over of shipment ${s.id} after a carrier scan`);
      }
    }
  }
}

/** Complete an unpaid order the provider did authorize, or cancel it. Returns true when cancelled. */
async function settle(ctx: EngineContext, order: Order, expired: boolean): Promise<boolean> {
  if (!UNPAID.has(order.status) && order.status !== 'on_hold') return false;
  if (order.status === 'on_hold' && order.payment.status !== 'requires_action' && order.payment.status !== 'failed') return false;
  const payments = ctx.payments;
  if (payments) {
    // A lookup that fails throws: an order is never cancelled because the provider could not be asked.
    const paymentId = order.payment.paymentId;
    const key = authorizeKey(order.id, order.payment.attempts);
    const found = paymentId
      ? await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ paymentId }, o))
      : payments.capabilities.lookupByIdempotencyKey
        ? await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ idempotencyKey: key }, o))
        : null;
    if (found && (found.status === 'authorized' || found.status === 'captured') && order.status !== 'on_hold') {
      if (!expired) {
        await recordAuthorized(ctx, order, found);
        return false;
      }
      // Paid, but the stock is gone: give the money back rather than ship air.
      order = withFoundPayment(order, found);
    }
  }
  // The provider was asked above; the hold is gone only when it expired.
  await cancelUnshipped(ctx, order, expired ? 'reservation expired before payment' : 'payment not completed in time', true, expired);
  return true;
}

/** Void the first-attempt authorization of an order that was never stored. */
async function voidOrphanAuthorization(ctx: EngineContext, orderId: string): Promise<boolean> {
  const payments = ctx.payments;
  if (!payments) return false;
  const found = await lookupByKey(ctx, payments, authorizeKey(orderId, 1));
  if (!found || (found.status !== 'authorized' && found.status !== 'requires_action')) return false;
  await callAdapter('payment.void', ctx.policy.retry, (o) => payments.void({ paymentId: found.paymentId, idempotencyKey: `${orderId}:void` }, o));
  return true;
}

/** Run a sweep when the policy's interval has passed since the last one. */
export function sweepScheduler(ctx: EngineContext): () => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;
  return async () => {
    const now = ctx.clock.now().getTime();
    if (running || now - last < ctx.policy.sweepIntervalMs) return;
    last = now;
    running = sweep(ctx)
      .then(
        () => undefined,
        (err) => ctx.reportError(err, 'maintenance sweep'),
      )
      .finally(() => {
        running = null;
      });
    await running;
  };
}
