// Backorders: when stock arrives, waiting orders are served first come,
// first served, each with an atomic top-up of its reservation.
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { EngineContext } from './context.js';
import { backorderTag } from './order-index.js';
import { transitionOrder } from './order-transition.js';
import { loadOrder, mutateOrder } from './order-writer.js';
import { buildShipments } from './place-order.js';
import { allocateAndReserve } from './stock-allocation.js';

const FILLABLE: ReadonlySet<string> = new Set(['backordered', 'processing', 'partially_shipped', 'partially_delivered']);

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
  const order = preloaded ?? (await loadOrder(ctx, orderId));
  const waiting = order.lines.filter((l) => l.backordered > 0);
  if (waiting.length === 0 || !FILLABLE.has(order.status)) return order;
  const reservationId = order.reservationId ?? `res_${order.id}`;
  const hold = await allocateAndReserve(ctx, {
    orderId: order.id,
    reservationId,
    lines: waiting.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.backordered })),
    destination: { address: order.shippingAddress, coordinates: order.shippingCoordinates },
    expiresAt: null,
    opId: `fill:${order.version}`,
    allowShort: true,
  });
  if (!hold.reservation) return order;
  const stock = hold.allocation.assignments.flatMap((a) => a.lines.map((l) => ({ sku: l.sku, locationId: a.locationId, quantity: l.quantity })));
  try {
    return await mutateOrder(
      ctx,
      order.id,
      (current) => {
        if (current.version !== order.version) throw new StaleFill();
        const next = current;
        next.reservationId = reservationId;
        const events: DomainEvent[] = [];
        for (const shipment of buildShipments(ctx, next.id, hold.allocation, ctx.nowIso())) {
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
        return { order: next, events };
      },
      order,
    );
  } catch (err) {
    // The order changed under us (cancelled, filled elsewhere): hand the units back.
    await ctx.storage
      .releaseReservation({ reservationId, lines: stock, opId: `fill:${order.version}:abort`, reason: 'backorder fill aborted', at: ctx.nowIso() })
      .catch((e) => ctx.reportError(e, `release of ${reservationId} after an aborted backorder fill`));
    if (err instanceof StaleFill) return loadOrder(ctx, order.id);
    throw err;
  }
}

class StaleFill extends Error {}
