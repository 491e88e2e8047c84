// Data for a printed packing slip: what goes in each parcel and the handling a
// packer must not miss (fragile, gift wrap, gift message, order notes).
import type { Parcel } from '../domain/shipment.js';
import type { Dimensions, Weight } from '../domain/units.js';

/** A shipment line as the slip needs it. */
export interface PackingSlipLineInput {
  lineId: string;
  sku: string;
  /** Product name printed next to the SKU. */
  name?: string | null;
  quantity: number;
  fragile?: boolean;
  giftWrap?: boolean;
}

/** Input of {@link packingSlip}. */
export interface PackingSlipInput {
  orderId: string;
  /** The shop's own order number. */
  reference: string | null;
  shipmentId: string;
  parcels: Parcel[];
  giftMessage: string | null;
  lines: PackingSlipLineInput[];
  /** The customer's order notes, printed as an instruction. */
  notes?: string | null;
}

/** Units of one order line in one parcel. */
export interface PackingSlipRow {
  lineId: string | null;
  sku: string;
  name: string | null;
  quantity: number;
  fragile: boolean;
  giftWrap: boolean;
}

/** One parcel on the slip, numbered from 1. */
export interface PackingSlipParcel {
  number: number;
  boxId: string | null;
  dimensions: Dimensions;
  weight: Weight;
  fragile: boolean;
  giftWrap: boolean;
  contents: PackingSlipRow[];
}

/** Everything a packing-slip template prints. */
export interface PackingSlip {
  orderId: string;
  reference: string | null;
  shipmentId: string;
  parcelCount: number;
  totalUnits: number;
  parcels: PackingSlipParcel[];
  giftMessage: string | null;
  /** Gift orders should not show prices on the slip. */
  hidePrices: boolean;
  /** Handling instructions, one sentence each, in the order a packer needs them. */
  instructions: string[];
  /** Units of shipment lines that no parcel contains (should be empty; printed as a warning). */
  missing: { lineId: string; sku: string; quantity: number }[];
}

/**
 * Build packing-slip data. Parcel contents are matched to shipment lines in
 * line order, so a SKU split over a gift-wrapped and a plain line shows which
 * units need wrapping. Pure data; rendering is the host's template.
 *
 * @example
 * ```ts
 * const slip = packingSlip({ orderId: 'o1', reference: '#1001', shipmentId: 's1', parcels, giftMessage: 'Happy birthday!',
 *   lines: [{ lineId: 'l1', sku: 'MUG', name: 'Mug', quantity: 2, fragile: true, giftWrap: true }] });
 * slip.instructions; // ['Parcel 1 of 1 is fragile: ...', 'Gift-wrap in parcel 1: Mug (MUG) × 2', ...]
 * ```
 */
export function packingSlip(input: PackingSlipInput): PackingSlip {
  const left = input.lines.map((line) => ({ line, quantity: line.quantity }));
  const count = input.parcels.length;
  const parcels: PackingSlipParcel[] = input.parcels.map((parcel, i) => {
    const contents: PackingSlipRow[] = [];
    for (const item of parcel.items) {
      let quantity = item.quantity;
      for (const entry of left) {
        if (quantity === 0) break;
        if (entry.line.sku !== item.sku || entry.quantity === 0) continue;
        const take = Math.min(quantity, entry.quantity);
        entry.quantity -= take;
        quantity -= take;
        contents.push(row(entry.line, take));
      }
      // A unit the lines do not account for is still printed, so the packer sees the mismatch.
      if (quantity > 0) {
        contents.push({ lineId: null, sku: item.sku, name: null, quantity, fragile: parcel.fragile, giftWrap: false });
      }
    }
    return {
      number: i + 1,
      boxId: parcel.boxId ?? null,
      dimensions: parcel.dimensions,
      weight: parcel.weight,
      fragile: parcel.fragile || contents.some((c) => c.fragile),
      giftWrap: parcel.giftWrap || contents.some((c) => c.giftWrap),
      contents,
    };
  });

  const instructions: string[] = [];
  for (const parcel of parcels) {
    const label = `Parcel ${parcel.number} of ${count}`;
    if (parcel.boxId === null) instructions.push(`${label} ships in its own packaging: label it as is.`);
    if (parcel.fragile) instructions.push(`${label} is fragile: pad every item and apply FRAGILE labels.`);
    const wrap = parcel.contents.filter((c) => c.giftWrap);
    if (wrap.length > 0) {
      instructions.push(
        `Gift-wrap in parcel ${parcel.number}: ${wrap.map((c) => `${c.name ? `${c.name} (${c.sku})` : c.sku} × ${c.quantity}`).join(', ')}.`,
      );
    }
  }
  const giftMessage = input.giftMessage?.trim() ? input.giftMessage : null;
  if (giftMessage !== null && count > 0) {
    const target = parcels.find((p) => p.giftWrap) ?? parcels[0]!;
    instructions.push(`Put the gift message card in parcel ${target.number}.`);
  }
  if (input.notes?.trim()) instructions.push(`Customer note: ${input.notes.trim()}`);

  const missing = left
    .filter((e) => e.quantity > 0)
    .map((e) => ({ lineId: e.line.lineId, sku: e.line.sku, quantity: e.quantity }));
  for (const m of missing) instructions.push(`Not in any parcel: ${m.sku} × ${m.quantity} (line ${m.lineId}).`);

  const hasGift = giftMessage !== null || input.lines.some((l) => l.giftWrap);
  return {
    orderId: input.orderId,
    reference: input.reference,
    shipmentId: input.shipmentId,
    parcelCount: count,
    totalUnits: parcels.reduce((sum, p) => sum + p.contents.reduce((s, c) => s + c.quantity, 0), 0),
    parcels,
    giftMessage,
    hidePrices: hasGift,
    instructions,
    missing,
  };
}

function row(line: PackingSlipLineInput, quantity: number): PackingSlipRow {
  return {
    lineId: line.lineId,
    sku: line.sku,
    name: line.name ?? null,
    quantity,
    fragile: line.fragile ?? false,
    giftWrap: line.giftWrap ?? false,
  };
}
