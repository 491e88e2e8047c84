// Entry of `fulfillkit/easypost`: EasyPost carrier on fetch.
export { easypostCarrier, type EasyPostCarrierOptions, type EasyPostLabelFormat, type EasyPostRateRef } from './carriers/easypost/easypost-carrier.js';
export { easypostStatus, type EasyPostTracker, type EasyPostTrackingDetail } from './carriers/easypost/easypost-tracking.js';
export type { FetchLike } from './providers/http-json.js';
