// Entry of `fulfillkit/stripe`: Stripe payments over an injected `stripe` client.
export { STRIPE_KEY_METADATA, STRIPE_ORDER_METADATA, stripePayment, type StripeClientLike, type StripePaymentOptions, type StripeRequestOptions } from './payments/stripe/stripe-payment.js';
export { declineReason, type StripePaymentIntentLike } from './payments/stripe/stripe-results.js';
