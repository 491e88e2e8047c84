// A carrier priced from the merchant's own rate table: zones, weight bands,
// flat rates and free shipping over a threshold, for shops on fixed contracts.
import { CarrierError, FulfillmentError } from '../../domain/errors.js';
import { currencyCodes } from '../../domain/money.js';
import type { Label, Rate, ShippingSpeed } from '../../domain/shipment.js';
import type { TrackingStatus } from '../../domain/status.js';
import type { TrackingEvent } from '../../domain/tracking.js';
import { toGrams } from '../../domain/units.js';
import type { CarrierAdapter, CarrierMessage, RateRequest } from '../../ports/carrier.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { matchPostalZone, type PostalZone } from '../zones.js';

/** A price for parcels up to a weight. */
export interface WeightBand {
  /** Heaviest parcel (grams) this band covers. */
  upToGrams: number;
  /** Price per parcel, in minor units of the table's currency. */
  amount: number;
}

/** How one service is priced in one zone: weight bands per parcel, or one flat rate per shipment. */
export interface TableRatePrice {
  /** Bands in ascending weight; each parcel pays the first band that holds it. */
  weightBands?: readonly WeightBand[];
  /** Price for the whole shipment whatever it weighs (when there are no bands), in minor units. */
  flatRate?: number;
  /** Free when `RateRequest.declaredValue` is at least this many minor units. */
  freeOver?: number;
}

/** A service level of the contract. */
export interface TableRateService {
  /** Service code shown on rates and labels (`parcel`, `express-48`). */
  service: string;
  speed: ShippingSpeed;
  /** Business days in transit. */
  transitDays: number;
  /** Price by zone id; zones without an entry are not served by this service. */
  prices: Readonly<Record<string, TableRatePrice>>;
}

/** The merchant's rate table. */
export interface RateTable {
  /** ISO 4217 currency of every amount in the table. */
  currency: string;
  /** Destination zones, narrowest first: the first match wins. */
  zones: readonly PostalZone[];
  services: readonly TableRateService[];
}

/** Options of {@link tableRateCarrier}. */
export interface TableRateCarrierOptions {
  /** The rate table. */
  table: RateTable;
  /**
   * Carrier id stored on shipments.
   * @defaultValue 'table-rate'
   */
  id?: string;
  /**
   * Display name.
   * @defaultValue 'Table Rate'
   */
  name?: string;
  /**
   * Country shipments leave from; any origin when omitted.
   * @defaultValue undefined
   */
  originCountry?: string;
  /**
   * Prefix of the sequential tracking numbers.
   * @defaultValue 'TR'
   */
  trackingPrefix?: string;
  /**
   * Public tracking page of a tracking number.
   * @defaultValue no tracking page (`null`)
   */
  trackingUrl?: (trackingNumber: string) => string | null;
  /**
   * Time source for purchases and scans.
   * @defaultValue systemClock
   */
  clock?: Clock;
}

/** A scan the host records (from a courier's portal, a driver app or a CSV). */
export interface TableRateScan {
  trackingNumber: string;
  status: TrackingStatus;
  /** @defaultValue now */
  occurredAt?: string;
  description?: string;
  location?: string;
}

/** A table-rate carrier: polling-only tracking fed by {@link TableRateCarrier.recordScan}. */
export interface TableRateCarrier extends CarrierAdapter {
  /** Record a scan so `track` (and the engine's `tracking.poll`) sees it. */
  recordScan(scan: TableRateScan): TrackingEvent;
}

interface StoredLabel {
  label: Label;
  events: TrackingEvent[];
  voided: boolean;
}

/**
 * A real carrier for shops that ship under fixed contracts: rates come from
 * the merchant's table, labels get sequential tracking numbers, and tracking
 * is whatever the host records with `recordScan`.
 *
 * @example
 * ```ts
 * const courier = tableRateCarrier({
 *   table: {
 *     currency: 'EUR',
 *     zones: [{ id: 'de', countries: ['DE'] }, { id: 'eu', countries: ['AT', 'FR', 'NL'] }],
 *     services: [
 *       { service: 'parcel', speed: 'standard', transitDays: 2,
 *         prices: { de: { weightBands: [{ upToGrams: 2000, amount: 490 }, { upToGrams: 10000, amount: 790 }], freeOver: 5000 },
 *                   eu: { flatRate: 1490 } } },
 *       { service: 'express', speed: 'express', transitDays: 1, prices: { de: { flatRate: 1290 } } },
 *     ],
 *   },
 * });
 * ```
 */
export function tableRateCarrier(options: TableRateCarrierOptions): TableRateCarrier {
  const table = checkTable(options.table);
  const id = options.id ?? 'table-rate';
  const clock = options.clock ?? systemClock;
  const prefix = options.trackingPrefix ?? 'TR';
  const byKey = new Map<string, StoredLabel>();
  const byTracking = new Map<string, StoredLabel>();
  const message = (code: string, text: string): CarrierMessage => ({ carrierId: id, code, message: text });
  const countries = new Set(table.zones.flatMap((z) => z.countries));
  const international = options.originCountry === undefined ? countries.size > 1 : [...countries].some((c) => c !== options.originCountry);

  function quote(request: RateRequest): { rates: Rate[]; messages: CarrierMessage[] } {
    if (request.parcels.length === 0) return { rates: [], messages: [message('NO_PARCELS', 'Nothing to ship: no parcels')] };
    if (request.currency !== table.currency) {
      return { rates: [], messages: [message('CURRENCY_UNSUPPORTED', `Rates are quoted in ${table.currency} only`)] };
    }
    if (options.originCountry !== undefined && request.from.country !== options.originCountry) {
      return { rates: [], messages: [message('ORIGIN_NOT_SERVED', `Shipments leave from ${options.originCountry} only`)] };
    }
    const zone = matchPostalZone(table.zones, request.to);
    if (zone === null) {
      return { rates: [], messages: [message('NO_SERVICE_TO_DESTINATION', `No zone covers ${request.to.country} ${request.to.postalCode}`)] };
    }
    const grams = request.parcels.map((p) => toGrams(p.weight));
    const value = request.declaredValue?.currency === table.currency ? request.declaredValue.amount : null;
    const rates: Rate[] = [];
    const messages: CarrierMessage[] = [];
    for (const service of table.services) {
      if (request.speed !== undefined && service.speed !== request.speed) continue;
      const price = Object.hasOwn(service.prices, zone.id) ? service.prices[zone.id] : undefined;
      if (price === undefined) {
        messages.push(message('SERVICE_UNAVAILABLE', `${service.service} does not serve zone ${zone.id}`));
        continue;
      }
      const amount = priceOf(price, grams, value);
      if (amount === null) {
        messages.push(message('OVERWEIGHT', `${service.service}: a parcel is heavier than the heaviest band`));
        continue;
      }
      rates.push({
        carrierId: id,
        service: service.service,
        speed: service.speed,
        amount: { amount, currency: table.currency },
        transitDays: service.transitDays,
        estimatedDelivery: addBusinessDays(request.shipDate, service.transitDays),
      });
    }
    if (rates.length === 0 && messages.length === 0) {
      messages.push(message('SERVICE_UNAVAILABLE', `No ${request.speed ?? ''} service in the rate table`.replace('  ', ' ')));
    }
    return { rates, messages };
  }

  function stored(trackingNumber: string): StoredLabel {
    const found = byTracking.get(trackingNumber);
    if (found === undefined) {
      throw new FulfillmentError('NOT_FOUND', `No ${id} label with tracking number ${trackingNumber}`, { details: { trackingNumber } });
    }
    return found;
  }

  function append(entry: StoredLabel, scan: Omit<TableRateScan, 'trackingNumber'>): TrackingEvent {
    const trackingNumber = entry.label.trackingNumber;
    const event: TrackingEvent = {
      carrierId: id,
      trackingNumber,
      status: scan.status,
      occurredAt: scan.occurredAt ?? clock.now().toISOString(),
      eventId: `${trackingNumber}-${entry.events.length}`,
      ...(scan.description === undefined ? {} : { description: scan.description }),
      ...(scan.location === undefined ? {} : { location: scan.location }),
    };
    entry.events.push(event);
    entry.events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    return { ...event };
  }

  return {
    id,
    name: options.name ?? 'Table Rate',
    capabilities: { webhooks: false, polling: true, voidLabels: true, addressValidation: false, international },

    async getRates(request) {
      return quote(request);
    },

    async createShipment(request) {
      const existing = byKey.get(request.idempotencyKey);
      if (existing !== undefined) return { ...existing.label, cost: { ...existing.label.cost } };
      if (request.rate.carrierId !== id) {
        throw new CarrierError(`Rate belongs to carrier "${request.rate.carrierId}"`, { carrierId: id, details: { reason: 'foreign_rate' } });
      }
      const trackingNumber = `${prefix}${String(byKey.size + 1).padStart(8, '0')}`;
      const entry: StoredLabel = {
        label: {
          labelId: `${id}-label-${byKey.size + 1}`,
          trackingNumber,
          trackingUrl: options.trackingUrl?.(trackingNumber) ?? null,
          labelUrl: null,
          cost: { ...request.rate.amount },
          purchasedAt: clock.now().toISOString(),
        },
        events: [],
        voided: false,
      };
      byKey.set(request.idempotencyKey, entry);
      byTracking.set(trackingNumber, entry);
      append(entry, { status: 'pending', description: 'Label created', occurredAt: entry.label.purchasedAt });
      return { ...entry.label, cost: { ...entry.label.cost } };
    },

    async voidShipment(request) {
      const entry = byTracking.get(request.trackingNumber);
      if (entry === undefined || entry.label.labelId !== request.labelId) return { status: 'refused', message: 'No such label' };
      if (entry.voided) return { status: 'voided' };
      // Once the courier has scanned the parcel the label is in use.
      if (entry.events.some((e) => e.status !== 'pending')) return { status: 'refused', message: 'The parcel has been scanned' };
      entry.voided = true;
      append(entry, { status: 'cancelled', description: 'Label voided' });
      return { status: 'voided' };
    },

    async track(trackingNumber) {
      return (byTracking.get(trackingNumber)?.events ?? []).map((e) => ({ ...e }));
    },

    recordScan(scan) {
      const { trackingNumber, ...rest } = scan;
      return append(stored(trackingNumber), rest);
    },
  };
}

function priceOf(price: TableRatePrice, grams: number[], value: number | null): number | null {
  let amount: number;
  if (price.weightBands !== undefined) {
    amount = 0;
    for (const g of grams) {
      const band = price.weightBands.find((b) => g <= b.upToGrams);
      if (band === undefined) return null;
      amount += band.amount;
    }
  } else {
    amount = price.flatRate ?? 0;
  }
  return price.freeOver !== undefined && value !== null && value >= price.freeOver ? 0 : amount;
}

function addBusinessDays(isoDate: string, days: number): string {
  const date = new Date(isoDate);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return date.toISOString();
}

function checkTable(table: RateTable): RateTable {
  const problems: string[] = [];
  if (!currencyCodes.has(table.currency)) problems.push(`unknown currency "${table.currency}"`);
  const zoneIds = new Set(table.zones.map((z) => z.id));
  for (const service of table.services) {
    for (const [zoneId, price] of Object.entries(service.prices)) {
      const where = `${service.service}/${zoneId}`;
      if (!zoneIds.has(zoneId)) problems.push(`${where}: no zone "${zoneId}"`);
      if ((price.weightBands === undefined) === (price.flatRate === undefined)) {
        problems.push(`${where}: give either weightBands or flatRate`);
      }
      const bands = price.weightBands ?? [];
      if (bands.some((b, i) => i > 0 && b.upToGrams <= (bands[i - 1]?.upToGrams ?? 0))) {
        problems.push(`${where}: weight bands must ascend`);
      }
      const amounts = [...bands.map((b) => b.amount), price.flatRate ?? 0];
      if (amounts.some((a) => !Number.isInteger(a) || a < 0)) problems.push(`${where}: amounts are whole minor units`);
    }
  }
  if (problems.length > 0) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Invalid rate table: ${problems.join('; ')}`, { details: { problems } });
  }
  return table;
}
