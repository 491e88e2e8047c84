// What the HTTP routes and console pages answer after a shipment-scoped
// command: the engine's `{ order, shipment }`, plus the document the step made.
import { FulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Label, Shipment } from '../domain/shipment.js';
import type { Fulfillment } from '../engine/create-fulfillment.js';
import type { PackingSlip } from '../packing/packing-slip.js';

/** A shipment-scoped command's outcome. */
export interface ShipmentOutcome {
  order: Order;
  shipment: Shipment;
}

/** `fulfillment.confirmPick`, as `{ order, shipment }`. */
export async function confirmPickOutcome(ff: Fulfillment, shipmentId: string, lines: { sku: string; quantity: number }[]): Promise<ShipmentOutcome> {
  const { order, shipment } = await ff.fulfillment.confirmPick(shipmentId, { lines });
  return { order, shipment };
}

/** `fulfillment.pack`, as `{ order, shipment, packingSlip }`. */
export async function packOutcome(ff: Fulfillment, shipmentId: string, input: Parameters<Fulfillment['fulfillment']['pack']>[1]): Promise<ShipmentOutcome & { packingSlip: PackingSlip }> {
  const { order, shipment, packingSlip } = await ff.fulfillment.pack(shipmentId, input);
  return { order, shipment, packingSlip };
}

/** `fulfillment.ship`, as `{ order, shipment, label }`. */
export async function shipOutcome(ff: Fulfillment, shipmentId: string, input: Parameters<Fulfillment['fulfillment']['ship']>[1]): Promise<ShipmentOutcome & { label: Label }> {
  const { order, shipment } = await ff.fulfillment.ship(shipmentId, input);
  if (!shipment.label) throw new FulfillmentError('CARRIER_ERROR', `Shipment ${shipmentId} shipped without a label`, { details: { shipmentId } });
  return { order, shipment, label: shipment.label };
}
