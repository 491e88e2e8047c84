// Find the order that owns a shipment through the storage's lookup keys.
import { FulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import type { EngineContext } from './context.js';
import { shipmentKey } from './order-index.js';
import { loadOrder } from './order-writer.js';

/** The order and the shipment, or `NOT_FOUND`. */
export async function loadShipment(ctx: EngineContext, shipmentId: string): Promise<{ order: Order; shipment: Shipment }> {
  if (typeof shipmentId !== 'string' || shipmentId.length === 0) {
    throw new FulfillmentError('VALIDATION_FAILED', 'Invalid shipment id: must be a non-empty string', {
      details: { issues: [{ path: 'shipmentId', message: 'must be a non-empty string' }] },
    });
  }
  const orderId = await ctx.storage.findOrderId(shipmentKey(shipmentId));
  if (!orderId) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} not found`, { details: { shipmentId } });
  const order = await loadOrder(ctx, orderId);
  return { order, shipment: findShipment(order, shipmentId) };
}

/** The shipment inside an order, or `NOT_FOUND`. */
export function findShipment(order: Order, shipmentId: string): Shipment {
  const shipment = order.shipments.find((s) => s.id === shipmentId);
  if (!shipment) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} not found`, { details: { shipmentId } });
  return shipment;
}
