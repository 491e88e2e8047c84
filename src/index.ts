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
export type { PaymentWebhookResult } from './engine/payment-webhook.js';
export type { DispatchOptions, DispatchResult } from './engine/outbox-dispatch.js';
export type { SweepResult } from './engine/maintenance.js';
export type { ReconcileDiscrepancy } from './engine/inventory-commands.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE,
  hmacSha256,
  readHeader,
  SIGNATURE_HEADER,
  signWebhook,
  timingSafeEqual,
  verifyHexHmacSignature,
  verifyWebhook,
  type SignedWebhookRequest,
  type SignWebhookInput,
  type VerifyHexHmacInput,
  type VerifyWebhookInput,
  type WebhookSignatureFailure,
} from './tracking/webhook-signature.js';
export {
  EASYPOST_TRACKING_STATUSES,
  FINAL_TRACKING_STATUSES,
  normalizeCarrierStatus,
  SHIPPO_TRACKING_STATUSES,
  type CarrierStatusMap,
} from './tracking/carrier-status.js';
export { allocate, allocationStrategies, findAllocationProblems, nearestFirst, validateAllocation } from './inventory/allocate.js';
export type {
  AllocatedLine,
  Allocation,
  AllocationFunction,
  AllocationInput,
  AllocationLine,
  AllocationProblem,
  AllocationStrategy,
  LocationAssignment,
} from './inventory/allocate.js';
export { buildPickList, compareBins, parseBin, walkPathComparator } from './picking/pick-list.js';
export type { BinAddress, PickList, PickListInput as BuildPickListInput, PickListRow, PickRequestShipment, PickRowShipment } from './picking/pick-list.js';
export { cartonize, findCartonizeProblems, findLayoutProblems } from './packing/cartonize.js';
export type { CartonizeOptions, CartonizeResult, PackItem, ParcelLayout, Placement, Size as PlacementSize } from './packing/cartonize.js';
export { defaultBoxes } from './packing/default-boxes.js';
export { packingSlip } from './packing/packing-slip.js';
export type { PackingSlip, PackingSlipInput, PackingSlipLineInput, PackingSlipParcel, PackingSlipRow } from './packing/packing-slip.js';
export { addBusinessDays, arrivalDay, rankRates } from './shipping/rate-shop.js';
export type { RateSelection, RateSelectionContext } from './shipping/rate-shop.js';
export * from './machines/index.js';
