// Step 6: rate-shop across carriers, buy one label (falling back to the next
// rate when a carrier refuses), then hand over. Each step is an intent, so
// racing or retried ship() calls join one purchase and one capture.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import { heldQuantity } from '../domain/inventory.js';
import type { OrderIntent } from '../domain/intent.js';
import type { Order } from '../domain/order.js';
import type { Rate, Shipment } from '../domain/shipment.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { CarrierMessage, RateRequest } from '../ports/carrier.js';
import { rankRates } from '../shipping/rate-shop.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import type { EffectOutcomes } from './effects.js';
import { assertFulfillable, decideHandOver, handOverHandler } from './hand-over.js';
import { registerIntentHandler } from './intent-registry.js';
import { type Decision, act, intentConflict, pendingIntent } from './intents.js';
import { shipmentValue } from './labels.js';
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
  assertFulfillable(order, shipmentId, 'SHIP');
  if (shipment.status === 'packed') {
    const pending = pendingIntent(order);
    let candidates: Rate[] = [];
    if (!pending) {
      await assertStockHeld(ctx, order, shipment);
      candidates = await shopRates(ctx, order, shipment, input);
    } else if (pending.command !== 'label' || pending.target !== shipmentId) {
      throw intentConflict(order, pending);
    }
    order = await act(ctx, order.id, (current, retry) => decideLabel(current, shipmentId, candidates, retry), labelHandler, order);
    shipment = findShipment(order, shipmentId);
    if (shipment.status !== 'label_purchased') return shipment;
  }
  order = await act(ctx, order.id, (current, retry) => decideHandOver(ctx, current, shipmentId, retry), handOverHandler, order);
  return findShipment(order, shipmentId);
}

function decideLabel(order: Order, shipmentId: string, candidates: Rate[], retry: boolean): Decision {
  const s = findShipment(order, shipmentId);
  if (s.status !== 'packed') {
    if (retry && s.label !== null) return { kind: 'done' };
    throw new FulfillmentError('INVALID_TRANSITION', `Shipment ${shipmentId} is ${s.status}; only packed shipments can ship`, {
      details: { status: s.status, event: 'SHIP' },
    });
  }
  assertFulfillable(order, shipmentId, 'SHIP');
  const { actions } = applyShipmentEvent(s.status, { type: 'PURCHASE_LABEL' });
  if (!actions.includes('purchaseLabel')) throw new FulfillmentError('CONFIGURATION_ERROR', 'The shipment machine buys no label on PURCHASE_LABEL');
  return {
    kind: 'intent',
    command: 'label',
    target: shipmentId,
    fingerprint: 'label',
    effects: [{ kind: 'purchaseLabel', shipmentId, candidates, unsettled: null }],
  };
}

/** Records the bought label. A purchase every carrier refused records nothing. */
const labelHandler = registerIntentHandler('label', {
  finish(ctx, order, intent, outcomes) {
    const { rate, label } = outcomes[0] as EffectOutcomes['purchaseLabel'];
    const s = findShipment(order, intent.target);
    s.status = applyShipmentEvent(s.status, { type: 'PURCHASE_LABEL' }).status;
    s.rate = rate;
    s.label = label;
    const event = ctx.event('shipment.label_purchased', order.id, {
      shipmentId: s.id,
      carrierId: rate.carrierId,
      service: rate.service,
      trackingNumber: label.trackingNumber,
      cost: label.cost,
    });
    // ship() goes on to hand the parcel over: that intent is recorded in this same write.
    let handOver: Decision | null = null;
    try {
      handOver = decideHandOver(ctx, order, s.id, false);
    } catch {
      // Not ready to leave (cannot happen while the label intent holds the order): ship() decides again.
    }
    const next: OrderIntent | null =
      handOver?.kind === 'intent' && handOver.effects.length > 0
        ? { id: ctx.id('int'), command: 'handOver', target: s.id, fingerprint: handOver.fingerprint, effects: handOver.effects, data: {}, startedAt: ctx.nowIso() }
        : null;
    return { events: [event], next };
  },
});

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

/** Rates from every eligible carrier, best first. `NO_RATES` explains itself in `details.messages`. */
async function shopRates(ctx: EngineContext, order: Order, shipment: Shipment, input: ShipInput): Promise<Rate[]> {
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
        const quote = await callAdapter(`${carrier.id}.getRates`, ctx.policy.retry, (o) => carrier.getRates(request, o));
        messages.push(...quote.messages);
        return quote.rates;
      } catch (err) {
        messages.push({ carrierId: carrier.id, code: 'RATE_REQUEST_FAILED', message: err instanceof Error ? err.message : String(err) });
        return [];
      }
    }),
  );
  const offered = quotes.flat();
  let rates = offered.filter((r) => r.amount.currency === order.currency);
  // Rates the engine itself sets aside are explained, like the carriers' own refusals.
  for (const r of offered) {
    if (r.amount.currency !== order.currency) {
      messages.push({ carrierId: r.carrierId, code: 'CURRENCY_MISMATCH', message: `Rate ${r.service} is quoted in ${r.amount.currency}, the order is in ${order.currency}` });
    }
  }
  if (input.service) {
    const before = rates;
    rates = rates.filter((r) => r.service === input.service);
    if (rates.length === 0) {
      const services = [...new Set(before.map((r) => r.service))].join(', ') || 'none';
      messages.push({ carrierId: input.carrier ?? '*', code: 'SERVICE_NOT_OFFERED', message: `No carrier offered service ${input.service} (offered: ${services})` });
    }
  }
  const ranked = rankRates(rates, ctx.policy.rateSelection, {
    speed: order.shippingPreference.speed,
    deliverBy: order.shippingPreference.deliverBy,
    now: ctx.clock.now(),
  });
  if (rates.length > 0 && ranked.length === 0) {
    messages.push({ carrierId: '*', code: 'NO_RATE_SELECTED', message: `No rate satisfies the ${String(ctx.policy.rateSelection)} rate selection for this order` });
  }
  const candidates = ranked.filter((r) => ctx.carriers.has(r.carrierId));
  if (candidates.length === 0) {
    throw new FulfillmentError('NO_RATES', `No carrier offered a rate for shipment ${shipment.id}`, { details: { messages } });
  }
  return candidates;
}
