// Options of createFulfillment and the policy defaults a shop can override.
import type { CustomsDeclaration } from '../domain/customs.js';
import { z } from 'zod';
import { FulfillmentError, toValidationIssues } from '../domain/errors.js';
import { type Location, locationSchema } from '../domain/location.js';
import { type Box, boxSchema } from '../domain/shipment.js';
import type { AllocationStrategy } from '../inventory/allocate.js';
import type { OrderMachine } from '../machines/order.js';
import type { CarrierAdapter } from '../ports/carrier.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationAdapter, NotificationChannel } from '../ports/notifier.js';
import type { Instrumentation } from '../ports/instrumentation.js';
import type { PaymentAdapter } from '../ports/payment.js';
import type { EventRelay } from '../ports/relay.js';
import type { StorageAdapter } from '../ports/storage.js';
import type { RateSelection } from '../shipping/rate-shop.js';

/** How adapter calls are bounded. */
export interface RetryPolicy {
  /** Per-call timeout. @defaultValue 10000 */
  timeoutMs: number;
  /** Extra attempts after the first, for retryable failures only. @defaultValue 2 */
  retries: number;
  /** First backoff delay; doubles per attempt, with jitter. @defaultValue 100 */
  baseDelayMs: number;
}

/** Business rules of the shop. */
export interface FulfillmentPolicy {
  /** How long stock is held for an unpaid order. @defaultValue 900000 (15 minutes) */
  reservationTtlMs: number;
  /** Which location(s) serve an order. @defaultValue 'priority' */
  allocation: AllocationStrategy;
  /** How a rate is chosen when shipping. @defaultValue 'cheapest' */
  rateSelection: RateSelection;
  /** Accept orders for stock that is not there yet. @defaultValue false */
  backorders: boolean;
  /** When authorized funds are captured. @defaultValue 'on_ship' */
  capture: 'on_ship' | 'on_place';
  /**
   * Check the shipping address with the first carrier that offers validation
   * before placing: `'warn'` places anyway and reports the problems on the
   * `order.placed` event; `'require'` refuses an address the carrier calls
   * invalid (`VALIDATION_FAILED`, with the carrier's messages and suggestion).
   * @defaultValue 'off'
   */
  validateAddress: 'off' | 'warn' | 'require';
  /**
   * Who signs customs declarations and on what terms, for shipments that cross
   * a border. Without it no declaration is sent, and carriers that need one
   * refuse the label. @defaultValue none
   */
  customs: CustomsPolicy | null;
  /** What happens to units a picker could not find. @defaultValue 'backorder' when backorders are on, else 'cancel' */
  shortPick: 'backorder' | 'cancel';
  /** Approve return requests without review. @defaultValue true */
  autoApproveReturns: boolean;
  /** Days after delivery a return may be requested. @defaultValue 30 */
  returnWindowDays: number;
  /** Bounds on every adapter call. */
  retry: RetryPolicy;
  /** Channel used for customer notifications. @defaultValue 'email' */
  notificationChannel: NotificationChannel;
  /** Delivery attempts before an outbox message is parked. @defaultValue 8 */
  outboxMaxAttempts: number;
  /** Minimum clock time between automatic maintenance sweeps run by commands. @defaultValue 60000 */
  sweepIntervalMs: number;
  /**
   * Clock time after which `sweep()` resumes a command's pending intent (its
   * effects run again under their keys, so resuming a live one repeats nothing). @defaultValue 60000
   */
  intentLeaseMs: number;
  /**
   * How long (real milliseconds) a stock-level read may steer the allocation of
   * later placements in this process. Refusals and backorders always re-read;
   * a reservation that finds it stale re-reads. `0` reads every time. @defaultValue 500
   */
  levelsCacheMs: number;
  /**
   * How far ahead of the engine's clock a tracking event may be dated. Later
   * ones (a carrier's clock or time zone gone wrong, a scan dated 9999-12-31)
   * would make every real scan look late: `tracking.record` refuses them
   * (`VALIDATION_FAILED`, `details.reason: 'future_event'`) and webhooks and
   * polls count them as ignored, so they never move a shipment's clock.
   * @defaultValue 3600000 (1 hour)
   */
  trackingClockSkewMs: number;
}

/** Options of {@link createFulfillment}. */
export interface FulfillmentConfig {
  /** Where everything is kept. @defaultValue memoryStorage() */
  storage?: StorageAdapter;
  /** Stock locations. Needed by `inventory.*`, `orders.place` and `pickList` (`CONFIGURATION_ERROR` without). @defaultValue [] */
  locations?: Location[];
  /** Carriers to rate-shop across. Needed by `orders.place` and `ship` (`CONFIGURATION_ERROR` without). @defaultValue [] */
  carriers?: CarrierAdapter[];
  /** The payment provider. Needed by `orders.place`, `retryPayment` and `returns.receive` (`CONFIGURATION_ERROR` without). */
  payments?: PaymentAdapter;
  /** Notification adapters; each message goes to every adapter serving its channel. @defaultValue [] */
  notifier?: NotificationAdapter | NotificationAdapter[];
  /**
   * Publish every domain event to a broker: each order write then also puts
   * its events into the outbox, and `outbox.dispatch()` publishes them at
   * least once, in order per order. @defaultValue none
   */
  relay?: EventRelay;
  /** Tracing and metrics hooks, e.g. `otelInstrumentation()` from `fulfillkit/otel`. @defaultValue none */
  instrumentation?: Instrumentation;
  /** Carton catalog for packing. @defaultValue defaultBoxes */
  boxes?: Box[];
  /** Business rules; omitted fields take their defaults. */
  policy?: Partial<Omit<FulfillmentPolicy, 'retry'>> & { retry?: Partial<RetryPolicy> };
  /** Source of time. @defaultValue the system clock */
  clock?: Clock;
  /**
   * The order machine to run, e.g. `orderMachine.provide({ guards: { canProcess } })`
   * to add a fraud check before processing. Host actions it provides run after
   * the write that took their transition, from the outbox (`hostAction`). @defaultValue orderMachine
   */
  orderMachine?: OrderMachine;
  /** Id generator, for deterministic simulations. @defaultValue nanoid-based */
  generateId?: (prefix: string) => string;
  /** Called when an `events.on` handler throws. @defaultValue ignore */
  onHandlerError?: (error: unknown, eventType: string) => void;
  /**
   * Called when follow-up work after a completed command fails (serving
   * backorders after a receipt, a compensating void, a short-pick count
   * correction, an automatic sweep). The command's own result stands.
   * @defaultValue `console.warn`
   */
  onBackgroundError?: (error: unknown, operation: string) => void;
}

/** The shop's side of every customs declaration. */
export interface CustomsPolicy {
  /** Name of the person certifying declarations. */
  signer: string;
  /** @defaultValue 'merchandise' */
  contentsType?: CustomsDeclaration['contentsType'];
  /** Who pays duties. @defaultValue 'DDU' */
  incoterm?: CustomsDeclaration['incoterm'];
  /** What the carrier does with an undeliverable parcel. @defaultValue 'return' */
  nonDeliveryOption?: CustomsDeclaration['nonDeliveryOption'];
}

/**
 * Defaults applied under a shop's policy.
 *
 * @example
 * ```ts
 * defaultPolicy.reservationTtlMs; // 900000 (15 minutes)
 * // createFulfillment merges your partial policy over these:
 * const ff = createFulfillment({ policy: { backorders: true, capture: 'on_place' } });
 * ```
 */
export const defaultPolicy: FulfillmentPolicy = {
  reservationTtlMs: 15 * 60_000,
  allocation: 'priority',
  rateSelection: 'cheapest',
  backorders: false,
  capture: 'on_ship',
  validateAddress: 'off',
  customs: null,
  shortPick: 'cancel',
  autoApproveReturns: true,
  returnWindowDays: 30,
  retry: { timeoutMs: 10_000, retries: 2, baseDelayMs: 100 },
  notificationChannel: 'email',
  outboxMaxAttempts: 8,
  sweepIntervalMs: 60_000,
  intentLeaseMs: 60_000,
  levelsCacheMs: 500,
  trackingClockSkewMs: 3_600_000,
};

/** Merge a partial policy over the defaults. */
export function resolvePolicy(policy: FulfillmentConfig['policy'] = {}): FulfillmentPolicy {
  const backorders = policy.backorders ?? defaultPolicy.backorders;
  return {
    ...defaultPolicy,
    ...policy,
    backorders,
    shortPick: policy.shortPick ?? (backorders ? 'backorder' : 'cancel'),
    retry: { ...defaultPolicy.retry, ...policy.retry },
  };
}

// ---- validation ------------------------------------------------------------------
// createFulfillment checks everything it is given (a mistake there is a wiring bug,
// best reported at start-up); what a shop may legitimately leave out (carriers for a
// back-office instance, payments for an inventory service) is reported by the first
// command that needs it, before that command changes anything. See docs/decisions.md.

// A field added to FulfillmentConfig but not here fails to compile.
const CONFIG_FIELDS: Record<keyof FulfillmentConfig, true> = {
  storage: true,
  locations: true,
  carriers: true,
  payments: true,
  notifier: true,
  boxes: true,
  policy: true,
  clock: true,
  orderMachine: true,
  generateId: true,
  onHandlerError: true,
  onBackgroundError: true,
  relay: true,
  instrumentation: true,
};
const CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(CONFIG_FIELDS));

const nonNegativeInt = z.number().int().nonnegative();
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { message: 'expected a function' });
const policySchema = z.strictObject({
  reservationTtlMs: z.number().int().positive(),
  allocation: z.union([z.enum(['priority', 'nearest', 'fewestShipments']), fn]),
  rateSelection: z.union([z.enum(['cheapest', 'fastest', 'deliverBy']), fn]),
  backorders: z.boolean(),
  capture: z.enum(['on_ship', 'on_place']),
  validateAddress: z.enum(['off', 'warn', 'require']),
  customs: z
    .strictObject({
      signer: z.string().trim().min(1).max(100),
      contentsType: z.enum(['merchandise', 'gift', 'documents', 'returned_goods', 'sample', 'other']).optional(),
      incoterm: z.enum(['DDU', 'DAP', 'DDP']).optional(),
      nonDeliveryOption: z.enum(['return', 'abandon']).optional(),
    })
    .nullable(),
  shortPick: z.enum(['backorder', 'cancel']),
  autoApproveReturns: z.boolean(),
  returnWindowDays: nonNegativeInt,
  retry: z.strictObject({ timeoutMs: z.number().int().positive(), retries: nonNegativeInt, baseDelayMs: nonNegativeInt }).partial(),
  notificationChannel: z.string().min(1),
  outboxMaxAttempts: z.number().int().positive(),
  sweepIntervalMs: nonNegativeInt,
  levelsCacheMs: nonNegativeInt,
  intentLeaseMs: z.number().int().positive(),
  trackingClockSkewMs: nonNegativeInt,
});
// Every policy field is validated: a field added to FulfillmentPolicy but not here fails to compile.
const _everyPolicyField: Record<keyof FulfillmentPolicy, unknown> = policySchema.shape;
void _everyPolicyField;

function configError(message: string, details: Record<string, unknown>): FulfillmentError {
  return new FulfillmentError('CONFIGURATION_ERROR', `createFulfillment: ${message}`, { details });
}

function missingMethods(value: unknown, methods: readonly string[]): string[] {
  if (typeof value !== 'object' || value === null) return [...methods];
  return methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
}

function duplicates(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** What createFulfillment checks about its options, in one place. Throws `CONFIGURATION_ERROR`. */
export function validateConfig(config: FulfillmentConfig): { locations: Location[] } {
  if (typeof config !== 'object' || config === null) throw configError('options must be an object', {});
  const unknown = Object.keys(config).filter((key) => !CONFIG_KEYS.has(key));
  if (unknown.length) {
    throw configError(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...CONFIG_KEYS].join(', ')})`, { option: unknown });
  }
  for (const [option, value] of [
    ['locations', config.locations],
    ['carriers', config.carriers],
    ['boxes', config.boxes],
  ] as const) {
    if (value !== undefined && !Array.isArray(value)) throw configError(`${option} must be an array`, { option });
  }

  const locations = (config.locations ?? []).map((location, index) => {
    const parsed = locationSchema.safeParse(location);
    if (!parsed.success) {
      const issues = toValidationIssues(parsed.error);
      const id = (location as { id?: unknown } | null)?.id;
      throw configError(`location ${typeof id === 'string' ? `"${id}"` : index} is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
        option: 'locations',
        index,
        issues,
      });
    }
    return parsed.data;
  });
  const duplicateLocations = duplicates(locations.map((l) => l.id));
  if (duplicateLocations.length) throw configError(`location ids must be unique (repeated: ${duplicateLocations.join(', ')})`, { option: 'locations', duplicates: duplicateLocations });

  const carriers = config.carriers ?? [];
  carriers.forEach((carrier, index) => {
    const id = (carrier as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id.length === 0) throw configError(`carrier ${index} has no id`, { option: 'carriers', index });
    const missing = missingMethods(carrier, ['getRates', 'createShipment', 'voidShipment', 'track']);
    if (missing.length) throw configError(`carrier "${id}" is not a CarrierAdapter (missing ${missing.join(', ')})`, { option: 'carriers', index, missing });
  });
  const duplicateCarriers = duplicates(carriers.map((c) => c.id));
  if (duplicateCarriers.length) throw configError(`carrier ids must be unique (repeated: ${duplicateCarriers.join(', ')})`, { option: 'carriers', duplicates: duplicateCarriers });

  if (config.payments !== undefined) {
    const missing = missingMethods(config.payments, ['authorize', 'capture', 'void', 'refund', 'retrieve']);
    if (missing.length) throw configError(`payments is not a PaymentAdapter (missing ${missing.join(', ')})`, { option: 'payments', missing });
  }
  const notifiers = config.notifier === undefined ? [] : Array.isArray(config.notifier) ? config.notifier : [config.notifier];
  notifiers.forEach((notifier, index) => {
    if (missingMethods(notifier, ['send']).length) throw configError(`notifier ${index} is not a NotificationAdapter (no send())`, { option: 'notifier', index, missing: ['send'] });
  });
  if (config.storage !== undefined) {
    const missing = missingMethods(config.storage, ['getOrder', 'createOrder', 'updateOrder', 'listOrders', 'reserve', 'receive', 'levels', 'close']);
    if (missing.length) throw configError(`storage is not a StorageAdapter (missing ${missing.join(', ')})`, { option: 'storage', missing });
  }
  if (config.clock !== undefined && missingMethods(config.clock, ['now']).length) throw configError('clock must have now()', { option: 'clock' });
  for (const option of ['generateId', 'onHandlerError', 'onBackgroundError'] as const) {
    if (config[option] !== undefined && typeof config[option] !== 'function') throw configError(`${option} must be a function`, { option });
  }
  (config.boxes ?? []).forEach((box, index) => {
    const parsed = boxSchema.safeParse(box);
    if (!parsed.success) throw configError(`box ${index} is invalid`, { option: 'boxes', index, issues: toValidationIssues(parsed.error) });
  });
  if (config.boxes !== undefined && config.boxes.length === 0) throw configError('boxes must list at least one carton (omit it for the default catalog)', { option: 'boxes' });

  if (config.policy !== undefined) {
    const parsed = policySchema.partial().safeParse(config.policy);
    if (!parsed.success) {
      const issues = toValidationIssues(parsed.error);
      throw configError(`policy is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { option: 'policy', issues });
    }
  }
  return { locations };
}

/** What a command needs from the configuration. */
export type ConfiguredPart = 'locations' | 'carriers' | 'payments';

const HOW_TO_FIX: Record<ConfiguredPart, string> = {
  locations: 'pass `locations: [{ id, name, address }]` to createFulfillment',
  carriers: 'pass `carriers: [...]` (e.g. sandboxCarrier() from fulfillkit/adapters) to createFulfillment',
  payments: 'pass `payments` (e.g. sandboxPayment() from fulfillkit/adapters) to createFulfillment',
};

/**
 * Throw `CONFIGURATION_ERROR` naming every part `command` needs that was not
 * configured. Called before the command does anything, so nothing changes.
 */
export function requireConfigured(
  command: string,
  needs: readonly ConfiguredPart[],
  have: { locations: number; carriers: number; payments: boolean },
): void {
  const missing = needs.filter((part) => (part === 'payments' ? !have.payments : have[part] === 0));
  if (missing.length === 0) return;
  throw new FulfillmentError(
    'CONFIGURATION_ERROR',
    `${command} needs ${missing.join(' and ')}, and none ${missing.length > 1 ? 'were' : 'was'} configured: ${missing.map((m) => HOW_TO_FIX[m]).join('; ')}`,
    { details: { command, missing } },
  );
}
