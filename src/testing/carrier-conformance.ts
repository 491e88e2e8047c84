// Conformance kit for CarrierAdapter: the behaviour the carrier port promises,
// as named checks a plugin author runs against their adapter.
import { nanoid } from 'nanoid';
import { voidResultSchema } from '../domain/adapter-results.js';
import { expect } from './runner.js';
import { labelSchema, rateSchema } from '../domain/shipment.js';
import type { Label, Rate } from '../domain/shipment.js';
import { trackingEventSchema, type TrackingEvent } from '../domain/tracking.js';
import type { CarrierAdapter, RateQuote, RateRequest, VoidResult, WebhookHeaders } from '../ports/carrier.js';
import type { SignedWebhookRequest } from '../tracking/webhook-signature.js';
import {
  type AdapterCheck,
  type BackendFault,
  describeAdapterChecks,
  expectErrorCode,
  expectRejection,
  expectValid,
  RETRYABLE_FAULTS,
  runAdapterCheck,
} from './adapter-checks.js';
import type { ConformanceOptions } from './describe-options.js';


/** Options of {@link describeCarrierConformance}: the kit's way into your adapter. */
export interface CarrierConformanceOptions<A extends CarrierAdapter = CarrierAdapter> extends ConformanceOptions {
  /** A request the adapter can rate; the kit gives it a fresh `shipmentId` each time. */
  sampleRequest: RateRequest;
  /**
   * A request the adapter cannot serve (a destination it does not reach, a
   * parcel too heavy); checks that the empty answer explains itself.
   * @defaultValue the check is skipped
   */
  unserviceableRequest?: RateRequest;
  /**
   * Produce the genuine, correctly signed webhook your carrier would send about `label`.
   * Needed when `capabilities.webhooks` is true.
   * @defaultValue the webhook checks are skipped
   */
  signedWebhook?(adapter: A, label: Label): SignedWebhookRequest | Promise<SignedWebhookRequest>;
  /**
   * Produce a genuine webhook about `label` signed too long ago to be accepted (a replay).
   * @defaultValue the replay check is skipped
   */
  staleWebhook?(adapter: A, label: Label): SignedWebhookRequest | Promise<SignedWebhookRequest>;
  /**
   * Move the parcel of `label` along (advance a fake clock, record scans) so `track` has news.
   * @defaultValue the progression check is skipped
   */
  advance?(adapter: A, label: Label): void | Promise<void>;
  /**
   * Make the adapter's next request to its backend fail with `fault` (see {@link BackendFault}),
   * through your fake HTTP server or stubbed client.
   * @defaultValue the fault checks are skipped
   */
  injectFault?(adapter: A, fault: BackendFault): void | Promise<void>;
  /**
   * A second adapter instance on the same backend (same account, same fake server),
   * as another process of the shop would build it: nothing shared in memory.
   * @defaultValue the second-instance checks are skipped
   */
  open?(adapter: A): A | Promise<A>;
  /**
   * Labels the backend has sold so far, read from your fake's books; makes the
   * lost-reply check count purchases rather than compare labels only.
   * @defaultValue not counted
   */
  purchases?(adapter: A): number | Promise<number>;
  /**
   * The service the backend actually sold for `label`, read from your fake's books.
   * @defaultValue the label's cost is compared with the quote only
   */
  labelService?(adapter: A, label: Label): string | Promise<string>;
}

/** One carrier check. */
export type CarrierCheck = AdapterCheck<CarrierAdapter, CarrierConformanceOptions<CarrierAdapter>>;

const needsFaults = (_: CarrierAdapter, o: CarrierConformanceOptions): string | null =>
  o.injectFault === undefined ? 'no injectFault hook given' : null;

const needsWebhooks = (a: CarrierAdapter, o: CarrierConformanceOptions): string | null =>
  !a.capabilities.webhooks ? 'capabilities.webhooks is false' : o.signedWebhook === undefined ? 'no signedWebhook hook given' : null;

/**
 * Every carrier check, in report order. Each `run` is a plain async function
 * you may call yourself (see {@link runCarrierCheck}).
 */
export const carrierConformanceChecks: readonly CarrierCheck[] = [
  {
    name: 'capabilities: flags match the methods present',
    async run(carrier) {
      expect(typeof carrier.id, 'id').toBe('string');
      expect(carrier.id.length, 'id is not empty').toBeGreaterThan(0);
      expect(typeof carrier.name, 'name').toBe('string');
      const flags = carrier.capabilities;
      for (const flag of ['webhooks', 'polling', 'voidLabels', 'addressValidation', 'international'] as const) {
        expect(typeof flags[flag], `capabilities.${flag} is a boolean`).toBe('boolean');
      }
      expect(typeof carrier.parseWebhook, `webhooks: ${flags.webhooks} ${flags.webhooks ? 'needs' : 'means no'} parseWebhook`).toBe(
        flags.webhooks ? 'function' : 'undefined',
      );
      expect(
        typeof carrier.validateAddress,
        `addressValidation: ${flags.addressValidation} ${flags.addressValidation ? 'needs' : 'means no'} validateAddress`,
      ).toBe(flags.addressValidation ? 'function' : 'undefined');
      expect(flags.webhooks || flags.polling, 'tracking arrives somehow: webhooks or polling').toBe(true);
    },
  },
  {
    name: 'getRates: returns valid rates for a serviceable request',
    async run(carrier, options) {
      const request = freshRequest(options.sampleRequest);
      const quote = await carrier.getRates(request);
      expectQuote(carrier, request, quote);
      expect(quote.rates.length, 'the sample request is serviceable, so it gets rates').toBeGreaterThan(0);
    },
  },
  {
    name: 'getRates: an empty answer explains itself with messages',
    skipReason: (_, o) => (o.unserviceableRequest === undefined ? 'no unserviceableRequest given' : null),
    async run(carrier, options) {
      const request = freshRequest(options.unserviceableRequest as RateRequest);
      const quote = await carrier.getRates(request);
      expectQuote(carrier, request, quote);
      expect(quote.rates, 'the unserviceable request gets no rates').toHaveLength(0);
    },
  },
  {
    name: 'getRates: honours a requested speed',
    async run(carrier, options) {
      const first = await quotedRate(carrier, options);
      const request = { ...freshRequest(options.sampleRequest), speed: first.speed };
      const quote = await carrier.getRates(request);
      expectQuote(carrier, request, quote);
      expect(quote.rates.length, `a rate at speed ${first.speed} was offered before`).toBeGreaterThan(0);
      for (const rate of quote.rates) expect(rate.speed, 'every rate has the requested speed').toBe(first.speed);
    },
  },
  {
    name: 'createShipment: buys a label for a quoted rate',
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      const label = await buy(carrier, options, rate, `key_${nanoid()}`);
      expect(label.cost.currency, 'label cost is in the rate currency').toBe(rate.amount.currency);
    },
  },
  {
    name: 'createShipment: buys the quoted service at the quoted price',
    async run(carrier, options) {
      const quote = await carrier.getRates(freshRequest(options.sampleRequest));
      expect(quote.rates.length, 'the sample request gets rates').toBeGreaterThan(0);
      // Every quoted service, not only the first: an adapter that always buys its default service fails here.
      for (const rate of quote.rates.slice(0, 6)) {
        const label = await buy(carrier, options, rate, `key_${nanoid()}`);
        expect(label.cost, `the ${rate.service} label costs what its rate quoted`).toEqual(rate.amount);
        if (options.labelService) expect(await options.labelService(carrier, label), 'the backend sold the requested service').toBe(rate.service);
      }
    },
  },
  {
    name: 'createShipment: a second instance on the same backend returns the same label for the same key',
    skipReason: (_, o) => (o.open === undefined ? 'no open hook given' : null),
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      const key = `key_${nanoid()}`;
      const first = await buy(carrier, options, rate, key);
      const other = await (options.open as NonNullable<CarrierConformanceOptions['open']>)(carrier);
      const again = await buy(other, options, rate, key);
      expect(again.labelId, 'idempotency lives with the backend, not in one instance’s memory').toBe(first.labelId);
      expect(again.trackingNumber).toBe(first.trackingNumber);
    },
  },
  {
    name: 'faults: 5xx, 429, timeouts and network errors are retryable',
    skipReason: needsFaults,
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      for (const fault of RETRYABLE_FAULTS) {
        const key = `key_${nanoid()}`;
        await options.injectFault?.(carrier, fault);
        const error = await expectRejection(purchase(carrier, options, rate, key), `a ${fault} answer was taken as a label`);
        expect(error.retryable, `a ${fault} is thrown with retryable: true, so the engine retries (${String(error.message)})`).toBe(true);
        await buy(carrier, options, rate, key);
      }
    },
  },
  {
    name: 'faults: a 4xx is a final failure',
    skipReason: needsFaults,
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      await options.injectFault?.(carrier, 'client_error');
      const error = await expectRejection(purchase(carrier, options, rate, `key_${nanoid()}`), 'a 4xx answer was taken as a label');
      expect(error.retryable === true, `a 4xx is not retryable: retrying cannot help (${String(error.message)})`).toBe(false);
    },
  },
  {
    name: 'faults: a 200 with an error body is never a label',
    skipReason: needsFaults,
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      await options.injectFault?.(carrier, 'error_body');
      await expectRejection(purchase(carrier, options, rate, `key_${nanoid()}`), 'an error body answered with 200 was returned as a label');
    },
  },
  {
    name: 'faults: a retry after a lost reply returns the label already bought',
    skipReason: needsFaults,
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      const key = `key_${nanoid()}`;
      const before = await options.purchases?.(carrier);
      await options.injectFault?.(carrier, 'lost_reply');
      const lost = await buy(carrier, options, rate, key).then(
        (label) => label,
        (error: { retryable?: unknown; message?: unknown }) => {
          expect(error.retryable, `a lost reply is retryable (${String(error.message)})`).toBe(true);
          return null;
        },
      );
      const retried = await buy(carrier, options, rate, key);
      if (lost !== null) expect(retried.labelId).toBe(lost.labelId);
      if (options.open) {
        const other = await options.open(carrier);
        expect((await buy(other, options, rate, key)).labelId, 'another instance finds the same label').toBe(retried.labelId);
      }
      if (before !== undefined) {
        expect((await options.purchases?.(carrier)) ?? 0, 'the backend sold one label, not one per attempt').toBe(before + 1);
      }
    },
  },
  {
    name: 'createShipment: same idempotency key returns the same label',
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      const key = `key_${nanoid()}`;
      const first = await buy(carrier, options, rate, key);
      const again = await buy(carrier, options, rate, key);
      expect(again.labelId, 'a retried purchase must not buy a second label').toBe(first.labelId);
      expect(again.trackingNumber).toBe(first.trackingNumber);
    },
  },
  {
    name: 'createShipment: different keys buy different labels',
    async run(carrier, options) {
      const rate = await quotedRate(carrier, options);
      const a = await buy(carrier, options, rate, `key_${nanoid()}`);
      const b = await buy(carrier, options, rate, `key_${nanoid()}`);
      expect(b.trackingNumber, 'two purchases, two tracking numbers').not.toBe(a.trackingNumber);
      expect(b.labelId).not.toBe(a.labelId);
    },
  },
  {
    name: 'voidShipment: voids an unused label',
    skipReason: (a) => (a.capabilities.voidLabels ? null : 'capabilities.voidLabels is false'),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      const result = await carrier.voidShipment({ labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: `void_${nanoid()}` });
      expectValid(voidResultSchema, result, 'the void answer');
      expect(['voided', 'pending'], 'an unused label can be voided (now or pending)').toContain(result.status);
    },
  },
  {
    name: 'voidShipment: repeating a void is harmless',
    skipReason: (a) => (a.capabilities.voidLabels ? null : 'capabilities.voidLabels is false'),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      const request = { labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: `void_${nanoid()}` };
      const first = await carrier.voidShipment(request);
      const again = await carrier.voidShipment(request);
      expect(again.status === first.status || (first.status === 'pending' && again.status !== 'refused'), 'same key, same answer').toBe(true);
      const other = await carrier.voidShipment({ ...request, idempotencyKey: `void_${nanoid()}` });
      expect(other.status, 'a voided label stays voided').not.toBe('refused');
    },
  },
  {
    name: 'voidShipment: a scanned label cannot be voided',
    skipReason: (a, o) => (!a.capabilities.voidLabels ? 'capabilities.voidLabels is false' : o.advance === undefined ? 'no advance hook given' : null),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      await options.advance?.(carrier, label);
      const scanned = await carrier.track(label.trackingNumber);
      expect(scanned.some((e) => e.status !== 'pending' && e.status !== 'unknown'), 'advance moved the parcel past pickup').toBe(true);
      const request = { labelId: label.labelId, trackingNumber: label.trackingNumber, idempotencyKey: `void_${nanoid()}` };
      const answer = await carrier.voidShipment(request).then(
        (result) => result,
        (error: { retryable?: unknown }) => {
          expect(error.retryable === true, 'refusing a scanned label is a final answer').toBe(false);
          return null;
        },
      );
      if (answer !== null) expectValid(voidResultSchema, answer, 'the void answer');
      if (answer !== null) expect(answer.status, 'a label in use cannot be voided (its cost is spent)').toBe('refused');
    },
  },
  {
    name: 'voidShipment: an unknown label is not voided',
    async run(carrier) {
      const unknown = { labelId: `lbl_missing_${nanoid()}`, trackingNumber: `NOPE${nanoid(10)}`, idempotencyKey: `void_${nanoid()}` };
      let answer: VoidResult | null = null;
      try {
        answer = await carrier.voidShipment(unknown);
      } catch (error) {
        expect((error as { retryable?: unknown }).retryable, 'an unknown label is a final answer, not a retryable fault').not.toBe(true);
      }
      if (answer !== null) expect(answer.status, 'a label that was never bought cannot be voided').toBe('refused');
    },
  },
  {
    name: 'track: events of a new label are normalized, its own and oldest first',
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      expectEvents(carrier, label.trackingNumber, await carrier.track(label.trackingNumber));
    },
  },
  {
    name: 'track: event ids are present and stable',
    skipReason: (_, o) => (o.advance === undefined ? 'no advance hook given' : null),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      await options.advance?.(carrier, label);
      const first = await carrier.track(label.trackingNumber);
      const again = await carrier.track(label.trackingNumber);
      expectEvents(carrier, label.trackingNumber, first);
      expect(first.length, 'the parcel moved, so there are events').toBeGreaterThan(0);
      expect(
        again.map((e) => e.eventId),
        'polling twice gives every event the same id, so the engine drops the repeat',
      ).toEqual(first.map((e) => e.eventId));
    },
  },
  {
    name: 'track: known scans map to statuses, not all to unknown',
    skipReason: (_, o) => (o.advance === undefined ? 'no advance hook given' : null),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      await options.advance?.(carrier, label);
      const events = await carrier.track(label.trackingNumber);
      const known = events.filter((e) => e.status !== 'unknown');
      expect(known.length, `the carrier's scan codes are mapped (got ${events.map((e) => e.carrierStatus ?? e.status).join(', ')})`).toBeGreaterThan(0);
    },
  },
  {
    name: 'track: an unknown tracking number has no events',
    async run(carrier) {
      let events: TrackingEvent[] = [];
      try {
        events = await carrier.track(`NOPE${nanoid(12)}`);
      } catch (error) {
        expect((error as { code?: unknown }).code, 'an unknown tracking number is NOT_FOUND (or simply no events)').toBe('NOT_FOUND');
      }
      expect(events, 'no events are invented for an unknown tracking number').toEqual([]);
    },
  },
  {
    name: 'track: history only grows as the parcel moves',
    skipReason: (_, o) => (o.advance === undefined ? 'no advance hook given' : null),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      const before = await carrier.track(label.trackingNumber);
      await options.advance?.(carrier, label);
      const after = await carrier.track(label.trackingNumber);
      expectEvents(carrier, label.trackingNumber, after);
      expect(after.length, 'the parcel moved, so there is news').toBeGreaterThan(before.length);
      const afterIds = new Set(after.map((e) => e.eventId));
      for (const event of before) {
        expect(afterIds.has(event.eventId), `event ${event.eventId} is still there, under the same id`).toBe(true);
      }
    },
  },
  {
    name: 'validateAddress: accepts the sample destination',
    skipReason: (a) => (a.capabilities.addressValidation ? null : 'capabilities.addressValidation is false'),
    async run(carrier, options) {
      const result = await carrier.validateAddress?.(options.sampleRequest.to);
      expect(result?.valid, 'the address the sample request ships to is valid').toBe(true);
      expect(Array.isArray(result?.messages)).toBe(true);
    },
  },
  {
    name: 'parseWebhook: accepts a signed webhook and normalizes its events',
    skipReason: needsWebhooks,
    async run(carrier, options) {
      const { label, webhook } = await labelWithWebhook(carrier, options);
      const events = await parse(carrier, webhook);
      expect(events.length, 'the webhook is about the label, so it carries events').toBeGreaterThan(0);
      for (const event of events) {
        expectValid(trackingEventSchema, event, 'a webhook tracking event');
        expect(event.trackingNumber).toBe(label.trackingNumber);
        expect(event.carrierId).toBe(carrier.id);
      }
    },
  },
  {
    name: 'parseWebhook: takes the raw body as bytes too',
    skipReason: needsWebhooks,
    async run(carrier, options) {
      const { webhook } = await labelWithWebhook(carrier, options);
      const text = typeof webhook.rawBody === 'string' ? webhook.rawBody : new TextDecoder().decode(webhook.rawBody);
      const asText = await parse(carrier, { ...webhook, rawBody: text });
      const asBytes = await parse(carrier, { ...webhook, rawBody: new TextEncoder().encode(text) });
      expect(asBytes, 'frameworks hand over a Buffer (express.raw()): it verifies and parses the same').toEqual(asText);
    },
  },
  {
    name: 'parseWebhook: rejects a forged signature',
    skipReason: needsWebhooks,
    async run(carrier, options) {
      const { webhook } = await labelWithWebhook(carrier, options);
      for (const [how, forged] of forgeries(webhook)) {
        await expectErrorCode(parse(carrier, forged), 'WEBHOOK_SIGNATURE_INVALID', `accepted a forged webhook (${how})`);
      }
    },
  },
  {
    name: 'parseWebhook: rejects a webhook without a signature',
    skipReason: needsWebhooks,
    async run(carrier, options) {
      const { webhook } = await labelWithWebhook(carrier, options);
      const unsigned = { rawBody: webhook.rawBody, headers: { 'content-type': 'application/json' } };
      await expectErrorCode(parse(carrier, unsigned), 'WEBHOOK_SIGNATURE_INVALID', 'accepted an unsigned webhook');
    },
  },
  {
    name: 'parseWebhook: rejects a stale signature',
    skipReason: (a, o) => needsWebhooks(a, o) ?? (o.staleWebhook === undefined ? 'no staleWebhook hook given' : null),
    async run(carrier, options) {
      const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
      const stale = await options.staleWebhook?.(carrier, label);
      await expectErrorCode(parse(carrier, stale as SignedWebhookRequest), 'WEBHOOK_SIGNATURE_INVALID', 'accepted a replayed webhook');
    },
  },
  {
    name: 'parseWebhook: the same webhook yields the same event ids',
    skipReason: needsWebhooks,
    async run(carrier, options) {
      const { webhook } = await labelWithWebhook(carrier, options);
      const first = await parse(carrier, webhook);
      const again = await parse(carrier, webhook);
      expect(first.every((e) => typeof e.eventId === 'string' && e.eventId.length > 0), 'events carry an eventId for dedupe').toBe(true);
      expect(again, 'a redelivered webhook yields identical events, so the engine drops the repeat').toEqual(first);
    },
  },
];

/**
 * Run the carrier checks against `factory()`'s adapters, one vitest test per
 * check, named after the port member it covers.
 *
 * @example
 * ```ts
 * import { describeCarrierConformance } from 'fulfillkit/testing';
 *
 * describeCarrierConformance('my courier', () => myCourier({ secret: 'test' }), {
 *   sampleRequest,
 *   unserviceableRequest: { ...sampleRequest, to: { ...sampleRequest.to, country: 'AQ' } },
 *   signedWebhook: (courier, label) => courier.simulateWebhook(label.trackingNumber),
 * });
 * ```
 */
export function describeCarrierConformance<A extends CarrierAdapter>(
  name: string,
  factory: () => A | Promise<A>,
  options: CarrierConformanceOptions<A>,
): void {
  describeAdapterChecks(`carrier conformance: ${name}`, carrierConformanceChecks, factory, options as unknown as CarrierConformanceOptions);
}

/**
 * Run one carrier check by name; rejects when the adapter breaks the promise.
 *
 * @example
 * ```ts
 * await expect(runCarrierCheck('parseWebhook: rejects a forged signature', leakyCarrier, options)).rejects.toThrow();
 * ```
 */
export function runCarrierCheck<A extends CarrierAdapter>(name: string, adapter: A, options: CarrierConformanceOptions<A>): Promise<void> {
  return runAdapterCheck(carrierConformanceChecks, name, adapter as CarrierAdapter, options as unknown as CarrierConformanceOptions);
}

// ---- helpers ----------------------------------------------------------------

function freshRequest(request: RateRequest): RateRequest {
  return { ...structuredClone(request), shipmentId: `shp_${nanoid()}` };
}

function expectQuote(carrier: CarrierAdapter, request: RateRequest, quote: RateQuote): void {
  expect(Array.isArray(quote.rates) && Array.isArray(quote.messages), 'getRates answers { rates, messages }').toBe(true);
  if (quote.rates.length === 0) expect(quote.messages.length, 'an empty answer must say why (never silently empty)').toBeGreaterThan(0);
  for (const rate of quote.rates) {
    expectValid(rateSchema, rate, 'a rate');
    expect(rate.carrierId, 'rate.carrierId is the adapter id').toBe(carrier.id);
    expect(rate.amount.currency, 'rates are in the requested currency').toBe(request.currency);
  }
  for (const message of quote.messages) {
    expect(typeof message.code === 'string' && message.code.length > 0, 'messages carry a code').toBe(true);
    expect(typeof message.message, 'messages carry text').toBe('string');
    expect(message.carrierId).toBe(carrier.id);
  }
}

async function quotedRate(carrier: CarrierAdapter, options: CarrierConformanceOptions): Promise<Rate> {
  const quote = await carrier.getRates(freshRequest(options.sampleRequest));
  const rate = quote.rates[0];
  if (rate === undefined) throw new Error(`The sample request got no rates: ${JSON.stringify(quote.messages)}`);
  return rate;
}

// The adapter's own answer, unchecked: the fault checks look at what it resolves with.
function purchase(carrier: CarrierAdapter, options: CarrierConformanceOptions, rate: Rate, idempotencyKey: string): Promise<unknown> {
  const request = freshRequest(options.sampleRequest);
  return carrier.createShipment({
    shipmentId: request.shipmentId,
    rate,
    from: request.from,
    to: request.to,
    parcels: request.parcels,
    idempotencyKey,
    reference: 'conformance',
  });
}

async function buy(carrier: CarrierAdapter, options: CarrierConformanceOptions, rate: Rate, idempotencyKey: string): Promise<Label> {
  expectValid(rateSchema, rate, 'the rate to buy');
  const label = (await purchase(carrier, options, rate, idempotencyKey)) as Label;
  expectValid(labelSchema, label, 'the label');
  expect(label.trackingNumber.length, 'a label has a tracking number').toBeGreaterThan(0);
  return label;
}

async function labelWithWebhook(carrier: CarrierAdapter, options: CarrierConformanceOptions) {
  const label = await buy(carrier, options, await quotedRate(carrier, options), `key_${nanoid()}`);
  const webhook = await (options.signedWebhook as NonNullable<CarrierConformanceOptions['signedWebhook']>)(carrier, label);
  return { label, webhook };
}

function parse(carrier: CarrierAdapter, webhook: SignedWebhookRequest): Promise<TrackingEvent[]> {
  if (carrier.parseWebhook === undefined) throw new Error('capabilities.webhooks is true but parseWebhook is missing');
  return carrier.parseWebhook(webhook.rawBody, webhook.headers);
}

function expectEvents(carrier: CarrierAdapter, trackingNumber: string, events: TrackingEvent[]): void {
  expect(Array.isArray(events), 'track answers an array').toBe(true);
  for (const event of events) {
    expectValid(trackingEventSchema, event, 'a tracking event');
    expect(event.trackingNumber, 'events belong to the tracked number').toBe(trackingNumber);
    expect(event.carrierId).toBe(carrier.id);
  }
  const times = events.map((e) => Date.parse(e.occurredAt));
  expect(times, 'events are oldest first').toEqual([...times].sort((a, b) => a - b));
  const ids = events.map((e) => e.eventId);
  expect(new Set(ids).size, 'event ids are unique').toBe(ids.length);
}

/** Ways to forge a webhook from a genuine one: the body changed under the same signature, or the signature altered. */
function forgeries(webhook: SignedWebhookRequest): [string, SignedWebhookRequest][] {
  const text = typeof webhook.rawBody === 'string' ? webhook.rawBody : new TextDecoder().decode(webhook.rawBody);
  const out: [string, SignedWebhookRequest][] = [
    ['body with trailing whitespace', { ...webhook, rawBody: `${text} ` }],
    ['body with one character changed', { ...webhook, rawBody: changeOneCharacter(text) }],
  ];
  const headers: WebhookHeaders = {};
  let altered = false;
  for (const [key, value] of Object.entries(webhook.headers)) {
    const flipped = typeof value === 'string' ? value.replace(/[0-9a-f]{32,}/i, (hex) => flipLastHex(hex)) : value;
    altered ||= flipped !== value;
    headers[key] = flipped;
  }
  if (altered) out.push(['signature with one digit changed', { rawBody: webhook.rawBody, headers }]);
  return out;
}

function changeOneCharacter(text: string): string {
  const digit = text.search(/[0-9]/);
  if (digit >= 0) return text.slice(0, digit) + String((Number(text[digit]) + 1) % 10) + text.slice(digit + 1);
  const letter = text.search(/[a-zA-Z]/);
  if (letter < 0) return `${text}x`;
  const ch = text[letter] as string;
  return text.slice(0, letter) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + text.slice(letter + 1);
}

function flipLastHex(hex: string): string {
  const last = hex[hex.length - 1] as string;
  return hex.slice(0, -1) + (last.toLowerCase() === '0' ? '1' : '0');
}
