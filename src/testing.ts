// Entry of `fulfillkit/testing`: a conformance kit per port, each check also
// runnable on its own, a fake clock and an order fixture. Loading this entry
// needs no test runner; registering a kit does (vitest, or a runner's globals).
export { FAKE_CLOCK_START, fakeClock } from './testing/fake-clock.js';
export type { FakeClock } from './testing/fake-clock.js';
export { makeTestOrder } from './testing/fixtures.js';
export type { ConformanceOptions, ConformanceTestBody } from './testing/describe-options.js';
export { RETRYABLE_FAULTS, type AdapterCheck, type BackendFault } from './testing/adapter-checks.js';
export { describeCarrierConformance, runCarrierCheck, type CarrierCheck, type CarrierConformanceOptions } from './testing/carrier-conformance.js';
export { describePaymentConformance, runPaymentCheck, type PaymentCheck, type PaymentConformanceOptions } from './testing/payment-conformance.js';
export {
  describeNotifierConformance,
  runNotifierCheck,
  type NotifierCheck,
  type NotifierConformanceOptions,
} from './testing/notifier-conformance.js';
export {
  describeStorageConformance,
  runStorageCheck,
  type StorageConformanceOptions,
  type StorageFactory,
} from './testing/storage-conformance.js';
export type { StorageCheck, StorageCheckContext, StorageReader } from './testing/storage-check-kit.js';
export { runHotSkuScenario, type HotSkuOptions, type HotSkuReport } from './testing/storage-hot-sku.js';
