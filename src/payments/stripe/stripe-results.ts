// Reading Stripe's PaymentIntent, Charge and error objects into the port's
// PaymentResult and FulfillmentError, in one place.
import { FulfillmentError } from '../../domain/errors.js';
import type { PaymentDeclineReason } from '../../domain/payment.js';
import type { PaymentStatus } from '../../domain/status.js';
import type { PaymentResult } from '../../ports/payment.js';

/** The fields of a Stripe PaymentIntent the adapter reads. */
export interface StripePaymentIntentLike {
  id: string;
  object?: string;
  status: string;
  amount: number;
  currency: string;
  amount_capturable?: number | null;
  amount_received?: number | null;
  latest_charge?: string | { id: string; amount_refunded?: number | null; amount_captured?: number | null } | null;
  last_payment_error?: { code?: string | null; decline_code?: string | null; message?: string | null } | null;
  metadata?: Record<string, string> | null;
}

const DECLINE_CODE_REASONS: ReadonlyMap<string, PaymentDeclineReason> = new Map([
  ['generic_decline', 'card_declined'],
  ['card_declined', 'card_declined'],
  ['card_not_supported', 'card_declined'],
  ['card_velocity_exceeded', 'card_declined'],
  ['currency_not_supported', 'card_declined'],
  ['invalid_account', 'card_declined'],
  ['lost_card', 'fraudulent'],
  ['stolen_card', 'fraudulent'],
  ['pickup_card', 'fraudulent'],
  ['fraudulent', 'fraudulent'],
  ['merchant_blacklist', 'fraudulent'],
  ['insufficient_funds', 'insufficient_funds'],
  ['withdrawal_count_limit_exceeded', 'insufficient_funds'],
  ['expired_card', 'expired_card'],
  ['incorrect_cvc', 'incorrect_cvc'],
  ['invalid_cvc', 'incorrect_cvc'],
  ['processing_error', 'processing_error'],
  ['issuer_not_available', 'processing_error'],
  ['try_again_later', 'processing_error'],
  ['authentication_required', 'authentication_required'],
  ['authentication_not_handled', 'authentication_required'],
  ['payment_intent_authentication_failure', 'authentication_required'],
  ['do_not_honor', 'do_not_honor'],
]);

/**
 * Map a Stripe `decline_code` (or error `code`) onto a normalized reason.
 *
 * @example
 * ```ts
 * declineReason('generic_decline'); // 'card_declined'
 * declineReason('stolen_card'); // 'fraudulent'
 * ```
 */
export function declineReason(code: string | null | undefined): PaymentDeclineReason {
  if (code === null || code === undefined) return 'other';
  return DECLINE_CODE_REASONS.get(code) ?? 'other';
}

/**
 * The port's view of a PaymentIntent. `authorized` is what is held or was
 * taken: once a single-capture intent succeeds, the uncaptured rest is
 * released and no longer counts.
 */
export function toPaymentResult(pi: StripePaymentIntentLike): PaymentResult {
  const received = pi.amount_received ?? 0;
  const capturable = pi.amount_capturable ?? 0;
  const charge = typeof pi.latest_charge === 'object' && pi.latest_charge !== null ? pi.latest_charge : null;
  const refunded = Math.min(charge?.amount_refunded ?? 0, received);
  const failure = pi.last_payment_error ?? null;
  const base = { paymentId: pi.id, amount: { amount: pi.amount, currency: pi.currency.toUpperCase() } };
  const moneyStatus = (): PaymentStatus =>
    refunded === 0 ? 'captured' : refunded >= received ? 'refunded' : 'partially_refunded';
  let status: PaymentStatus;
  let authorized = 0;
  switch (pi.status) {
    case 'requires_capture':
      status = received > 0 ? moneyStatus() : 'authorized';
      authorized = received + capturable;
      break;
    case 'succeeded':
      status = moneyStatus();
      authorized = received;
      break;
    case 'canceled':
      status = received > 0 ? moneyStatus() : 'voided';
      authorized = received;
      break;
    case 'requires_action':
    case 'requires_confirmation':
    case 'processing':
      status = 'requires_action';
      break;
    default:
      // requires_payment_method: a declined or abandoned attempt.
      status = 'failed';
  }
  return {
    ...base,
    status,
    authorized: Math.min(authorized, pi.amount),
    captured: received,
    refunded,
    failure:
      status === 'failed' || (status === 'requires_action' && failure !== null)
        ? describeFailure(failure?.decline_code ?? failure?.code ?? 'payment_method_required', failure?.message)
        : null,
  };
}

/** A failure as the port carries it: the raw Stripe code and its normalized reason. */
export function describeFailure(code: string, message: string | null | undefined): NonNullable<PaymentResult['failure']> {
  return { code, message: message ?? 'The payment was declined', reason: declineReason(code) };
}

/** The fields of a Stripe client error the adapter reads. */
interface StripeErrorLike {
  type?: string;
  rawType?: string;
  statusCode?: number;
  code?: string;
  decline_code?: string;
  message?: string;
  requestId?: string;
  payment_intent?: StripePaymentIntentLike;
  raw?: { payment_intent?: StripePaymentIntentLike; code?: string; decline_code?: string };
}

/** The PaymentIntent a card error carries, when Stripe attached one. */
export function declinedIntent(err: unknown): StripePaymentIntentLike | null {
  const e = err as StripeErrorLike | null;
  if (e === null || typeof e !== 'object' || e.type !== 'StripeCardError') return null;
  return e.payment_intent ?? e.raw?.payment_intent ?? null;
}

/** Whether a Stripe error says the object does not exist. */
export function isMissing(err: unknown): boolean {
  const e = err as StripeErrorLike | null;
  return e !== null && typeof e === 'object' && (e.code === 'resource_missing' || e.statusCode === 404);
}

/**
 * Turn a thrown Stripe error into a `FulfillmentError`: connection trouble,
 * 429 and 5xx are retryable; a reused idempotency key with other parameters is
 * `IDEMPOTENCY_CONFLICT`; bad keys are `CONFIGURATION_ERROR`; anything Stripe
 * refuses about the payment itself (wrong state, amount too large) is `PAYMENT_FAILED`.
 */
export function toFulfillmentError(err: unknown, operation: string): FulfillmentError {
  if (err instanceof FulfillmentError) return err;
  const e = (err ?? {}) as StripeErrorLike;
  const details = {
    provider: 'stripe',
    operation,
    ...(e.code === undefined ? {} : { stripeCode: e.code }),
    ...(e.statusCode === undefined ? {} : { status: e.statusCode }),
    ...(e.requestId === undefined ? {} : { requestId: e.requestId }),
  };
  const message = `Stripe ${operation}: ${e.message ?? String(err)}`;
  switch (e.type) {
    case 'StripeConnectionError':
    case 'StripeAPIError':
    case 'StripeRateLimitError':
      return new FulfillmentError('ADAPTER_ERROR', message, { retryable: true, cause: err, details });
    case 'StripeIdempotencyError':
      return new FulfillmentError('IDEMPOTENCY_CONFLICT', message, { cause: err, details });
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new FulfillmentError('CONFIGURATION_ERROR', message, { cause: err, details });
    case 'StripeInvalidRequestError':
    case 'StripeCardError':
      return new FulfillmentError('PAYMENT_FAILED', message, { cause: err, details });
    default: {
      const status = e.statusCode ?? 0;
      const retryable = status === 0 || status === 409 || status === 429 || status >= 500;
      return new FulfillmentError('ADAPTER_ERROR', message, { retryable, cause: err, details });
    }
  }
}
