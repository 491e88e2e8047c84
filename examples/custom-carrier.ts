// A complete carrier adapter as a plugin author writes one: "Harbour Couriers",
// a regional courier in the Netherlands with zone prices and signed webhooks.
import {
  type CarrierAdapter,
  CarrierError,
  type CarrierMessage,
  type Label,
  type Rate,
  type RateRequest,
  type TrackingEvent,
  type TrackingIncidentReason,
  toGrams,
} from 'fulfillkit';
import { type CarrierStatusMap, normalizeCarrierStatus, readHeader, signWebhook, verifyWebhook } from 'fulfillkit/adapters';

// ---- the courier's API, as its SDK would expose it ----------------------------

/** One scan in Harbour's own vocabulary. */
export interface HarbourScan {
  scanId: string;
  code: 'REGISTERED' | 'COLLECTED' | 'AT_HUB' | 'ON_VAN' | 'NOT_HOME' | 'DELIVERED' | 'RETURNED' | 'CANCELLED';
  at: string;
  depot: string;
}

/** A label as Harbour's API returns it. */
export interface HarbourLabel {
  id: string;
  barcode: string;
  service: string;
  pdfUrl: string;
  createdAt: string;
}

/** What Harbour sometimes answers with status 200 when a request failed. */
export interface HarbourErrorBody {
  error: { code: string; message: string };
}

/** Per-request options: the deadline of the engine's attempt. */
export interface HarbourRequestOptions {
  signal?: AbortSignal;
}

/**
 * The slice of Harbour's HTTP API the adapter uses. Failed requests reject
 * with an error carrying the HTTP `status` (none for network errors and timeouts).
 */
export interface HarbourApi {
  /** Buys a label; Harbour honours `Idempotency-Key`, so a retry returns the first label. */
  createLabel(
    input: { service: string; postcode: string; grams: number; idempotencyKey: string },
    options?: HarbourRequestOptions,
  ): Promise<HarbourLabel | HarbourErrorBody>;
  /** `false` once the parcel has been collected. */
  cancelLabel(id: string, options?: HarbourRequestOptions): Promise<boolean>;
  /** Scans so far; an unknown barcode answers 404. */
  scans(barcode: string, options?: HarbourRequestOptions): Promise<HarbourScan[] | 'not_found'>;
}

// ---- the adapter ----------------------------------------------------------------

/** Options of {@link harbourCouriers}. */
export interface HarbourCouriersOptions {
  /** Client for Harbour's API. */
  api: HarbourApi;
  /** Secret from Harbour's dashboard that signs its webhooks. */
  webhookSecret: string;
  /**
   * Seconds a webhook signature stays valid.
   * @defaultValue 300
   */
  signatureTolerance?: number;
  /**
   * Time source for signature checks.
   * @defaultValue the wall clock
   */
  now?: () => Date;
}

// Harbour prices by the first two digits of the Dutch postcode.
const ZONES = [
  { zone: 'randstad', prefixes: ['10', '11', '20', '21', '22', '23', '25', '26', '27', '28', '30', '31', '35'], base: 495 },
  { zone: 'north', prefixes: ['78', '79', '83', '84', '85', '86', '87', '88', '89', '90', '91', '92', '93', '94', '95', '96', '97', '98', '99'], base: 695 },
];
const OTHER_NL = 595;
const PER_KG = 45;
const MAX_GRAMS = 20_000;
const SERVICES = [
  { service: 'harbour-next-day', speed: 'standard', transitDays: 1, factor: 1 },
  { service: 'harbour-same-day', speed: 'express', transitDays: 0, factor: 2 },
] as const;

const HARBOUR_STATUSES: CarrierStatusMap = {
  REGISTERED: 'pending',
  COLLECTED: 'picked_up',
  AT_HUB: 'in_transit',
  ON_VAN: 'out_for_delivery',
  NOT_HOME: 'delivery_failed',
  DELIVERED: 'delivered',
  RETURNED: 'return_to_sender',
  CANCELLED: 'cancelled',
};

// Harbour's incident scans, in fulfillkit's incident vocabulary.
const HARBOUR_REASONS: Partial<Record<HarbourScan['code'], TrackingIncidentReason>> = {
  NOT_HOME: 'recipient_unavailable',
  RETURNED: 'recipient_unavailable',
};

/**
 * Harbour Couriers: next-day and same-day delivery within the Netherlands.
 *
 * @example
 * ```ts
 * const ff = createFulfillment({ carriers: [harbourCouriers({ api, webhookSecret: process.env.HARBOUR_SECRET! })] });
 * ```
 */
export function harbourCouriers(options: HarbourCouriersOptions): CarrierAdapter {
  const id = 'harbour';
  const now = options.now ?? (() => new Date());
  const message = (code: string, text: string): CarrierMessage => ({ carrierId: id, code, message: text });

  // Every API failure becomes a CarrierError: retryable for timeouts and 5xx, final otherwise.
  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const status = (error as { status?: number }).status;
      const retryable = status === undefined || status >= 500 || status === 429;
      throw new CarrierError(`Harbour ${what} failed`, { carrierId: id, retryable, cause: error, details: { status } });
    }
  }

  const toEvent = (barcode: string, scan: HarbourScan): TrackingEvent => ({
    carrierId: id,
    trackingNumber: barcode,
    status: normalizeCarrierStatus(scan.code, HARBOUR_STATUSES),
    occurredAt: scan.at,
    eventId: scan.scanId,
    carrierStatus: scan.code,
    location: scan.depot,
    ...(HARBOUR_REASONS[scan.code] ? { reason: HARBOUR_REASONS[scan.code] } : {}),
  });

  return {
    id,
    name: 'Harbour Couriers',
    capabilities: { webhooks: true, polling: true, voidLabels: true, addressValidation: false, international: false },

    async getRates(request: RateRequest) {
      if (request.to.country !== 'NL' || request.from.country !== 'NL') {
        return { rates: [], messages: [message('NO_SERVICE_TO_DESTINATION', 'Harbour delivers within the Netherlands only')] };
      }
      if (request.currency !== 'EUR') return { rates: [], messages: [message('CURRENCY_UNSUPPORTED', 'Harbour quotes in EUR')] };
      const grams = request.parcels.reduce((sum, p) => sum + toGrams(p.weight), 0);
      if (grams > MAX_GRAMS) return { rates: [], messages: [message('OVERWEIGHT', `Harbour carries up to ${MAX_GRAMS / 1000} kg per shipment`)] };
      const prefix = request.to.postalCode.slice(0, 2);
      const base = ZONES.find((z) => z.prefixes.includes(prefix))?.base ?? OTHER_NL;
      const amount = base + PER_KG * Math.ceil(grams / 1000);
      const rates: Rate[] = SERVICES.filter((s) => request.speed === undefined || s.speed === request.speed).map((s) => ({
        carrierId: id,
        service: s.service,
        speed: s.speed,
        amount: { amount: amount * s.factor, currency: 'EUR' },
        transitDays: s.transitDays,
        estimatedDelivery: new Date(Date.parse(request.shipDate) + s.transitDays * 86_400_000).toISOString(),
      }));
      return { rates, messages: rates.length > 0 ? [] : [message('SERVICE_UNAVAILABLE', `No ${request.speed} service`)] };
    },

    async createShipment(request, callOptions) {
      const grams = request.parcels.reduce((sum, p) => sum + toGrams(p.weight), 0);
      const answer = await call('createLabel', () =>
        options.api.createLabel(
          { service: request.rate.service, postcode: request.to.postalCode, grams: Math.round(grams), idempotencyKey: request.idempotencyKey },
          { signal: callOptions?.signal },
        ),
      );
      // "200 OK" with an error inside is a failed purchase, never a label.
      if ('error' in answer || typeof answer.barcode !== 'string' || answer.barcode === '') {
        const error = 'error' in answer ? answer.error : { code: 'EMPTY_LABEL', message: 'no barcode in the answer' };
        throw new CarrierError(`Harbour refused the label: ${error.message}`, { carrierId: id, details: { reason: 'error_body', code: error.code } });
      }
      const label = answer;
      const result: Label = {
        labelId: label.id,
        trackingNumber: label.barcode,
        trackingUrl: `https://harbour.example/track/${label.barcode}`,
        labelUrl: label.pdfUrl,
        cost: { ...request.rate.amount },
        purchasedAt: label.createdAt,
      };
      return result;
    },

    async voidShipment(request, callOptions) {
      const cancelled = await call('cancelLabel', () => options.api.cancelLabel(request.labelId, { signal: callOptions?.signal }));
      return cancelled ? { status: 'voided' } : { status: 'refused', message: 'Harbour refused: the parcel is already scanned' };
    },

    async track(trackingNumber, callOptions) {
      const scans = await call('scans', () => options.api.scans(trackingNumber, { signal: callOptions?.signal }));
      return scans === 'not_found' ? [] : scans.map((scan) => toEvent(trackingNumber, scan));
    },

    async parseWebhook(rawBody, headers) {
      // Verify first, over the exact bytes received; parse only what is authentic.
      await verifyWebhook({
        secret: options.webhookSecret,
        payload: rawBody,
        header: readHeader(headers, 'harbour-signature'),
        tolerance: options.signatureTolerance ?? 300,
        now: now(),
      });
      const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
      const body = JSON.parse(text) as { barcode: string; scans: HarbourScan[] };
      return body.scans.map((scan) => toEvent(body.barcode, scan));
    },
  };
}

// ---- a stand-in for Harbour's API, for tests and local development ----------------

/** How the stand-in can misbehave on its next request, as Harbour's servers sometimes do. */
export type HarbourFault = 'server_error' | 'rate_limited' | 'timeout' | 'network_error' | 'client_error' | 'error_body' | 'lost_reply';

const httpError = (status: number | undefined, message: string) => Object.assign(new Error(message), { status });

/** An in-memory Harbour: labels, collection two hours after purchase, and the webhooks it would send. */
export function harbourTestApi(options: { webhookSecret: string; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  const labels = new Map<string, HarbourLabel & { scans: HarbourScan[] }>();
  const faults: HarbourFault[] = [];
  let sequence = 0;
  const byBarcode = (barcode: string) => [...labels.values()].find((l) => l.barcode === barcode);
  // Fail before doing anything, as a 5xx, 429, 4xx, timeout or dropped connection would.
  const failBefore = (fault: HarbourFault | undefined) => {
    if (fault === 'server_error') throw httpError(503, 'Service Unavailable');
    if (fault === 'rate_limited') throw httpError(429, 'Too Many Requests');
    if (fault === 'client_error') throw httpError(400, 'Bad Request');
    if (fault === 'timeout') throw Object.assign(httpError(undefined, 'The operation timed out'), { name: 'TimeoutError' });
    if (fault === 'network_error') throw httpError(undefined, 'fetch failed: ECONNRESET');
  };

  const api: HarbourApi = {
    async createLabel(input) {
      const fault = faults.shift();
      failBefore(fault);
      if (fault === 'error_body') return { error: { code: 'SERVICE_SUSPENDED', message: 'Same-day is suspended today' } };
      let label = labels.get(input.idempotencyKey);
      if (!label) {
        sequence += 1;
        const barcode = `HBR${String(sequence).padStart(9, '0')}NL`;
        const createdAt = now().toISOString();
        label = { id: `hl_${sequence}`, barcode, service: input.service, pdfUrl: `https://harbour.example/labels/${barcode}.pdf`, createdAt, scans: [] };
        label.scans.push({ scanId: `${barcode}-0`, code: 'REGISTERED', at: createdAt, depot: 'Rotterdam' });
        labels.set(input.idempotencyKey, label);
      }
      // The label exists, but the answer never reaches the shop.
      if (fault === 'lost_reply') throw httpError(undefined, 'socket hang up');
      const { scans: _scans, ...answer } = label;
      return answer;
    },
    async cancelLabel(id) {
      failBefore(faults.shift());
      const label = [...labels.values()].find((l) => l.id === id);
      if (!label || label.scans.some((s) => s.code !== 'REGISTERED' && s.code !== 'CANCELLED')) return false;
      if (!label.scans.some((s) => s.code === 'CANCELLED')) {
        label.scans.push({ scanId: `${label.barcode}-${label.scans.length}`, code: 'CANCELLED', at: now().toISOString(), depot: 'Rotterdam' });
      }
      return true;
    },
    async scans(barcode) {
      failBefore(faults.shift());
      return byBarcode(barcode)?.scans.map((s) => ({ ...s })) ?? 'not_found';
    },
  };

  return {
    api,
    /** Make the next request fail with `fault`. */
    failNext(fault: HarbourFault) {
      faults.push(fault);
    },
    /** Labels sold so far. */
    labelsSold: () => labels.size,
    /** The service sold for a barcode. */
    serviceOf: (barcode: string) => byBarcode(barcode)?.service,
    /** Record a scan, as a Harbour driver's handheld would. */
    scan(barcode: string, code: HarbourScan['code'], depot = 'Amsterdam') {
      const label = byBarcode(barcode);
      if (!label) throw new Error(`Unknown barcode ${barcode}`);
      label.scans.push({ scanId: `${barcode}-${label.scans.length}`, code, at: now().toISOString(), depot });
    },
    /** The webhook Harbour would POST now, signed with `signedAt` (default now). */
    async webhook(barcode: string, signedAt: Date = now()) {
      const rawBody = JSON.stringify({ barcode, scans: byBarcode(barcode)?.scans ?? [] });
      const signature = await signWebhook({ secret: options.webhookSecret, payload: rawBody, timestamp: signedAt });
      return { rawBody, headers: { 'content-type': 'application/json', 'harbour-signature': signature } };
    },
  };
}
