// EasyPost on fetch: shipments with rates, labels bought by rate, refunds
// (asynchronous), trackers, address verification and HMAC-signed webhooks.
import type { Address } from '../../domain/address.js';
import type { CustomsDeclaration } from '../../domain/customs.js';
import { CarrierError, FulfillmentError } from '../../domain/errors.js';
import type { Label, Parcel, Rate, ShippingSpeed } from '../../domain/shipment.js';
import { deriveTrackingEventId, type TrackingEvent } from '../../domain/tracking.js';
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
import { type FetchLike, type JsonApi, rejected, requestJson } from '../../providers/http-json.js';
import { readHeader, verifyHexHmacSignature } from '../../tracking/webhook-signature.js';
import { type EasyPostTracker, trackerEvents } from './easypost-tracking.js';

/** Label file formats EasyPost produces. */
export type EasyPostLabelFormat = 'PDF' | 'PNG' | 'ZPL';

/** Options of {@link easypostCarrier}. */
export interface EasyPostCarrierOptions {
  /** API key (`EZTK...` test, `EZAK...` production). */
  apiKey: string;
  /**
   * Carrier id stored on shipments and rates.
   * @defaultValue 'easypost'
   */
  id?: string;
  /**
   * API root.
   * @defaultValue 'https://api.easypost.com/v2'
   */
  baseUrl?: string;
  /**
   * `fetch` to use.
   * @defaultValue globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * Label file format.
   * @defaultValue 'PDF'
   */
  labelFormat?: EasyPostLabelFormat;
  /**
   * Webhook secret(s) set on the EasyPost webhook; several while rotating. Enables `parseWebhook`.
   * @defaultValue none: `capabilities.webhooks` is false
   */
  webhookSecret?: string | readonly string[];
  /**
   * Restrict rating to these carrier account ids.
   * @defaultValue all accounts of the API key
   */
  carrierAccounts?: readonly string[];
  /**
   * Longest wait for one EasyPost answer, in milliseconds (the engine's deadline may end it sooner).
   * @defaultValue 30000
   */
  timeoutMs?: number;
  /**
   * How far back a label purchase looks for an earlier purchase under the same idempotency key, in hours.
   * @defaultValue 72
   */
  purchaseLookbackHours?: number;
}

/** What the adapter keeps in `Rate.providerRef`. */
export interface EasyPostRateRef {
  shipmentId: string;
  rateId: string;
  carrier: string;
  service: string;
}

interface EasyPostRate {
  id: string;
  carrier: string;
  service: string;
  rate: string;
  currency: string;
  delivery_days?: number | null;
  delivery_date?: string | null;
}

interface EasyPostShipment {
  id: string;
  reference?: string | null;
  rates?: EasyPostRate[];
  messages?: { carrier?: string; type?: string; message?: string }[];
  selected_rate?: EasyPostRate | null;
  tracking_code?: string | null;
  postage_label?: { label_url?: string | null; label_pdf_url?: string | null; label_zpl_url?: string | null; label_date?: string | null } | null;
  tracker?: { public_url?: string | null } | null;
  refund_status?: string | null;
  created_at?: string;
}

/**
 * An EasyPost carrier. Rates come from an EasyPost shipment created for the
 * request; a purchase creates its own shipment tagged with the idempotency key
 * (so a retry finds the first purchase instead of buying again) and buys the
 * chosen carrier and service on it.
 *
 * @example
 * ```ts
 * import { easypostCarrier } from 'fulfillkit/easypost';
 *
 * const easypost = easypostCarrier({
 *   apiKey: process.env.EASYPOST_API_KEY!,
 *   webhookSecret: process.env.EASYPOST_WEBHOOK_SECRET,
 *   labelFormat: 'ZPL',
 * });
 * ```
 */
export function easypostCarrier(options: EasyPostCarrierOptions): CarrierAdapter {
  if (typeof options.apiKey !== 'string' || options.apiKey === '') {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'easypostCarrier needs an apiKey', { details: { option: 'apiKey' } });
  }
  const id = options.id ?? 'easypost';
  const secrets = options.webhookSecret === undefined ? [] : typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret];
  const format = options.labelFormat ?? 'PDF';
  const api: JsonApi = {
    carrierId: id,
    baseUrl: (options.baseUrl ?? 'https://api.easypost.com/v2').replace(/\/$/, ''),
    headers: { authorization: `Basic ${btoa(`${options.apiKey}:`)}` },
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 30_000,
    describeError: (body) => {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      return { code: typeof error?.code === 'string' ? error.code : 'UNKNOWN', message: typeof error?.message === 'string' ? error.message : 'request failed' };
    },
  };
  const call = async (method: string, path: string, body: unknown, signal: AbortSignal | undefined, what: string): Promise<unknown> => {
    const answer = await requestJson(api, method, path, body, signal === undefined ? {} : { signal });
    if (!answer.ok) throw rejected(api, answer.failure, what);
    return answer.body;
  };

  const shipmentBody = (request: { from: Address; to: Address; parcels: Parcel[]; customs?: CustomsDeclaration }, reference: string) => ({
    shipment: {
      reference,
      from_address: toEasyPostAddress(request.from),
      to_address: toEasyPostAddress(request.to),
      parcel: toEasyPostParcel(request.parcels[0] as Parcel),
      ...(request.customs === undefined ? {} : { customs_info: toCustomsInfo(request.customs) }),
      options: { label_format: format, ...(request.customs === undefined ? {} : { incoterm: request.customs.incoterm }) },
      ...(options.carrierAccounts === undefined ? {} : { carrier_accounts: [...options.carrierAccounts] }),
    },
  });

  // Every purchased shipment tagged with `reference`, earliest purchase first.
  const purchasesUnder = async (reference: string, signal: AbortSignal | undefined): Promise<EasyPostShipment[]> => {
    const since = new Date(Date.now() - (options.purchaseLookbackHours ?? 72) * 3_600_000).toISOString();
    const found: EasyPostShipment[] = [];
    let beforeId: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = new URLSearchParams({ purchased: 'true', page_size: '100', start_datetime: since });
      if (beforeId !== undefined) query.set('before_id', beforeId);
      const list = (await call('GET', `/shipments?${query}`, undefined, signal, 'list shipments')) as { shipments?: EasyPostShipment[]; has_more?: boolean };
      const shipments = Array.isArray(list.shipments) ? list.shipments : [];
      found.push(...shipments.filter((s) => s.reference === reference && s.postage_label));
      if (!list.has_more || shipments.length === 0) break;
      beforeId = shipments[shipments.length - 1]?.id;
    }
    const boughtAt = (s: EasyPostShipment) => Date.parse(s.postage_label?.label_date ?? s.created_at ?? '') || 0;
    return found.sort((a, b) => boughtAt(a) - boughtAt(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };

  const toLabel = (s: EasyPostShipment): Label => {
    const label = s.postage_label ?? {};
    const url = format === 'ZPL' ? (label.label_zpl_url ?? label.label_url) : format === 'PDF' ? (label.label_pdf_url ?? label.label_url) : label.label_url;
    const selected = s.selected_rate;
    if (typeof s.tracking_code !== 'string' || s.tracking_code === '' || selected === null || selected === undefined) {
      throw new CarrierError(`${id}: shipment ${s.id} was bought without a tracking number`, { carrierId: id, retryable: false, details: { shipmentId: s.id } });
    }
    return {
      labelId: s.id,
      trackingNumber: s.tracking_code,
      trackingUrl: s.tracker?.public_url ?? null,
      labelUrl: url ?? null,
      cost: { amount: toMinor(selected.rate, selected.currency), currency: selected.currency },
      purchasedAt: label.label_date ?? new Date().toISOString(),
    };
  };

  const adapter: CarrierAdapter = {
    id,
    name: 'EasyPost',
    capabilities: { webhooks: secrets.length > 0, polling: true, voidLabels: true, addressValidation: true, international: true },

    async getRates(request: RateRequest, callOptions?: AdapterCallOptions): Promise<RateQuote> {
      if (request.parcels.length !== 1) {
        return { rates: [], messages: [{ carrierId: id, code: 'MULTI_PARCEL_UNSUPPORTED', message: 'EasyPost rates one parcel per shipment; pack into one parcel or split the shipment' }] };
      }
      const s = (await call('POST', '/shipments', shipmentBody(request, request.shipmentId), callOptions?.signal, 'create shipment')) as EasyPostShipment;
      const messages: CarrierMessage[] = (s.messages ?? []).map((m) => ({
        carrierId: id,
        code: (m.type ?? 'rate_error').toUpperCase(),
        message: `${m.carrier ?? 'carrier'}: ${m.message ?? 'no rate'}`.slice(0, 500),
      }));
      const rates: Rate[] = [];
      for (const r of s.rates ?? []) {
        if (r.currency !== request.currency) {
          messages.push({ carrierId: id, code: 'CURRENCY_MISMATCH', message: `${r.carrier} ${r.service} is priced in ${r.currency}` });
          continue;
        }
        const speed = speedOf(r.delivery_days);
        if (request.speed !== undefined && speed !== request.speed) continue;
        const ref: EasyPostRateRef = { shipmentId: s.id, rateId: r.id, carrier: r.carrier, service: r.service };
        rates.push({
          carrierId: id,
          service: `${r.carrier} ${r.service}`.slice(0, 64),
          speed,
          amount: { amount: toMinor(r.rate, r.currency), currency: r.currency },
          transitDays: typeof r.delivery_days === 'number' ? r.delivery_days : null,
          estimatedDelivery: typeof r.delivery_date === 'string' && !Number.isNaN(Date.parse(r.delivery_date)) ? r.delivery_date : null,
          providerRef: { ...ref },
        });
      }
      if (rates.length === 0 && messages.length === 0) messages.push({ carrierId: id, code: 'NO_RATES', message: 'EasyPost returned no rates for this shipment' });
      return { rates, messages };
    },

    async createShipment(request: LabelRequest, callOptions?: AdapterCallOptions): Promise<Label> {
      const signal = callOptions?.signal;
      const ref = rateRef(id, request.rate);
      if (request.parcels.length !== 1) throw new CarrierError(`${id}: one parcel per shipment`, { carrierId: id, retryable: false, details: { reason: 'MULTI_PARCEL_UNSUPPORTED' } });
      // Purchases are tagged with the idempotency key: a retry finds the first one.
      const earlier = (await purchasesUnder(request.idempotencyKey, signal))[0];
      if (earlier !== undefined) return toLabel(earlier);
      const s = (await call('POST', '/shipments', shipmentBody(request, request.idempotencyKey), signal, 'create shipment')) as EasyPostShipment;
      const rate = (s.rates ?? []).find((r) => r.carrier === ref.carrier && r.service === ref.service);
      if (rate === undefined) {
        throw new CarrierError(`${id}: ${ref.carrier} ${ref.service} is no longer offered for this shipment`, { carrierId: id, retryable: false, details: { reason: 'RATE_UNAVAILABLE' } });
      }
      const bought = (await call('POST', `/shipments/${encodeURIComponent(s.id)}/buy`, { rate: { id: rate.id } }, signal, 'buy label')) as EasyPostShipment;
      return toLabel(bought);
    },

    async voidShipment(request: VoidRequest, callOptions?: AdapterCallOptions): Promise<VoidResult> {
      const signal = callOptions?.signal;
      const path = `/shipments/${encodeURIComponent(request.labelId)}`;
      const current = await requestJson(api, 'GET', path, undefined, signal === undefined ? {} : { signal });
      if (!current.ok) {
        if (current.failure.status === 404) return { status: 'refused', message: 'EasyPost knows no such shipment' };
        throw rejected(api, current.failure, 'read shipment');
      }
      const known = current.body as EasyPostShipment;
      // Asking again reports where the first request stands; EasyPost refunds settle asynchronously.
      if (known.refund_status !== null && known.refund_status !== undefined) return voidStatus(known.refund_status);
      const answer = await requestJson(api, 'POST', `${path}/refund`, {}, signal === undefined ? {} : { signal });
      if (!answer.ok) return { status: 'refused', message: api.describeError(answer.failure.body).message };
      return voidStatus((answer.body as EasyPostShipment).refund_status ?? 'submitted');
    },

    async track(trackingNumber: string, callOptions?: AdapterCallOptions): Promise<TrackingEvent[]> {
      const query = new URLSearchParams({ 'tracking_codes[]': trackingNumber, page_size: '1' });
      const list = (await call('GET', `/trackers?${query}`, undefined, callOptions?.signal, 'list trackers')) as { trackers?: EasyPostTracker[] };
      const tracker = (list.trackers ?? []).find((t) => t.tracking_code === trackingNumber);
      return tracker === undefined ? [] : trackerEvents(id, tracker);
    },

    async validateAddress(address: Address, callOptions?: AdapterCallOptions): Promise<AddressValidation> {
      const answer = (await call('POST', '/addresses', { address: toEasyPostAddress(address), verify: true }, callOptions?.signal, 'verify address')) as {
        street1?: string;
        street2?: string | null;
        city?: string;
        state?: string;
        zip?: string;
        country?: string;
        verifications?: { delivery?: { success?: boolean; errors?: { code?: string; message?: string; field?: string }[] } };
      };
      const delivery = answer.verifications?.delivery;
      const valid = delivery?.success === true;
      const messages = (delivery?.errors ?? []).map((e) => ({ carrierId: id, code: e.code ?? 'E.ADDRESS', message: `${e.field ? `${e.field}: ` : ''}${e.message ?? 'address problem'}` }));
      const corrected: Address = {
        ...address,
        line1: answer.street1 || address.line1,
        ...(answer.street2 ? { line2: answer.street2 } : {}),
        city: answer.city || address.city,
        ...(answer.state ? { region: answer.state } : {}),
        postalCode: answer.zip || address.postalCode,
      };
      const changed = corrected.line1 !== address.line1 || corrected.city !== address.city || corrected.postalCode !== address.postalCode || corrected.region !== address.region;
      return { valid, messages, suggestion: valid && changed ? corrected : null };
    },
  };

  if (secrets.length > 0) {
    adapter.parseWebhook = async (rawBody: string | Uint8Array, headers: WebhookHeaders): Promise<TrackingEvent[]> => {
      await verifyHexHmacSignature({ rawBody, header: readHeader(headers, 'x-hmac-signature'), secret: secrets });
      const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
      let event: { id?: unknown; description?: unknown; created_at?: unknown; result?: Record<string, unknown> };
      try {
        event = JSON.parse(text);
      } catch (cause) {
        throw new FulfillmentError('VALIDATION_FAILED', `${id} webhook: the body is not JSON`, { cause, details: { issues: [{ path: '', message: 'not JSON' }] } });
      }
      const result = event?.result ?? {};
      if (event?.description === 'tracker.updated' || event?.description === 'tracker.created') return trackerEvents(id, result as EasyPostTracker);
      if (event?.description === 'refund.successful' && typeof result.tracking_code === 'string' && typeof event.created_at === 'string') {
        // A refund that EasyPost settles later voids the label: say so as a cancelled event.
        const occurredAt = new Date(Date.parse(event.created_at)).toISOString();
        return [
          {
            carrierId: id,
            trackingNumber: result.tracking_code,
            status: 'cancelled',
            occurredAt,
            eventId: deriveTrackingEventId({ trackingNumber: result.tracking_code, status: 'refund.successful', occurredAt }),
            carrierStatus: 'refund.successful',
          },
        ];
      }
      return [];
    };
  }
  return adapter;
}

// ---- internals ------------------------------------------------------------

function rateRef(carrierId: string, rate: Rate): EasyPostRateRef {
  const ref = rate.providerRef as Partial<EasyPostRateRef> | undefined;
  if (ref === undefined || ref === null || typeof ref !== 'object' || typeof ref.carrier !== 'string' || typeof ref.service !== 'string') {
    throw new CarrierError(`${carrierId}: the rate has no EasyPost reference; buy a rate this adapter quoted`, {
      carrierId,
      retryable: false,
      details: { reason: 'RATE_REFERENCE_MISSING' },
    });
  }
  return ref as EasyPostRateRef;
}

function voidStatus(refundStatus: string): VoidResult {
  if (refundStatus === 'refunded') return { status: 'voided' };
  if (refundStatus === 'submitted') return { status: 'pending', message: 'EasyPost refund submitted' };
  return { status: 'refused', message: `EasyPost refund ${refundStatus}` };
}

function speedOf(days: number | null | undefined): ShippingSpeed {
  if (typeof days !== 'number') return 'standard';
  if (days <= 1) return 'overnight';
  if (days <= 2) return 'express';
  if (days <= 5) return 'standard';
  return 'economy';
}

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'UGX']);

function toMinor(amount: string, currency: string): number {
  const value = Number(amount);
  if (!Number.isFinite(value) || value < 0) throw new CarrierError(`EasyPost sent a price that is not a number: ${amount}`, { carrierId: 'easypost', retryable: false });
  return Math.round(value * (ZERO_DECIMAL.has(currency) ? 1 : 100));
}

function toEasyPostAddress(a: Address) {
  return {
    name: a.name,
    ...(a.company === undefined ? {} : { company: a.company }),
    street1: a.line1,
    ...(a.line2 === undefined ? {} : { street2: a.line2 }),
    city: a.city,
    ...(a.region === undefined ? {} : { state: a.region }),
    zip: a.postalCode,
    country: a.country,
    ...(a.phone === undefined ? {} : { phone: a.phone }),
    ...(a.email === undefined ? {} : { email: a.email }),
  };
}

// EasyPost measures parcels in inches and ounces.
function toEasyPostParcel(p: Parcel) {
  const cm = toCentimetres(p.dimensions);
  const inches = (v: number) => Math.round((v / 2.54) * 10) / 10;
  return { length: inches(cm.length), width: inches(cm.width), height: inches(cm.height), weight: Math.round((toGrams(p.weight) / 28.349523125) * 10) / 10 };
}

function toCustomsInfo(c: CustomsDeclaration) {
  return {
    contents_type: c.contentsType === 'returned_goods' ? 'returned_goods' : c.contentsType,
    customs_certify: true,
    customs_signer: c.signer,
    non_delivery_option: c.nonDeliveryOption,
    restriction_type: 'none',
    ...(c.exportFiling === undefined ? { eel_pfc: 'NOEEI 30.37(a)' } : { eel_pfc: c.exportFiling }),
    customs_items: c.items.map((item) => ({
      description: item.description,
      quantity: item.quantity,
      value: (item.value.amount / (ZERO_DECIMAL.has(item.value.currency) ? 1 : 100)).toFixed(2),
      currency: item.value.currency,
      weight: Math.round((toGrams(item.weight) / 28.349523125) * 10) / 10,
      ...(item.hsCode === undefined ? {} : { hs_tariff_number: item.hsCode.replace(/\./g, '') }),
      origin_country: item.originCountry,
      ...(item.sku === undefined ? {} : { code: item.sku }),
    })),
  };
}
