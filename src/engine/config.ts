// Options of createFulfillment and the policy defaults a shop can override.
import type { CustomsDeclaration } from '../domain/customs.js';
import type { Box } from '../domain/shipment.js';
import type { Location } from '../domain/location.js';
import type { AllocationStrategy } from '../inventory/allocate.js';
import type { OrderMachine } from '../machines/order.js';
import type { CarrierAdapter } from '../ports/carrier.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationAdapter, NotificationChannel } from '../ports/notifier.js';
import type { PaymentAdapter } from '../ports/payment.js';
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
  /** Stock locations. At least one is needed to receive stock. @defaultValue [] */
  locations?: Location[];
  /** Carriers to rate-shop across. @defaultValue [] */
  carriers?: CarrierAdapter[];
  /** The payment provider. Required to place orders. */
  payments?: PaymentAdapter;
  /** Notification adapters; each message goes to every adapter serving its channel. @defaultValue [] */
  notifier?: NotificationAdapter | NotificationAdapter[];
  /** Carton catalog for packing. @defaultValue defaultBoxes */
  boxes?: Box[];
  /** Business rules; omitted fields take their defaults. */
  policy?: Partial<Omit<FulfillmentPolicy, 'retry'>> & { retry?: Partial<RetryPolicy> };
  /** Source of time. @defaultValue the system clock */
  clock?: Clock;
  /**
   * The order machine to run, e.g. `orderMachine.provide({ guards: { canProcess } })`
   * to add a fraud check before processing. @defaultValue orderMachine
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

/** Defaults applied under a shop's policy. */
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
