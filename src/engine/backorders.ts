// Backorders: when stock arrives, waiting orders are served first come,
// first served, each with an atomic top-up of its reservation.
import { isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Effect } from '../domain/intent.js';
import { type Allocation, allocate } from '../inventory/allocate.js';
import type { Order } from '../domain/order.js';
import { applyOrderEvent } from '../machines/order.js';
import type { EngineContext } from './context.js';
import { backorderTag } from './order-index.js';
import { transitionOrder } from './order-transition.js';
import { registerIntentHandler } from './intent-registry.js';
import { act, pendingIntent } from './intents.js';
import { loadOrder } from './order-writer.js';
import { buildShipments } from './place-order.js';

const ARRIVED = { type: 'STOCK_ARRIVED' } as const;

// Whether the order machine reserves arriving stock for this order now (not on hold, not final, not paid for yet).
function fillable(ctx: EngineContext, order: Order): boolean {
  try {
    return applyOrderEvent(order.machine as never, ARRIVED, ctx.orderMachine).actions.includes('reserveBackorder');
  } catch (err) {
    if (isFulfillmentError(err, 'INVALID_TRANSITION')) return false;
    throw err;
  }
}

/** Serve orders waiting for `sku`, oldest first, while stock lasts. Returns how many orders got stock. */
export async function fillBackorders(ctx: EngineContext, sku: string, maxOrders = 500): Promise<number> {
  let filled = 0;
  let cursor: string | null = null;
  let seen = 0;
  do {
    const page = await ctx.storage.listOrders({ tag: backorderTag(sku), limit: 50, cursor });
    cursor = page.nextCursor;
    for (const order of page.items) {
      seen++;
      const before = order.lines.reduce((n, l) => n + l.backordered, 0);
      const after = await fillOrderBackorders(ctx, order.id, order);
      if (after.lines.reduce((n, l) => n + l.backordered, 0) < before) filled++;
      const levels = await ctx.storage.levels([sku]);
      if (levels.every((l) => l.available <= 0)) return filled;
    }
  } while (cursor && seen < maxOrders);
  return filled;
}

/** Reserve whatever is now available for one order's backordered lines. */
export async function fillOrderBackorders(ctx: EngineContext, orderId: string, preloaded?: Order): Promise<Order> {
  let order = preloaded ?? (await loadOrder(ctx, orderId));
  for (let attempt = 0; ; attempt++) {
    const waiting = order.lines.filter((l) => l.backordered > 0);
    if (waiting.length === 0 || !fillable(ctx, order)) return order;
    const pending = pendingIntent(order);
    if (pending) {
      // Another command acts on the order (often a fill from another receipt): let it finish.
      if (attempt >= FILL_ATTEMPTS) return order;
      await sleep(5 * (attempt + 1));
      order = await loadOrder(ctx, orderId);
      continue;
    }
    const skus = [...new Set(waiting.map((l) => l.sku))];
    const levels = await ctx.storage.levels(skus);
    const allocation = allocate(
      {
        lines: waiting.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.backordered })),
        levels,
        locations: ctx.locationList,
        destination: { address: order.shippingAddress, coordinates: order.shippingCoordinates },
      },
      ctx.policy.allocation,
    );
    const stock = allocation.assignments.flatMap((a) => a.lines.map((l) => ({ sku: l.sku, locationId: a.locationId, quantity: l.quantity })));
    if (stock.length === 0) return order;
    const opId = ctx.id('fill');
    const version = order.version;
    try {
      return await act(
        ctx,
        order.id,
        (current) => {
          // Decided on the order as it was read: anything newer is decided again.
          if (current.version !== version) throw new StaleFill();
          // The reservation is the machine's `reserveBackorder`, taken in the intent's write.
          transitionOrder(ctx, current, ARRIVED);
          return {
            kind: 'intent',
            command: 'fill',
            target: current.id,
            fingerprint: opId,
            effects: [{ kind: 'reserveStock', reservationId: current.reservationId ?? `res_${current.id}`, lines: stock, opId }],
            data: { assignments: allocation.assignments },
          };
        },
        fillHandler,
        order,
      );
    } catch (err) {
      const retry = err instanceof StaleFill || isFulfillmentError(err, 'INSUFFICIENT_STOCK') || isFulfillmentError(err, 'CONCURRENCY_CONFLICT');
      if (!retry) throw err;
      if (attempt >= FILL_ATTEMPTS) return loadOrder(ctx, order.id);
      order = await loadOrder(ctx, order.id);
    }
  }
}

const FILL_ATTEMPTS = 6;

/** Records the units a fill reserved as shipments. */
const fillHandler = registerIntentHandler('fill', {
  finish(ctx, next, intent) {
    const effect = intent.effects[0] as Extract<Effect, { kind: 'reserveStock' }>;
    const { assignments } = intent.data as { assignments: Allocation['assignments'] };
    next.reservationId = effect.reservationId;
    const events: DomainEvent[] = [];
    for (const shipment of buildShipments(ctx, next.id, { assignments, shortfall: [] }, ctx.nowIso())) {
      const pending = next.shipments.find((s) => s.locationId === shipment.locationId && s.status === 'pending');
      if (pending) pending.lines.push(...shipment.lines);
      else {
        next.shipments.push(shipment);
        events.push(ctx.event('shipment.created', next.id, { shipmentId: shipment.id, locationId: shipment.locationId }));
      }
      for (const l of shipment.lines) {
        const line = next.lines.find((x) => x.id === l.lineId);
        if (line) line.backordered -= l.quantity;
      }
    }
    const backordered = next.lines.some((l) => l.backordered > 0);
    if (next.status === 'backordered') events.push(...transitionOrder(ctx, next, { type: 'STOCK_ALLOCATED', backordered }));
    return { events };
  },
});

class StaleFill extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
