// Carrier tracking events in the normalized vocabulary.
import { z } from 'zod';
import { type TrackingStatus, trackingStatusSchema } from './status.js';

/**
 * Why a parcel did not move as planned, on `delivery_failed`, `delayed`,
 * `on_hold` and `return_to_sender` events. Adapters map their carrier's
 * incident codes onto these and keep the raw code in `carrierStatus`.
 *
 * @example
 * ```ts
 * const reason = TRACKING_INCIDENT_REASONS.find((r) => r === mapped) ?? 'other';
 * ```
 */
export const TRACKING_INCIDENT_REASONS = [
  'address_issue',
  'recipient_unavailable',
  'weather',
  'damaged',
  'refused',
  'lost',
  'customs',
  'other',
] as const;
/**
 * Why a parcel did not move as planned.
 *
 * @example
 * ```ts
 * trackingIncidentReasonSchema.parse('recipient_unavailable');
 * ```
 */
export const trackingIncidentReasonSchema = z.enum(TRACKING_INCIDENT_REASONS);
/** Why a parcel did not move as planned. */
export type TrackingIncidentReason = z.infer<typeof trackingIncidentReasonSchema>;

/**
 * Tracking statuses that may carry a {@link TrackingIncidentReason}.
 *
 * @example
 * ```ts
 * INCIDENT_TRACKING_STATUSES.has('delivery_failed'); // true
 * ```
 */
export const INCIDENT_TRACKING_STATUSES: ReadonlySet<TrackingStatus> = new Set(['delivery_failed', 'delayed', 'on_hold', 'return_to_sender']);

const eventShape = {
  carrierId: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(64),
  status: trackingStatusSchema,
  /** When it happened at the carrier (ISO 8601). Orders events, so late arrivals are ignored. */
  occurredAt: z.iso.datetime({ offset: true }),
  /**
   * Stable id of this event: the same scan always has the same id, whether it
   * arrives by webhook or by polling, so duplicates are dropped. A carrier
   * without event ids gets one derived with `deriveTrackingEventId`.
   */
  eventId: z.string().min(1).max(128),
  /** The carrier's raw status code, kept for support staff. */
  carrierStatus: z.string().max(128).optional(),
  description: z.string().max(500).optional(),
  location: z.string().max(200).optional(),
  /** Incident code on `delivery_failed`, `delayed`, `on_hold` and `return_to_sender` events. */
  reason: trackingIncidentReasonSchema.optional(),
};

const reasonOnIncidentOnly = (event: { status: TrackingStatus; reason?: string | undefined }) =>
  event.reason === undefined || INCIDENT_TRACKING_STATUSES.has(event.status);
const reasonRule = { message: 'is only given on delivery_failed, delayed, on_hold and return_to_sender events', path: ['reason'] };

/**
 * One normalized tracking event, as adapters answer it and shipments keep it.
 * Adapters may add fields of their own; only these are kept.
 *
 * @example
 * ```ts
 * trackingEventSchema.parse({
 *   carrierId: 'sandbox', trackingNumber: 'SBX123', status: 'delivery_failed', reason: 'recipient_unavailable',
 *   occurredAt: '2026-11-28T14:03:00.000Z', eventId: 'evt_1',
 * });
 * ```
 */
export const trackingEventSchema = z.object(eventShape).refine(reasonOnIncidentOnly, reasonRule);
/** One normalized tracking event. */
export type TrackingEvent = z.infer<typeof trackingEventSchema>;

/**
 * A tracking event as `tracking.record` accepts it: like {@link trackingEventSchema},
 * unknown fields refused, and `eventId` optional (derived from tracking number,
 * status and time when missing).
 *
 * @example
 * ```ts
 * await ff.tracking.record({
 *   carrierId: 'sandbox', trackingNumber: 'SBX123', status: 'delivered',
 *   occurredAt: '2026-11-28T14:03:00.000Z',
 * });
 * ```
 */
export const trackingEventInputSchema = z
  .strictObject({ ...eventShape, eventId: eventShape.eventId.optional() })
  .refine(reasonOnIncidentOnly, reasonRule);
/** A tracking event as `tracking.record` accepts it. */
export type TrackingEventInput = z.input<typeof trackingEventInputSchema>;

/**
 * A stable event id for a carrier that has none: the same tracking number,
 * status and instant (however the offset is written) always give the same id.
 *
 * @example
 * ```ts
 * deriveTrackingEventId({ trackingNumber: '1Z999', status: 'delivered', occurredAt: '2026-11-28T15:03:00+01:00' });
 * // 'trk_…', equal to the id of '2026-11-28T14:03:00.000Z'
 * ```
 */
export function deriveTrackingEventId(event: { trackingNumber: string; status: string; occurredAt: string }): string {
  const instant = Date.parse(event.occurredAt);
  const at = Number.isNaN(instant) ? event.occurredAt : new Date(instant).toISOString();
  return `trk_${digest(`${event.trackingNumber}\u0000${event.status}\u0000${at}`)}`;
}

// Four independent 32-bit FNV-1a rounds as 32 hex digits: stable across runtimes, not for secrets.
function digest(text: string): string {
  let out = '';
  for (let round = 0; round < 4; round++) {
    let hash = 0x811c9dc5 ^ round;
    const seeded = `${round}:${text}`;
    for (let i = 0; i < seeded.length; i++) {
      hash ^= seeded.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    out += (hash >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}
