// Step 5: choose cartons (or take the caller's parcels) and produce the
// packing slip.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { type Parcel, type ParcelInput, type Shipment, parcelSchema } from '../domain/shipment.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import { cartonize } from '../packing/cartonize.js';
import { type PackingSlip, packingSlip } from '../packing/packing-slip.js';
import type { EngineContext } from './context.js';
import { assertFulfillable } from './hand-over.js';
import { mutateOrder } from './order-writer.js';
import { findShipment, loadShipment } from './shipment-lookup.js';

const packSchema = z.strictObject({ parcels: z.array(parcelSchema).min(1).optional() });

/** Input of `fulfillment.pack`. */
export interface PackInput {
  /** Parcels as packed by hand; cartonized from the box catalog when omitted. */
  parcels?: ParcelInput[];
}

/** Result of `fulfillment.pack`. */
export interface PackResult {
  order: Order;
  shipment: Shipment;
  packingSlip: PackingSlip;
}

/** Pack a picked shipment. */
export async function packShipment(ctx: EngineContext, shipmentId: string, raw: PackInput = {}): Promise<PackResult> {
  const input = parseInput(packSchema, raw, 'pack request');
  const { order, shipment } = await loadShipment(ctx, shipmentId);
  assertPackable(order, shipment);
  const parcels: Parcel[] = input.parcels ?? cartonizeShipment(ctx, order, shipment);
  const updated = await mutateOrder(ctx, order.id, (current) => {
    const next = current;
    const s = findShipment(next, shipmentId);
    assertPackable(next, s);
    s.status = applyShipmentEvent(s.status, { type: 'PACK' }).status;
    s.parcels = parcels;
    return { order: next, events: [ctx.event('shipment.packed', next.id, { shipmentId, parcels: parcels.length })] };
  }, order);
  const packed = findShipment(updated, shipmentId);
  return {
    order: updated,
    shipment: packed,
    packingSlip: packingSlip({
      orderId: updated.id,
      reference: updated.reference,
      shipmentId,
      parcels: packed.parcels,
      giftMessage: updated.giftMessage,
      notes: updated.notes,
      lines: packed.lines.map((l) => {
        const line = updated.lines.find((x) => x.id === l.lineId);
        return { lineId: l.lineId, sku: l.sku, name: line?.name ?? null, quantity: l.quantity, fragile: line?.fragile ?? false, giftWrap: line?.giftWrap ?? false };
      }),
    }),
  };
}

/** Only a confirmed pick of a paid order that is not on hold is packed. */
function assertPackable(order: Order, shipment: Shipment): void {
  if (shipment.status !== 'picking' || shipment.lines.some((l) => l.picked === null)) {
    const why = shipment.status === 'picking' || shipment.status === 'pending' ? 'its pick is not confirmed' : `it is ${shipment.status}`;
    throw new FulfillmentError('INVALID_TRANSITION', `Shipment ${shipment.id} cannot be packed: ${why}; only picked shipments can be packed`, {
      details: { status: shipment.status, event: 'PACK', shipmentId: shipment.id },
    });
  }
  assertFulfillable(order, shipment.id, 'PACK');
}

function cartonizeShipment(ctx: EngineContext, order: Order, shipment: Shipment): Parcel[] {
  const items = shipment.lines.map((l) => {
    const line = order.lines.find((x) => x.id === l.lineId);
    return {
      sku: l.sku,
      quantity: l.picked ?? l.quantity,
      weight: line?.weight ?? null,
      dimensions: line?.dimensions ?? null,
      fragile: line?.fragile ?? false,
      giftWrap: line?.giftWrap ?? false,
    };
  });
  const result = cartonize(items.filter((i) => i.quantity > 0), ctx.boxes);
  if (result.unpacked.length > 0) {
    throw new FulfillmentError('VALIDATION_FAILED', `Some items cannot be packed: ${result.unpacked.map((u) => `${u.sku} (${u.reason})`).join(', ')}`, {
      details: { issues: result.unpacked.map((u) => ({ path: `items.${u.sku}`, message: u.reason })), unpacked: result.unpacked },
    });
  }
  return result.parcels;
}
