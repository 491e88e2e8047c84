// Entry of `fulfillkit/adapters`: reference carrier, payment and notifier adapters.
export { sandboxCarrier, type SandboxCarrier, type SandboxCarrierOptions, type SandboxScenario } from './carriers/sandbox/sandbox-carrier.js';
export type { SandboxCarrierOperation, SandboxFault, SandboxFaultOptions } from './sandbox/sandbox-faults.js';
export {
  tableRateCarrier,
  type RateTable,
  type TableRateCarrier,
  type TableRateCarrierOptions,
  type TableRatePrice,
  type TableRateScan,
  type TableRateService,
  type WeightBand,
} from './carriers/table-rate/table-rate-carrier.js';
export {
  SANDBOX_PAYMENT_METHODS,
  sandboxPayment,
  type SandboxCardBehaviour,
  type SandboxPayment,
  type SandboxPaymentOperation,
  type SandboxPaymentOptions,
} from './payments/sandbox/sandbox-payment.js';
export { manualPayment, type ManualPayment, type ManualPaymentInstructions, type ManualPaymentOptions } from './payments/manual/manual-payment.js';
export type { PaymentLedgerEntry } from './payments/payment-book.js';
export { memoryNotifier, type MemoryNotifier, type MemoryNotifierOptions, type RecordedNotification } from './notifiers/memory/memory-notifier.js';
export { webhookNotifier, type WebhookNotifierOptions } from './notifiers/webhook/webhook-notifier.js';
export type { PostalZone } from './carriers/zones.js';
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
export { deriveTrackingEventId } from './domain/tracking.js';
export { type CarrierStatusMap, EASYPOST_TRACKING_STATUSES, normalizeCarrierStatus, SHIPPO_TRACKING_STATUSES } from './tracking/carrier-status.js';
