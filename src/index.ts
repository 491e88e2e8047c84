// Public entry of fulfillkit's core. Every name is exported deliberately;
// api/fulfillkit.api.md records the surface and `npm run check:api` fails when
// it changes without the report being regenerated (`npm run api:report`).

// ---- the engine ---------------------------------------------------------------
export { createFulfillment } from './engine/create-fulfillment.js';
export type { Fulfillment } from './engine/create-fulfillment.js';
export { defaultPolicy } from './engine/config.js';
export type { CustomsPolicy, FulfillmentConfig, FulfillmentPolicy, RetryPolicy } from './engine/config.js';
export type { EventHandler, EventSubscriptions } from './engine/event-bus.js';
export type { PlaceOptions } from './engine/place-order.js';
export type { CheckoutOrder, ConfirmPickInput, ListOrdersInput, PickListInput, ShipInput, ShipmentResult } from './engine/command-types.js';
export type { PackInput, PackResult } from './engine/pack-shipment.js';
export type { TrackingBatchResult, TrackingResult, WebhookRequest } from './engine/tracking-commands.js';
export type { PaymentWebhookResult } from './engine/payment-webhook.js';
export type { DispatchOptions, DispatchResult } from './engine/outbox-dispatch.js';
export type { SweepResult } from './engine/maintenance.js';
export type { ReconcileDiscrepancy } from './engine/inventory-commands.js';

// ---- input limits -------------------------------------------------------------
export { MAX_ID_LENGTH, MAX_LENGTH_VALUE, MAX_MONEY_AMOUNT, MAX_STOCK_UNITS, MAX_WEIGHT_VALUE, findUnstorableText } from './domain/limits.js';

// ---- errors -------------------------------------------------------------------
export { CarrierError, ERROR_CODES, FulfillmentError, isFulfillmentError } from './domain/errors.js';
export type {
  FulfillmentErrorCode,
  FulfillmentErrorDetails,
  FulfillmentErrorDetailsMap,
  FulfillmentErrorOptions,
  StockShortage,
  ValidationIssue,
} from './domain/errors.js';

// ---- domain: schemas and types ------------------------------------------------
export { addressSchema, coordinatesSchema, countryCodes, countrySchema } from './domain/address.js';
export type { Address, Coordinates } from './domain/address.js';
export { customsDeclarationSchema, customsItemSchema, lineCustomsSchema } from './domain/customs.js';
export type { CustomsDeclaration, CustomsDeclarationInput, CustomsItem, LineCustoms } from './domain/customs.js';
export { addMoney, currencyCodes, currencySchema, formatMoney, minorUnitDigits, money, moneySchema, multiplyMoney } from './domain/money.js';
export type { Currency, Money } from './domain/money.js';
export { customerSchema, machineStateSchema, orderInputSchema, orderLineInputSchema, orderLineSchema, orderSchema } from './domain/order.js';
export type { Customer, MachineState, Order, OrderInput, OrderLine, OrderLineInput, ParsedOrderInput } from './domain/order.js';
export { PAYMENT_DECLINE_REASONS, paymentDeclineReasonSchema, paymentInputSchema, paymentRecordSchema } from './domain/payment.js';
export type { PaymentDeclineReason, PaymentInput, PaymentRecord } from './domain/payment.js';
export { MAX_PROVIDER_REF_BYTES, providerRefSchema } from './domain/json.js';
export type { JsonValue } from './domain/json.js';
export { locationSchema } from './domain/location.js';
export type { Location } from './domain/location.js';
export {
  adjustInputSchema,
  inventoryLevelSchema,
  locationLevelSchema,
  MOVEMENT_TYPES,
  RESERVATION_STATUSES,
  receiveInputSchema,
  reservationLineSchema,
  reservationSchema,
  skuSchema,
  stockMovementSchema,
  stockSettingsInputSchema,
} from './domain/inventory.js';
export type {
  AdjustInput,
  InventoryLevel,
  LocationLevel,
  MovementType,
  ReceiveInput,
  Reservation,
  ReservationLine,
  ReservationStatus,
  StockMovement,
  StockSettingsInput,
} from './domain/inventory.js';
export {
  boxSchema,
  labelSchema,
  labelVoidSchema,
  parcelSchema,
  rateSchema,
  shipmentLineSchema,
  shipmentSchema,
  shippingSpeedSchema,
} from './domain/shipment.js';
export type { Box, Label, LabelVoid, Parcel, ParcelInput, Rate, Shipment, ShipmentLine, ShippingSpeed } from './domain/shipment.js';
export { returnReceiveInputSchema, returnRequestInputSchema, returnRequestSchema } from './domain/return.js';
export type { ReturnReceiveInput, ReturnRequest, ReturnRequestInput } from './domain/return.js';
export {
  deriveTrackingEventId,
  INCIDENT_TRACKING_STATUSES,
  TRACKING_INCIDENT_REASONS,
  trackingEventInputSchema,
  trackingEventSchema,
  trackingIncidentReasonSchema,
} from './domain/tracking.js';
export type { TrackingEvent, TrackingEventInput, TrackingIncidentReason } from './domain/tracking.js';
export { dimensionsSchema, lengthUnitSchema, toCentimetres, toGrams, weightSchema, weightUnitSchema } from './domain/units.js';
export type { Dimensions, LengthUnit, Weight, WeightUnit } from './domain/units.js';
export {
  ORDER_STATUSES,
  orderStatusSchema,
  PAYMENT_STATUSES,
  paymentStatusSchema,
  RETURN_STATUSES,
  returnStatusSchema,
  SHIPMENT_STATUSES,
  shipmentStatusSchema,
  TRACKING_STATUSES,
  trackingStatusSchema,
} from './domain/status.js';
export type { OrderStatus, PaymentStatus, ReturnStatus, ShipmentStatus, TrackingStatus } from './domain/status.js';
export { DOMAIN_EVENT_TYPES } from './domain/events.js';
export type { DomainEvent, DomainEventMap, DomainEventType } from './domain/events.js';

// ---- ports: what adapters implement -------------------------------------------
export type {
  AdapterCallOptions,
  AddressValidation,
  CarrierAdapter,
  CarrierCapabilities,
  CarrierMessage,
  LabelRequest,
  RateQuote,
  RateRequest,
  VoidRequest,
  VoidResult,
  VoidStatus,
  WebhookHeaders,
} from './ports/carrier.js';
export type { Clock } from './ports/clock.js';
export { NOTIFICATION_TEMPLATES } from './ports/notifier.js';
export type {
  Notification,
  NotificationAdapter,
  NotificationChannel,
  NotificationTemplate,
  NotifierCapabilities,
  SendResult,
} from './ports/notifier.js';
export type {
  AuthorizeRequest,
  CaptureRequest,
  PaymentAdapter,
  PaymentCapabilities,
  PaymentResult,
  PaymentWebhookEvent,
  RefundRequest,
} from './ports/payment.js';
export type {
  IdempotencyRecord,
  ListOrdersQuery,
  OrderWrite,
  OutboxClaim,
  OutboxMessage,
  OutboxMessageInput,
  OutboxTopic,
  Page,
  ReservationChange,
  ReserveRequest,
  StockLine,
  StockResult,
  StorageAdapter,
  StorageCapabilities,
} from './ports/storage.js';
export type { EventRelay } from './ports/relay.js';
export type { AdapterCallInfo, Instrumentation, OutboxDeliveryInfo, TelemetryAttributes } from './ports/instrumentation.js';

// ---- machines -----------------------------------------------------------------
export {
  applyOrderEvent,
  initialOrderState,
  ORDER_MACHINE_VERSION,
  orderMachine,
  orderStatusOf,
} from './machines/order.js';
export type {
  OrderMachine,
  OrderMachineContext,
  OrderMachineEvent,
  OrderMachineState,
  OrderTransition,
  ShipmentSummary,
} from './machines/order.js';
export { hostAction } from './engine/host-actions.js';
export type { HostActionArgs, HostActionPayload } from './engine/host-actions.js';
export type { PersistedMachineSnapshot } from './machines/persisted-snapshot.js';
export { applyReturnEvent, initialReturnStatus, returnMachine } from './machines/return.js';
export type { ReturnMachine, ReturnMachineEvent } from './machines/return.js';
export { applyShipmentEvent, initialShipmentStatus, shipmentMachine } from './machines/shipment.js';
export type { ShipmentMachine, ShipmentMachineEvent } from './machines/shipment.js';

// ---- strategies and pure steps a host may reuse -------------------------------
export { allocate, allocationStrategies, validateAllocation } from './inventory/allocate.js';
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
export { cartonize } from './packing/cartonize.js';
export type { CartonizeOptions, CartonizeResult, PackItem, ParcelLayout, Placement, Size as PlacementSize } from './packing/cartonize.js';
export { defaultBoxes } from './packing/default-boxes.js';
export { packingSlip } from './packing/packing-slip.js';
export type { PackingSlip, PackingSlipInput, PackingSlipLineInput, PackingSlipParcel, PackingSlipRow } from './packing/packing-slip.js';
export type { PickList, PickListRow, PickRowShipment } from './picking/pick-list.js';
export { rankRates } from './shipping/rate-shop.js';
export type { RateSelection, RateSelectionContext } from './shipping/rate-shop.js';
