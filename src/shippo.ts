// Entry of `fulfillkit/shippo`: Shippo carrier over the official `shippo` SDK.
export {
  shippoCarrier,
  type ShippoCarrierOptions,
  type ShippoClientLike,
  type ShippoRateLike,
  type ShippoRequestOptions,
  type ShippoShipmentLike,
  type ShippoTransactionLike,
} from './carriers/shippo/shippo-carrier.js';
export { shippoStatus, type ShippoTrackingStatusLike } from './carriers/shippo/shippo-tracking.js';
