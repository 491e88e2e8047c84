// The order, shipment and return machines and their pure apply functions.
export {
  applyOrderEvent,
  initialOrderState,
  ORDER_MACHINE_VERSION,
  orderMachine,
  orderSnapshotMigrations,
  orderStatusOf,
} from './order.js';
export type {
  OrderMachine,
  OrderMachineContext,
  OrderMachineEvent,
  OrderMachineState,
  OrderTransition,
  ShipmentSummary,
} from './order.js';
export type { PersistedMachineSnapshot } from './persisted-snapshot.js';
export { applyReturnEvent, initialReturnStatus, returnMachine } from './return.js';
export type { ReturnMachine, ReturnMachineEvent } from './return.js';
export { applyShipmentEvent, initialShipmentStatus, shipmentMachine } from './shipment.js';
export type { ShipmentMachine, ShipmentMachineEvent } from './shipment.js';
