// Time as a dependency, so tests and simulations can drive it.

/**
 * Source of the current time. Inject a fake one in tests (`fakeClock()` from
 * `fulfillkit/testing`) to drive reservation expiry and tracking.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => new Date() };
 * ```
 */
export interface Clock {
  /** The current instant. Must never go backwards. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
