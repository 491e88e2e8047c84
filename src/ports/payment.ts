// Port for payment providers: authorize, capture, void, refund, retrieve.
import type { Customer } from '../domain/order.js';
import type { Money } from '../domain/money.js';
import type { PaymentDeclineReason } from '../domain/payment.js';
import type { PaymentStatus } from '../domain/status.js';
import type { AdapterCallOptions, WebhookHeaders } from './carrier.js';

/** Optional behaviours of a payment adapter. */
export interface PaymentCapabilities {
  /**
   * `capture` may take less than the authorized amount. With a single-capture
   * provider (`multipleCaptures: false`) that capture releases the rest of the authorization.
   */
  partialCapture: boolean;
  /**
   * `capture` may be called several times on one authorization (Stripe's
   * multicapture, PayPal's partial captures). The engine captures per shipment
   * only when this is true; otherwise it captures the whole amount due at the
   * first hand-over and refunds what is later cancelled or short-picked.
   */
  multipleCaptures: boolean;
  /** `refund` may be called several times for parts of the captured amount. */
  partialRefund: boolean;
  /** Authorization may stay `requires_action` until something outside the call completes it. */
  asynchronous: boolean;
  /** `retrieve` accepts an idempotency key, so crash recovery can find an authorization. */
  lookupByIdempotencyKey: boolean;
  /** `parseWebhook` is implemented. */
  webhooks: boolean;
}

/** The provider's view of one payment after a call. Amounts in minor units of `amount.currency`. */
export interface PaymentResult {
  paymentId: string;
  status: PaymentStatus;
  amount: Money;
  authorized: number;
  captured: number;
  refunded: number;
  /**
   * Why the last operation failed (a decline), when it did: `code` is the
   * provider's raw code, `reason` its normalized meaning.
   */
  failure: { code: string; message: string; reason?: PaymentDeclineReason } | null;
}

/** Input of `authorize`. */
export interface AuthorizeRequest {
  orderId: string;
  amount: Money;
  /** The payment-method token from the order. */
  method: string;
  customer: Customer;
  /** Derived from order, operation and attempt; the same key never authorizes twice. */
  idempotencyKey: string;
}

/** Input of `capture`. */
export interface CaptureRequest {
  paymentId: string;
  /**
   * Amount to capture now, in minor units. The rest of the authorization stays
   * open when `capabilities.multipleCaptures`, and is released otherwise.
   */
  amount: number;
  idempotencyKey: string;
}

/** Input of `refund`. */
export interface RefundRequest {
  paymentId: string;
  /** Amount to refund, in minor units. Never more than captured minus refunded. */
  amount: number;
  idempotencyKey: string;
  reason?: string;
}

/**
 * A verified payment notification. It says *which* payment changed; the
 * engine reads the payment's current state through `retrieve`, so `status`
 * is informational and a duplicate or out-of-order event changes nothing.
 */
export interface PaymentWebhookEvent {
  /** The provider's event id, stable across redeliveries. */
  eventId: string;
  /** The provider's id of the payment, as returned by `authorize`. */
  paymentId: string;
  /** The provider's event type (`payment_intent.succeeded`, ...). */
  type: string;
  /** The status the event reports, mapped to fulfillkit's vocabulary, when it maps. */
  status?: PaymentStatus;
  /** When the provider says it happened (ISO 8601). */
  occurredAt?: string;
}

/**
 * A payment provider. A decline is a result (`status: 'failed'` with
 * `failure`), not an exception; exceptions mean the call itself failed
 * (`FulfillmentError` with `retryable` for timeouts and 5xx).
 *
 * @example
 * ```ts
 * const ff = createFulfillment({ payments: sandboxPayment() });
 * ```
 */
export interface PaymentAdapter {
  /** Unique, stable id, stored on the order's payment record. */
  readonly id: string;
  /** What it can do. */
  readonly capabilities: PaymentCapabilities;
  /** Reserve funds. Same `idempotencyKey`, same result, no second hold. */
  authorize(request: AuthorizeRequest, options?: AdapterCallOptions): Promise<PaymentResult>;
  /** Take authorized funds, in part or in full. Same `idempotencyKey`, same capture. */
  capture(request: CaptureRequest, options?: AdapterCallOptions): Promise<PaymentResult>;
  /** Release an uncaptured authorization. Voiding a voided payment is a no-op. */
  void(request: { paymentId: string; idempotencyKey: string }, options?: AdapterCallOptions): Promise<PaymentResult>;
  /** Return captured funds. Throws `PAYMENT_FAILED` when it would exceed what was captured. */
  refund(request: RefundRequest, options?: AdapterCallOptions): Promise<PaymentResult>;
  /** The provider's current view, or `null` when it knows no such payment. */
  retrieve(ref: { paymentId: string } | { idempotencyKey: string }, options?: AdapterCallOptions): Promise<PaymentResult | null>;
  /**
   * Verify and parse a provider webhook (only when `capabilities.webhooks`);
   * throw `WEBHOOK_SIGNATURE_INVALID` when it does not verify.
   * `payments.handleWebhook` calls it, then reads the payment's current state
   * through `retrieve` and applies that to the order.
   */
  parseWebhook?(rawBody: string | Uint8Array, headers: WebhookHeaders, options?: AdapterCallOptions): Promise<PaymentWebhookEvent>;
}
