// The inputs and shared result shape of the commands, written out as interfaces so
// the reference shows their fields; inputs are checked against the schemas the
// commands parse with.
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import type { OrderStatus } from '../domain/status.js';
import type { PackResult } from './pack-shipment.js';
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

/**
 * What every shipment-scoped command returns (`confirmPick`, `pack`, `ship`):
 * the order as the command left it, so its new status can be read, and the
 * shipment acted on, as stored in that order.
 */
export interface ShipmentResult {
  /** The order after the command. */
  order: Order;
  /** The shipment the command acted on (`order.shipments` holds the same). */
  shipment: Shipment;
}

type _PackResultIsAShipmentResult = Assert<PackResult extends ShipmentResult ? true : false>;

/**
 * An order as `orders.place` and `orders.retryPayment` return it. One rule
 * for both: **a declined payment is a result, not an exception**. The order
 * was stored and the attempt recorded, so it comes back with
 * `status: 'payment_failed'`, `payment.status: 'failed'` and
 * `payment.lastError: { code, message }`; stock stays reserved until
 * `policy.reservationTtlMs`, and `orders.retryPayment` tries another method.
 * The commands throw only when nothing was recorded (invalid input,
 * `INSUFFICIENT_STOCK`, an unreachable provider, missing configuration).
 *
 * A fresh placement is `processing`, `backordered`, `on_hold` (held for
 * review by a `canProcess` guard), `pending_payment` (3-D Secure, bank
 * transfer) or `payment_failed`; an idempotent replay returns the order as it
 * is now.
 *
 * @example
 * ```ts
 * const order = await ff.orders.place(input, { idempotencyKey: cartId });
 * if (order.status === 'payment_failed') return askForAnotherCard(order.payment.lastError);
 * ```
 */
export type CheckoutOrder = Order;
