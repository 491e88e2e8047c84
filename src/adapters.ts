// Entry of `fulfillkit/adapters`: reference carrier, payment and notifier adapters.
export { sandboxCarrier } from './adapters/sandbox-carrier.js';
export type { SandboxCarrier, SandboxCarrierOptions, SandboxScenario } from './adapters/sandbox-carrier.js';
export { tableRateCarrier } from './adapters/table-rate-carrier.js';
export type { RateTable, TableRateCarrier, TableRateCarrierOptions, TableRatePrice, TableRateScan, TableRateService, WeightBand } from './adapters/table-rate-carrier.js';
export { sandboxPayment, SANDBOX_PAYMENT_METHODS } from './adapters/sandbox-payment.js';
export type { SandboxPayment, SandboxPaymentOptions } from './adapters/sandbox-payment.js';
export { manualPayment } from './adapters/manual-payment.js';
export type { ManualPayment, ManualPaymentOptions } from './adapters/manual-payment.js';
export { memoryNotifier } from './adapters/memory-notifier.js';
export type { MemoryNotifier, MemoryNotifierOptions, RecordedNotification } from './adapters/memory-notifier.js';
export { webhookNotifier } from './adapters/webhook-notifier.js';
export type { WebhookNotifierOptions } from './adapters/webhook-notifier.js';
