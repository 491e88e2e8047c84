// Rate shopping: order carrier rates by the shop's policy. The engine buys
// the first and falls back to the next when a carrier fails.
import { FulfillmentError } from '../domain/errors.js';
import type { Rate, ShippingSpeed } from '../domain/shipment.js';

/** What a selection may consider besides the rates. */
export interface RateSelectionContext {
  /** Speed the customer chose. */
  speed: ShippingSpeed;
  /** Latest acceptable delivery (ISO 8601), or `null`. */
  deliverBy: string | null;
  /** The engine clock's now, from which transit days are counted. */
  now: Date;
}

/** A built-in policy, or a host function returning rates in preference order. */
export type RateSelection =
  | 'cheapest'
  | 'fastest'
  | 'deliverBy'
  | ((rates: Rate[], context: RateSelectionContext) => Rate[]);

const SPEED_RANK: Record<ShippingSpeed, number> = { economy: 0, standard: 1, express: 2, overnight: 3 };

/**
 * Add business days (Monday to Friday, UTC) to a date, keeping the time of
 * day. Starting on a weekend, the first business day counted is the Monday.
 * Zero days returns the same instant; negative days count backwards.
 *
 * @example
 * ```ts
 * addBusinessDays(new Date('2026-11-27T10:00:00Z'), 1); // Friday + 1 → Monday 2026-11-30T10:00:00Z
 * ```
 */
export function addBusinessDays(date: Date, days: number): Date {
  if (!Number.isInteger(days)) {
    throw new FulfillmentError('VALIDATION_FAILED', `Business days must be a whole number, got ${days}`, {
      details: { issues: [{ path: 'days', message: 'must be an integer' }] },
    });
  }
  const result = new Date(date.getTime());
  const step = days < 0 ? -1 : 1;
  let left = Math.abs(days);
  while (left > 0) {
    result.setUTCDate(result.getUTCDate() + step);
    const day = result.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return result;
}

/**
 * The calendar day (YYYY-MM-DD) a rate is expected to arrive: the carrier's
 * `estimatedDelivery` as written, else `now` plus `transitDays` business days
 * (UTC), else `null` when the carrier gave neither.
 *
 * @example
 * ```ts
 * arrivalDay({ ...rate, estimatedDelivery: null, transitDays: 2 }, new Date('2026-11-30T09:00:00Z')); // '2026-12-02'
 * ```
 */
export function arrivalDay(rate: Rate, now: Date): string | null {
  if (rate.estimatedDelivery) {
    const written = /^\d{4}-\d{2}-\d{2}/.exec(rate.estimatedDelivery);
    if (written) return written[0];
    const parsed = new Date(rate.estimatedDelivery);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString().slice(0, 10);
  }
  if (rate.transitDays !== null) return addBusinessDays(now, rate.transitDays).toISOString().slice(0, 10);
  return null;
}

/**
 * Rank rates, best first. The engine buys the first and falls back down the
 * list on carrier failure.
 *
 * - `cheapest`: among rates at least as fast as `context.speed` (economy <
 *   standard < express < overnight) — or all rates when none is — by amount,
 *   then fewer transit days, then carrier id and service.
 * - `fastest`: by transit days (unknown last), then amount.
 * - `deliverBy`: rates arriving on or before the `deliverBy` day, cheapest
 *   first. Days are compared as calendar dates because carriers promise a
 *   day, not an hour. When none arrives in time, or `deliverBy` is `null`,
 *   every rate ranked fastest first, so the order is as little late as possible.
 * - a function: its answer, which must contain only rates from `rates`
 *   (duplicates dropped).
 *
 * Amounts are compared within one currency; the caller asks every carrier for
 * the same currency.
 *
 * @throws FulfillmentError `CONFIGURATION_ERROR` for an unknown policy or a
 *   function that invents rates.
 *
 * @example
 * ```ts
 * const [best, ...fallbacks] = rankRates(quote.rates, 'cheapest', { speed: 'standard', deliverBy: null, now: clock.now() });
 * ```
 */
export function rankRates(rates: Rate[], selection: RateSelection, context: RateSelectionContext): Rate[] {
  if (typeof selection === 'function') return hostRanking(rates, selection, context);
  switch (selection) {
    case 'cheapest': {
      const wanted = SPEED_RANK[context.speed] ?? 0;
      const fastEnough = rates.filter((r) => (SPEED_RANK[r.speed] ?? 0) >= wanted);
      return [...(fastEnough.length > 0 ? fastEnough : rates)].sort(byPrice);
    }
    case 'fastest':
      return [...rates].sort(bySpeed);
    case 'deliverBy': {
      if (context.deliverBy === null) return [...rates].sort(bySpeed);
      const deadline = deadlineDay(context.deliverBy);
      const inTime = rates.filter((r) => {
        const day = arrivalDay(r, context.now);
        return day !== null && day <= deadline;
      });
      return inTime.length > 0 ? inTime.sort(byPrice) : [...rates].sort(bySpeed);
    }
    default:
      throw new FulfillmentError('CONFIGURATION_ERROR', `Unknown rate selection "${String(selection)}"`, {
        details: { selection: String(selection), known: ['cheapest', 'fastest', 'deliverBy'] },
      });
  }
}

// The deadline day as the customer wrote it (its own offset), not shifted to UTC.
function deadlineDay(deliverBy: string): string {
  const written = /^\d{4}-\d{2}-\d{2}/.exec(deliverBy);
  if (written) return written[0];
  const parsed = new Date(deliverBy);
  if (Number.isNaN(parsed.getTime())) {
    throw new FulfillmentError('VALIDATION_FAILED', `deliverBy "${deliverBy}" is not an ISO 8601 date`, {
      details: { issues: [{ path: 'deliverBy', message: 'must be an ISO 8601 date' }] },
    });
  }
  return parsed.toISOString().slice(0, 10);
}

function hostRanking(
  rates: Rate[],
  select: (rates: Rate[], context: RateSelectionContext) => Rate[],
  context: RateSelectionContext,
): Rate[] {
  let answer: unknown;
  try {
    answer = select([...rates], context);
  } catch (err) {
    if (err instanceof FulfillmentError) throw err;
    throw new FulfillmentError('CONFIGURATION_ERROR', 'The rate selection function threw', { cause: err });
  }
  if (!Array.isArray(answer)) {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'The rate selection function must return an array of rates');
  }
  const ranked: Rate[] = [];
  for (const candidate of answer as Rate[]) {
    // Match by value too: a function may return copies of the rates it was given.
    const original = rates.find((r) => r === candidate) ?? rates.find((r) => sameRate(r, candidate));
    if (!original) {
      throw new FulfillmentError('CONFIGURATION_ERROR', 'The rate selection function returned a rate no carrier quoted', {
        details: { rate: candidate },
      });
    }
    if (!ranked.includes(original)) ranked.push(original);
  }
  return ranked;
}

function sameRate(a: Rate, b: Rate | null | undefined): boolean {
  return (
    !!b &&
    a.carrierId === b.carrierId &&
    a.service === b.service &&
    a.amount.amount === b.amount?.amount &&
    a.amount.currency === b.amount?.currency
  );
}

function byPrice(a: Rate, b: Rate): number {
  return (
    a.amount.amount - b.amount.amount ||
    compareTransit(a.transitDays, b.transitDays) ||
    compareText(a.carrierId, b.carrierId) ||
    compareText(a.service, b.service)
  );
}

function bySpeed(a: Rate, b: Rate): number {
  return (
    compareTransit(a.transitDays, b.transitDays) ||
    a.amount.amount - b.amount.amount ||
    compareText(a.carrierId, b.carrierId) ||
    compareText(a.service, b.service)
  );
}

// Unknown transit time sorts after any known one.
function compareTransit(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
