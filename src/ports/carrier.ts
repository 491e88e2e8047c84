// Port for shipping carriers: rates, labels, voids, tracking and webhooks.
import type { Address } from '../domain/address.js';
import type { CustomsDeclaration } from '../domain/customs.js';
import type { Money } from '../domain/money.js';
import type { Label, Parcel, Rate, ShippingSpeed } from '../domain/shipment.js';
import type { TrackingEvent } from '../domain/tracking.js';

/**
 * Options the engine passes as the last argument of every adapter call.
 * `signal` aborts when `policy.retry.timeoutMs` expires for that attempt:
 * hand it to `fetch` (or your client) so the request stops with the attempt,
 * rather than finishing unseen after the engine has moved on.
 */
export interface AdapterCallOptions {
  /** Aborts when the engine stops waiting for this attempt. */
  signal?: AbortSignal;
}

/** Optional behaviours of a carrier adapter; the engine checks flags, never sniffs methods. */
export interface CarrierCapabilities {
  /** `parseWebhook` is implemented and the carrier pushes tracking updates. */
  webhooks: boolean;
  /** `track` can be polled for carriers (or accounts) without webhooks. */
  polling: boolean;
  /** `voidShipment` can cancel an unused label (possibly asynchronously: see {@link VoidResult}). */
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
  /** Customs declaration of a cross-border shipment, for carriers that rate duties and taxes. */
  customs?: CustomsDeclaration;
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
  /** The rate chosen from your own quote, exactly as you answered it (`providerRef` included). */
  rate: Rate;
  from: Address;
  to: Address;
  parcels: Parcel[];
  /** Same key, same label: a retried purchase must not buy a second label. */
  idempotencyKey: string;
  /** Shown on the label (order reference). */
  reference?: string;
  /**
   * Customs declaration, given when `from` and `to` are in different countries.
   * Carriers that need one for a cross-border label refuse the purchase without it.
   */
  customs?: CustomsDeclaration;
}

/** A request to cancel an unused label. */
export interface VoidRequest {
  labelId: string;
  trackingNumber: string;
  /** Same key, same void: asking again reports the void's current state and never voids twice. */
  idempotencyKey: string;
}

/** Where a void request stands. */
export type VoidStatus = 'voided' | 'pending' | 'refused';

/**
 * The answer to `voidShipment`:
 * - `voided`: the label is cancelled (its cost will be refunded);
 * - `pending`: the carrier accepted the request and decides later — the engine
 *   asks again with the same `idempotencyKey` (from `ff.sweep()` and
 *   `tracking.poll()`), or learns it from a `cancelled` tracking event;
 * - `refused`: too late (the parcel is scanned) or the carrier rejected the refund.
 */
export interface VoidResult {
  status: VoidStatus;
  /** The carrier's explanation, for support staff. */
  message?: string;
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
  getRates(request: RateRequest, options?: AdapterCallOptions): Promise<RateQuote>;
  /**
   * Buy a label for `request.rate` (its service, at its price). Idempotent by
   * `idempotencyKey`: a retry after a lost reply returns the label already bought.
   */
  createShipment(request: LabelRequest, options?: AdapterCallOptions): Promise<Label>;
  /** Cancel an unused label; idempotent by `idempotencyKey` (asking again reports the current state). */
  voidShipment(request: VoidRequest, options?: AdapterCallOptions): Promise<VoidResult>;
  /** Every tracking event so far for a tracking number, oldest first, each with a stable `eventId`. */
  track(trackingNumber: string, options?: AdapterCallOptions): Promise<TrackingEvent[]>;
  /** Check and correct an address (only when `capabilities.addressValidation`). */
  validateAddress?(address: Address, options?: AdapterCallOptions): Promise<AddressValidation>;
  /**
   * Verify a webhook's signature over the exact raw body and turn it into
   * normalized events. Throws `WEBHOOK_SIGNATURE_INVALID` on a bad or stale
   * signature (only when `capabilities.webhooks`).
   */
  parseWebhook?(rawBody: string | Uint8Array, headers: WebhookHeaders, options?: AdapterCallOptions): Promise<TrackingEvent[]>;
}
