// Step 4: pick lists batched across a location's ready shipments, and pick
// confirmation with short picks backordered or cancelled per policy.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import { MAX_STOCK_UNITS } from '../domain/limits.js';
import type { DomainEvent } from '../domain/events.js';
import type { Effect } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import { applyOrderEvent } from '../machines/order.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import { type PickList, buildPickList } from '../picking/pick-list.js';
import type { EngineContext } from './context.js';
import { fillOrderBackorders } from './backorders.js';
import { notify } from './notifications.js';
import { pickTag } from './order-index.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { mutateOrder } from './order-writer.js';
import { assertFulfillable } from './hand-over.js';
import { registerIntentHandler } from './intent-registry.js';
import { type Decision, act } from './intents.js';
import { recordRefundOf, recordVoidOf, refundable, stillCapturable } from './money.js';
import { findShipment, loadShipment } from './shipment-lookup.js';

const pickListSchema = z.strictObject({
  locationId: z.string().min(1).max(64),
  limit: z.number().int().min(1).max(500).default(50),
});
const confirmSchema = z.strictObject({
  lines: z.array(z.strictObject({ sku: z.string().min(1).max(64), quantity: z.number().int().nonnegative().max(MAX_STOCK_UNITS) })).max(500),
});

/** Input of `fulfillment.pickList`. */
export type PickListInput = z.input<typeof pickListSchema>;
/** Input of `fulfillment.confirmPick`: units actually picked per SKU. */
export type ConfirmPickInput = z.input<typeof confirmSchema>;

/** Batch the pending shipments of a location into one bin-sorted pick list and mark them picking. */
export async function pickList(ctx: EngineContext, raw: PickListInput): Promise<PickList> {
  const { locationId, limit } = parseInput(pickListSchema, raw, 'pick list request');
  if (!ctx.locations.has(locationId)) {
    throw new FulfillmentError('NOT_FOUND', `Location ${locationId} is not configured`, { details: { locationId } });
  }
  const page = await ctx.storage.listOrders({ tag: pickTag(locationId), limit });
  // One order failing to update must not strand the others already marked picking.
  const settled = await Promise.allSettled(
    page.items.map(async (order) => {
      const ids: string[] = [];
      const updated = await mutateOrder(
        ctx,
        order.id,
        (current) => {
          const next = current;
          const events: DomainEvent[] = [];
          ids.length = 0;
          for (const s of next.shipments) {
            if (s.locationId !== locationId || s.status !== 'pending') continue;
            s.status = applyShipmentEvent(s.status, { type: 'START_PICKING' }).status;
            ids.push(s.id);
            events.push(ctx.event('shipment.status_changed', next.id, { shipmentId: s.id, from: 'pending', to: 'picking' }));
          }
          return ids.length ? { order: next, events } : null;
        },
        order,
      );
      return updated.shipments.filter((s) => ids.includes(s.id)).map((s) => ({ shipmentId: s.id, orderId: updated.id, lines: s.lines }));
    }),
  );
  const shipments = settled.flatMap((r) => {
    if (r.status === 'fulfilled') return r.value;
    ctx.reportError(r.reason, `pick list at ${locationId}`);
    return [];
  });
  const skus = [...new Set(shipments.flatMap((s) => s.lines.map((l) => l.sku)))];
  const levels = skus.length ? await ctx.storage.levels(skus) : [];
  const bins = new Map<string, string | null>();
  for (const level of levels) if (level.locationId === locationId) bins.set(level.sku, level.bin);
  return buildPickList({ locationId, shipments, bins });
}

/** Record what the picker found. Missing units are backordered or cancelled per `policy.shortPick`. */
export async function confirmPick(ctx: EngineContext, shipmentId: string, raw: ConfirmPickInput): Promise<Order> {
  const input = parseInput(confirmSchema, raw, 'pick confirmation');
  const { order, shipment } = await loadShipment(ctx, shipmentId);
  checkPickable(order, shipmentId);
  const pickedBySku = new Map<string, number>();
  for (const l of input.lines) pickedBySku.set(l.sku, (pickedBySku.get(l.sku) ?? 0) + l.quantity);
  const expected = new Map<string, number>();
  for (const l of shipment.lines) expected.set(l.sku, (expected.get(l.sku) ?? 0) + l.quantity);
  const issues = [...pickedBySku].flatMap(([sku, n], i) => {
    const want = expected.get(sku);
    if (want === undefined) return [{ path: `lines.${i}.sku`, message: `SKU ${sku} is not in shipment ${shipmentId}` }];
    if (n > want) return [{ path: `lines.${i}.quantity`, message: `Picked ${n} of ${sku} but the shipment needs ${want}` }];
    return [];
  });
  if (issues.length) {
    throw new FulfillmentError('VALIDATION_FAILED', `Invalid pick confirmation: ${issues.map((i) => i.message).join('; ')}`, { details: { issues } });
  }
  const picked = [...pickedBySku].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fingerprint = JSON.stringify(picked);
  const updated = await act(ctx, order.id, (current, retry) => decidePick(ctx, current, shipmentId, pickedBySku, fingerprint, retry), pickHandler, order);
  const shorted = [...expected].some(([sku, want]) => want > (pickedBySku.get(sku) ?? 0));
  if (shorted && ctx.policy.shortPick === 'backorder') return fillOrderBackorders(ctx, updated.id);
  return updated;
}

function checkPickable(order: Order, shipmentId: string): void {
  const shipment = findShipment(order, shipmentId);
  if (shipment.status !== 'pending' && shipment.status !== 'picking') {
    throw new FulfillmentError('INVALID_TRANSITION', `Shipment ${shipmentId} is ${shipment.status}; picks are confirmed while picking`, {
      details: { status: shipment.status, event: 'CONFIRM_PICK' },
    });
  }
  if (shipment.lines.every((l) => l.picked !== null)) {
    throw new FulfillmentError('INVALID_TRANSITION', `The pick of shipment ${shipmentId} is already confirmed`, {
      details: { status: shipment.status, event: 'CONFIRM_PICK' },
    });
  }
  assertFulfillable(order, shipmentId, 'CONFIRM_PICK');
}

function decidePick(ctx: EngineContext, order: Order, shipmentId: string, pickedBySku: Map<string, number>, fingerprint: string, retry: boolean): Decision {
  const shipment = findShipment(order, shipmentId);
  if (retry && shipment.lines.length > 0 && shipment.lines.every((l) => l.picked !== null)) return { kind: 'done' };
  if (retry && shipment.status === 'cancelled') return { kind: 'done' };
  checkPickable(order, shipmentId);
  const expected = new Map<string, number>();
  for (const l of shipment.lines) expected.set(l.sku, (expected.get(l.sku) ?? 0) + l.quantity);
  // Units not listed were not found.
  const shorts = [...expected].map(([sku, want]) => ({ sku, quantity: want - (pickedBySku.get(sku) ?? 0) })).filter((s) => s.quantity > 0);
  const backorder = ctx.policy.shortPick === 'backorder';
  // Nothing picked and nothing else left to ship: the whole order ends here, so
  // the money goes back in full (shipping included) or the authorization is voided.
  const endsOrder =
    shorts.length > 0 &&
    !backorder &&
    [...pickedBySku.values()].every((n) => n === 0) &&
    order.shipments.every((s) => s.id === shipmentId || s.status === 'cancelled') &&
    order.lines.every((l) => l.backordered === 0);
  // The transitions name the effects: the shipment's pick confirmation those of the shortfall,
  // the order's cancellation (when nothing is left to ship) the void of its authorization.
  const picking = shipment.status === 'pending' ? applyShipmentEvent(shipment.status, { type: 'START_PICKING' }).status : shipment.status;
  const pickActions = applyShipmentEvent(picking, { type: 'CONFIRM_PICK', short: shorts.length > 0 }).actions;
  const orderActions = endsOrder ? applyOrderEvent(order.machine as never, { type: 'CANCEL', reason: 'nothing could be picked' }, ctx.orderMachine).actions : [];
  const effects: Effect[] = [];
  const paymentId = order.payment.paymentId;
  if (pickActions.includes('refundShortfall') && !backorder && order.payment.captured > 0 && paymentId) {
    // Funds authorized but not captured yet (capture on ship) already cover the missing units.
    const uncaptured = stillCapturable(ctx, order);
    const value = endsOrder
      ? refundable(order)
      : shorts.reduce((n, s) => n + (order.lines.find((l) => l.sku === s.sku)?.unitPrice.amount ?? 0) * s.quantity, 0) - uncaptured;
    const amount = Math.min(value, refundable(order));
    if (amount > 0) effects.push({ kind: 'refund', paymentId, amount, key: `${order.id}:refund:short:${shipmentId}`, reason: 'short pick' });
  }
  if (orderActions.includes('voidPayment') && paymentId && order.payment.captured === 0 && (order.payment.status === 'authorized' || order.payment.status === 'requires_action')) {
    effects.push({ kind: 'voidPayment', paymentId, key: `${order.id}:void` });
  }
  // Money first, then stock: a failed refund must not leave the units released under a live order.
  if (pickActions.includes('releaseShortfall') && order.reservationId) {
    effects.push({
      kind: 'releaseStock',
      reservationId: order.reservationId,
      lines: shorts.map((s) => ({ ...s, locationId: shipment.locationId })),
      opId: `short:${shipmentId}`,
      reason: `short pick on ${shipmentId}`,
    });
  }
  // The count was wrong: what the picker could not find is not on hand. Once per short, by its own key.
  if (pickActions.includes('writeOffShortfall')) {
    for (const s of shorts) {
      effects.push({ kind: 'adjustStock', sku: s.sku, locationId: shipment.locationId, delta: -s.quantity, reason: `short pick on ${shipmentId}`, opId: `short:${shipmentId}:${s.sku}` });
    }
  }
  return { kind: 'intent', command: 'pick', target: shipmentId, fingerprint, effects, data: { picked: [...pickedBySku], shorts, backorder } };
}

/** Records the pick by what was found; refunds and voids by what each operation did. */
const pickHandler = registerIntentHandler('pick', {
  finish(ctx, next, intent) {
    const shipmentId = intent.target;
    const { picked, shorts, backorder } = intent.data as { picked: [string, number][]; shorts: { sku: string; quantity: number }[]; backorder: boolean };
    const s = findShipment(next, shipmentId);
    const events: DomainEvent[] = [];
    if (s.status === 'pending') s.status = applyShipmentEvent(s.status, { type: 'START_PICKING' }).status;
    if (s.status === 'picking') s.status = applyShipmentEvent(s.status, { type: 'CONFIRM_PICK', short: shorts.length > 0 }).status;
    const remaining = new Map(picked);
    for (const l of s.lines) {
      const take = Math.min(l.quantity, remaining.get(l.sku) ?? 0);
      remaining.set(l.sku, (remaining.get(l.sku) ?? 0) - take);
      const short = l.quantity - take;
      const line = next.lines.find((x) => x.id === l.lineId);
      if (short > 0 && line) {
        if (backorder) line.backordered += short;
        else line.cancelled += short;
      }
      l.quantity = take;
      l.picked = take;
    }
    s.lines = s.lines.filter((l) => l.quantity > 0);
    events.push(ctx.event('shipment.picked', next.id, { shipmentId, short: shorts }));
    const outbox = [];
    if (s.lines.length === 0) {
      s.status = applyShipmentEvent(s.status, { type: 'CANCEL', reason: 'nothing picked' }).status;
      events.push(ctx.event('shipment.cancelled', next.id, { shipmentId, reason: 'nothing picked' }));
    }
    let refunded = 0;
    for (const effect of intent.effects) {
      if (effect.kind === 'refund') {
        refunded += effect.amount;
        events.push(...recordRefundOf(ctx, next, effect.amount));
      }
    }
    if (shorts.length && backorder && next.status === 'processing') {
      events.push(...transitionOrder(ctx, next, { type: 'STOCK_SHORT' }));
      events.push(ctx.event('order.backordered', next.id, { lines: shorts }));
      outbox.push(...notify(ctx, next, 'order.backordered', `short:${shipmentId}`, { lines: shorts }));
    } else if (shorts.length && !backorder) {
      events.push(ctx.event('order.cancelled', next.id, { reason: 'short pick', lines: shorts }));
      outbox.push(...notify(ctx, next, 'order.cancelled', `short:${shipmentId}`, { reason: 'short pick', lines: shorts }));
      if (refunded > 0) outbox.push(...notify(ctx, next, 'payment.refunded', `short:${shipmentId}`, { amount: refunded, currency: next.currency }));
      if (next.shipments.every((x) => x.status === 'cancelled') && next.lines.every((l) => l.backordered === 0)) {
        next.cancellation = { reason: 'nothing could be picked', at: ctx.nowIso() };
        for (const effect of intent.effects) if (effect.kind === 'voidPayment') events.push(...recordVoidOf(ctx, next, effect.paymentId));
        events.push(...transitionOrder(ctx, next, { type: 'CANCEL', reason: 'nothing could be picked' }));
      } else {
        events.push(...transitionOrder(ctx, next, { type: 'SHIPMENTS_UPDATED', summary: summarizeShipments(next) }));
      }
    }
    return { events, outbox };
  },
});
