// Step 1-3: order receipt, stock reservation and payment authorization, as a
// saga whose compensation releases the hold when the order cannot be stored.
import { FulfillmentError, isFulfillmentError, parseInput } from '../domain/errors.js';
import { checkShippingAddress } from './address-check.js';
import type { DomainEvent } from '../domain/events.js';
import { type Order, type OrderInput, type OrderLine, orderInputSchema } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import type { Allocation } from '../inventory/allocate.js';
import { initialOrderState } from '../machines/order.js';
import type { EngineContext } from './context.js';
import { fingerprint } from './fingerprint.js';
import { orderKeys, orderTags } from './order-index.js';
import { loadOrder } from './order-writer.js';
import { collectHostActions, withHostActionMessages } from './host-actions.js';
import { runIntent } from './intents.js';
import { applyAuthorization, captureHandler, paidHold, placeCaptureIntent, requestAuthorization, requirePayments, voidResult } from './payment-flow.js';
import { allocateAndReserve } from './stock-allocation.js';

/** Options of `orders.place`. */
export interface PlaceOptions {
  /** Same key and same input returns the first order; same key, other input is `IDEMPOTENCY_CONFLICT`. */
  idempotencyKey?: string;
}

const SCOPE = 'orders.place';

/** Validate, reserve, store and authorize a new order. */
export async function placeOrder(ctx: EngineContext, raw: OrderInput, options: PlaceOptions = {}): Promise<Order> {
  const input = parseInput(orderInputSchema, raw, 'order');
  const key = options.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 255)) {
    throw new FulfillmentError('VALIDATION_FAILED', 'Invalid idempotencyKey: must be a string of 1 to 255 characters', {
      details: { issues: [{ path: 'idempotencyKey', message: 'must be a string of 1 to 255 characters' }] },
    });
  }
  const payments = requirePayments(ctx);

  let print: string | undefined;
  if (key !== undefined) {
    print = await fingerprint(input);
    const existing = await ctx.storage.getIdempotency(SCOPE, key);
    if (existing) return replay(ctx, existing.resourceId, existing.fingerprint, print, key);
  }

  const addressCheck = await checkShippingAddress(ctx, input.shippingAddress);
  const orderId = ctx.id('ord');
  const now = ctx.nowIso();
  const lines: OrderLine[] = input.lines.map((l, i) => ({
    id: `${orderId}-${i + 1}`,
    sku: l.sku,
    name: l.name ?? null,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    weight: l.weight ?? null,
    dimensions: l.dimensions ?? null,
    fragile: l.fragile ?? false,
    giftWrap: l.giftWrap ?? false,
    backordered: 0,
    cancelled: 0,
    shipped: 0,
    returned: 0,
    ...(l.customs === undefined ? {} : { customs: l.customs }),
  }));
  const reservationId = `res_${orderId}`;
  const hold = await allocateAndReserve(ctx, {
    orderId,
    reservationId,
    lines: lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity })),
    destination: { address: input.shippingAddress, coordinates: input.shippingCoordinates ?? null },
    expiresAt: new Date(ctx.clock.now().getTime() + ctx.policy.reservationTtlMs).toISOString(),
    opId: 'place',
    allowShort: ctx.policy.backorders,
  });

  for (const s of hold.allocation.shortfall) {
    const line = lines.find((l) => l.id === s.lineId);
    if (line) line.backordered += s.quantity;
  }
  const subtotal = lines.reduce((n, l) => n + l.unitPrice.amount * l.quantity, 0);
  const shippingAmount = input.shipping.price?.amount ?? 0;
  const total = { amount: subtotal + shippingAmount, currency: input.currency };
  const shipments = buildShipments(ctx, orderId, hold.allocation, now);
  const order: Order = {
    id: orderId,
    reference: input.reference ?? null,
    version: 1,
    status: 'pending_payment',
    createdAt: now,
    updatedAt: now,
    customer: input.customer,
    shippingAddress: input.shippingAddress,
    shippingCoordinates: input.shippingCoordinates ?? null,
    billingAddress: input.billingAddress ?? null,
    currency: input.currency,
    lines,
    shippingPreference: { speed: input.shipping.speed, deliverBy: input.shipping.deliverBy ?? null },
    totals: {
      subtotal: { amount: subtotal, currency: input.currency },
      shipping: { amount: shippingAmount, currency: input.currency },
      total,
    },
    payment: {
      provider: payments.id,
      method: input.payment.method,
      status: 'requires_action',
      paymentId: null,
      amount: total,
      authorized: 0,
      captured: 0,
      refunded: 0,
      attempts: 1,
      lastError: null,
    },
    reservationId: hold.reservation ? reservationId : null,
    shipments,
    returns: [],
    hold: null,
    cancellation: null,
    giftMessage: input.giftMessage ?? null,
    notes: input.notes ?? null,
    metadata: input.metadata ?? {},
    machine: initialOrderState(ctx.orderMachine).state,
  };
  const events: DomainEvent[] = [
    ctx.event('order.placed', orderId, { status: order.status, total, ...(addressCheck === null ? {} : { addressCheck }) }),
    ...shipments.map((s) => ctx.event('shipment.created', orderId, { shipmentId: s.id, locationId: s.locationId })),
  ];

  // Authorize before the first write, so placing costs one order write. A
  // crash before that write leaves a held reservation and maybe an
  // authorization; the expiry sweep releases the one and voids the other.
  const outcome = await requestAuthorization(ctx, order);
  const { value: paid, actions } = collectHostActions(ctx, () => applyAuthorization(ctx, order, outcome));
  if (paid) events.push(...paid.events);

  // With capture on placement, the capture is recorded as the new order's intent in the same write.
  const captureIntent = paid ? placeCaptureIntent(ctx, order) : null;
  if (captureIntent) order.intent = captureIntent;
  try {
    await ctx.storage.createOrder({
      order,
      keys: orderKeys(order),
      tags: orderTags(order),
      events,
      outbox: withHostActionMessages(paid?.outbox, order.id, order.version, actions),
      idempotency: key !== undefined && print ? { scope: SCOPE, key, fingerprint: print } : undefined,
      reservationExpiry: hold.reservation ? paidHold(order, outcome) : undefined,
    });
  } catch (err) {
    // Compensate: neither the hold nor the money may outlive an order that was never stored.
    if (hold.reservation) {
      await ctx.storage
        .releaseReservation({ reservationId, opId: 'place:abort', reason: 'order not stored', at: ctx.nowIso() })
        .catch((e) => ctx.reportError(e, `release of ${reservationId}`));
    }
    if (outcome.kind !== 'failed') await voidResult(ctx, order, outcome.result).catch((e) => ctx.reportError(e, `void of ${order.id}'s authorization`));
    if (isFulfillmentError(err, 'IDEMPOTENCY_CONFLICT') && key !== undefined && print) {
      const d = err.details as { resourceId?: string; fingerprint?: string };
      if (d.resourceId && d.fingerprint) return replay(ctx, d.resourceId, d.fingerprint, print, key);
    }
    throw err;
  }
  ctx.bus.emit(events);
  if (!captureIntent) return order;
  try {
    return await runIntent(ctx, order, captureIntent, captureHandler);
  } catch (err) {
    // The order is placed and paid for. A refused capture is taken again at shipment;
    // one whose outcome is unknown stays pending for the next command or the sweep.
    ctx.reportError(err, `capture on placement of ${order.id}`);
    return loadOrder(ctx, order.id);
  }
}

async function replay(ctx: EngineContext, orderId: string, stored: string, print: string, key: string): Promise<Order> {
  if (stored !== print) {
    throw new FulfillmentError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was already used with a different order`, {
      details: { key, orderId },
    });
  }
  return loadOrder(ctx, orderId);
}

/** One shipment per location that serves part of the order. */
export function buildShipments(ctx: EngineContext, orderId: string, allocation: Allocation, now: string): Shipment[] {
  return allocation.assignments
    .filter((a) => a.lines.length > 0)
    .map((a) => ({
      id: ctx.id('shp'),
      orderId,
      locationId: a.locationId,
      status: 'pending' as const,
      lines: a.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, picked: null })),
      parcels: [],
      rate: null,
      label: null,
      trackingStatus: null,
      trackingEvents: [],
      failedAttempts: 0,
      createdAt: now,
      shippedAt: null,
      deliveredAt: null,
    }));
}
