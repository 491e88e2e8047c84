// The customs declaration of a shipment that crosses a border, built from the
// order lines' customs facts and the shop's customs policy.
import type { CustomsDeclaration, CustomsItem } from '../domain/customs.js';
import type { Location } from '../domain/location.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import { fromGrams, toGrams } from '../domain/units.js';
import type { CustomsPolicy } from './config.js';

/**
 * `undefined` for a domestic shipment or a shop without a customs policy.
 * Line values are unit price × units shipped; a line without customs facts is
 * declared by name (or SKU) with the origin country of the location it leaves.
 */
export function customsDeclarationFor(order: Order, shipment: Shipment, location: Location, policy: CustomsPolicy | null): CustomsDeclaration | undefined {
  if (policy === null || location.address.country === order.shippingAddress.country) return undefined;
  const parcelGrams = shipment.parcels.reduce((n, p) => n + toGrams(p.weight), 0);
  const units = shipment.lines.reduce((n, l) => n + (l.picked ?? l.quantity), 0);
  const items: CustomsItem[] = [];
  for (const sl of shipment.lines) {
    const quantity = sl.picked ?? sl.quantity;
    const line = order.lines.find((l) => l.id === sl.lineId);
    if (line === undefined || quantity <= 0) continue;
    // Without a line weight, the parcels' weight is shared out by units.
    const grams = line.weight !== null ? toGrams(line.weight) * quantity : units > 0 ? (parcelGrams * quantity) / units : 0;
    items.push({
      sku: line.sku,
      description: line.customs?.description ?? line.name ?? line.sku,
      quantity,
      value: { amount: line.unitPrice.amount * quantity, currency: line.unitPrice.currency },
      weight: fromGrams(Math.max(1, Math.round(grams)), 'g'),
      ...(line.customs?.hsCode === undefined ? {} : { hsCode: line.customs.hsCode }),
      originCountry: line.customs?.originCountry ?? location.address.country,
    });
  }
  if (items.length === 0) return undefined;
  return {
    contentsType: policy.contentsType ?? 'merchandise',
    incoterm: policy.incoterm ?? 'DDU',
    nonDeliveryOption: policy.nonDeliveryOption ?? 'return',
    signer: policy.signer,
    items,
  };
}
