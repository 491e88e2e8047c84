// Step 8, after delivery: return authorizations, receipt, restock and refund.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Effect } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import {
  type ReturnReceiveInput,
  type ReturnRequest,
  type ReturnRequestInput,
  returnReceiveInputSchema,
  returnRequestInputSchema,
} from '../domain/return.js';
import { applyReturnEvent } from '../machines/return.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { returnKey } from './order-index.js';
import { transitionOrder } from './order-transition.js';
import { loadOrder, mutateOrder } from './order-writer.js';
import { registerIntentHandler } from './intent-registry.js';
import { type Decision, act } from './intents.js';
import { recordRefundOf, refundable } from './money.js';

const returnIdSchema = z.string().min(1).max(128);
const OPEN_RETURN: ReadonlySet<string> = new Set(['requested', 'approved']);
const DAY_MS = 86_400_000;

/** Units of each order line that were delivered and not yet returned or claimed by an open return. */
function returnable(order: Order): Map<string, number> {
  const delivered = new Map<string, number>();
  for (const s of order.shipments) {
    if (s.status !== 'delivered') continue;
    for (const l of s.lines) delivered.set(l.lineId, (delivered.get(l.lineId) ?? 0) + l.quantity);
  }
  for (const line of order.lines) delivered.set(line.id, (delivered.get(line.id) ?? 0) - line.returned);
  for (const r of order.returns) {
    if (!OPEN_RETURN.has(r.status)) continue;
    for (const l of r.lines) delivered.set(l.lineId, (delivered.get(l.lineId) ?? 0) - l.quantity);
  }
  return delivered;
}

/** `returns.request`: open an RMA for delivered units. */
export async function requestReturn(ctx: EngineContext, orderId: string, raw: ReturnRequestInput): Promise<ReturnRequest> {
  const input = parseInput(returnRequestInputSchema, raw, 'return request');
  const returnId = ctx.id('ret');
  const order = await mutateOrder(ctx, orderId, (current) => {
    const lastDelivery = current.shipments.reduce((t, s) => (s.deliveredAt && Date.parse(s.deliveredAt) > t ? Date.parse(s.deliveredAt) : t), 0);
    if (lastDelivery === 0) {
      throw new FulfillmentError('INVALID_TRANSITION', `Order ${current.id} has no delivered shipment to return`, {
        details: { status: current.status, event: 'RETURN_REQUESTED' },
      });
    }
    if (ctx.clock.now().getTime() - lastDelivery > ctx.policy.returnWindowDays * DAY_MS) {
      throw new FulfillmentError('VALIDATION_FAILED', `The ${ctx.policy.returnWindowDays}-day return window has closed`, {
        details: { issues: [{ path: '', message: 'return window closed' }] },
      });
    }
    const left = returnable(current);
    const lines = input.lines.map((l, i) => {
      const line = current.lines.find((x) => (l.lineId ? x.id === l.lineId : x.sku === l.sku && (left.get(x.id) ?? 0) > 0)) ??
        current.lines.find((x) => x.sku === l.sku);
      const can = line ? (left.get(line.id) ?? 0) : 0;
      if (!line || l.quantity > can) {
        throw new FulfillmentError('VALIDATION_FAILED', `Invalid return request: lines.${i}.quantity: ${l.quantity} × ${l.sku} requested, ${can} returnable`, {
          details: { issues: [{ path: `lines.${i}.quantity`, message: `${can} returnable` }] },
        });
      }
      left.set(line.id, can - l.quantity);
      return { lineId: line.id, sku: line.sku, quantity: l.quantity, received: 0, restocked: 0 };
    });
    const next = current;
    let status: ReturnRequest['status'] = 'requested';
    if (ctx.policy.autoApproveReturns) status = applyReturnEvent(status, { type: 'APPROVE' }).status;
    next.returns.push({ id: returnId, orderId: next.id, status, reason: input.reason, lines, refund: null, createdAt: ctx.nowIso(), receivedAt: null });
    const events: DomainEvent[] = [ctx.event('return.requested', next.id, { returnId, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) })];
    return { order: next, events };
  });
  return order.returns.find((r) => r.id === returnId) as ReturnRequest;
}

/** Approve a return that waits for review. */
export async function approveReturn(ctx: EngineContext, returnId: string): Promise<ReturnRequest> {
  const order = await orderOfReturn(ctx, returnId);
  const updated = await mutateOrder(ctx, order.id, (current) => {
    const next = current;
    const r = next.returns.find((x) => x.id === returnId) as ReturnRequest;
    r.status = applyReturnEvent(r.status, { type: 'APPROVE' }).status;
    return { order: next };
  }, order);
  return updated.returns.find((r) => r.id === returnId) as ReturnRequest;
}

/** `returns.receive`: record what came back, refund it, restock what can be sold again. */
export async function receiveReturn(ctx: EngineContext, returnId: string, raw: ReturnReceiveInput): Promise<ReturnRequest> {
  const input = parseInput(returnReceiveInputSchema, raw, 'return receipt');
  const order = await orderOfReturn(ctx, returnId);
  const fingerprint = JSON.stringify(input);
  const updated = await act(ctx, order.id, (current, retry) => decideReceipt(current, returnId, input, fingerprint, retry), returnHandler, order);
  return updated.returns.find((r) => r.id === returnId) as ReturnRequest;
}

interface ReceivedLine {
  sku: string;
  quantity: number;
  restock: boolean;
  lineId: string;
}

function decideReceipt(order: Order, returnId: string, input: ReturnReceiveInput, fingerprint: string, retry: boolean): Decision {
  const rma = order.returns.find((r) => r.id === returnId) as ReturnRequest;
  if (retry && !OPEN_RETURN.has(rma.status)) return { kind: 'done' };
  // Refuse early, before any money moves. The receipt and the refund that follows it name the effects.
  const receipt = applyReturnEvent(rma.status, { type: 'RECEIVE' });
  const refunding = applyReturnEvent(receipt.status, { type: 'REFUND' }).actions.includes('refundPayment');
  const restocking = receipt.actions.includes('restockReturn');
  // Receipt lines draw on the authorized lines of their SKU, in order, so
  // neither repeated SKUs nor two order lines of one SKU can exceed the RMA.
  const left = rma.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, left: l.quantity }));
  const received: ReceivedLine[] = [];
  input.lines.forEach((l, i) => {
    let want = l.quantity;
    for (const line of left) {
      if (line.sku !== l.sku || want === 0) continue;
      const take = Math.min(line.left, want);
      if (take === 0) continue;
      received.push({ sku: l.sku, quantity: take, restock: l.restock ?? true, lineId: line.lineId });
      line.left -= take;
      want -= take;
    }
    if (want > 0) {
      const authorized = rma.lines.filter((x) => x.sku === l.sku).reduce((n, x) => n + x.quantity, 0);
      throw new FulfillmentError('VALIDATION_FAILED', `Invalid return receipt: lines.${i}.quantity: ${l.sku} received beyond the authorized ${authorized}`, {
        details: { issues: [{ path: `lines.${i}.quantity`, message: `authorized ${authorized}` }] },
      });
    }
  });
  const effects: Effect[] = [];
  const value = received.reduce((n, l) => n + (order.lines.find((x) => x.id === l.lineId)?.unitPrice.amount ?? 0) * l.quantity, 0);
  const amount = Math.min(value, refundable(order));
  if (refunding && amount > 0 && order.payment.paymentId) {
    effects.push({ kind: 'refund', paymentId: order.payment.paymentId, amount, key: `${order.id}:refund:${returnId}`, reason: `return ${returnId}` });
  }
  for (const l of received) {
    if (!restocking || !l.restock || l.quantity === 0) continue;
    const shipment = order.shipments.find((s) => s.lines.some((x) => x.lineId === l.lineId));
    const locationId = input.locationId ?? shipment?.locationId;
    if (!locationId) continue;
    effects.push({ kind: 'restock', sku: l.sku, locationId, quantity: l.quantity, reason: `return ${returnId}`, opId: `return:${returnId}:${l.lineId}` });
  }
  return { kind: 'intent', command: 'return', target: returnId, fingerprint, effects, data: { received } };
}

/** Records the receipt; the refund by the amount that refund moved. */
const returnHandler = registerIntentHandler('return', {
  finish(ctx, next, intent) {
    const returnId = intent.target;
    const { received } = intent.data as { received: ReceivedLine[] };
    const r = next.returns.find((x) => x.id === returnId) as ReturnRequest;
    r.status = applyReturnEvent(r.status, { type: 'RECEIVE' }).status;
    r.receivedAt = ctx.nowIso();
    for (const l of received) {
      const rl = r.lines.find((x) => x.lineId === l.lineId);
      if (rl) {
        rl.received += l.quantity;
        rl.restocked += l.restock ? l.quantity : 0;
      }
      const line = next.lines.find((x) => x.id === l.lineId);
      if (line) line.returned += l.quantity;
    }
    const events: DomainEvent[] = [
      ctx.event('return.received', next.id, { returnId, lines: received.map((l) => ({ sku: l.sku, quantity: l.quantity, restock: l.restock })) }),
    ];
    const outbox = notify(ctx, next, 'return.received', returnId, { returnId });
    const refunded = intent.effects.reduce((n, e) => n + (e.kind === 'refund' ? e.amount : 0), 0);
    if (refunded > 0) {
      r.status = applyReturnEvent(r.status, { type: 'REFUND' }).status;
      r.refund = { amount: refunded, currency: next.currency };
      events.push(ctx.event('return.refunded', next.id, { returnId, amount: r.refund }));
      events.push(...recordRefundOf(ctx, next, refunded));
      outbox.push(...notify(ctx, next, 'payment.refunded', returnId, { amount: refunded, currency: next.currency }));
    }
    const shipped = next.lines.reduce((n, l) => n + l.shipped, 0);
    const returned = next.lines.reduce((n, l) => n + l.returned, 0);
    if (returned > 0) events.push(...transitionOrder(ctx, next, { type: 'RETURN_RECEIVED', fully: returned >= shipped }));
    return { events, outbox };
  },
});

async function orderOfReturn(ctx: EngineContext, returnId: string): Promise<Order> {
  const id = parseInput(returnIdSchema, returnId, 'return id');
  const orderId = await ctx.storage.findOrderId(returnKey(id));
  if (!orderId) throw new FulfillmentError('NOT_FOUND', `Return ${returnId} not found`, { details: { returnId } });
  return loadOrder(ctx, orderId);
}
