// Port for shipping carriers: rates, labels, voids, tracking and webhooks.
import type { Address } from '../domain/address.js';
import type { Money } from '../domain/money.js';
import type { Label, Parcel, Rate, ShippingSpeed } from '../domain/shipment.js';
import type { TrackingEvent } from '../domain/tracking.js';

/** Optional behaviours of a carrier adapter; the engine checks flags, never sniffs methods. */
export interface CarrierCapabilities {
  /** `parseWebhook` is implemented and the carrier pushes tracking updates. */
  webhooks: boolean;
  /** `track` can be polled for carriers (or accounts) without webhooks. */
  polling: boolean;
  /** `voidShipment` can cancel an unused label. */
  voidLabels: boolean;
  /** `validateAddress` is implemented. */
  addressValidation: boolean;
  /** Destinations outside the origin country are served. */
  international: boolean;
}

/** A request for prices. */
export interface RateRequest {
  /** Shipment being rated, for the carrier's reference. */
  shipmentId: string;
  from: Address;
  to: Address;
  parcels: Parcel[];
  /** Currency the shop wants prices in. */
  currency: string;
  /** Restrict to one speed; all speeds when omitted. */
  speed?: ShippingSpeed;
  /** Planned hand-over date (ISO). */
  shipDate: string;
  /** Value of the goods, for carriers whose rules depend on it (free shipping over a threshold, insurance). */
  declaredValue?: Money;
}

/** Why a carrier returned fewer rates than it might have. */
export interface CarrierMessage {
  carrierId: string;
  /** Stable code, e.g. `NO_SERVICE_TO_DESTINATION`, `OVERWEIGHT`. */
  code: string;
  message: string;
}

/** Answer to a rate request: rates and, always when `rates` is empty, messages saying why. */
export interface RateQuote {
  rates: Rate[];
  messages: CarrierMessage[];
}

/** A request to buy a label for a chosen rate. */
export interface LabelRequest {
  shipmentId: string;
  rate: Rate;
  from: Address;
  to: Address;
  parcels: Parcel[];
  /** Same key, same label: a retried purchase must not buy a second label. */
  idempotencyKey: string;
  /** Shown on the label (order reference). */
  reference?: string;
}

/** A request to cancel an unused label. */
export interface VoidRequest {
  labelId: string;
  trackingNumber: string;
  idempotencyKey: string;
}

/** Result of address validation. */
export interface AddressValidation {
  valid: boolean;
  messages: CarrierMessage[];
  /** A corrected address, when the carrier proposes one. */
  suggestion: Address | null;
}

/** Header map as received by a web framework. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/**
 * A shipping carrier (or an aggregator account). Errors are thrown as
 * `CarrierError`; set `retryable` for timeouts and 5xx answers so the engine
 * backs off and retries, otherwise it falls back to the next rate.
 *
 * @example
 * ```ts
 * const ff = createFulfillment({ carriers: [sandboxCarrier(), tableRateCarrier({ table })] });
 * ```
 */
export interface CarrierAdapter {
  /** Unique, stable id (`ups`, `dhl-express`); stored on shipments. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** What it can do. */
  readonly capabilities: CarrierCapabilities;
  /** Prices for the parcels. Never silently empty: explain with `messages`. */
  getRates(request: RateRequest): Promise<RateQuote>;
  /** Buy a label. Idempotent by `idempotencyKey`. */
  createShipment(request: LabelRequest): Promise<Label>;
  /** Cancel an unused label. Returns `false` when the carrier refuses (already scanned). */
  voidShipment(request: VoidRequest): Promise<{ voided: boolean }>;
  /** Every tracking event so far for a tracking number, oldest first. */
  track(trackingNumber: string): Promise<TrackingEvent[]>;
  /** Check and correct an address (only when `capabilities.addressValidation`). */
  validateAddress?(address: Address): Promise<AddressValidation>;
  /**
   * Verify a webhook's signature over the exact raw body and turn it into
   * normalized events. Throws `WEBHOOK_SIGNATURE_INVALID` on a bad or stale
   * signature (only when `capabilities.webhooks`).
   */
  parseWebhook?(rawBody: string | Uint8Array, headers: WebhookHeaders): Promise<TrackingEvent[]>;
}
