// A clock tests move by hand, so reservation expiry, outbox leases and
// tracking timelines can be driven without waiting.
import { FulfillmentError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';

/** A {@link Clock} that only moves when told to. */
export interface FakeClock extends Clock {
  /** The current instant (a fresh `Date` each call, so callers cannot move the clock by mutating it). */
  now(): Date;
  /** The current instant as an ISO 8601 string. */
  iso(): string;
  /** Move forward by `ms` milliseconds (0 or more). Returns the new instant. */
  advance(ms: number): Date;
  /** Jump to an instant at or after the current one. Returns it. */
  set(to: Date | string | number): Date;
}

/**
 * Where a {@link fakeClock} starts when no start is given.
 *
 * @example
 * ```ts
 * fakeClock().iso() === FAKE_CLOCK_START; // true
 * ```
 */
export const FAKE_CLOCK_START = '2025-01-01T00:00:00.000Z';

/**
 * A controllable clock for tests. It never goes backwards, as the
 * {@link Clock} contract requires: `advance` with a negative amount and
 * `set` to an earlier instant throw `VALIDATION_FAILED`.
 *
 * @param start - Starting instant (a `Date`, an ISO string or epoch milliseconds).
 *   Defaults to {@link FAKE_CLOCK_START}, so runs are reproducible.
 *
 * @example
 * ```ts
 * import { fakeClock } from 'fulfillkit/testing';
 *
 * const clock = fakeClock('2025-03-01T09:00:00Z');
 * const ff = createFulfillment({ storage: memoryStorage(), clock });
 * clock.advance(15 * 60_000); // 15 minutes later: unpaid holds may lapse
 * clock.iso(); // '2025-03-01T09:15:00.000Z'
 * ```
 */
export function fakeClock(start: Date | string | number = FAKE_CLOCK_START): FakeClock {
  let current = toMillis(start, 'start');
  return {
    now: () => new Date(current),
    iso: () => new Date(current).toISOString(),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new FulfillmentError('VALIDATION_FAILED', `fakeClock.advance needs a finite, non-negative number of ms (got ${ms})`, {
          details: { ms },
        });
      }
      current += ms;
      return new Date(current);
    },
    set(to) {
      const next = toMillis(to, 'set');
      if (next < current) {
        throw new FulfillmentError('VALIDATION_FAILED', 'fakeClock.set cannot move the clock backwards', {
          details: { current: new Date(current).toISOString(), requested: new Date(next).toISOString() },
        });
      }
      current = next;
      return new Date(current);
    },
  };
}

function toMillis(value: Date | string | number, what: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new FulfillmentError('VALIDATION_FAILED', `fakeClock ${what}: not a valid instant (${String(value)})`, {
      details: { value: String(value) },
    });
  }
  return ms;
}
