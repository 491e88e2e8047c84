// The inputs of the commands, written out as interfaces so the reference shows
// their fields; each is checked against the schema the command parses with.
import type { OrderStatus } from '../domain/status.js';
import type { ListOrdersInput as ListSchemaInput } from './order-commands.js';
import type { ConfirmPickInput as ConfirmSchemaInput, PickListInput as PickListSchemaInput } from './picking-commands.js';
import type { ShipInput as ShipSchemaInput } from './ship-shipment.js';

/** Query of `orders.list`. */
export interface ListOrdersInput {
  /** Only orders in this status. @defaultValue every status */
  status?: OrderStatus;
  /** Page size, 1 to 500. @defaultValue 50 */
  limit?: number;
  /** `nextCursor` of the previous page; `null` or omitted for the first page. */
  cursor?: string | null;
}

/** Input of `fulfillment.pickList`. */
export interface PickListInput {
  /** The location whose pending shipments are batched. */
  locationId: string;
  /** Most shipments in one list, 1 to 500. @defaultValue 50 */
  limit?: number;
}

/** Input of `fulfillment.confirmPick`: the units actually picked per SKU (fewer than ordered is a short pick). */
export interface ConfirmPickInput {
  lines: Array<{
    /** The SKU picked. */
    sku: string;
    /** Units found, 0 or more. */
    quantity: number;
  }>;
}

/** Input of `fulfillment.ship`. */
export interface ShipInput {
  /** Ship with this carrier id only. @defaultValue rate-shop across every configured carrier */
  carrier?: string;
  /** Ship with this service only. @defaultValue the rate chosen by `policy.rateSelection` */
  service?: string;
}

// Compile-time proof that the interfaces and the command schemas accept the same input.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _CommandInputsMatchSchemas = [
  Assert<Same<ListOrdersInput, ListSchemaInput>>,
  Assert<Same<PickListInput, PickListSchemaInput>>,
  Assert<Same<ConfirmPickInput, ConfirmSchemaInput>>,
  Assert<Same<ShipInput, ShipSchemaInput>>,
];
