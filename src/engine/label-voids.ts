// Label voids that carriers settle later (a refund submitted, decided in
// days): recorded on the cancelled shipment, asked about again under the same
// key by the sweep and the tracking poll, or settled by a `cancelled` scan.
import type { Order } from '../domain/order.js';
import type { LabelVoid, Shipment } from '../domain/shipment.js';
import type { VoidResult } from '../ports/carrier.js';
import type { EngineContext } from './context.js';
import { voidLabel } from './labels.js';
import { voidTag } from './order-index.js';
import { mutateOrder } from './order-writer.js';

/** Record the carrier's answer to a cancellation's void on the shipment, in place. */
export function recordLabelVoid(ctx: EngineContext, order: Order, shipmentId: string, key: string, answer: Pick<VoidResult, 'status' | 'message'> | undefined): void {
  const s = order.shipments.find((x) => x.id === shipmentId);
  if (!s || !answer) return;
  const now = ctx.nowIso();
  s.labelVoid = {
    status: answer.status,
    key,
    requestedAt: s.labelVoid?.requestedAt ?? now,
    settledAt: answer.status === 'pending' ? null : now,
    ...(answer.message === undefined ? {} : { message: answer.message.slice(0, 1000) }),
  };
}

/** A `cancelled` scan on a shipment whose void is pending settles it as voided, in place; true when it did. */
export function settleVoidByScan(ctx: EngineContext, s: Shipment, status: string): boolean {
  if (status !== 'cancelled' || s.labelVoid?.status !== 'pending') return false;
  s.labelVoid = { ...s.labelVoid, status: 'voided', settledAt: ctx.nowIso() };
  return true;
}

/** What settling pending voids did. */
export interface VoidSettlement {
  /** Voids the carrier has now decided (voided or refused). */
  settled: number;
  /** Voids still pending after asking. */
  pending: number;
}

/**
 * Ask the carrier again, under the stored key, about every pending label void
 * (at most `limit` orders), and record the answers that are final. A carrier
 * that fails to answer is reported and asked again next time.
 */
export async function settlePendingVoids(ctx: EngineContext, limit = 100): Promise<VoidSettlement> {
  const result: VoidSettlement = { settled: 0, pending: 0 };
  const page = await ctx.storage.listOrders({ tag: voidTag, limit });
  for (const order of page.items) {
    for (const s of order.shipments) {
      const pending = s.labelVoid;
      if (pending?.status !== 'pending' || !s.label || !s.rate) continue;
      let answer: VoidResult;
      try {
        answer = await voidLabel(ctx, s.rate.carrierId, s.label, pending.key);
      } catch (err) {
        ctx.reportError(err, `void of label ${s.label.trackingNumber}`);
        result.pending++;
        continue;
      }
      if (answer.status === 'pending') {
        result.pending++;
        continue;
      }
      let wrote = false;
      await mutateOrder(ctx, order.id, (current) => {
        wrote = false;
        const target = current.shipments.find((x) => x.id === s.id);
        if (target?.labelVoid?.status !== 'pending') return null;
        recordLabelVoid(ctx, current, s.id, pending.key, answer);
        wrote = true;
        return { order: current };
      });
      if (wrote) result.settled++;
    }
  }
  return result;
}

/** Whether a shipment's label void still waits on the carrier. */
export const isVoidPending = (s: { labelVoid?: LabelVoid | null }): boolean => s.labelVoid?.status === 'pending';
