// Entry of `fulfillkit/testing`: conformance kits for every port, a fake clock and fixtures.
export { fakeClock } from './testing/fake-clock.js';
export type { FakeClock } from './testing/fake-clock.js';
export { makeTestOrder } from './testing/fixtures.js';
export { type AdapterCheck, runAdapterCheck } from './testing/adapter-checks.js';
export { type ConformanceOptions, registerConformanceTest } from './testing/describe-options.js';
export {
  carrierConformanceChecks,
  describeCarrierConformance,
  runCarrierCheck,
  type CarrierCheck,
  type CarrierConformanceOptions,
} from './testing/carrier-conformance.js';
export {
  describePaymentConformance,
  paymentConformanceChecks,
  runPaymentCheck,
  type PaymentCheck,
  type PaymentConformanceOptions,
} from './testing/payment-conformance.js';
export {
  describeNotifierConformance,
  notifierConformanceChecks,
  runNotifierCheck,
  type NotifierCheck,
  type NotifierConformanceOptions,
} from './testing/notifier-conformance.js';
export { FAKE_CLOCK_START } from './testing/fake-clock.js';
export type { ConformanceTestBody } from './testing/describe-options.js';
export {
  describeStorageConformance,
  runStorageCheck,
  storageChecks,
  type StorageConformanceOptions,
  type StorageFactory,
} from './testing/storage-conformance.js';
export type { StorageCheck, StorageCheckContext, StorageReader } from './testing/storage-check-kit.js';
export { runHotSkuScenario, type HotSkuOptions, type HotSkuReport } from './testing/storage-hot-sku.js';
