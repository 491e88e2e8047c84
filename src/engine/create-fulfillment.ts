// createFulfillment: wires storage, adapters, machines and policy into the
// commands a shop calls.
import { hostActionsOf } from './host-actions.js';
import { defaultStorage } from './default-storage.js';
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { AdjustInput, InventoryLevel, ReceiveInput, StockMovement, StockSettingsInput } from '../domain/inventory.js';
import type { Order, OrderInput } from '../domain/order.js';
import type { PaymentInput } from '../domain/payment.js';
import type { ReturnReceiveInput, ReturnRequest, ReturnRequestInput } from '../domain/return.js';
import type { Box, Shipment } from '../domain/shipment.js';
import type { TrackingEventInput } from '../domain/tracking.js';
import { defaultBoxes } from '../packing/default-boxes.js';
import type { PickList } from '../picking/pick-list.js';
import { systemClock } from '../ports/clock.js';
import type { Page, StorageCapabilities } from '../ports/storage.js';
import { withRelayOutbox } from '../relay/relay-outbox.js';
import { instrumentAdapter } from '../telemetry/instrumented-adapters.js';
import { instrumentCommands } from '../telemetry/instrumented-commands.js';
import { cancelOrder } from './cancel-order.js';
import {
  dispatchOptionsSchema,
  idArgument,
  optionsArgument,
  placeOptionsSchema,
  pollOptionsSchema,
  webhookRequestArgument,
} from './command-arguments.js';
import { type ConfiguredPart, type FulfillmentConfig, type FulfillmentPolicy, requireConfigured, resolvePolicy, validateConfig } from './config.js';
import { type EngineContext, defaultGenerateId, eventFactory } from './context.js';
import { EventBus, type EventSubscriptions } from './event-bus.js';
import { guardCarrier, guardPayments } from './guarded-adapters.js';
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
import { shipmentKey } from './order-index.js';
import { loadOrder } from './order-writer.js';
import { recordAuthorized, requirePayments } from './payment-flow.js';
import { type PaymentWebhookResult, handlePaymentWebhook } from './payment-webhook.js';
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
    /** Every SKU that has stock at some location, sorted. */
    skus(): Promise<string[]>;
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
    /** The shipment and the order it belongs to, or `null` when no order has it. */
    shipment(shipmentId: string): Promise<ShipmentResult | null>;
  };
  /** Carrier tracking. */
  tracking: {
    /** Verify a carrier webhook over its raw body and apply its events. */
    handleWebhook(carrierId: string, request: WebhookRequest): Promise<TrackingBatchResult>;
    /** Apply one normalized tracking event. */
    record(event: TrackingEventInput): Promise<TrackingResult>;
    /** Poll carriers without webhooks for every parcel on the road. */
    poll(options?: { limit?: number }): Promise<TrackingBatchResult>;
  };
  /** Payment provider notifications. */
  payments: {
    /** Verify a payment provider webhook over its raw body and apply the payment's current state to its order. */
    handleWebhook(providerId: string, request: WebhookRequest): Promise<PaymentWebhookResult>;
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
  /** What the storage adapter guarantees (durable, shared between processes). */
  readonly storageCapabilities: Readonly<StorageCapabilities>;
  /** The carton catalog `fulfillment.pack` chooses from. */
  readonly boxes: readonly Box[];
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
  // Wrapped once here: every answer is checked at the port boundary (guarded-adapters.ts).
  const carriers = new Map((config.carriers ?? []).map((c) => [c.id, guardCarrier(c)]));
  const notifiers = config.notifier === undefined ? [] : Array.isArray(config.notifier) ? config.notifier : [config.notifier];
  const clock = config.clock ?? systemClock;
  const id = config.generateId ?? defaultGenerateId;
  const storage = config.storage ?? defaultStorage();
  const relay = config.relay ?? null;
  if (relay !== null && (typeof relay.publish !== 'function' || typeof relay.id !== 'string')) {
    throw new FulfillmentError('CONFIGURATION_ERROR', 'relay must have an id and a publish(event) method');
  }
  // Instrumentation and the relay cost nothing unless configured: no wrappers without them.
  const tel = config.instrumentation ?? null;
  const wrap = <A extends { readonly id: string }>(kind: 'carrier' | 'payment' | 'notifier' | 'relay', adapter: A): A =>
    tel ? instrumentAdapter(tel, kind, adapter) : adapter;
  for (const [carrierId, carrier] of carriers) carriers.set(carrierId, wrap('carrier', carrier));
  const bus = new EventBus(config.onHandlerError ?? (() => undefined));
  const policy = resolvePolicy(config.policy);
  const hostActions = hostActionsOf(config.orderMachine);
  const ctx: EngineContext = {
    storage: relay ? withRelayOutbox(storage) : storage,
    locations,
    locationList,
    carriers,
    payments: config.payments ? wrap('payment', guardPayments(config.payments)) : null,
    notifiers: notifiers.map((n) => wrap('notifier', n)),
    boxes: config.boxes ?? defaultBoxes,
    policy,
    clock,
    orderMachine: config.orderMachine,
    hostActions,
    bus,
    relay: relay ? wrap('relay', relay) : null,
    instrumentation: tel,
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

  // Every id and options argument is checked here, before a command (or the
  // sweep it may trigger) runs: one place, and the commands see only valid shapes.
  const orderId = (value: unknown) => idArgument(value, 'order id');
  const shipmentId = (value: unknown) => idArgument(value, 'shipment id');
  const returnId = (value: unknown) => idArgument(value, 'return id');

  const ff: Fulfillment = {
    inventory: {
      receive: needs('inventory.receive', ['locations'], withSweep((input) => receiveStock(ctx, input))),
      adjust: needs('inventory.adjust', ['locations'], (input) => adjustStock(ctx, input)),
      configure: needs('inventory.configure', ['locations'], (input) => configureStock(ctx, input)),
      level: (sku) => inventoryLevel(ctx, sku),
      ledger: (sku) => stockLedger(ctx, sku),
      skus: () => storage.skus(),
      reconcile: (skus) => reconcile(ctx, skus),
    },
    orders: {
      place: needs('orders.place', ['locations', 'carriers', 'payments'], async (input, options) => {
        const valid = optionsArgument(placeOptionsSchema, options, 'place options');
        await maybeSweep();
        return placeOrder(ctx, input, valid);
      }),
      get: async (id) => getOrder(ctx, orderId(id)),
      list: (query) => listOrders(ctx, query),
      cancel: async (id, input) => cancelOrder(ctx, orderId(id), input),
      hold: async (id, input) => holdOrder(ctx, orderId(id), input),
      releaseHold: async (id) => releaseHold(ctx, orderId(id)),
      retryPayment: needs('orders.retryPayment', ['payments'], async (id, payment) => {
        const valid = orderId(id);
        await maybeSweep();
        try {
          return await retryPayment(ctx, valid, payment);
        } catch (err) {
          // The attempt was recorded and the order is payment_failed: answer as place does.
          if (!isFulfillmentError(err, 'PAYMENT_DECLINED')) throw err;
          return loadOrder(ctx, valid);
        }
      }),
      syncPayment: async (id) => {
        const order = await loadOrder(ctx, orderId(id));
        const paymentId = order.payment.paymentId;
        if (!paymentId || (order.status !== 'pending_payment' && order.status !== 'payment_failed')) return order;
        const payments = requirePayments(ctx);
        const result = await callAdapter('payment.retrieve', ctx.policy.retry, (o) => payments.retrieve({ paymentId }, o));
        if (result && (result.status === 'authorized' || result.status === 'captured')) return recordAuthorized(ctx, order, result);
        return order;
      },
      history: async (id) => orderHistory(ctx, orderId(id)),
    },
    fulfillment: {
      pickList: needs('fulfillment.pickList', ['locations'], withSweep((input) => pickList(ctx, input))),
      confirmPick: async (id, input) => {
        const valid = shipmentId(id);
        return shipmentResult(await confirmPick(ctx, valid, input), valid);
      },
      pack: async (id, input) => packShipment(ctx, shipmentId(id), input),
      ship: needs('fulfillment.ship', ['carriers'], async (id, input) => {
        const shipped = await shipShipment(ctx, shipmentId(id), input);
        const order = await ctx.storage.getOrder(shipped.orderId);
        return order ? shipmentResult(order, shipped.id, shipped) : { order: await loadOrder(ctx, shipped.orderId), shipment: shipped };
      }),
      shipment: async (id) => {
        const valid = shipmentId(id);
        const owner = await storage.findOrderId(shipmentKey(valid));
        const order = owner ? await storage.getOrder(owner) : null;
        const shipment = order?.shipments.find((s) => s.id === valid);
        return order && shipment ? { order, shipment } : null;
      },
    },
    tracking: {
      handleWebhook: async (carrierId, request) =>
        handleWebhook(ctx, idArgument(carrierId, 'carrier id'), webhookRequestArgument(request)),
      record: (event) => recordTracking(ctx, event),
      poll: async (options) => pollTracking(ctx, optionsArgument(pollOptionsSchema, options, 'poll options')),
    },
    payments: {
      handleWebhook: async (providerId, request) =>
        handlePaymentWebhook(ctx, idArgument(providerId, 'payment provider id'), webhookRequestArgument(request)),
    },
    returns: {
      request: async (id, input) => requestReturn(ctx, orderId(id), input),
      approve: async (id) => approveReturn(ctx, returnId(id)),
      receive: needs('returns.receive', ['payments'], async (id, input) => receiveReturn(ctx, returnId(id), input)),
    },
    events: { on: (type, handler) => bus.on(type, handler), onAny: (handler) => bus.onAny(handler) },
    outbox: {
      dispatch: async (options) => dispatchOutbox(ctx, optionsArgument(dispatchOptionsSchema, options, 'dispatch options')),
      stats: () => storage.outboxStats(ctx.nowIso()),
    },
    sweep: () => sweep(ctx),
    policy: ctx.policy,
    boxes: ctx.boxes,
    storageCapabilities: storage.capabilities,
    close: () => storage.close(),
  };
  return tel ? instrumentCommands(tel, ff) : ff;
}

/** The shared result of shipment-scoped commands: the order and, from it, the shipment. */
function shipmentResult(order: Order, shipmentId: string, fallback?: Shipment): ShipmentResult {
  const shipment = order.shipments.find((s) => s.id === shipmentId) ?? fallback;
  if (!shipment) throw new FulfillmentError('NOT_FOUND', `Shipment ${shipmentId} is not part of order ${order.id}`, { details: { shipmentId, orderId: order.id } });
  return { order, shipment };
}
