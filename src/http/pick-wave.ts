// The pick wave in progress at a location, rebuilt read-only from the orders:
// shipments marked `picking` there, batched in walking order. Lets a GET show
// the list again after `fulfillment.pickList` started the wave.
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import type { OrderStatus } from '../domain/status.js';
import type { Fulfillment } from '../engine/create-fulfillment.js';
import { type PickList, buildPickList } from '../picking/pick-list.js';

const OPEN: readonly OrderStatus[] = ['processing', 'backordered', 'partially_shipped', 'partially_delivered', 'on_hold'];

/** Orders with a shipment at `locationId` in the given statuses, oldest first, at most `limit` orders per order status. */
export async function ordersWithShipments(ff: Fulfillment, locationId: string, statuses: ReadonlySet<string>, limit = 500): Promise<Order[]> {
  const found: Order[] = [];
  for (const status of OPEN) {
    let cursor: string | null = null;
    let seen = 0;
    do {
      const page = await ff.orders.list({ status, limit: Math.min(200, limit - seen), cursor });
      cursor = page.nextCursor;
      seen += page.items.length;
      for (const order of page.items) {
        if (order.shipments.some((s) => s.locationId === locationId && statuses.has(s.status))) found.push(order);
      }
    } while (cursor && seen < limit);
  }
  return found;
}

/** Whether a shipment in `picking` still waits for its pick to be confirmed (after that it waits to be packed). */
export const awaitingPick = (s: Shipment): boolean => s.status === 'picking' && s.lines.some((l) => l.picked === null);

/** The location's current wave: every shipment being picked there and not yet confirmed, as one bin-sorted list. */
export async function currentWave(ff: Fulfillment, locationId: string): Promise<PickList> {
  const orders = await ordersWithShipments(ff, locationId, new Set(['picking']));
  const shipments = orders.flatMap((o) =>
    o.shipments
      .filter((s) => s.locationId === locationId && awaitingPick(s))
      .map((s) => ({ shipmentId: s.id, orderId: o.id, lines: s.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })) })),
  );
  const skus = [...new Set(shipments.flatMap((s) => s.lines.map((l) => l.sku)))];
  const bins = new Map<string, string | null>();
  for (const sku of skus) {
    const level = await ff.inventory.level(sku);
    bins.set(sku, level.locations.find((l) => l.locationId === locationId)?.bin ?? null);
  }
  return buildPickList({ locationId, shipments, bins });
}
