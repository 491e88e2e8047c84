// Port for payment providers: authorize, capture, void, refund, retrieve.
import type { Customer } from '../domain/order.js';
import type { Money } from '../domain/money.js';
import type { PaymentStatus } from '../domain/status.js';
import type { WebhookHeaders } from './carrier.js';

/** Optional behaviours of a payment adapter. */
export interface PaymentCapabilities {
  /** `capture` may take less than the authorized amount. */
  partialCapture: boolean;
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
  /** Why the last operation failed (a decline), when it did. */
  failure: { code: string; message: string } | null;
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
  /** Amount to capture now, in minor units; the rest of the authorization stays open. */
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

/** A payment status change pushed by the provider. */
export interface PaymentWebhookEvent {
  paymentId: string;
  status: PaymentStatus;
  eventId: string;
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
  authorize(request: AuthorizeRequest): Promise<PaymentResult>;
  /** Take authorized funds, in part or in full. */
  capture(request: CaptureRequest): Promise<PaymentResult>;
  /** Release an uncaptured authorization. Voiding a voided payment is a no-op. */
  void(request: { paymentId: string; idempotencyKey: string }): Promise<PaymentResult>;
  /** Return captured funds. Throws `PAYMENT_FAILED` when it would exceed what was captured. */
  refund(request: RefundRequest): Promise<PaymentResult>;
  /** The provider's current view, or `null` when it knows no such payment. */
  retrieve(ref: { paymentId: string } | { idempotencyKey: string }): Promise<PaymentResult | null>;
  /**
   * Verify and parse a provider webhook (only when `capabilities.webhooks`);
   * throw `WEBHOOK_SIGNATURE_INVALID` when it does not verify.
   * `payments.handleWebhook` calls it, then reads the payment's current state
   * through `retrieve` and applies that to the order.
   */
  parseWebhook?(rawBody: string | Uint8Array, headers: WebhookHeaders): Promise<PaymentWebhookEvent>;
}
