// A simulated carrier for development and tests: deterministic rates, labels,
// clock-driven tracking and signed webhooks, plus fault injection.
import { type Address, addressSchema } from '../../domain/address.js';
import { CarrierError, FulfillmentError } from '../../domain/errors.js';
import { minorUnitDigits } from '../../domain/money.js';
import type { Label, Rate, ShippingSpeed } from '../../domain/shipment.js';
import type { TrackingEvent } from '../../domain/tracking.js';
import { toGrams } from '../../domain/units.js';
import type { AddressValidation, CarrierAdapter, CarrierMessage, LabelRequest, RateRequest, VoidResult } from '../../ports/carrier.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import {
  DEFAULT_SIGNATURE_TOLERANCE,
  readHeader,
  SIGNATURE_HEADER,
  type SignedWebhookRequest,
  signWebhook,
  verifyWebhook,
} from '../../tracking/webhook-signature.js';
import { type SandboxCarrierOperation, type SandboxFault, type SandboxFaultOptions, sandboxFaults } from '../../sandbox/sandbox-faults.js';
import {
  SANDBOX_PICKUP_DELAY_MS,
  type SandboxScan,
  type SandboxScenario,
  sandboxTimeline,
  scansUntil,
  toTrackingEvent,
} from './sandbox-tracking.js';
import { stableId } from '../../sandbox/stable-id.js';
import { type ShippingZone, shippingZone } from '../zones.js';

export type { SandboxScenario } from './sandbox-tracking.js';

/** Options of {@link sandboxCarrier}. */
export interface SandboxCarrierOptions extends SandboxFaultOptions<SandboxCarrierOperation> {
  /**
   * Carrier id stored on shipments.
   * @defaultValue 'sandbox'
   */
  id?: string;
  /**
   * Display name.
   * @defaultValue 'Sandbox Carrier'
   */
  name?: string;
  /**
   * Secret that signs and verifies webhooks.
   * @defaultValue 'whsec_sandbox'
   */
  secret?: string;
  /**
   * Country every shipment must start from; any origin when omitted.
   * @defaultValue undefined
   */
  originCountry?: string;
  /**
   * Countries served; all when omitted. Others get `NO_SERVICE_TO_DESTINATION`.
   * @defaultValue undefined
   */
  destinations?: readonly string[];
  /**
   * Transit days per speed for domestic routes (regional adds 1, international 3); `false` withdraws a service.
   * Overnight is never offered across borders.
   * @defaultValue `{ economy: 6, standard: 4, express: 2, overnight: 1 }`
   */
  services?: Partial<Record<ShippingSpeed, number | false>>;
  /**
   * Heaviest parcel accepted, in grams; heavier ones get `OVERWEIGHT`.
   * @defaultValue 30000
   */
  maxParcelGrams?: number;
  /**
   * How each parcel's journey ends, for all parcels or per tracking number.
   * @defaultValue 'delivered'
   */
  scenario?: SandboxScenario | ((trackingNumber: string) => SandboxScenario);
  /**
   * Seconds a webhook signature stays valid.
   * @defaultValue 300
   */
  signatureTolerance?: number;
  /**
   * Public tracking page of a tracking number.
   * @defaultValue `https://tracking.example/<trackingNumber>`
   */
  trackingUrl?: (trackingNumber: string) => string | null;
  /**
   * Time source for label purchase, tracking progress and signatures.
   * @defaultValue systemClock
   */
  clock?: Clock;
  /**
   * How voids settle: at once, or (`'async'`) `pending` until `voidSettleMs`
   * later, then `voided` with a `cancelled` scan, as carriers that refund labels later do.
   * @defaultValue 'instant'
   */
  voids?: 'instant' | 'async';
  /**
   * Milliseconds an async void stays pending.
   * @defaultValue 3600000 (one hour)
   */
  voidSettleMs?: number;
  /**
   * Refuse a purchase whose rate lacks the `providerRef` the sandbox quoted with it,
   * as EasyPost refuses a rate id it did not issue.
   * @defaultValue false (a rate without `providerRef` is bought by its service)
   */
  requireProviderRef?: boolean;
}

/** The sandbox carrier: a full {@link CarrierAdapter} plus helpers that play the carrier's side. */
export interface SandboxCarrier extends CarrierAdapter {
  validateAddress(address: Address): Promise<AddressValidation>;
  parseWebhook(rawBody: string | Uint8Array, headers: Record<string, string | string[] | undefined>): Promise<TrackingEvent[]>;
  /** The signed `tracker.updated` webhook the carrier would send now, carrying every scan so far. */
  webhookFor(trackingNumber: string, options?: { signedAt?: Date }): Promise<SignedWebhookRequest>;
  /** One signed webhook per scan that happened after `since` (all scans when omitted), oldest first. */
  webhooksSince(since?: Date): Promise<SignedWebhookRequest[]>;
  /** The whole planned journey of a label, future scans included, normalized. */
  schedule(trackingNumber: string): TrackingEvent[];
  /** Labels bought so far, oldest first, on this carrier's backend (shared with {@link SandboxCarrier.open}). */
  labels(): Label[];
  /** A second adapter instance on the same backend, as another process of the shop would have. */
  open(): SandboxCarrier;
  /** Make this instance's next call fail as a remote carrier would (see {@link SandboxFault}). */
  injectFault(fault: Exclude<SandboxFault, null>): void;
}

const DEFAULT_SERVICES: Record<ShippingSpeed, number> = { economy: 6, standard: 4, express: 2, overnight: 1 };
const ZONE_EXTRA_DAYS: Record<ShippingZone, number> = { local: 0, domestic: 0, regional: 1, international: 3 };
// Prices in major units of the requested currency: base by zone × speed, plus per started kilogram.
const ZONE_BASE: Record<ShippingZone, number> = { local: 4, domestic: 6, regional: 12, international: 24 };
const ZONE_PER_KG: Record<ShippingZone, number> = { local: 0.5, domestic: 1, regional: 3, international: 6 };
const SPEED_FACTOR: Record<ShippingSpeed, number> = { economy: 0.75, standard: 1, express: 1.6, overnight: 2.5 };
const DAY = 86_400_000;

interface StoredLabel {
  label: Label;
  /** The service bought, for checks that the requested one was. */
  service: string;
  journey: Parameters<typeof sandboxTimeline>[0];
  voidKeys: Set<string>;
}

// The carrier's side: what every instance opened on it shares.
interface SandboxBackend {
  byKey: Map<string, StoredLabel>;
  byTracking: Map<string, StoredLabel>;
}

/**
 * A carrier that behaves like a real one without a network: prices by zone,
 * weight and speed; labels idempotent by key; tracking that advances with the
 * clock (failed attempts and returns when the scenario says so); webhooks
 * signed with `secret` so the verified-webhook path runs end to end.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * const sandbox = sandboxCarrier({ clock, scenario: 'failed_then_delivered' });
 * const ff = createFulfillment({ carriers: [sandbox], clock });
 * // ... ship an order, then let a week pass and deliver the carrier's webhooks:
 * clock.advance(7 * 86_400_000);
 * for (const webhook of await sandbox.webhooksSince()) await ff.tracking.handleWebhook('sandbox', webhook);
 * ```
 */
export function sandboxCarrier(options: SandboxCarrierOptions = {}): SandboxCarrier {
  return openSandboxCarrier(options, { byKey: new Map(), byTracking: new Map() });
}

function openSandboxCarrier(options: SandboxCarrierOptions, backend: SandboxBackend): SandboxCarrier {
  const id = options.id ?? 'sandbox';
  const secret = options.secret ?? 'whsec_sandbox';
  const clock = options.clock ?? systemClock;
  const services = { ...DEFAULT_SERVICES, ...options.services };
  const maxParcelGrams = options.maxParcelGrams ?? 30_000;
  const trackingUrl = options.trackingUrl ?? ((tn: string) => `https://tracking.example/${tn}`);
  const faults = sandboxFaults(options, (operation, reason, retryable) =>
    new CarrierError(`Sandbox ${operation} failed: ${reason}`, { carrierId: id, retryable, details: { operation, reason } }),
  );
  const { byKey, byTracking } = backend;
  const message = (code: string, text: string): CarrierMessage => ({ carrierId: id, code, message: text });

  function quote(request: RateRequest): { rates: Rate[]; messages: CarrierMessage[] } {
    const messages: CarrierMessage[] = [];
    if (request.parcels.length === 0) return { rates: [], messages: [message('NO_PARCELS', 'Nothing to ship: no parcels')] };
    if (options.originCountry !== undefined && request.from.country !== options.originCountry) {
      messages.push(message('ORIGIN_NOT_SERVED', `Sandbox ships only from ${options.originCountry}`));
      return { rates: [], messages };
    }
    if (options.destinations !== undefined && !options.destinations.includes(request.to.country)) {
      return { rates: [], messages: [message('NO_SERVICE_TO_DESTINATION', `No service to ${request.to.country}`)] };
    }
    const grams = request.parcels.map((p) => toGrams(p.weight));
    const heaviest = Math.max(...grams);
    if (heaviest > maxParcelGrams) {
      return { rates: [], messages: [message('OVERWEIGHT', `A parcel weighs ${Math.round(heaviest)} g; the limit is ${maxParcelGrams} g`)] };
    }
    const zone = shippingZone(request.from, request.to);
    const kilos = grams.reduce((sum, g) => sum + Math.max(1, Math.ceil(g / 1000)), 0);
    const scale = 10 ** minorUnitDigits(request.currency);
    const rates: Rate[] = [];
    for (const speed of Object.keys(DEFAULT_SERVICES) as ShippingSpeed[]) {
      const days = services[speed];
      if (days === false || days === undefined || (request.speed !== undefined && request.speed !== speed)) continue;
      if (speed === 'overnight' && (zone === 'regional' || zone === 'international')) {
        messages.push(message('SERVICE_UNAVAILABLE', 'Overnight is domestic only'));
        continue;
      }
      const transitDays = days + ZONE_EXTRA_DAYS[zone];
      const units = ZONE_BASE[zone] * SPEED_FACTOR[speed] * request.parcels.length + ZONE_PER_KG[zone] * kilos;
      const amount = { amount: Math.round(units * scale), currency: request.currency };
      rates.push({
        carrierId: id,
        service: `sandbox_${speed}`,
        speed,
        amount,
        transitDays,
        estimatedDelivery: new Date(Date.parse(request.shipDate) + transitDays * DAY).toISOString(),
        providerRef: { rateId: rateId(`sandbox_${speed}`, amount.amount, amount.currency), service: `sandbox_${speed}` },
      });
    }
    if (rates.length === 0 && messages.length === 0) {
      messages.push(message('SERVICE_UNAVAILABLE', `No ${request.speed ?? ''} service is enabled`.replace('  ', ' ')));
    }
    return { rates, messages };
  }

  function purchase(request: LabelRequest): StoredLabel {
    const existing = byKey.get(request.idempotencyKey);
    if (existing !== undefined) return existing;
    if (request.rate.carrierId !== id) {
      throw new CarrierError(`Rate belongs to carrier "${request.rate.carrierId}"`, { carrierId: id, details: { reason: 'foreign_rate' } });
    }
    checkProviderRef(request);
    let trackingNumber = `SBX${stableId(`${id}:${request.idempotencyKey}`, 12, '0123456789')}`;
    for (let n = 1; byTracking.has(trackingNumber); n++) {
      trackingNumber = `SBX${stableId(`${id}:${request.idempotencyKey}:${n}`, 12, '0123456789')}`;
    }
    const purchasedAt = clock.now();
    const scenario = typeof options.scenario === 'function' ? options.scenario(trackingNumber) : (options.scenario ?? 'delivered');
    const stored: StoredLabel = {
      service: request.rate.service,
      label: {
        labelId: `lbl_${stableId(`${id}:${trackingNumber}`, 16)}`,
        trackingNumber,
        trackingUrl: trackingUrl(trackingNumber),
        labelUrl: `https://labels.example/${trackingNumber}.pdf`,
        cost: { ...request.rate.amount },
        purchasedAt: purchasedAt.toISOString(),
      },
      journey: {
        trackingNumber,
        purchasedAt,
        transitDays: request.rate.transitDays ?? DEFAULT_SERVICES[request.rate.speed],
        scenario,
        originCity: request.from.city,
        destinationCity: request.to.city,
        voidedAt: null,
      },
      voidKeys: new Set(),
    };
    byKey.set(request.idempotencyKey, stored);
    byTracking.set(trackingNumber, stored);
    return stored;
  }

  // The reference a quote carries; a purchase must present it unchanged.
  function rateId(service: string, amount: number, currency: string): string {
    return `rate_${stableId(`${id}:${service}:${amount}:${currency}`, 16)}`;
  }

  function checkProviderRef(request: LabelRequest): void {
    const ref = request.rate.providerRef as { rateId?: unknown; service?: unknown } | undefined | null;
    if (ref === undefined && !options.requireProviderRef) return;
    const { service, amount } = request.rate;
    const valid =
      ref !== null && typeof ref === 'object' && ref.service === service && ref.rateId === rateId(service, amount.amount, amount.currency);
    if (!valid) {
      throw new CarrierError('The rate was not quoted by this carrier (providerRef missing or altered)', {
        carrierId: id,
        details: { reason: 'unknown_rate' },
      });
    }
  }

  async function signed(trackingNumber: string, scans: SandboxScan[], signedAt: Date): Promise<SignedWebhookRequest> {
    const rawBody = JSON.stringify({
      id: `whk_${stableId(`${trackingNumber}:${scans.map((s) => s.id).join(',')}`, 16)}`,
      type: 'tracker.updated',
      carrier: id,
      tracking_number: trackingNumber,
      events: scans,
    });
    const signature = await signWebhook({ secret, payload: rawBody, timestamp: signedAt });
    return { headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature }, rawBody };
  }

  function storedLabel(trackingNumber: string): StoredLabel {
    const stored = byTracking.get(trackingNumber);
    if (stored === undefined) {
      throw new FulfillmentError('NOT_FOUND', `No sandbox label with tracking number ${trackingNumber}`, { details: { trackingNumber } });
    }
    return stored;
  }

  return {
    id,
    name: options.name ?? 'Sandbox Carrier',
    capabilities: { webhooks: true, polling: true, voidLabels: true, addressValidation: true, international: true },

    async getRates(request) {
      const late = await faults.enter('getRates');
      const result = quote(request);
      faults.exit('getRates', late);
      return result;
    },

    async createShipment(request) {
      const late = await faults.enter('createShipment');
      const stored = purchase(request);
      faults.exit('createShipment', late);
      return { ...stored.label, cost: { ...stored.label.cost } };
    },

    async voidShipment(request) {
      const late = await faults.enter('voidShipment');
      const stored = byTracking.get(request.trackingNumber);
      let answer: VoidResult = { status: 'refused', message: 'No such label' };
      if (stored !== undefined && stored.label.labelId === request.labelId) {
        const now = clock.now();
        if (stored.journey.voidedAt === null) {
          if (now.getTime() - stored.journey.purchasedAt.getTime() < SANDBOX_PICKUP_DELAY_MS) {
            // An async void takes effect (and shows as a LABEL_VOIDED scan) once it settles.
            const settle = options.voids === 'async' ? (options.voidSettleMs ?? 3_600_000) : 0;
            stored.journey.voidedAt = new Date(now.getTime() + settle);
          }
        }
        const voidedAt = stored.journey.voidedAt;
        if (voidedAt === null) answer = { status: 'refused', message: 'The parcel has been picked up' };
        else answer = voidedAt.getTime() <= now.getTime() ? { status: 'voided' } : { status: 'pending', message: 'Refund requested' };
        if (answer.status !== 'refused') stored.voidKeys.add(request.idempotencyKey);
      }
      faults.exit('voidShipment', late);
      return answer;
    },

    async track(trackingNumber) {
      const late = await faults.enter('track');
      const stored = byTracking.get(trackingNumber);
      const events = stored === undefined ? [] : scansUntil(stored.journey, clock.now()).map((s) => toTrackingEvent(id, trackingNumber, s));
      faults.exit('track', late);
      return events;
    },

    async validateAddress(address) {
      const parsed = addressSchema.safeParse(address);
      if (parsed.success) return { valid: true, messages: [], suggestion: null };
      const tidy = { ...address, postalCode: address.postalCode.trim().toUpperCase(), country: address.country.trim().toUpperCase() };
      const retry = addressSchema.safeParse(tidy);
      return {
        valid: false,
        messages: parsed.error.issues.map((issue) => message('INVALID_ADDRESS', `${issue.path.join('.')}: ${issue.message}`)),
        suggestion: retry.success ? retry.data : null,
      };
    },

    async parseWebhook(rawBody, headers) {
      const late = await faults.enter('parseWebhook');
      await verifyWebhook({
        secret,
        payload: rawBody,
        header: readHeader(headers, SIGNATURE_HEADER),
        tolerance: options.signatureTolerance ?? DEFAULT_SIGNATURE_TOLERANCE,
        now: clock.now(),
      });
      const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
      const body = parseBody(text);
      if (body === null || body.carrier !== id) {
        throw new CarrierError('Sandbox webhook body is not a tracker update for this carrier', { carrierId: id, details: { reason: 'malformed_body' } });
      }
      faults.exit('parseWebhook', late);
      return body.events.map((scan) => toTrackingEvent(id, body.tracking_number, scan));
    },

    async webhookFor(trackingNumber, webhookOptions = {}) {
      const stored = storedLabel(trackingNumber);
      const signedAt = webhookOptions.signedAt ?? clock.now();
      return signed(trackingNumber, scansUntil(stored.journey, clock.now()), signedAt);
    },

    async webhooksSince(since) {
      const now = clock.now();
      const after = since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const due: [string, SandboxScan][] = [];
      for (const stored of byTracking.values()) {
        for (const scan of scansUntil(stored.journey, now)) {
          if (Date.parse(scan.occurred_at) > after) due.push([stored.label.trackingNumber, scan]);
        }
      }
      due.sort((a, b) => a[1].occurred_at.localeCompare(b[1].occurred_at));
      return Promise.all(due.map(([tn, scan]) => signed(tn, [scan], now)));
    },

    schedule(trackingNumber) {
      return sandboxTimeline(storedLabel(trackingNumber).journey).map((s) => toTrackingEvent(id, trackingNumber, s));
    },

    labels() {
      return [...byKey.values()].map((s) => ({ ...s.label, cost: { ...s.label.cost } }));
    },

    open: () => openSandboxCarrier(options, backend),

    injectFault(fault) {
      faults.inject(fault);
    },
  };
}

interface SandboxWebhookBody {
  carrier: string;
  tracking_number: string;
  events: SandboxScan[];
}

function parseBody(text: string): SandboxWebhookBody | null {
  try {
    const body = JSON.parse(text) as Partial<SandboxWebhookBody>;
    if (typeof body.tracking_number !== 'string' || typeof body.carrier !== 'string' || !Array.isArray(body.events)) return null;
    const scansValid = body.events.every(
      (s) => typeof s?.id === 'string' && typeof s.code === 'string' && typeof s.occurred_at === 'string',
    );
    return scansValid ? (body as SandboxWebhookBody) : null;
  } catch {
    return null;
  }
}
