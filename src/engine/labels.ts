// Label purchase and void through the carrier adapters, each under the
// shipment's key for that rate, so a repeat returns the label already bought.
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Label, Rate, Shipment } from '../domain/shipment.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { customsDeclarationFor } from './customs-declaration.js';
import type { VoidResult } from '../ports/carrier.js';

/** Key under which a shipment's label for `rate` is bought. */
export const labelKey = (shipmentId: string, rate: Rate): string => `${shipmentId}:label:${rate.carrierId}:${rate.service}`;

/**
 * Buy the label for `rate`. Repeating it returns the label already bought,
 * which is also how a purchase whose answer was lost is found again.
 */
export async function issueLabel(ctx: EngineContext, order: Order, shipment: Shipment, rate: Rate): Promise<Label> {
  const carrier = ctx.carriers.get(rate.carrierId);
  const location = ctx.locations.get(shipment.locationId);
  if (!carrier || !location) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Carrier ${rate.carrierId} or location ${shipment.locationId} is not configured`);
  }
  let calls = 0;
  const customs = customsDeclarationFor(order, shipment, location, ctx.policy.customs);
  try {
    return await callAdapter(`${carrier.id}.createShipment`, ctx.policy.retry, (o) => {
      calls++;
      return carrier.createShipment({
        shipmentId: shipment.id,
        rate,
        from: location.address,
        to: order.shippingAddress,
        parcels: shipment.parcels,
        idempotencyKey: labelKey(shipment.id, rate),
        reference: order.reference ?? order.id,
        ...(customs === undefined ? {} : { customs }),
      }, o);
    });
  } catch (err) {
    // After an unanswered attempt, a refusal does not prove that no label was bought.
    if (calls > 1 && isFulfillmentError(err) && !err.retryable) {
      throw new FulfillmentError('CARRIER_ERROR', err.message, { cause: err, retryable: true, details: err.details });
    }
    throw err;
  }
}

/**
 * Void a bought label. Returns the carrier's answer: `refused` when it is too
 * late (scanned, manifested), `pending` when the carrier decides later (asking
 * again under the same key reports the current state).
 */
export async function voidLabel(ctx: EngineContext, carrierId: string, label: Label, key: string): Promise<VoidResult> {
  const carrier = ctx.carriers.get(carrierId);
  if (!carrier) throw new FulfillmentError('CONFIGURATION_ERROR', `Carrier ${carrierId} is not configured`);
  const result = await callAdapter(`${carrierId}.voidShipment`, ctx.policy.retry, (o) =>
    carrier.voidShipment({ labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: key }, o),
  );
  return result;
}

/** Value of a shipment's lines in minor units. */
export function shipmentValue(order: Order, shipment: Shipment): number {
  return shipment.lines.reduce((n, l) => {
    const line = order.lines.find((x) => x.id === l.lineId);
    return n + (line ? line.unitPrice.amount * l.quantity : 0);
  }, 0);
}
