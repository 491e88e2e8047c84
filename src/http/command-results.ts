// The one place that reads what the shipment-scoped commands return, so a
// change of their result shape is absorbed here rather than in every route
// and page.
import { FulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Label, Shipment } from '../domain/shipment.js';
import type { Fulfillment } from '../engine/create-fulfillment.js';
import type { PackingSlip } from '../packing/packing-slip.js';

/** A shipment-scoped command's outcome, in one shape. */
export interface ShipmentOutcome {
  order: Order;
  shipment: Shipment;
}

function shipmentIn(order: Order, shipmentId: string): Shipment {
  const shipment = order.shipments.find((s) => s.id === shipmentId);
  if (!shipment) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} not found`, { details: { shipmentId } });
  return shipment;
}

async function orderOf(ff: Fulfillment, shipment: Shipment): Promise<Order> {
  const order = await ff.orders.get(shipment.orderId);
  if (!order) throw new FulfillmentError('NOT_FOUND', `Order ${shipment.orderId} not found`, { details: { orderId: shipment.orderId } });
  return order;
}

// Accepts an order, a shipment, or `{ order, shipment, ... }`.
async function normalize(ff: Fulfillment, shipmentId: string, result: unknown): Promise<ShipmentOutcome & Record<string, unknown>> {
  const value = result as Record<string, unknown>;
  if (value && typeof value === 'object' && 'order' in value && 'shipment' in value) return value as unknown as ShipmentOutcome & Record<string, unknown>;
  if (value && typeof value === 'object' && 'shipments' in value) {
    const order = value as unknown as Order;
    return { order, shipment: shipmentIn(order, shipmentId) };
  }
  const shipment = value as unknown as Shipment;
  const order = await orderOf(ff, shipment);
  return { order, shipment: shipmentIn(order, shipmentId) };
}

/** `fulfillment.confirmPick`, as `{ order, shipment }`. */
export async function confirmPickOutcome(ff: Fulfillment, shipmentId: string, lines: { sku: string; quantity: number }[]): Promise<ShipmentOutcome> {
  const { order, shipment } = await normalize(ff, shipmentId, await ff.fulfillment.confirmPick(shipmentId, { lines }));
  return { order, shipment };
}

/** `fulfillment.pack`, as `{ order, shipment, packingSlip }`. */
export async function packOutcome(ff: Fulfillment, shipmentId: string, input: Parameters<Fulfillment['fulfillment']['pack']>[1]): Promise<ShipmentOutcome & { packingSlip: PackingSlip }> {
  const result = await normalize(ff, shipmentId, await ff.fulfillment.pack(shipmentId, input));
  return { order: result.order, shipment: result.shipment, packingSlip: result.packingSlip as PackingSlip };
}

/** `fulfillment.ship`, as `{ order, shipment, label }`. */
export async function shipOutcome(ff: Fulfillment, shipmentId: string, input: Parameters<Fulfillment['fulfillment']['ship']>[1]): Promise<ShipmentOutcome & { label: Label }> {
  const { order, shipment } = await normalize(ff, shipmentId, await ff.fulfillment.ship(shipmentId, input));
  if (!shipment.label) throw new FulfillmentError('CARRIER_ERROR', `Shipment ${shipmentId} shipped without a label`, { details: { shipmentId } });
  return { order, shipment, label: shipment.label };
}
