// Step 6: rate-shop across carriers, buy one label (falling back to the next
// rate when a carrier fails), capture payment and commit stock. The bought
// label is checkpointed, so a retried ship() resumes instead of buying twice.
import { z } from 'zod';
import { type CarrierError, FulfillmentError, isFulfillmentError, parseInput } from '../domain/errors.js';
import { heldQuantity } from '../domain/inventory.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Label, Rate, Shipment } from '../domain/shipment.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { CarrierMessage, RateRequest } from '../ports/carrier.js';
import { rankRates } from '../shipping/rate-shop.js';
import { callAdapter } from './adapter-call.js';
import { issueLabel, shipmentValue, voidLabel } from './cancel-order.js';
import type { EngineContext } from './context.js';
import { notify } from './notifications.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { mutateOrder } from './order-writer.js';
import { capture } from './payment-flow.js';
import { findShipment, loadShipment } from './shipment-lookup.js';

const shipSchema = z.strictObject({ carrier: z.string().min(1).optional(), service: z.string().min(1).optional() });

/** Input of `fulfillment.ship`. */
export type ShipInput = z.input<typeof shipSchema>;

/** Ship a packed shipment. Returns the shipment as shipped. */
export async function shipShipment(ctx: EngineContext, shipmentId: string, raw: ShipInput = {}): Promise<Shipment> {
  const input = parseInput(shipSchema, raw, 'ship request');
  let { order, shipment } = await loadShipment(ctx, shipmentId);
  if (shipment.status !== 'packed' && shipment.status !== 'label_purchased') {
    throw new FulfillmentError('INVALID_TRANSITION', `Shipment ${shipmentId} is ${shipment.status}; only packed shipments can ship`, {
      details: { status: shipment.status, event: 'SHIP' },
    });
  }
  if (order.status === 'on_hold') {
    throw new FulfillmentError('INVALID_TRANSITION', `Order ${order.id} is on hold: ${order.hold?.reason ?? ''}`, {
      details: { status: order.status, event: 'SHIP' },
    });
  }
  if (shipment.status === 'packed') {
    await assertStockHeld(ctx, order, shipment);
    const { rate, label } = await buyLabel(ctx, order, shipment, input);
    try {
      order = await mutateOrder(ctx, order.id, (current) => {
        const next = current;
        const s = findShipment(next, shipmentId);
        s.status = applyShipmentEvent(s.status, { type: 'PURCHASE_LABEL' }).status;
        s.rate = rate;
        s.label = label;
        const event = ctx.event('shipment.label_purchased', next.id, {
          shipmentId,
          carrierId: rate.carrierId,
          service: rate.service,
          trackingNumber: label.trackingNumber,
          cost: label.cost,
        });
        return { order: next, events: [event] };
      }, order);
    } catch (err) {
      await voidLabel(ctx, { ...shipment, rate, label }).catch((e) => ctx.reportError(e, `void of label ${label.trackingNumber}`));
      throw err;
    }
    shipment = findShipment(order, shipmentId);
  }
  return handOver(ctx, order, shipment);
}

async function handOver(ctx: EngineContext, order: Order, shipment: Shipment): Promise<Shipment> {
  const payment = order.payment;
  let captured: Awaited<ReturnType<typeof capture>> | null = null;
  // With capture on placement nothing is due here, unless that capture failed: then the goods
  // never leave without the money, and the whole open authorization is taken now.
  const onPlaceMissed = ctx.policy.capture === 'on_place' && payment.captured === 0;
  if ((ctx.policy.capture === 'on_ship' || onPlaceMissed) && payment.paymentId && (payment.status === 'authorized' || payment.status === 'captured')) {
    const open = payment.authorized - payment.captured;
    const partial = (ctx.payments?.capabilities.partialCapture ?? false) && !onPlaceMissed;
    const due = shipmentValue(order, shipment) + (payment.captured === 0 ? order.totals.shipping.amount : 0);
    const amount = partial ? Math.min(open, due) : payment.captured === 0 ? open : 0;
    if (amount > 0) captured = await capture(ctx, order, amount, `${order.id}:capture:${shipment.id}`);
  }
  if (order.reservationId) {
    await ctx.storage.commitReservation({
      reservationId: order.reservationId,
      lines: shipment.lines.map((l) => ({ sku: l.sku, locationId: shipment.locationId, quantity: l.quantity })),
      opId: `ship:${shipment.id}`,
      reason: `shipped ${shipment.id}`,
      at: ctx.nowIso(),
    });
  }
  const updated = await mutateOrder(ctx, order.id, (current) => {
    const next = current;
    const s = findShipment(next, shipment.id);
    if (s.status !== 'label_purchased') return null;
    s.status = applyShipmentEvent(s.status, { type: 'HAND_OVER' }).status;
    s.shippedAt = ctx.nowIso();
    for (const l of s.lines) {
      const line = next.lines.find((x) => x.id === l.lineId);
      if (line) line.shipped += l.quantity;
    }
    const label = s.label as Label;
    const events: DomainEvent[] = [ctx.event('shipment.shipped', next.id, { shipmentId: s.id, trackingNumber: label.trackingNumber, trackingUrl: label.trackingUrl })];
    if (captured && captured.captured > next.payment.captured) {
      const delta = captured.captured - next.payment.captured;
      next.payment = { ...next.payment, status: captured.status, captured: captured.captured };
      events.push(ctx.event('payment.captured', next.id, { amount: { amount: delta, currency: captured.amount.currency } }));
    }
    events.push(...transitionOrder(ctx, next, { type: 'SHIPMENTS_UPDATED', summary: summarizeShipments(next) }));
    const outbox = notify(ctx, next, 'shipment.shipped', s.id, {
      shipmentId: s.id,
      carrier: s.rate?.carrierId ?? null,
      service: s.rate?.service ?? null,
      trackingNumber: label.trackingNumber,
      trackingUrl: label.trackingUrl,
    });
    return { order: next, events, outbox };
  }, order);
  return findShipment(updated, shipment.id);
}

async function assertStockHeld(ctx: EngineContext, order: Order, shipment: Shipment): Promise<void> {
  const reservation = order.reservationId ? await ctx.storage.getReservation(order.reservationId) : null;
  const held = new Map<string, number>();
  for (const l of reservation?.lines ?? []) {
    if (l.locationId === shipment.locationId) held.set(l.sku, (held.get(l.sku) ?? 0) + heldQuantity(l));
  }
  const shortages = [];
  for (const l of shipment.lines) {
    const have = held.get(l.sku) ?? 0;
    if (have < l.quantity) shortages.push({ sku: l.sku, locationId: shipment.locationId, requested: l.quantity, available: have });
    held.set(l.sku, have - l.quantity);
  }
  if (shortages.length) {
    throw new FulfillmentError('INSUFFICIENT_STOCK', `Stock for shipment ${shipment.id} is no longer held`, { details: { shortages } });
  }
}

async function buyLabel(ctx: EngineContext, order: Order, shipment: Shipment, input: ShipInput): Promise<{ rate: Rate; label: Label }> {
  const location = ctx.locations.get(shipment.locationId);
  if (!location) throw new FulfillmentError('CONFIGURATION_ERROR', `Location ${shipment.locationId} is not configured`);
  const carriers = input.carrier ? [ctx.carriers.get(input.carrier)] : [...ctx.carriers.values()];
  if (carriers.length === 0 || carriers[0] === undefined) {
    throw new FulfillmentError(input.carrier ? 'NOT_FOUND' : 'CONFIGURATION_ERROR', input.carrier ? `Carrier ${input.carrier} is not configured` : 'No carriers configured', {
      details: { carrier: input.carrier ?? null },
    });
  }
  const request: RateRequest = {
    shipmentId: shipment.id,
    from: location.address,
    to: order.shippingAddress,
    parcels: shipment.parcels,
    currency: order.currency,
    declaredValue: { amount: shipmentValue(order, shipment), currency: order.currency },
    shipDate: ctx.nowIso(),
  };
  const messages: CarrierMessage[] = [];
  const quotes = await Promise.all(
    carriers.map(async (carrier) => {
      if (!carrier) return [];
      try {
        const quote = await callAdapter(`${carrier.id}.getRates`, ctx.policy.retry, () => carrier.getRates(request));
        messages.push(...quote.messages);
        return quote.rates;
      } catch (err) {
        messages.push({ carrierId: carrier.id, code: 'RATE_REQUEST_FAILED', message: err instanceof Error ? err.message : String(err) });
        return [];
      }
    }),
  );
  let rates = quotes.flat().filter((r) => r.amount.currency === order.currency);
  if (input.service) rates = rates.filter((r) => r.service === input.service);
  const ranked = rankRates(rates, ctx.policy.rateSelection, {
    speed: order.shippingPreference.speed,
    deliverBy: order.shippingPreference.deliverBy,
    now: ctx.clock.now(),
  });
  // A purchase whose outcome is unknown goes first, under its own key: if the
  // carrier did buy that label, this returns it instead of buying a second one.
  const unsettled = shipment.label === null ? shipment.rate : null;
  const candidates = unsettled
    ? [unsettled, ...ranked.filter((r) => r.carrierId !== unsettled.carrierId || r.service !== unsettled.service)]
    : ranked;
  if (candidates.length === 0) {
    throw new FulfillmentError('NO_RATES', `No carrier offered a rate for shipment ${shipment.id}`, { details: { messages } });
  }
  const failures: { carrierId: string; service: string; message: string }[] = [];
  for (const rate of candidates) {
    if (!ctx.carriers.has(rate.carrierId)) continue;
    try {
      return { rate, label: await issueLabel(ctx, order, shipment, rate) };
    } catch (err) {
      if (!isFulfillmentError(err)) throw err;
      failures.push({ carrierId: rate.carrierId, service: rate.service, message: (err as CarrierError).message });
      if (err.retryable || rate === unsettled) {
        // Timed out or unavailable: the label may exist (and a refusal of an earlier
        // unanswered purchase does not prove otherwise). Falling back could buy a
        // second one, so remember this rate and let the caller retry ship() later.
        await rememberUnsettledRate(ctx, order.id, shipment.id, rate);
        throw new FulfillmentError('CARRIER_ERROR', `Carrier ${rate.carrierId} did not issue a label for shipment ${shipment.id}; retry later`, {
          details: { failures, messages, unsettled: rate },
          retryable: true,
          cause: err,
        });
      }
    }
  }
  throw new FulfillmentError('CARRIER_ERROR', `Every carrier refused to issue a label for shipment ${shipment.id}`, {
    details: { failures, messages },
    retryable: false,
  });
}

async function rememberUnsettledRate(ctx: EngineContext, orderId: string, shipmentId: string, rate: Rate): Promise<void> {
  await mutateOrder(ctx, orderId, (current) => {
    const s = findShipment(current, shipmentId);
    if (s.status !== 'packed' || s.label !== null) return null;
    const next = current;
    findShipment(next, shipmentId).rate = rate;
    return { order: next };
  });
}
