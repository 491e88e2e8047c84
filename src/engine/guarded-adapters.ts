// The port boundary: every carrier and payment answer is checked against its
// schema before the engine acts on it, so a malformed answer is that adapter's
// failure (CARRIER_ERROR / ADAPTER_ERROR) and never reaches storage.
import { z } from 'zod';
import { addressSchema } from '../domain/address.js';
import {
  carrierMessageSchema,
  labelResultSchema,
  paymentResultSchema,
  paymentWebhookEventSchema,
  rateQuoteResultSchema,
  rateResultSchema,
  voidResultSchema,
} from '../domain/adapter-results.js';
import { CarrierError, FulfillmentError, type ValidationIssue, toValidationIssues } from '../domain/errors.js';
import { findUnstorableText } from '../domain/limits.js';
import type { Rate } from '../domain/shipment.js';
import { type TrackingEvent, trackingEventSchema } from '../domain/tracking.js';
import type { CarrierAdapter, CarrierMessage, RateQuote } from '../ports/carrier.js';
import type { PaymentAdapter, PaymentResult } from '../ports/payment.js';

const MAX_EVENTS = 1000;
// Adapters may add fields of their own; only the schema's fields go on.
const trackingEventResultSchema = z.object(trackingEventSchema.shape);
const addressValidationResultSchema = z.object({
  valid: z.boolean(),
  messages: z.array(carrierMessageSchema).max(1000),
  suggestion: addressSchema.nullable(),
});

/**
 * Wrap a carrier so that every answer is checked: quotes (a malformed rate, or
 * one naming another carrier, is dropped with a `MALFORMED_RATE` message),
 * labels, voids, tracking events and address checks. A malformed answer
 * throws a non-retryable `CarrierError` with `details.reason: 'malformed_response'`,
 * which for labels sends the engine on to the next rate.
 */
export function guardCarrier(carrier: CarrierAdapter): CarrierAdapter {
  const id = carrier.id;
  const fail = (operation: string, issues: ValidationIssue[]) =>
    new CarrierError(`Carrier ${id} answered ${operation} with a malformed result: ${summarize(issues)}`, {
      carrierId: id,
      retryable: false,
      details: { operation, reason: 'malformed_response', issues },
    });
  const events = (operation: string, answer: unknown, trackingNumber?: string): TrackingEvent[] => {
    if (!Array.isArray(answer)) throw fail(operation, [{ path: '', message: 'must be an array of tracking events' }]);
    if (answer.length > MAX_EVENTS) throw fail(operation, [{ path: '', message: `more than ${MAX_EVENTS} events` }]);
    return answer.map((event, i) => {
      if (event === null || typeof event !== 'object') throw fail(operation, [{ path: String(i), message: 'must be a tracking event' }]);
      // The events of a carrier are that carrier's, whatever id they carry.
      const checked = check(trackingEventResultSchema, { ...event, carrierId: id }, (issues) => fail(operation, prefixed(issues, i)));
      if (trackingNumber !== undefined && checked.trackingNumber !== trackingNumber) {
        throw fail(operation, [{ path: `${i}.trackingNumber`, message: `is not the tracking number asked about (${trackingNumber})` }]);
      }
      return checked;
    });
  };

  const guarded: CarrierAdapter = {
    get id() {
      return carrier.id;
    },
    get name() {
      return carrier.name;
    },
    get capabilities() {
      return carrier.capabilities;
    },
    async getRates(request) {
      const quote = check(rateQuoteResultSchema, await carrier.getRates(request), (issues) => fail('getRates', issues), ['rates']);
      const rates: Rate[] = [];
      const messages: CarrierMessage[] = [...quote.messages];
      quote.rates.forEach((raw, i) => {
        const rate = rateResultSchema.safeParse(raw);
        const problem = !rate.success
          ? summarize(prefixed(toValidationIssues(rate.error), i))
          : rate.data.carrierId !== id
            ? `rate ${i} names carrier ${rate.data.carrierId}`
            : (findUnstorableText(rate.data)?.message ?? null);
        if (problem === null && rate.success) rates.push(rate.data);
        else messages.push({ carrierId: id, code: 'MALFORMED_RATE', message: `Rate ignored: ${problem}` });
      });
      return { rates, messages } satisfies RateQuote;
    },
    async createShipment(request) {
      return check(labelResultSchema, await carrier.createShipment(request), (issues) => fail('createShipment', issues));
    },
    async voidShipment(request) {
      return check(voidResultSchema, await carrier.voidShipment(request), (issues) => fail('voidShipment', issues));
    },
    async track(trackingNumber) {
      return events('track', await carrier.track(trackingNumber), trackingNumber);
    },
  };
  if (carrier.validateAddress) {
    const validate = carrier.validateAddress.bind(carrier);
    guarded.validateAddress = async (address) =>
      check(addressValidationResultSchema, await validate(address), (issues) => fail('validateAddress', issues));
  }
  if (carrier.parseWebhook) {
    const parse = carrier.parseWebhook.bind(carrier);
    guarded.parseWebhook = async (rawBody, headers) => events('parseWebhook', await parse(rawBody, headers));
  }
  return guarded;
}

/**
 * Wrap a payment provider so that every answer is checked: a well-formed
 * payment, about the payment asked about, for the amount asked for. A
 * malformed answer throws a non-retryable `ADAPTER_ERROR` with
 * `details.reason: 'malformed_response'`; for an authorization the engine
 * then looks the attempt up by its key, as after any fault.
 */
export function guardPayments(payments: PaymentAdapter): PaymentAdapter {
  const fail = (operation: string, issues: ValidationIssue[]) =>
    new FulfillmentError('ADAPTER_ERROR', `Payment provider ${payments.id} answered ${operation} with a malformed result: ${summarize(issues)}`, {
      retryable: false,
      details: { provider: payments.id, operation, reason: 'malformed_response', issues },
    });
  const result = (operation: string, answer: unknown, paymentId?: string): PaymentResult => {
    const checked = check(paymentResultSchema, answer, (issues) => fail(operation, issues));
    if (paymentId !== undefined && checked.paymentId !== paymentId) {
      throw fail(operation, [{ path: 'paymentId', message: `is not the payment asked about (${paymentId})` }]);
    }
    return checked;
  };

  const guarded: PaymentAdapter = {
    get id() {
      return payments.id;
    },
    get capabilities() {
      return payments.capabilities;
    },
    async authorize(request) {
      const checked = result('authorize', await payments.authorize(request));
      if (checked.amount.amount !== request.amount.amount || checked.amount.currency !== request.amount.currency) {
        throw fail('authorize', [{ path: 'amount', message: `is not the amount asked for (${request.amount.amount} ${request.amount.currency})` }]);
      }
      return checked;
    },
    async capture(request) {
      return result('capture', await payments.capture(request), request.paymentId);
    },
    async void(request) {
      return result('void', await payments.void(request), request.paymentId);
    },
    async refund(request) {
      return result('refund', await payments.refund(request), request.paymentId);
    },
    async retrieve(ref) {
      const found = await payments.retrieve(ref);
      if (found === null) return null;
      return result('retrieve', found, 'paymentId' in ref ? ref.paymentId : undefined);
    },
  };
  if (payments.parseWebhook) {
    const parse = payments.parseWebhook.bind(payments);
    guarded.parseWebhook = async (rawBody, headers) =>
      check(paymentWebhookEventSchema, await parse(rawBody, headers), (issues) => fail('parseWebhook', issues));
  }
  return guarded;
}

// ---- internals ------------------------------------------------------------

// `later` names fields checked one by one afterwards (a quote's rates), so one bad rate spoils only itself.
function check<S extends z.ZodType>(schema: S, answer: unknown, fail: (issues: ValidationIssue[]) => Error, later: string[] = []): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw fail(toValidationIssues(parsed.error));
  const rest = later.length === 0 ? parsed.data : Object.fromEntries(Object.entries(parsed.data as object).filter(([key]) => !later.includes(key)));
  const unstorable = findUnstorableText(rest);
  if (unstorable !== null) throw fail([unstorable]);
  return parsed.data;
}

function prefixed(issues: ValidationIssue[], index: number): ValidationIssue[] {
  return issues.map((issue) => ({ ...issue, path: issue.path ? `${index}.${issue.path}` : String(index) }));
}

function summarize(issues: ValidationIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path || '(root)'}: ${i.message.slice(0, 200)}`);
  if (issues.length > 5) shown.push(`and ${issues.length - 5} more`);
  return shown.join('; ');
}
