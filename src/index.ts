// Public entry of fulfillkit's core.
export * from './domain/index.js';
export * from './ports/index.js';
export { createFulfillment } from './engine/create-fulfillment.js';
export type { Fulfillment } from './engine/create-fulfillment.js';
export { defaultPolicy } from './engine/config.js';
export type { FulfillmentConfig, FulfillmentPolicy, RetryPolicy } from './engine/config.js';
export type { EventHandler, EventSubscriptions } from './engine/event-bus.js';
export type { PlaceOptions } from './engine/place-order.js';
export type { ListOrdersInput } from './engine/order-commands.js';
export type { PickListInput, ConfirmPickInput } from './engine/picking-commands.js';
export type { PackInput, PackResult } from './engine/pack-shipment.js';
export type { ShipInput } from './engine/ship-shipment.js';
export type { TrackingBatchResult, TrackingResult, WebhookRequest } from './engine/tracking-commands.js';
export type { DispatchOptions, DispatchResult } from './engine/outbox-dispatch.js';
export type { SweepResult } from './engine/maintenance.js';
export type { ReconcileDiscrepancy } from './engine/inventory-commands.js';
