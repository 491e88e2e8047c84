// Step 7: carrier tracking from verified webhooks, polling or direct records,
// applied in carrier time so duplicates and late arrivals change nothing.
import { FulfillmentError, isFulfillmentError, parseInput } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Shipment } from '../domain/shipment.js';
import { type TrackingEvent, type TrackingEventInput, deriveTrackingEventId, trackingEventInputSchema } from '../domain/tracking.js';
import { applyShipmentEvent } from '../machines/shipment.js';
import type { WebhookHeaders } from '../ports/carrier.js';
import type { OutboxMessageInput } from '../ports/storage.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';
import { settlePendingVoids, settleVoidByScan } from './label-voids.js';
import { assertFulfillable, decideHandOver, handOverHandler } from './hand-over.js';
import { act, pendingIntent } from './intents.js';
import { trackTag, trackingKey } from './order-index.js';
import { summarizeShipments, transitionOrder } from './order-transition.js';
import { loadOrder } from './order-writer.js';
import { applyScan } from './shipment-tracking.js';

const MAX_EVENTS_KEPT = 50;
const POLLABLE: ReadonlySet<string> = new Set(['shipped', 'in_transit', 'out_for_delivery', 'delivery_failed']);

/** Outcome of applying one tracking event. */
export interface TrackingResult {
  /** False for duplicates and late (out-of-order) events. An unknown tracking number is `NOT_FOUND`. */
  applied: boolean;
  shipment: Shipment | null;
}

/** Outcome of a webhook or a poll. */
export interface TrackingBatchResult {
  received: number;
  applied: number;
  ignored: number;
}

/** A raw webhook request as a web framework hands it over. */
export interface WebhookRequest {
  headers: WebhookHeaders;
  /** The exact bytes received; signatures are computed over them, so never re-serialize. */
  rawBody: string | Uint8Array;
}

/** Apply one normalized tracking event, as `tracking.record` takes it from the caller. */
export async function recordTracking(ctx: EngineContext, raw: TrackingEventInput): Promise<TrackingResult> {
  const input = parseInput(trackingEventInputSchema, raw, 'tracking event');
  return applyTrackingEvent(ctx, { ...input, eventId: input.eventId ?? deriveTrackingEventId(input) });
}

/**
 * Apply one tracking event that has been checked already: by `recordTracking`,
 * or, for webhooks and polls, by the guarded carrier port, which parses every
 * event a carrier answers against `trackingEventSchema` (the same fields and
 * rule as the input schema, with `eventId` required) and refuses unstorable
 * text, so parsing it again here would check the same data twice.
 */
async function applyTrackingEvent(ctx: EngineContext, event: TrackingEvent): Promise<TrackingResult> {
  refuseFutureEvent(ctx, event);
  const orderId = await ctx.storage.findOrderId(trackingKey(event.carrierId, event.trackingNumber));
  if (!orderId) {
    throw new FulfillmentError('NOT_FOUND', `No shipment with ${event.carrierId} tracking number ${event.trackingNumber}`, {
      details: { carrierId: event.carrierId, trackingNumber: event.trackingNumber },
    });
  }
  let applied = false;
  const find = (order: Order) => order.shipments.find((x) => x.label?.trackingNumber === event.trackingNumber && x.rate?.carrierId === event.carrierId);
  let order: Order;
  try {
    order = await act(
      ctx,
      orderId,
      (current) => {
        applied = false;
        const s = find(current);
        if (!s || isDuplicate(s, event) || isLate(s, event)) return { kind: 'done' };
        applied = true;
        s.trackingEvents = [...s.trackingEvents, event].slice(-MAX_EVENTS_KEPT);
        s.trackingStatus = event.status;
        const events: DomainEvent[] = [ctx.event('shipment.tracking_updated', current.id, { shipmentId: s.id, status: event.status, occurredAt: event.occurredAt })];
        const outbox: OutboxMessageInput[] = [];
        if (s.status === 'label_purchased') {
          // The carrier has the parcel but the hand-over did not complete: complete it now
          // (capture, stock commit), recording the scan in the intent's own write. While
          // another command acts on the order, the scan is recorded and the sweep completes it.
          const { actions } = applyShipmentEvent(s.status, { type: 'TRACKING', status: event.status });
          if (actions.includes('completeHandOver') && !pendingIntent(current) && canHandOver(current)) {
            const handOver = decideHandOver(ctx, current, s.id, false, true);
            if (handOver.kind === 'intent') return { ...handOver, write: { events } };
          }
          return { kind: 'write', change: { order: current, events }, alongside: true };
        }
        // A carrier that settles a pending void later may say so with a `cancelled` scan.
        settleVoidByScan(ctx, s, event.status);
        const from = s.status;
        events.push(...applyScan(ctx, current, s, event, outbox));
        // A returned or cancelled order is final; late scans only update the shipment.
        if (s.status !== from && current.status !== 'returned' && current.status !== 'cancelled') {
          events.push(...transitionOrder(ctx, current, { type: 'SHIPMENTS_UPDATED', summary: summarizeShipments(current) }));
        }
        return { kind: 'write', change: { order: current, events, outbox }, alongside: true };
      },
      handOverHandler,
    );
  } catch (err) {
    // The scan is recorded; a hand-over it started that could not finish is left to the sweep.
    if (!applied || isFulfillmentError(err, 'NOT_FOUND')) throw err;
    ctx.reportError(err, `hand-over of the parcel ${event.trackingNumber} after a carrier scan`);
    order = await loadOrder(ctx, orderId);
  }
  return { applied, shipment: find(order) ?? null };
}

function canHandOver(order: Order): boolean {
  try {
    assertFulfillable(order, '', 'SHIP');
    return true;
  } catch {
    return false;
  }
}

// A scan from the future would make every real scan after it "late" and block delivery.
function refuseFutureEvent(ctx: EngineContext, event: TrackingEvent): void {
  const latest = ctx.clock.now().getTime() + ctx.policy.trackingClockSkewMs;
  if (Date.parse(event.occurredAt) <= latest) return;
  const message = `is over ${ctx.policy.trackingClockSkewMs} ms ahead of the clock`;
  throw new FulfillmentError('VALIDATION_FAILED', `Invalid tracking event: occurredAt ${message}`, {
    details: { reason: 'future_event', occurredAt: event.occurredAt, issues: [{ path: 'occurredAt', message }] },
  });
}

function isFutureEventError(err: unknown): boolean {
  return isFulfillmentError(err, 'VALIDATION_FAILED') && err.details.reason === 'future_event';
}

function isDuplicate(s: Shipment, e: TrackingEvent): boolean {
  return s.trackingEvents.some(
    (x) => x.eventId === e.eventId || (x.status === e.status && x.occurredAt === e.occurredAt),
  );
}

function isLate(s: Shipment, e: TrackingEvent): boolean {
  const last = s.trackingEvents[s.trackingEvents.length - 1];
  return last !== undefined && Date.parse(e.occurredAt) < Date.parse(last.occurredAt);
}

/** Verify a carrier webhook over its raw body and apply its events; `createFulfillment` has checked the request's shape. */
export async function handleWebhook(ctx: EngineContext, carrierId: string, request: WebhookRequest): Promise<TrackingBatchResult> {
  const carrier = ctx.carriers.get(carrierId);
  if (!carrier) throw new FulfillmentError('NOT_FOUND', `Carrier ${carrierId} is not configured`, { details: { carrierId } });
  if (!carrier.capabilities.webhooks || !carrier.parseWebhook) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `Carrier ${carrierId} does not support webhooks`, { details: { carrierId } });
  }
  const parse = carrier.parseWebhook.bind(carrier);
  // Verification is local work: bounded by the timeout, never retried.
  const events = await callAdapter(`${carrierId}.parseWebhook`, { ...ctx.policy.retry, retries: 0 }, (o) => parse(request.rawBody, request.headers ?? {}, o));
  return applyBatch(ctx, events.map((e) => ({ ...e, carrierId })));
}

/** Poll carriers that support it for every parcel still on the road. */
export async function pollTracking(ctx: EngineContext, options: { limit?: number } = {}): Promise<TrackingBatchResult> {
  const total: TrackingBatchResult = { received: 0, applied: 0, ignored: 0 };
  const limit = options.limit ?? 500;
  for (const carrier of ctx.carriers.values()) {
    if (!carrier.capabilities.polling) continue;
    let cursor: string | null = null;
    let seen = 0;
    do {
      const page = await ctx.storage.listOrders({ tag: trackTag(carrier.id), limit: Math.min(100, limit - seen), cursor });
      cursor = page.nextCursor;
      for (const order of page.items) {
        seen++;
        for (const s of order.shipments) {
          if (!s.label || s.rate?.carrierId !== carrier.id || !POLLABLE.has(s.status)) continue;
          const trackingNumber = s.label.trackingNumber;
          let events: TrackingEvent[];
          try {
            events = await callAdapter(`${carrier.id}.track`, ctx.policy.retry, (o) => carrier.track(trackingNumber, o));
          } catch (err) {
            // One parcel the carrier cannot answer for must not stop the others.
            if (!isFulfillmentError(err, 'NOT_FOUND')) ctx.reportError(err, `${carrier.id} tracking of ${trackingNumber}`);
            total.ignored++;
            continue;
          }
          const result = await applyBatch(ctx, events.map((e) => ({ ...e, carrierId: carrier.id })));
          total.received += result.received;
          total.applied += result.applied;
          total.ignored += result.ignored;
        }
      }
    } while (cursor && seen < limit);
  }
  // Pending label voids are asked about again on the same schedule as tracking.
  await settlePendingVoids(ctx).catch((err: unknown) => ctx.reportError(err, 'settling pending label voids'));
  return total;
}

async function applyBatch(ctx: EngineContext, events: TrackingEvent[]): Promise<TrackingBatchResult> {
  const sorted = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  const result: TrackingBatchResult = { received: events.length, applied: 0, ignored: 0 };
  for (const e of sorted) {
    try {
      const r = await applyTrackingEvent(ctx, e);
      if (r.applied) result.applied++;
      else result.ignored++;
    } catch (err) {
      // Webhooks also announce labels bought outside this shop; those are not ours.
      // A scan from the future is the carrier's clock gone wrong: kept out, and said.
      if (isFutureEventError(err)) ctx.reportError(err, `tracking event of ${e.carrierId} ${e.trackingNumber}`);
      else if (!isFulfillmentError(err, 'NOT_FOUND')) throw err;
      result.ignored++;
    }
  }
  return result;
}
