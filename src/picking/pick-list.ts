// Batch pick lists: one row per SKU across every shipment waiting at a
// location, in the order a picker walks the bins.
import { walkPathComparator } from './walk-path.js';

export { aisleOrdinal, compareBins, compareSegments, parseBin, walkPathComparator } from './walk-path.js';
export type { BinAddress } from './walk-path.js';

/** A shipment waiting to be picked, with the units it needs. */
export interface PickRequestShipment {
  shipmentId: string;
  orderId: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

/** Where one row's units go once picked: which shipment and order line. */
export interface PickRowShipment {
  shipmentId: string;
  orderId: string;
  lineId: string;
  quantity: number;
}

/** One stop on the walk: take `quantity` of `sku` from `bin`, then sort them into `shipments`. */
export interface PickListRow {
  sku: string;
  /** `null` when the location has no bin recorded for the SKU. */
  bin: string | null;
  /** Units to take, summed over shipments. */
  quantity: number;
  shipments: PickRowShipment[];
}

/** A batch pick list for one location. */
export interface PickList {
  locationId: string;
  /** In walking order. */
  rows: PickListRow[];
  /** Shipments covered, in the order they were given. */
  shipmentIds: string[];
  totalUnits: number;
}

/** Input of {@link buildPickList}. */
export interface PickListInput {
  locationId: string;
  shipments: PickRequestShipment[];
  /** SKU to bin at this location; a SKU missing from the map (or mapped to `null`) has no bin. */
  bins: Map<string, string | null>;
}

/**
 * Build a batch (wave) pick list: units of the same SKU are grouped into one
 * row across shipments, and rows follow a serpentine walk through the aisles
 * that hold something to pick (see {@link walkPathComparator}); rows without a
 * bin come last, ties go by SKU. Lines with no units are skipped.
 *
 * @example
 * ```ts
 * const list = buildPickList({
 *   locationId: 'east',
 *   shipments: [{ shipmentId: 's1', orderId: 'o1', lines: [{ lineId: 'l1', sku: 'TEE-M', quantity: 2 }] }],
 *   bins: new Map([['TEE-M', 'A-03-2']]),
 * });
 * // list.rows[0] => { sku: 'TEE-M', bin: 'A-03-2', quantity: 2, shipments: [...] }
 * ```
 */
export function buildPickList(input: PickListInput): PickList {
  const rows = new Map<string, PickListRow>();
  const shipmentIds: string[] = [];
  let totalUnits = 0;
  for (const shipment of input.shipments) {
    if (!shipmentIds.includes(shipment.shipmentId)) shipmentIds.push(shipment.shipmentId);
    for (const line of shipment.lines) {
      if (!(line.quantity > 0)) continue;
      let row = rows.get(line.sku);
      if (!row) {
        row = { sku: line.sku, bin: input.bins.get(line.sku) ?? null, quantity: 0, shipments: [] };
        rows.set(line.sku, row);
      }
      row.quantity += line.quantity;
      row.shipments.push({
        shipmentId: shipment.shipmentId,
        orderId: shipment.orderId,
        lineId: line.lineId,
        quantity: line.quantity,
      });
      totalUnits += line.quantity;
    }
  }
  const list = [...rows.values()];
  const byWalk = walkPathComparator(list.map((r) => r.bin));
  list.sort((a, b) => byWalk(a.bin, b.bin) || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return { locationId: input.locationId, rows: list, shipmentIds, totalUnits };
}
