// Shippo over the official `shippo` SDK: shipments and rates, transactions
// (labels) found again by idempotency key, refunds, tracks and webhooks.
import { toStreetAddress } from '../street-address.js';
import type { Address } from '../../domain/address.js';
import type { CustomsDeclaration } from '../../domain/customs.js';
import { CarrierError, FulfillmentError } from '../../domain/errors.js';
import type { Label, Parcel, Rate, ShippingSpeed } from '../../domain/shipment.js';
import type { TrackingEvent } from '../../domain/tracking.js';
import { toCentimetres, toGrams } from '../../domain/units.js';
import type {
  AdapterCallOptions,
  AddressValidation,
  CarrierAdapter,
  CarrierMessage,
  LabelRequest,
  RateQuote,
  RateRequest,
  VoidRequest,
  VoidResult,
  WebhookHeaders,
} from '../../ports/carrier.js';
import { readHeader, verifyWebhook } from '../../tracking/webhook-signature.js';
import { type ShippoTrackingStatusLike, shippoEvents } from './shippo-tracking.js';

/** Per-request options the Shippo SDK accepts (abort signal, timeout). */
export type ShippoRequestOptions = { fetchOptions?: { signal?: AbortSignal }; timeoutMs?: number };
type Req = object;

export interface ShippoRateLike {
  objectId: string;
  amount: string;
  currency: string;
  provider: string;
  servicelevel: { name?: string; token?: string };
  estimatedDays?: number;
  arrivesBy?: string;
}
export interface ShippoShipmentLike {
  objectId: string;
  metadata?: string;
  rates: ShippoRateLike[];
  messages?: { source?: string; code?: string; text?: string }[];
}
export interface ShippoTransactionLike {
  objectId?: string;
  status?: string;
  metadata?: string;
  rate?: string | { objectId?: string };
  trackingNumber?: string;
  trackingUrlProvider?: string;
  labelUrl?: string;
  objectCreated?: Date;
  messages?: { text?: string }[];
}

/** The part of the official Shippo SDK the adapter uses: `new Shippo({ apiKeyHeader })` satisfies it. */
export interface ShippoClientLike {
  shipments: { create(request: Req, options?: ShippoRequestOptions): Promise<ShippoShipmentLike> };
  transactions: {
    create(request: Req, options?: ShippoRequestOptions): Promise<ShippoTransactionLike>;
    list(request: Req, options?: ShippoRequestOptions): Promise<{ results?: ShippoTransactionLike[]; next?: string | null }>;
    get(id: string, options?: ShippoRequestOptions): Promise<ShippoTransactionLike>;
  };
  refunds: {
    create(request: Req, options?: ShippoRequestOptions): Promise<{ objectId?: string; status?: string; transaction?: string }>;
    list(request: Req, options?: ShippoRequestOptions): Promise<{ results?: { status?: string; transaction?: string }[] }>;
  };
  rates: { get(id: string, options?: ShippoRequestOptions): Promise<ShippoRateLike> };
  trackingStatus: {
    get(trackingNumber: string, carrier: string, options?: ShippoRequestOptions): Promise<{ trackingNumber: string; trackingHistory: ShippoTrackingStatusLike[] }>;
  };
  addresses: {
    create(request: Req, options?: ShippoRequestOptions): Promise<{
      street1?: string;
      city?: string;
      state?: string;
      zip?: string;
      validationResults?: { isValid?: boolean; messages?: { code?: string; text?: string }[] };
    }>;
  };
}

/** ShippoRequestOptions of {@link shippoCarrier}. */
export interface ShippoCarrierOptions {
  /** `new Shippo({ apiKeyHeader: 'ShippoToken shippo_test_...' })` (`shippo` is an optional peer dependency). */
  client: ShippoClientLike;
  /**
   * Carrier id stored on shipments and rates.
   * @defaultValue 'shippo'
   */
  id?: string;
  /**
   * Label file type.
   * @defaultValue 'PDF_4x6'
   */
  labelFileType?: 'PDF' | 'PDF_4x6' | 'PNG' | 'ZPLII';
  /**
   * HMAC secret(s) agreed with Shippo for webhook signatures (`Shippo-Auth-Signature`). Enables `parseWebhook`.
   * @defaultValue none: `capabilities.webhooks` is false
   */
  webhookSecret?: string | readonly string[];
  /**
   * Seconds a webhook signature timestamp may differ from now.
   * @defaultValue 300
   */
  webhookTolerance?: number;
  /**
   * Longest wait for one Shippo answer, in milliseconds (the engine's deadline may end it sooner).
   * @defaultValue 30000
   */
  timeoutMs?: number;
  /**
   * Shippo carrier token (`usps`, `ups`, ...) for polling a tracking number this process did not buy.
   * @defaultValue looked up from the label's transaction and rate
   */
  trackingCarrier?(trackingNumber: string): string | null;
}

/**
 * A Shippo carrier on the official SDK. A label purchase carries the
 * idempotency key in the transaction's `metadata`, so a retry finds the first
 * purchase of that rate instead of buying again.
 *
 * @example
 * ```ts
 * import { Shippo } from 'shippo';
 * import { shippoCarrier } from 'fulfillkit/shippo';
 *
 * const shippo = shippoCarrier({ client: new Shippo({ apiKeyHeader: `ShippoToken ${process.env.SHIPPO_API_KEY}` }) });
 * ```
 */
export function shippoCarrier(options: ShippoCarrierOptions): CarrierAdapter {
  const { client } = options;
  if (client === null || typeof client !== 'object' || typeof client.shipments?.create !== 'function') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'shippoCarrier needs a Shippo client: shippoCarrier({ client: new Shippo({ apiKeyHeader }) })', {
      details: { option: 'client' },
    });
  }
  const id = options.id ?? 'shippo';
  const secrets = options.webhookSecret === undefined ? [] : typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret];
  const providers = new Map<string, string>();
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw toCarrierError(id, what, err);
    }
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const opts = (callOptions?: AdapterCallOptions): ShippoRequestOptions =>
    callOptions?.signal === undefined ? { timeoutMs } : { timeoutMs, fetchOptions: { signal: callOptions.signal } };

  const shipmentRequest = (request: { from: Address; to: Address; parcels: Parcel[]; customs?: CustomsDeclaration }, metadata: string) => ({
    addressFrom: toStreetAddress(request.from),
    addressTo: toStreetAddress(request.to),
    parcels: request.parcels.map(toShippoParcel),
    metadata: metadata.slice(0, 100),
    async: false,
    ...(request.customs === undefined ? {} : { customsDeclaration: toShippoCustoms(request.customs) }),
  });

  const toLabel = (tx: ShippoTransactionLike, cost: Rate['amount']): Label => {
    if (tx.status !== 'SUCCESS' || !tx.trackingNumber || !tx.objectId) {
      const reason = (tx.messages ?? []).map((m) => m.text).filter(Boolean).join('; ') || `transaction ${tx.status ?? 'unknown'}`;
      throw new CarrierError(`${id}: label purchase failed: ${reason}`, { carrierId: id, retryable: false, details: { status: tx.status ?? null } });
    }
    return {
      labelId: tx.objectId,
      trackingNumber: tx.trackingNumber,
      trackingUrl: tx.trackingUrlProvider ?? null,
      labelUrl: tx.labelUrl ?? null,
      cost,
      purchasedAt: (tx.objectCreated ?? new Date()).toISOString(),
    };
  };

  const adapter: CarrierAdapter = {
    id,
    name: 'Shippo',
    capabilities: { webhooks: secrets.length > 0, polling: true, voidLabels: true, addressValidation: true, international: true },

    async getRates(request: RateRequest, callOptions?: AdapterCallOptions): Promise<RateQuote> {
      const s = await call('create shipment', () => client.shipments.create(shipmentRequest(request, request.shipmentId), opts(callOptions)));
      const messages: CarrierMessage[] = (s.messages ?? []).map((m) => ({
        carrierId: id,
        code: (m.code || 'RATE_ERROR').toUpperCase().slice(0, 64),
        message: `${m.source ?? 'carrier'}: ${m.text ?? 'no rate'}`.slice(0, 500),
      }));
      const rates: Rate[] = [];
      for (const r of s.rates ?? []) {
        if (r.currency !== request.currency) {
          messages.push({ carrierId: id, code: 'CURRENCY_MISMATCH', message: `${r.provider} ${r.servicelevel.name ?? ''} is priced in ${r.currency}` });
          continue;
        }
        const speed = speedOf(r.estimatedDays);
        if (request.speed !== undefined && speed !== request.speed) continue;
        const amount = Math.round(Number(r.amount) * 100);
        if (!Number.isFinite(amount)) continue;
        rates.push({
          carrierId: id,
          service: `${r.provider} ${r.servicelevel.name ?? r.servicelevel.token ?? ''}`.trim().slice(0, 64),
          speed,
          amount: { amount, currency: r.currency },
          transitDays: typeof r.estimatedDays === 'number' ? r.estimatedDays : null,
          estimatedDelivery: r.arrivesBy && !Number.isNaN(Date.parse(r.arrivesBy)) ? r.arrivesBy : null,
          providerRef: { shipmentId: s.objectId, rateId: r.objectId, provider: r.provider, servicelevel: r.servicelevel.token ?? '' },
        });
      }
      if (rates.length === 0 && messages.length === 0) messages.push({ carrierId: id, code: 'NO_RATES', message: 'Shippo returned no rates' });
      return { rates, messages };
    },

    async createShipment(request: LabelRequest, callOptions?: AdapterCallOptions): Promise<Label> {
      const ref = rateRef(id, request.rate);
      const key = request.idempotencyKey.slice(0, 100);
      const onRate = await call('list transactions', () => client.transactions.list({ rate: ref.rateId, results: 25 }, opts(callOptions)));
      const mine = (onRate.results ?? []).find((t) => t.metadata === key);
      if (mine !== undefined) return toLabel(mine, request.rate.amount);
      let rateId = ref.rateId;
      if ((onRate.results ?? []).some((t) => t.status === 'SUCCESS' || t.status === 'QUEUED' || t.status === 'WAITING')) {
        // Another purchase holds this rate: rate a fresh shipment tagged with this key.
        const fresh = await call('create shipment', () => client.shipments.create(shipmentRequest(request, key), opts(callOptions)));
        const same = fresh.rates.find((r) => r.provider === ref.provider && (r.servicelevel.token ?? '') === ref.servicelevel);
        if (same === undefined) throw new CarrierError(`${id}: ${ref.provider} ${ref.servicelevel} is no longer offered`, { carrierId: id, retryable: false, details: { reason: 'RATE_UNAVAILABLE' } });
        const earlier = await call('list transactions', () => client.transactions.list({ rate: same.objectId, results: 25 }, opts(callOptions)));
        const found = (earlier.results ?? []).find((t) => t.metadata === key);
        if (found !== undefined) return toLabel(found, request.rate.amount);
        rateId = same.objectId;
      }
      const tx = await call('buy label', () =>
        client.transactions.create({ rate: rateId, labelFileType: options.labelFileType ?? 'PDF_4x6', async: false, metadata: key }, opts(callOptions)),
      );
      const label = toLabel(tx, request.rate.amount);
      providers.set(label.trackingNumber, ref.provider.toLowerCase());
      return label;
    },

    async voidShipment(request: VoidRequest, callOptions?: AdapterCallOptions): Promise<VoidResult> {
      let tx: ShippoTransactionLike;
      try {
        tx = await client.transactions.get(request.labelId, opts(callOptions));
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return { status: 'refused', message: 'Shippo knows no such transaction' };
        throw toCarrierError(id, 'read transaction', err);
      }
      if (tx.status === 'REFUNDED') return { status: 'voided' };
      if (tx.status === 'REFUNDPENDING') return { status: 'pending', message: 'Shippo refund pending' };
      if (tx.status === 'REFUNDREJECTED') return { status: 'refused', message: 'Shippo refund rejected' };
      const refund = await call('refund label', () => client.refunds.create({ transaction: request.labelId, async: false }, opts(callOptions)));
      if (refund.status === 'SUCCESS') return { status: 'voided' };
      if (refund.status === 'ERROR') return { status: 'refused', message: 'Shippo refused the refund' };
      return { status: 'pending', message: `Shippo refund ${refund.status ?? 'queued'}` };
    },

    async track(trackingNumber: string, callOptions?: AdapterCallOptions): Promise<TrackingEvent[]> {
      const carrier = providers.get(trackingNumber) ?? options.trackingCarrier?.(trackingNumber) ?? null;
      if (carrier === null) return [];
      try {
        const track = await client.trackingStatus.get(trackingNumber, carrier, opts(callOptions));
        return shippoEvents(id, trackingNumber, track.trackingHistory ?? []);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return [];
        throw toCarrierError(id, 'track', err);
      }
    },

    async validateAddress(address: Address, callOptions?: AdapterCallOptions): Promise<AddressValidation> {
      const answer = await call('validate address', () => client.addresses.create({ ...toStreetAddress(address), validate: true }, opts(callOptions)));
      const results = answer.validationResults;
      const valid = results?.isValid === true;
      const messages = (results?.messages ?? []).map((m) => ({ carrierId: id, code: m.code || 'ADDRESS', message: m.text ?? 'address problem' }));
      const suggestion: Address = {
        ...address,
        line1: answer.street1 || address.line1,
        city: answer.city || address.city,
        ...(answer.state ? { region: answer.state } : {}),
        postalCode: answer.zip || address.postalCode,
      };
      const changed = suggestion.line1 !== address.line1 || suggestion.city !== address.city || suggestion.postalCode !== address.postalCode || suggestion.region !== address.region;
      return { valid, messages, suggestion: valid && changed ? suggestion : null };
    },
  };

  if (secrets.length > 0) {
    adapter.parseWebhook = async (rawBody: string | Uint8Array, headers: WebhookHeaders): Promise<TrackingEvent[]> => {
      await verifyWebhook({ secrets, payload: rawBody, header: readHeader(headers, 'shippo-auth-signature'), tolerance: options.webhookTolerance ?? 300 });
      const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
      let body: { event?: string; data?: Record<string, unknown> };
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new FulfillmentError('VALIDATION_FAILED', `${id} webhook: the body is not JSON`, { cause, details: { issues: [{ path: '', message: 'not JSON' }] } });
      }
      if (body?.event !== 'track_updated' || typeof body.data?.tracking_number !== 'string') return [];
      const history = Array.isArray(body.data.tracking_history) ? (body.data.tracking_history as Record<string, unknown>[]) : [];
      return shippoEvents(id, body.data.tracking_number, history.map(fromWireStatus));
    };
  }
  return adapter;
}

// ---- internals ------------------------------------------------------------

interface ShippoRateRef {
  shipmentId: string;
  rateId: string;
  provider: string;
  servicelevel: string;
}

function rateRef(carrierId: string, rate: Rate): ShippoRateRef {
  const ref = rate.providerRef as Partial<ShippoRateRef> | undefined;
  if (ref === null || typeof ref !== 'object' || typeof ref.rateId !== 'string' || typeof ref.provider !== 'string') {
    throw new CarrierError(`${carrierId}: the rate has no Shippo reference; buy a rate this adapter quoted`, { carrierId, retryable: false, details: { reason: 'RATE_REFERENCE_MISSING' } });
  }
  return { shipmentId: ref.shipmentId ?? '', rateId: ref.rateId, provider: ref.provider, servicelevel: ref.servicelevel ?? '' };
}

// Webhook bodies are Shippo's wire format (snake_case), not the SDK's.
function fromWireStatus(entry: Record<string, unknown>): ShippoTrackingStatusLike {
  const location = entry.location as Record<string, string> | null | undefined;
  const substatus = entry.substatus as { code?: string } | null | undefined;
  return {
    ...(typeof entry.object_id === 'string' ? { objectId: entry.object_id } : {}),
    ...(typeof entry.status === 'string' ? { status: entry.status } : {}),
    ...(typeof entry.status_details === 'string' ? { statusDetails: entry.status_details } : {}),
    ...(typeof entry.status_date === 'string' ? { statusDate: entry.status_date } : {}),
    substatus: substatus ?? null,
    location: location ?? null,
  };
}

function toCarrierError(carrierId: string, what: string, err: unknown): CarrierError {
  if (err instanceof CarrierError) return err;
  const e = (err ?? {}) as { statusCode?: number; name?: string; message?: string; body?: string };
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  const transport = ['ConnectionError', 'RequestTimeoutError', 'RequestAbortedError', 'HTTPClientError', 'AbortError', 'TimeoutError'].includes(e.name ?? '');
  const retryable = status === null ? transport : status === 429 || status >= 500;
  return new CarrierError(`${carrierId}: ${what}: ${e.message ?? String(err)}`.slice(0, 1000), {
    carrierId,
    retryable,
    cause: err,
    details: { ...(status === null ? {} : { status }), ...(transport ? { reason: e.name === 'RequestAbortedError' || e.name === 'AbortError' ? 'timeout' : 'network' } : {}) },
  });
}

function speedOf(days: number | undefined): ShippingSpeed {
  if (typeof days !== 'number') return 'standard';
  if (days <= 1) return 'overnight';
  if (days <= 2) return 'express';
  if (days <= 5) return 'standard';
  return 'economy';
}

function toShippoParcel(p: Parcel) {
  const cm = toCentimetres(p.dimensions);
  const fixed = (v: number) => String(Math.round(v * 10) / 10);
  return { length: fixed(cm.length), width: fixed(cm.width), height: fixed(cm.height), distanceUnit: 'cm', weight: String(Math.round(toGrams(p.weight))), massUnit: 'g' };
}

function toShippoCustoms(c: CustomsDeclaration) {
  const contents: Record<CustomsDeclaration['contentsType'], string> = {
    merchandise: 'MERCHANDISE',
    gift: 'GIFT',
    documents: 'DOCUMENTS',
    returned_goods: 'RETURN_MERCHANDISE',
    sample: 'SAMPLE',
    other: 'OTHER',
  };
  return {
    certify: true,
    certifySigner: c.signer,
    contentsType: contents[c.contentsType],
    nonDeliveryOption: c.nonDeliveryOption === 'abandon' ? 'ABANDON' : 'RETURN',
    incoterm: c.incoterm,
    ...(c.exportFiling === undefined ? { eelPfc: 'NOEEI_30_37_a' } : { aesItn: c.exportFiling }),
    items: c.items.map((item) => ({
      description: item.description,
      quantity: item.quantity,
      netWeight: String(Math.round(toGrams(item.weight))),
      massUnit: 'g',
      valueAmount: (item.value.amount / 100).toFixed(2),
      valueCurrency: item.value.currency,
      originCountry: item.originCountry,
      ...(item.hsCode === undefined ? {} : { tariffNumber: item.hsCode.replace(/\./g, '') }),
      ...(item.sku === undefined ? {} : { skuCode: item.sku }),
    })),
  };
}
