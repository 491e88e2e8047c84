// Stripe payments over an injected `stripe` client: PaymentIntents with manual
// capture, an idempotency key on every call, and Stripe-signed webhooks.
import { FulfillmentError } from '../../domain/errors.js';
import type { AdapterCallOptions, WebhookHeaders } from '../../ports/carrier.js';
import type {
  AuthorizeRequest,
  CaptureRequest,
  PaymentAdapter,
  PaymentCapabilities,
  PaymentResult,
  PaymentWebhookEvent,
  RefundRequest,
} from '../../ports/payment.js';
import { readHeader, verifyWebhook } from '../../tracking/webhook-signature.js';
import { raceSignal } from '../../providers/call-options.js';
import {
  type StripePaymentIntentLike,
  declinedIntent,
  describeFailure,
  isMissing,
  toFulfillmentError,
  toPaymentResult,
} from './stripe-results.js';
import { paymentRefusal } from '../payment-book.js';

// `object` rather than a record type, so the official client's interface-typed parameters fit.
type Params = object;
/** Per-request options of the Stripe client that the adapter sets. */
export type StripeRequestOptions = { idempotencyKey?: string };

/**
 * The part of the official `stripe` client the adapter uses; a `new Stripe(key)`
 * instance satisfies it.
 */
export interface StripeClientLike {
  paymentIntents: {
    create(params: Params, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    retrieve(id: string, params?: Params, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    capture(id: string, params?: Params, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    cancel(id: string, params?: Params, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    search(params: Params, options?: StripeRequestOptions): Promise<{ data: StripePaymentIntentLike[] }>;
  };
  refunds: {
    create(params: Params, options?: StripeRequestOptions): Promise<{ id: string; status?: string | null }>;
  };
}

/** Options of {@link stripePayment}. */
export interface StripePaymentOptions {
  /** A `new Stripe(secretKey)` client (the `stripe` package is an optional peer dependency). */
  client: StripeClientLike;
  /**
   * Provider id stored on orders.
   * @defaultValue 'stripe'
   */
  id?: string;
  /**
   * Webhook signing secret(s) (`whsec_...`) of the endpoint registered in the
   * Stripe dashboard; several while rotating. Needed for `parseWebhook`.
   * @defaultValue none: `capabilities.webhooks` is false
   */
  webhookSecret?: string | readonly string[];
  /**
   * Seconds a webhook's signature timestamp may differ from now.
   * @defaultValue 300
   */
  webhookTolerance?: number;
  /**
   * Ask for multicapture (`request_multicapture: if_available`) and capture per
   * shipment. Turn on only when the Stripe account has multicapture; otherwise
   * the engine captures once and refunds what is later cancelled.
   * @defaultValue false
   */
  multicapture?: boolean;
  /**
   * Extra PaymentIntent parameters for `authorize` (e.g. `statement_descriptor_suffix`,
   * `customer`). The adapter's own fields win.
   * @defaultValue {}
   */
  paymentIntentParams?: Record<string, unknown>;
  /**
   * Time source for webhook tolerance checks.
   * @defaultValue the system clock
   */
  now?: () => Date;
}

/**
 * Metadata key holding the authorization's idempotency key, for lookup after a crash.
 *
 * @example
 * ```ts
 * stripe.paymentIntents.search({ query: `metadata['${STRIPE_KEY_METADATA}']:'${key}'` });
 * ```
 */
export const STRIPE_KEY_METADATA = 'fulfillkit_idempotency_key';
/**
 * Metadata key holding the order id.
 *
 * @example
 * ```ts
 * const orderId = paymentIntent.metadata[STRIPE_ORDER_METADATA];
 * ```
 */
export const STRIPE_ORDER_METADATA = 'order_id';

const EXPAND = ['latest_charge'];
const PAYMENT_EVENTS = /^(payment_intent\.|charge\.|refund\.)/;

/**
 * A Stripe payment adapter: `authorize` confirms a PaymentIntent with
 * `capture_method: manual`; `capture` takes `amount_to_capture`; `void`
 * cancels; `refund` creates refunds (which may settle asynchronously).
 * Declines come back as `status: 'failed'` with Stripe's code in
 * `failure.code` and a normalized `failure.reason`.
 *
 * @example
 * ```ts
 * import Stripe from 'stripe';
 * import { stripePayment } from 'fulfillkit/stripe';
 *
 * const payments = stripePayment({
 *   client: new Stripe(process.env.STRIPE_SECRET_KEY!),
 *   webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
 * });
 * ```
 */
export function stripePayment(options: StripePaymentOptions): PaymentAdapter {
  const { client } = options;
  if (client === null || typeof client !== 'object' || typeof client.paymentIntents?.create !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'stripePayment needs a Stripe client: stripePayment({ client: new Stripe(key) })', {
      details: { option: 'client' },
    });
  }
  const secrets = options.webhookSecret === undefined ? [] : typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret];
  const multicapture = options.multicapture ?? false;
  const capabilities: PaymentCapabilities = {
    partialCapture: true,
    multipleCaptures: multicapture,
    partialRefund: true,
    asynchronous: true,
    lookupByIdempotencyKey: true,
    webhooks: secrets.length > 0,
  };

  const call = async <T>(operation: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> => {
    try {
      return await raceSignal(work(), signal, 'stripe');
    } catch (err) {
      throw toFulfillmentError(err, operation);
    }
  };
  const load = async (paymentId: string, signal?: AbortSignal): Promise<StripePaymentIntentLike | null> => {
    try {
      return asIntent(await raceSignal(client.paymentIntents.retrieve(paymentId, { expand: EXPAND }), signal, 'stripe'), 'retrieve');
    } catch (err) {
      if (isMissing(err)) return null;
      throw toFulfillmentError(err, 'retrieve');
    }
  };
  const mustLoad = async (paymentId: string, operation: string, signal?: AbortSignal): Promise<StripePaymentIntentLike> => {
    const pi = await load(paymentId, signal);
    if (pi === null) {
      throw new FulfillmentError('NOT_FOUND', `Stripe knows no PaymentIntent ${paymentId}`, { details: { provider: 'stripe', operation, paymentId } });
    }
    return pi;
  };

  const adapter: PaymentAdapter = {
    id: options.id ?? 'stripe',
    capabilities,

    async authorize(request: AuthorizeRequest, callOptions?: AdapterCallOptions): Promise<PaymentResult> {
      const params: Params = {
        ...options.paymentIntentParams,
        amount: request.amount.amount,
        currency: request.amount.currency.toLowerCase(),
        payment_method: request.method,
        capture_method: 'manual',
        confirm: true,
        // Redirect-based methods need a return URL; cards and 3-D Secure complete without one.
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: {
          ...(options.paymentIntentParams?.metadata as Record<string, string> | undefined),
          [STRIPE_ORDER_METADATA]: request.orderId,
          [STRIPE_KEY_METADATA]: request.idempotencyKey,
        },
        expand: EXPAND,
        ...(request.customer.email === undefined ? {} : { receipt_email: request.customer.email }),
        ...(multicapture ? { payment_method_options: { card: { request_multicapture: 'if_available' } } } : {}),
      };
      try {
        const pi = await raceSignal(client.paymentIntents.create(params, { idempotencyKey: request.idempotencyKey }), callOptions?.signal, 'stripe');
        return toPaymentResult(asIntent(pi, 'authorize'));
      } catch (err) {
        // A decline is an answer: Stripe sends 402 with the declined intent attached.
        const declined = declinedIntent(err);
        if (declined !== null) return declinedResult(declined, err);
        throw toFulfillmentError(err, 'authorize');
      }
    },

    async capture(request: CaptureRequest, callOptions?: AdapterCallOptions): Promise<PaymentResult> {
      positive(request.amount, 'capture');
      const signal = callOptions?.signal;
      const before = await mustLoad(request.paymentId, 'capture', signal);
      const view = toPaymentResult(before);
      // A retried capture finds its effect already applied when Stripe replays the key;
      // beyond that, refuse here what Stripe would refuse, with the port's error.
      const open = before.status === 'requires_capture' ? (before.amount_capturable ?? 0) : 0;
      const send = (final: boolean | undefined) =>
        client.paymentIntents.capture(
          request.paymentId,
          { amount_to_capture: request.amount, expand: EXPAND, ...(final === undefined ? {} : { final_capture: final }) },
          { idempotencyKey: request.idempotencyKey },
        );
      if (request.amount > open) {
        // Stripe answers a key it has seen only for the same parameters; with multicapture
        // the first try may have sent either final_capture value.
        for (const final of multicapture ? [true, false] : [undefined]) {
          const replay = await replayed(() => send(final));
          if (replay !== null) return toPaymentResult(asIntent(replay, 'capture'));
        }
        throw refusal(view, 'capture', open === 0 ? 'not_capturable' : 'exceeds_authorized', request.amount);
      }
      if (!multicapture) return toPaymentResult(asIntent(await call('capture', signal, () => send(undefined)), 'capture'));
      // final_capture depends on what is still open, which an applied first try changed:
      // a retry that Stripe refuses as a reused key with other parameters replays the other form.
      const final = request.amount >= open;
      try {
        return toPaymentResult(asIntent(await raceSignal(send(final), signal, 'stripe'), 'capture'));
      } catch (err) {
        if ((err as { type?: string } | null)?.type !== 'StripeIdempotencyError') throw toFulfillmentError(err, 'capture');
        return toPaymentResult(asIntent(await call('capture', signal, () => send(!final)), 'capture'));
      }
    },

    async void(request, callOptions?: AdapterCallOptions): Promise<PaymentResult> {
      const signal = callOptions?.signal;
      const before = await mustLoad(request.paymentId, 'void', signal);
      if (before.status === 'canceled' && (before.amount_received ?? 0) === 0) return toPaymentResult(before);
      if (before.status === 'succeeded' || (before.amount_received ?? 0) > 0) {
        throw refusal(toPaymentResult(before), 'void', 'already_captured');
      }
      const pi = await call('void', signal, () =>
        client.paymentIntents.cancel(request.paymentId, { cancellation_reason: 'requested_by_customer', expand: EXPAND }, { idempotencyKey: request.idempotencyKey }),
      );
      return toPaymentResult(asIntent(pi, 'void'));
    },

    async refund(request: RefundRequest, callOptions?: AdapterCallOptions): Promise<PaymentResult> {
      positive(request.amount, 'refund');
      const signal = callOptions?.signal;
      const before = toPaymentResult(await mustLoad(request.paymentId, 'refund', signal));
      const params: Params = {
        payment_intent: request.paymentId,
        amount: request.amount,
        metadata: { [STRIPE_KEY_METADATA]: request.idempotencyKey, ...(request.reason === undefined ? {} : { reason: request.reason.slice(0, 500) }) },
      };
      if (request.amount > before.captured - before.refunded) {
        // Same key as an earlier, applied refund: Stripe replays it rather than refunding again.
        const replay = await replayed(() => client.refunds.create(params, { idempotencyKey: request.idempotencyKey }));
        if (replay !== null) return toPaymentResult(await mustLoad(request.paymentId, 'refund', signal));
        throw refusal(before, 'refund', before.captured === 0 ? 'not_refundable' : 'exceeds_captured', request.amount);
      }
      const refund = await call('refund', signal, () => client.refunds.create(params, { idempotencyKey: request.idempotencyKey }));
      if (refund === null || typeof refund !== 'object' || typeof refund.id !== 'string') throw malformed('refund');
      return toPaymentResult(await mustLoad(request.paymentId, 'refund', signal));
    },

    async retrieve(ref, callOptions?: AdapterCallOptions): Promise<PaymentResult | null> {
      const signal = callOptions?.signal;
      if ('paymentId' in ref) {
        const pi = await load(ref.paymentId, signal);
        return pi === null ? null : toPaymentResult(pi);
      }
      // Search is eventually consistent at Stripe (about a minute); a retried
      // authorize with the same key is the exact lookup within 24 hours.
      const query = `metadata['${STRIPE_KEY_METADATA}']:'${ref.idempotencyKey.replace(/['\\]/g, '\\$&')}'`;
      const found = await call('retrieve', signal, () => client.paymentIntents.search({ query, limit: 1, expand: ['data.latest_charge'] }));
      const pi = Array.isArray(found?.data) ? found.data[0] : undefined;
      return pi === undefined ? null : toPaymentResult(asIntent(pi, 'retrieve'));
    },
  };

  if (secrets.length > 0) {
    adapter.parseWebhook = async (rawBody: string | Uint8Array, headers: WebhookHeaders): Promise<PaymentWebhookEvent> => {
      await verifyWebhook({
        secrets,
        payload: rawBody,
        header: readHeader(headers, 'stripe-signature'),
        tolerance: options.webhookTolerance ?? 300,
        now: options.now?.() ?? Date.now(),
      });
      return toWebhookEvent(rawBody);
    };
  }
  return adapter;
}

// ---- internals ------------------------------------------------------------

// An answer that is not a PaymentIntent (an error object sent with 200, a proxy's page) moves nothing.
function asIntent(value: unknown, operation: string): StripePaymentIntentLike {
  const pi = value as Partial<StripePaymentIntentLike> & { object?: unknown };
  if (pi === null || typeof pi !== 'object' || pi.object !== 'payment_intent' || typeof pi.id !== 'string' || typeof pi.amount !== 'number' || typeof pi.currency !== 'string' || typeof pi.status !== 'string') {
    throw malformed(operation);
  }
  return pi as StripePaymentIntentLike;
}

function malformed(operation: string): FulfillmentError {
  return new FulfillmentError('ADAPTER_ERROR', `Stripe ${operation}: the answer is not a Stripe object`, {
    retryable: false,
    details: { provider: 'stripe', operation, reason: 'malformed_answer' },
  });
}

function declinedResult(pi: StripePaymentIntentLike, err: unknown): PaymentResult {
  const result = toPaymentResult(pi);
  if (result.failure === null || result.status !== 'failed') return result;
  const e = err as { code?: string; decline_code?: string; message?: string };
  return { ...result, failure: describeFailure(e.decline_code ?? e.code ?? result.failure.code, e.message ?? result.failure.message) };
}

// Try a request that should fail; return its answer only when Stripe replays an earlier success.
// A transient failure of the attempt itself is thrown, retryable, rather than read as a refusal.
async function replayed<T>(attempt: () => Promise<T>): Promise<T | null> {
  try {
    return await attempt();
  } catch (err) {
    const error = toFulfillmentError(err, 'replay');
    if (error.retryable) throw error;
    return null;
  }
}

function positive(amount: number, operation: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new FulfillmentError('VALIDATION_FAILED', `A ${operation} amount is a positive whole number of minor units`, {
      details: { issues: [{ path: 'amount', message: 'must be a positive integer' }] },
    });
  }
}

function refusal(p: PaymentResult, operation: string, reason: string, requested?: number): FulfillmentError {
  return paymentRefusal(`Stripe ${operation} of ${p.paymentId} refused: ${reason} (status ${p.status})`, p, operation, reason, requested, 'stripe');
}

const STATUS_BY_EVENT: Readonly<Record<string, PaymentWebhookEvent['status']>> = {
  'payment_intent.amount_capturable_updated': 'authorized',
  'payment_intent.succeeded': 'captured',
  'payment_intent.canceled': 'voided',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.requires_action': 'requires_action',
};

function toWebhookEvent(rawBody: string | Uint8Array): PaymentWebhookEvent {
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  let event: { id?: unknown; type?: unknown; created?: unknown; data?: { object?: Record<string, unknown> } };
  try {
    event = JSON.parse(text);
  } catch (cause) {
    throw webhookShapeError('the body is not JSON', cause);
  }
  if (event === null || typeof event !== 'object' || typeof event.id !== 'string' || typeof event.type !== 'string') {
    throw webhookShapeError('the body is not a Stripe event');
  }
  if (!PAYMENT_EVENTS.test(event.type)) throw webhookShapeError(`event type ${event.type} is not a payment event`);
  const object = event.data?.object ?? {};
  const paymentId = event.type.startsWith('payment_intent.') ? object.id : object.payment_intent;
  if (typeof paymentId !== 'string' || paymentId.length === 0) throw webhookShapeError(`${event.type} names no PaymentIntent`);
  const status = STATUS_BY_EVENT[event.type];
  return {
    eventId: event.id,
    paymentId,
    type: event.type,
    ...(status === undefined ? {} : { status }),
    ...(typeof event.created === 'number' ? { occurredAt: new Date(event.created * 1000).toISOString() } : {}),
  };
}

function webhookShapeError(reason: string, cause?: unknown): FulfillmentError {
  return new FulfillmentError('VALIDATION_FAILED', `Stripe webhook: ${reason}`, {
    cause,
    details: { provider: 'stripe', issues: [{ path: '', message: reason }] },
  });
}
