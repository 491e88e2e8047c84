// The order's payment as the library records it.
import { z } from 'zod';
import { moneySchema } from './money.js';
import { paymentStatusSchema } from './status.js';

/**
 * Why a provider declined a payment, in `PaymentResult.failure.reason`.
 * Adapters map their provider's decline codes onto these (Stripe's
 * `decline_code`, for one) and keep the raw code in `failure.code`.
 *
 * @example
 * ```ts
 * const reason = (PAYMENT_DECLINE_REASONS as readonly string[]).includes(code) ? code : 'other';
 * ```
 */
export const PAYMENT_DECLINE_REASONS = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraudulent',
  'authentication_required',
  'do_not_honor',
  'other',
] as const;
/**
 * Why a provider declined a payment.
 *
 * @example
 * ```ts
 * paymentDeclineReasonSchema.parse('insufficient_funds');
 * ```
 */
export const paymentDeclineReasonSchema = z.enum(PAYMENT_DECLINE_REASONS);
/** Why a provider declined a payment. */
export type PaymentDeclineReason = z.infer<typeof paymentDeclineReasonSchema>;

/**
 * Payment details supplied with an order.
 *
 * @example
 * ```ts
 * paymentInputSchema.parse({ method: 'tok_visa' });
 * paymentInputSchema.safeParse({ method: '' }).success; // false
 * ```
 */
export const paymentInputSchema = z.strictObject({
  /** A payment-method token your provider understands (card token, `manual:bank_transfer`, ...). */
  method: z.string().min(1).max(200),
});
/** Payment details supplied with an order. */
export type PaymentInput = z.infer<typeof paymentInputSchema>;

/**
 * The order's payment. Amounts are minor units of `amount.currency`;
 * `refunded <= captured <= authorized` always holds.
 *
 * @example
 * ```ts
 * const order = await ff.orders.get(orderId);
 * const payment = paymentRecordSchema.parse(order?.payment);
 * payment.captured <= payment.authorized; // always true
 * ```
 */
export const paymentRecordSchema = z.object({
  provider: z.string(),
  method: z.string(),
  status: paymentStatusSchema,
  /** The provider's id for the authorization, once one exists. */
  paymentId: z.string().nullable(),
  amount: moneySchema,
  authorized: z.number().int().nonnegative(),
  captured: z.number().int().nonnegative(),
  refunded: z.number().int().nonnegative(),
  /** Authorization attempts so far; each uses a fresh idempotency key. */
  attempts: z.number().int().nonnegative(),
  /** The last decline or fault; `reason` is the normalized decline reason when the provider gave one. */
  lastError: z.object({ code: z.string(), message: z.string(), reason: paymentDeclineReasonSchema.optional() }).nullable(),
});
/** The order's payment. */
export type PaymentRecord = z.infer<typeof paymentRecordSchema>;
