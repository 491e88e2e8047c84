// The order machine: payment, stock, holds and cancellation before shipping,
// then a fulfillment status derived from the order's shipments.
import { assign, not, setup } from 'xstate';
import type { Order } from '../domain/order.js';

/**
 * Bumped whenever a change to {@link orderMachine} makes older persisted
 * snapshots unreadable; see `orderSnapshotMigrations`.
 *
 * @example
 * ```ts
 * if (order.machine.version !== ORDER_MACHINE_VERSION) console.warn('stored by another version');
 * ```
 */
export const ORDER_MACHINE_VERSION = 1;

/** Counts the engine derives from an order's shipments for `SHIPMENTS_UPDATED`. */
export interface ShipmentSummary {
  /** Shipments not cancelled. */
  active: number;
  /** Active shipments that left the building (shipped, in transit, out for delivery, delivery failed, delivered, returned to sender). */
  shipped: number;
  /** Active shipments delivered. */
  delivered: number;
  /** Units still waiting on backorder. */
  backorderedUnits: number;
}

/** Every event the order machine understands. */
export type OrderMachineEvent =
  /**
   * The payment was authorized. `backordered` says some stock is short. The
   * engine may attach the `order` so host guards (such as `canProcess`) can read it.
   */
  | { type: 'PAYMENT_AUTHORIZED'; backordered: boolean; order?: Order }
  /** The payment waits on the customer (3-D Secure, bank transfer). */
  | { type: 'PAYMENT_REQUIRES_ACTION' }
  | { type: 'PAYMENT_DECLINED'; code: string; message: string }
  /** Another payment method was offered after a decline: authorize again. */
  | { type: 'RETRY_PAYMENT' }
  /** Stock was allocated; `backordered` says some units are still short. */
  | { type: 'STOCK_ALLOCATED'; backordered: boolean }
  /** Stock arrived for units on backorder: the engine reserves what it can. */
  | { type: 'STOCK_ARRIVED' }
  /** A pick came up short and the missing units went on backorder. */
  | { type: 'STOCK_SHORT' }
  | { type: 'RESERVATION_EXPIRED' }
  | { type: 'HOLD'; reason: string }
  | { type: 'RELEASE_HOLD' }
  | { type: 'CANCEL'; reason: string }
  | { type: 'SHIPMENTS_UPDATED'; summary: ShipmentSummary }
  /** A return was received; `fully` when every shipped unit is now back. */
  | { type: 'RETURN_RECEIVED'; fully: boolean };

/** What the order machine remembers besides its state. */
export interface OrderMachineContext {
  /** Why the order is on hold; `null` when it is not. */
  holdReason: string | null;
  /** Whether releasing a review hold continues to `backordered` rather than `processing`. */
  backorderOnRelease: boolean;
}

function summaryOf(event: OrderMachineEvent): ShipmentSummary {
  if (event.type !== 'SHIPMENTS_UPDATED') throw new TypeError(`No shipment summary on ${event.type}`);
  return event.summary;
}

// Fulfillment status from shipments, most advanced first. Pre-ship states add a
// fallback to processing/backordered; later states never fall back before shipping.
const deriveShipped = [
  { guard: 'allDelivered', target: '#order.dispatched.delivered' },
  { guard: 'someDelivered', target: '#order.dispatched.partially_delivered' },
  { guard: 'allShipped', target: '#order.dispatched.shipped' },
  { guard: 'someShipped', target: '#order.dispatched.partially_shipped' },
] as const;
const derivePreShip = [
  ...deriveShipped,
  { guard: 'awaitingStock', target: '#order.unshipped.backordered' },
  { target: '#order.unshipped.processing' },
] as const;

const paymentOutcome = {
  PAYMENT_AUTHORIZED: [
    { guard: not('canProcess'), target: '#order.on_hold.review', actions: ['holdForReview', 'requestReview'] },
    { guard: 'stockShort', target: 'backordered', actions: 'placeBackorder' },
    { target: 'processing', actions: 'startFulfillment' },
  ],
  PAYMENT_DECLINED: { target: 'payment_failed', actions: 'notifyPaymentFailed' },
  RESERVATION_EXPIRED: { target: '#order.cancelled' },
} as const;

const returnReceived = {
  RETURN_RECEIVED: [{ guard: 'returnedFully', target: '#order.returned' }, { target: '#order.partially_returned' }],
} as const;

/**
 * The order state machine. Its state names are the order statuses, grouped:
 * `unshipped` (before anything shipped), `on_hold` (`requested` or `review`),
 * `dispatched` (status derived from the shipments). It
 * holds no side effects: its actions are named effects for the engine to run
 * (their names come back from {@link applyOrderEvent}). A host may replace its
 * guards with `.provide()`, and give its effects implementations of its own,
 * which the engine runs in addition to the effect, after the write that took
 * the transition, at least once (see `hostAction`).
 *
 * Guards: `canProcess` (host hook before processing, default `true`),
 * `stockShort`, `allDelivered`, `someDelivered`, `allShipped`, `someShipped`,
 * `awaitingStock`, `backorderOnRelease`, `returnedFully`.
 *
 * Effects: `requestPaymentAction`, `notifyPaymentFailed`, `requestAuthorization`, `placeBackorder`, `reserveBackorder`,
 * `startFulfillment`, `pauseFulfillment`, `requestReview`, `releaseReservation`, `voidPayment`,
 * `cancelUnshipped`.
 *
 * @example
 * ```ts
 * // A fraud check: large orders wait on hold with reason 'review'.
 * const machine = orderMachine.provide({
 *   guards: {
 *     canProcess: ({ event }) =>
 *       event.type !== 'PAYMENT_AUTHORIZED' || (event.order?.totals.total.amount ?? 0) < 100_000,
 *   },
 * });
 * ```
 */
export const orderMachine = setup({
  types: {} as { context: OrderMachineContext; events: OrderMachineEvent },
  guards: {
    canProcess: () => true,
    stockShort: ({ event }) =>
      (event.type === 'PAYMENT_AUTHORIZED' || event.type === 'STOCK_ALLOCATED') && event.backordered,
    allDelivered: ({ event }) => {
      const s = summaryOf(event);
      return s.delivered > 0 && s.delivered === s.active && s.backorderedUnits === 0;
    },
    someDelivered: ({ event }) => summaryOf(event).delivered > 0,
    allShipped: ({ event }) => {
      const s = summaryOf(event);
      return s.shipped > 0 && s.shipped === s.active && s.backorderedUnits === 0;
    },
    someShipped: ({ event }) => summaryOf(event).shipped > 0,
    awaitingStock: ({ event }) => summaryOf(event).backorderedUnits > 0,
    backorderOnRelease: ({ context }) => context.backorderOnRelease,
    returnedFully: ({ event }) => event.type === 'RETURN_RECEIVED' && event.fully,
  },
  actions: {
    recordHold: assign({ holdReason: ({ event }) => (event.type === 'HOLD' ? event.reason : 'hold') }),
    holdForReview: assign({
      holdReason: 'review',
      backorderOnRelease: ({ event }) => event.type === 'PAYMENT_AUTHORIZED' && event.backordered,
    }),
    clearHold: assign({ holdReason: null, backorderOnRelease: false }),
    // Named effects: empty here, run by the engine with its adapters.
    requestPaymentAction: () => {},
    notifyPaymentFailed: () => {},
    requestAuthorization: () => {},
    placeBackorder: () => {},
    reserveBackorder: () => {},
    startFulfillment: () => {},
    pauseFulfillment: () => {},
    requestReview: () => {},
    releaseReservation: () => {},
    voidPayment: () => {},
    cancelUnshipped: () => {},
  },
  actors: {},
}).createMachine({
  id: 'order',
  context: { holdReason: null, backorderOnRelease: false },
  initial: 'unshipped',
  states: {
    unshipped: {
      initial: 'pending_payment',
      on: {
        HOLD: { target: '#order.on_hold', actions: ['recordHold', 'pauseFulfillment'] },
        CANCEL: { target: '#order.cancelled' },
      },
      states: {
        pending_payment: {
          on: {
            ...paymentOutcome,
            PAYMENT_REQUIRES_ACTION: { actions: 'requestPaymentAction' },
          },
        },
        payment_failed: {
          on: {
            ...paymentOutcome,
            // A retry that needs the customer again waits as a fresh payment.
            PAYMENT_REQUIRES_ACTION: { target: 'pending_payment', actions: 'requestPaymentAction' },
            // The new attempt is recorded before the provider is asked; its outcome is one of the above.
            RETRY_PAYMENT: { actions: 'requestAuthorization' },
          },
        },
        backordered: {
          on: {
            STOCK_ALLOCATED: [
              { guard: 'stockShort', actions: 'startFulfillment' },
              { target: 'processing', actions: 'startFulfillment' },
            ],
            STOCK_SHORT: { actions: 'placeBackorder' },
            STOCK_ARRIVED: { actions: 'reserveBackorder' },
            SHIPMENTS_UPDATED: derivePreShip,
          },
        },
        processing: {
          on: {
            STOCK_ALLOCATED: [
              { guard: 'stockShort', target: 'backordered', actions: 'placeBackorder' },
              { actions: 'startFulfillment' },
            ],
            STOCK_SHORT: { target: 'backordered', actions: 'placeBackorder' },
            // Units a short pick put back on backorder while other shipments go on.
            STOCK_ARRIVED: { actions: 'reserveBackorder' },
            SHIPMENTS_UPDATED: derivePreShip,
          },
        },
        hist: { type: 'history', history: 'shallow' },
      },
    },
    on_hold: {
      initial: 'requested',
      on: { CANCEL: { target: 'cancelled' } },
      states: {
        // Held by the host or an operator: release returns to where it was.
        requested: {
          on: { RELEASE_HOLD: { target: '#order.unshipped.hist', actions: 'clearHold' } },
        },
        // Held because `canProcess` said no: release means approved.
        review: {
          on: {
            RELEASE_HOLD: [
              {
                guard: 'backorderOnRelease',
                target: '#order.unshipped.backordered',
                actions: ['clearHold', 'placeBackorder'],
              },
              { target: '#order.unshipped.processing', actions: ['clearHold', 'startFulfillment'] },
            ],
          },
        },
      },
    },
    // Goods have left: the status follows the shipments from here on.
    dispatched: {
      // Entered only through a derived target; the first parcel out is the usual start.
      initial: 'partially_shipped',
      on: { SHIPMENTS_UPDATED: deriveShipped },
      states: {
        partially_shipped: {
          // Only the unshipped part goes; SHIPMENTS_UPDATED then settles the status.
          on: { CANCEL: { actions: 'cancelUnshipped' }, STOCK_ARRIVED: { actions: 'reserveBackorder' } },
        },
        shipped: { on: returnReceived },
        partially_delivered: { on: { ...returnReceived, STOCK_ARRIVED: { actions: 'reserveBackorder' } } },
        delivered: { on: returnReceived },
      },
    },
    partially_returned: {
      on: {
        // Later deliveries do not undo a partial return.
        SHIPMENTS_UPDATED: { target: 'partially_returned' },
        ...returnReceived,
      },
    },
    returned: { type: 'final' },
    cancelled: { type: 'final', entry: ['clearHold', 'releaseReservation', 'voidPayment'] },
  },
});

/** The type of {@link orderMachine}, and of any `.provide()`d variant of it. */
export type OrderMachine = typeof orderMachine;
