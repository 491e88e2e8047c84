// createFulfillment: wires storage, adapters, machines and policy into the
// commands a shop calls.
import { memoryStorage } from '../adapters/memory-storage.js';
import { FulfillmentError, isFulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { AdjustInput, InventoryLevel, ReceiveInput, StockMovement, StockSettingsInput } from '../domain/inventory.js';
import type { Order, OrderInput } from '../domain/order.js';
import type { PaymentInput } from '../domain/payment.js';
import type { ReturnReceiveInput, ReturnRequest, ReturnRequestInput } from '../domain/return.js';
import type { Shipment } from '../domain/shipment.js';
import type { TrackingEvent } from '../domain/tracking.js';
import { defaultBoxes } from '../packing/default-boxes.js';
import type { PickList } from '../picking/pick-list.js';
import { systemClock } from '../ports/clock.js';
import type { Page } from '../ports/storage.js';
import { cancelOrder } from './cancel-order.js';
import { type ConfiguredPart, type FulfillmentConfig, type FulfillmentPolicy, requireConfigured, resolvePolicy, validateConfig } from './config.js';
import { type EngineContext, defaultGenerateId, eventFactory } from './context.js';
import { EventBus, type EventSubscriptions } from './event-bus.js';
import { LevelsCache } from './levels-cache.js';
import {
  type ReconcileDiscrepancy,
  adjustStock,
  configureStock,
  inventoryLevel,
  receiveStock,
  reconcile,
  stockLedger,
} from './inventory-commands.js';
import { type SweepResult, sweep, sweepScheduler } from './maintenance.js';
import { getOrder, holdOrder, listOrders, orderHistory, releaseHold, retryPayment } from './order-commands.js';
import { type DispatchOptions, type DispatchResult, dispatchOutbox } from './outbox-dispatch.js';
import { type PackInput, type PackResult, packShipment } from './pack-shipment.js';
import { callAdapter } from './adapter-call.js';
import { loadOrder } from './order-writer.js';
import { orderIdSchema } from './order-commands.js';
import { recordAuthorized, requirePayments } from './payment-flow.js';
import { confirmPick, pickList } from './picking-commands.js';
import { type PlaceOptions, placeOrder } from './place-order.js';
import { approveReturn, receiveReturn, requestReturn } from './returns-commands.js';
import { shipShipment } from './ship-shipment.js';
import type { CheckoutOrder, ConfirmPickInput, ListOrdersInput, PickListInput, ShipInput, ShipmentResult } from './command-types.js';
import {
  type TrackingBatchResult,
  type TrackingResult,
  type WebhookRequest,
  handleWebhook,
  pollTracking,
  recordTracking,
} from './tracking-commands.js';

/** The fulfillment API returned by {@link createFulfillment}. */
export interface Fulfillment {
  /** Stock per SKU and location. */
  inventory: {
    /** Add received units at a location; serves waiting backorders. */
    receive(input: ReceiveInput): Promise<InventoryLevel>;
    /** Correct on-hand by a signed delta with a reason. */
    adjust(input: AdjustInput): Promise<InventoryLevel>;
    /** Set safety stock, reorder point or bin of a SKU at a location. */
    configure(input: StockSettingsInput): Promise<InventoryLevel>;
    /** A SKU's levels, summed and per location. */
    level(sku: string): Promise<InventoryLevel>;
    /** A SKU's stock movements, oldest first. */
    ledger(sku: string): Promise<StockMovement[]>;
    /** Levels that disagree with their ledger (empty when all is well). */
    reconcile(skus?: string[]): Promise<ReconcileDiscrepancy[]>;
  };
  /** Orders and their commercial life. */
  orders: {
    /**
     * Validate, reserve stock, store and authorize payment. A declined payment
     * is a result, not an exception: see {@link CheckoutOrder}.
     */
    place(input: OrderInput, options?: PlaceOptions): Promise<CheckoutOrder>;
    /** The order, or `null`. */
    get(id: string): Promise<Order | null>;
    /** Orders, optionally of one status, oldest first, paged. */
    list(query?: ListOrdersInput): Promise<Page<Order>>;
    /** Cancel the order, or what has not shipped yet. */
    cancel(id: string, input: { reason: string }): Promise<Order>;
    /** Pause an order that has not shipped. */
    hold(id: string, input: { reason: string }): Promise<Order>;
    /** Resume a held order where it was. */
    releaseHold(id: string): Promise<Order>;
    /**
     * Try payment again with a (new) method after a decline. Declined again,
     * the order comes back in `payment_failed` as from `place`: see {@link CheckoutOrder}.
     */
    retryPayment(id: string, payment: PaymentInput): Promise<CheckoutOrder>;
    /** Ask the payment provider again (e.g. after a bank transfer was marked paid) and record what it says. */
    syncPayment(id: string): Promise<Order>;
    /** The order's domain events, oldest first. */
    history(id: string): Promise<DomainEvent[]>;
  };
  /** Picking, packing and shipping. */
  fulfillment: {
    /** Batch a location's pending shipments into one bin-sorted pick list. */
    pickList(input: PickListInput): Promise<PickList>;
    /** Record what was picked; short picks are backordered or cancelled per policy. */
    confirmPick(shipmentId: string, input: ConfirmPickInput): Promise<ShipmentResult>;
    /** Choose cartons (or take the given parcels) and produce the packing slip. */
    pack(shipmentId: string, input?: PackInput): Promise<PackResult>;
    /** Rate-shop, buy the label, capture payment, commit stock. The label is on `shipment.label`, the carrier on `shipment.rate`. */
    ship(shipmentId: string, input?: ShipInput): Promise<ShipmentResult>;
  };
  /** Carrier tracking. */
  tracking: {
    /** Verify a carrier webhook over its raw body and apply its events. */
    handleWebhook(carrierId: string, request: WebhookRequest): Promise<TrackingBatchResult>;
    /** Apply one normalized tracking event. */
    record(event: TrackingEvent): Promise<TrackingResult>;
    /** Poll carriers without webhooks for every parcel on the road. */
    poll(options?: { limit?: number }): Promise<TrackingBatchResult>;
  };
  /** Returns (RMAs). */
  returns: {
    /** Open a return for delivered units. */
    request(orderId: string, input: ReturnRequestInput): Promise<ReturnRequest>;
    /** Approve a return that waits for review (when `policy.autoApproveReturns` is off). */
    approve(returnId: string): Promise<ReturnRequest>;
    /** Record what came back: restock and refund. */
    receive(returnId: string, input: ReturnReceiveInput): Promise<ReturnRequest>;
  };
  /** Typed domain events. */
  events: EventSubscriptions;
  /** At-least-once delivery of notifications and queued events. */
  outbox: {
    /** Deliver what is due. */
    dispatch(options?: DispatchOptions): Promise<DispatchResult>;
    /** Messages waiting, leased or parked. */
    stats(): Promise<{ pending: number; leased: number; parked: number }>;
  };
  /** Expire lapsed holds and settle orders a crash left unpaid. Commands also run it every `policy.sweepIntervalMs`. */
  sweep(): Promise<SweepResult>;
  /** The resolved policy. */
  readonly policy: Readonly<FulfillmentPolicy>;
  /** Close the storage adapter. */
  close(): Promise<void>;
}

/**
 * Create a fulfillment engine.
 *
 * @example
 * ```ts
 * import { createFulfillment } from 'fulfillkit';
 * import { memoryStorage } from 'fulfillkit/memory';
 * import { sandboxCarrier, sandboxPayment, memoryNotifier } from 'fulfillkit/adapters';
 *
 * const ff = createFulfillment({
 *   storage: memoryStorage(),
 *   locations: [{ id: 'main', name: 'Main DC', address: { name: 'Main DC', line1: '1 Dock St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' } }],
 *   carriers: [sandboxCarrier()],
 *   payments: sandboxPayment(),
 *   notifier: memoryNotifier(),
 * });
 * await ff.inventory.receive({ sku: 'TEE-M', locationId: 'main', quantity: 10 });
 * const order = await ff.orders.place(input, { idempotencyKey: 'cart-123' });
 * ```
 */
export function createFulfillment(config: FulfillmentConfig = {}): Fulfillment {
  const { locations: locationList } = validateConfig(config);
  const locations = new Map(locationList.map((l) => [l.id, l]));
  const carriers = new Map((config.carriers ?? []).map((c) => [c.id, c]));
  const notifiers = config.notifier === undefined ? [] : Array.isArray(config.notifier) ? config.notifier : [config.notifier];
  const clock = config.clock ?? systemClock;
  const id = config.generateId ?? defaultGenerateId;
  const storage = config.storage ?? memoryStorage();
  const bus = new EventBus(config.onHandlerError ?? (() => undefined));
  const policy = resolvePolicy(config.policy);
  const ctx: EngineContext = {
    storage,
    locations,
    locationList,
    carriers,
    payments: config.payments ?? null,
    notifiers,
    boxes: config.boxes ?? defaultBoxes,
    policy,
    clock,
    orderMachine: config.orderMachine,
    bus,
    levelsCache: new LevelsCache(policy.levelsCacheMs),
    reportError: config.onBackgroundError ?? ((error, operation) => console.warn(`fulfillkit: ${operation} failed:`, error)),
    id,
    nowIso: () => clock.now().toISOString(),
    event: eventFactory(clock, id),
  };
  const maybeSweep = sweepScheduler(ctx);
  const configured = { locations: locationList.length, carriers: carriers.size, payments: ctx.payments !== null };
  // A command that needs what was not configured says so before it does anything.
  const needs =
    <A extends unknown[], R>(command: string, parts: readonly ConfiguredPart[], fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      requireConfigured(command, parts, configured);
      return fn(...args);
    };
  const withSweep =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await maybeSweep();
      return fn(...args);
    };

  return {
    inventory: {
      receive: needs('inventory.receive', ['locations'], withSweep((input) => receiveStock(ctx, input))),
      adjust: needs('inventory.adjust', ['locations'], (input) => adjustStock(ctx, input)),
      configure: needs('inventory.configure', ['locations'], (input) => configureStock(ctx, input)),
      level: (sku) => inventoryLevel(ctx, sku),
      ledger: (sku) => stockLedger(ctx, sku),
      reconcile: (skus) => reconcile(ctx, skus),
    },
    orders: {
      place: needs('orders.place', ['locations', 'carriers', 'payments'], withSweep((input, options) => placeOrder(ctx, input, options))),
      get: (orderId) => getOrder(ctx, orderId),
      list: (query) => listOrders(ctx, query),
      cancel: (orderId, input) => cancelOrder(ctx, orderId, input),
      hold: (orderId, input) => holdOrder(ctx, orderId, input),
      releaseHold: (orderId) => releaseHold(ctx, orderId),
      retryPayment: needs(
        'orders.retryPayment',
        ['payments'],
        withSweep(async (orderId, payment) => {
          try {
            return await retryPayment(ctx, orderId, payment);
          } catch (err) {
            // The attempt was recorded and the order is payment_failed: answer as place does.
            if (!isFulfillmentError(err, 'PAYMENT_DECLINED')) throw err;
            return loadOrder(ctx, parseInput(orderIdSchema, orderId, 'order id'));
          }
        }),
      ),
      syncPayment: async (orderId) => {
        const order = await loadOrder(ctx, parseInput(orderIdSchema, orderId, 'order id'));
        const paymentId = order.payment.paymentId;
        if (!paymentId || (order.status !== 'pending_payment' && order.status !== 'payment_failed')) return order;
        const payments = requirePayments(ctx);
        const result = await callAdapter('payment.retrieve', ctx.policy.retry, () => payments.retrieve({ paymentId }));
        if (result && (result.status === 'authorized' || result.status === 'captured')) return recordAuthorized(ctx, order, result);
        return order;
      },
      history: (orderId) => orderHistory(ctx, orderId),
    },
    fulfillment: {
      pickList: needs('fulfillment.pickList', ['locations'], withSweep((input) => pickList(ctx, input))),
      confirmPick: async (shipmentId, input) => shipmentResult(await confirmPick(ctx, shipmentId, input), shipmentId),
      pack: (shipmentId, input) => packShipment(ctx, shipmentId, input),
      ship: needs('fulfillment.ship', ['carriers'], async (shipmentId, input) => {
        const shipped = await shipShipment(ctx, shipmentId, input);
        const order = await ctx.storage.getOrder(shipped.orderId);
        return order ? shipmentResult(order, shipped.id, shipped) : { order: await loadOrder(ctx, shipped.orderId), shipment: shipped };
      }),
    },
    tracking: {
      handleWebhook: (carrierId, request) => handleWebhook(ctx, carrierId, request),
      record: (event) => recordTracking(ctx, event),
      poll: (options) => pollTracking(ctx, options),
    },
    returns: {
      request: (orderId, input) => requestReturn(ctx, orderId, input),
      approve: (returnId) => approveReturn(ctx, returnId),
      receive: needs('returns.receive', ['payments'], (returnId, input) => receiveReturn(ctx, returnId, input)),
    },
    events: { on: (type, handler) => bus.on(type, handler), onAny: (handler) => bus.onAny(handler) },
    outbox: {
      dispatch: (options) => dispatchOutbox(ctx, options),
      stats: () => storage.outboxStats(ctx.nowIso()),
    },
    sweep: () => sweep(ctx),
    policy: ctx.policy,
    close: () => storage.close(),
  };
}

/** The shared result of shipment-scoped commands: the order and, from it, the shipment. */
function shipmentResult(order: Order, shipmentId: string, fallback?: Shipment): ShipmentResult {
  const shipment = order.shipments.find((s) => s.id === shipmentId) ?? fallback;
  if (!shipment) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} is not part of order ${order.id}`, { details: { shipmentId, orderId: order.id } });
  return { order, shipment };
}
