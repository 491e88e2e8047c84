// The port boundary: every carrier and payment answer the engine acts on is
// checked against its schema first, so a malformed answer is that adapter's
// failure (CARRIER_ERROR / ADAPTER_ERROR) and never reaches storage.
import { z } from 'zod';
import { paymentResultSchema, paymentWebhookEventSchema, rateQuoteResultSchema, voidResultSchema } from '../domain/adapter-results.js';
import { CarrierError, FulfillmentError, type ValidationIssue, toValidationIssues } from '../domain/errors.js';
import { findUnstorableText } from '../domain/limits.js';
import { type Rate, labelSchema, rateSchema } from '../domain/shipment.js';
import { type TrackingEvent, trackingEventSchema } from '../domain/tracking.js';
import type { CarrierAdapter } from '../ports/carrier.js';
import type { PaymentAdapter, PaymentResult } from '../ports/payment.js';

// Adapters may add fields of their own; only the schema's fields go on.
const eventsSchema = z.array(trackingEventSchema).max(1000);

type Fail = (operation: string, issues: ValidationIssue[]) => Error;

/**
 * Wrap a carrier so that every answer the engine uses is checked: quotes (a
 * malformed rate, or one naming another carrier, is dropped with a
 * `MALFORMED_RATE` message), labels, voids and tracking events. A malformed
 * answer throws a non-retryable `CarrierError` with `details.reason:
 * 'malformed_response'`, which for labels sends the engine on to the next rate.
 */
export function guardCarrier(carrier: CarrierAdapter): CarrierAdapter {
  const id = carrier.id;
  const fail: Fail = (operation, issues) =>
    new CarrierError(`Carrier ${id} answered ${operation} malformed: ${summarize(issues)}`, {
      carrierId: id,
      details: { operation, reason: 'malformed_response', issues },
    });
  // The events of a carrier are that carrier's, whatever id they carry; `track(n)` answers about `n` only.
  const events = (operation: string, answer: unknown, trackingNumber?: string): TrackingEvent[] => {
    const stamped = Array.isArray(answer) ? answer.map((e) => (e !== null && typeof e === 'object' ? { ...e, carrierId: id } : e)) : answer;
    const checked = check(eventsSchema, stamped, operation, fail);
    const stray = checked.findIndex((e) => trackingNumber !== undefined && e.trackingNumber !== trackingNumber);
    if (stray >= 0) throw fail(operation, [{ path: `${stray}.trackingNumber`, message: `is not ${trackingNumber}` }]);
    return checked;
  };
  const guarded: CarrierAdapter = {
    id,
    name: carrier.name,
    get capabilities() {
      return carrier.capabilities;
    },
    async getRates(request, options) {
      const { rates, messages } = check(rateQuoteResultSchema, await carrier.getRates(request, options), 'getRates', fail, 'rates');
      const valid: Rate[] = [];
      rates.forEach((raw, i) => {
        const rate = rateSchema.safeParse(raw);
        const problem = !rate.success
          ? summarize(toValidationIssues(rate.error))
          : rate.data.carrierId !== id
            ? `names carrier ${rate.data.carrierId}`
            : findUnstorableText(rate.data)?.message;
        if (rate.success && problem === undefined) valid.push(rate.data);
        else messages.push({ carrierId: id, code: 'MALFORMED_RATE', message: `Rate ${i} ignored: ${problem}` });
      });
      return { rates: valid, messages };
    },
    createShipment: async (request, options) => check(labelSchema, await carrier.createShipment(request, options), 'createShipment', fail),
    voidShipment: async (request, options) => check(voidResultSchema, await carrier.voidShipment(request, options), 'voidShipment', fail),
    track: async (trackingNumber, options) => events('track', await carrier.track(trackingNumber, options), trackingNumber),
  };
  // Not called by the engine: passed through as the adapter wrote it.
  if (carrier.validateAddress) guarded.validateAddress = carrier.validateAddress.bind(carrier);
  const parse = carrier.parseWebhook?.bind(carrier);
  if (parse) guarded.parseWebhook = async (rawBody, headers, options) => events('parseWebhook', await parse(rawBody, headers, options));
  return guarded;
}

/**
 * Wrap a payment provider so that every answer is checked: a well-formed
 * payment (`refunded <= captured`), about the payment asked about, for the
 * amount asked for. A malformed answer throws a non-retryable `ADAPTER_ERROR`
 * with `details.reason: 'malformed_response'`; for an authorization the engine
 * then looks the attempt up by its key, as after any fault.
 */
export function guardPayments(payments: PaymentAdapter): PaymentAdapter {
  const fail: Fail = (operation, issues) =>
    new FulfillmentError('ADAPTER_ERROR', `Payment provider ${payments.id} answered ${operation} malformed: ${summarize(issues)}`, {
      details: { provider: payments.id, operation, reason: 'malformed_response', issues },
    });
  const result = (operation: string, answer: unknown, expected: { paymentId?: string; amount?: PaymentResult['amount'] }): PaymentResult => {
    const checked = check(paymentResultSchema, answer, operation, fail);
    const { paymentId, amount } = expected;
    if (paymentId !== undefined && checked.paymentId !== paymentId) throw fail(operation, [{ path: 'paymentId', message: `is not ${paymentId}` }]);
    if (amount && (checked.amount.amount !== amount.amount || checked.amount.currency !== amount.currency)) {
      throw fail(operation, [{ path: 'amount', message: `is not ${amount.amount} ${amount.currency}` }]);
    }
    return checked;
  };
  const guarded: PaymentAdapter = {
    id: payments.id,
    get capabilities() {
      return payments.capabilities;
    },
    authorize: async (request, options) => result('authorize', await payments.authorize(request, options), { amount: request.amount }),
    capture: async (request, options) => result('capture', await payments.capture(request, options), { paymentId: request.paymentId }),
    void: async (request, options) => result('void', await payments.void(request, options), request),
    refund: async (request, options) => result('refund', await payments.refund(request, options), { paymentId: request.paymentId }),
    async retrieve(ref, options) {
      const found = await payments.retrieve(ref, options);
      return found === null ? null : result('retrieve', found, 'paymentId' in ref ? ref : {});
    },
  };
  const parse = payments.parseWebhook?.bind(payments);
  if (parse) guarded.parseWebhook = async (rawBody, headers, options) => check(paymentWebhookEventSchema, await parse(rawBody, headers, options), 'parseWebhook', fail);
  return guarded;
}

// ---- internals ------------------------------------------------------------

// `later` names a field checked item by item afterwards (a quote's rates), so one bad rate spoils only itself.
function check<S extends z.ZodType>(schema: S, answer: unknown, operation: string, fail: Fail, later?: string): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw fail(operation, toValidationIssues(parsed.error));
  const unstorable = findUnstorableText(later ? { ...(parsed.data as object), [later]: null } : parsed.data);
  if (unstorable) throw fail(operation, [unstorable]);
  return parsed.data;
}

function summarize(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: ${i.message.slice(0, 200)}`)
    .join('; ');
}
