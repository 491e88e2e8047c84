// Shippo tracking statuses and substatus codes in the normalized vocabulary.
import { INCIDENT_TRACKING_STATUSES, type TrackingEvent, type TrackingIncidentReason, deriveTrackingEventId } from '../../domain/tracking.js';
import type { TrackingStatus } from '../../domain/status.js';

/** One entry of a Shippo tracking history (SDK shape). */
export interface ShippoTrackingStatusLike {
  objectId?: string;
  status?: string;
  statusDetails?: string;
  statusDate?: Date | string;
  substatus?: { code?: string } | null;
  location?: { city?: string; state?: string; country?: string } | null;
}

const SUBSTATUS: Readonly<Record<string, { status: TrackingStatus; reason?: TrackingIncidentReason }>> = {
  package_accepted: { status: 'picked_up' },
  out_for_delivery: { status: 'out_for_delivery' },
  pickup_available: { status: 'ready_for_pickup' },
  delayed: { status: 'delayed', reason: 'other' },
  package_held: { status: 'on_hold', reason: 'other' },
  address_issue: { status: 'delivery_failed', reason: 'address_issue' },
  delivery_attempted: { status: 'delivery_failed', reason: 'recipient_unavailable' },
  notice_left: { status: 'delivery_failed', reason: 'recipient_unavailable' },
  location_inaccessible: { status: 'delivery_failed', reason: 'address_issue' },
  package_damaged: { status: 'delivery_failed', reason: 'damaged' },
  package_lost: { status: 'delivery_failed', reason: 'lost' },
  package_undeliverable: { status: 'delivery_failed', reason: 'other' },
  return_to_sender: { status: 'return_to_sender', reason: 'other' },
};

/**
 * Normalize a Shippo status (`PRE_TRANSIT`, `TRANSIT`, ...) and its substatus code.
 *
 * @example
 * ```ts
 * shippoStatus('FAILURE', 'delivery_attempted'); // { status: 'delivery_failed', reason: 'recipient_unavailable' }
 * ```
 */
export function shippoStatus(status: string | undefined, substatus: string | undefined): { status: TrackingStatus; reason?: TrackingIncidentReason } {
  const bySub = SUBSTATUS[substatus ?? ''];
  let normalized: TrackingStatus;
  let reason: TrackingIncidentReason | undefined = bySub?.reason;
  switch (status) {
    case 'PRE_TRANSIT':
      normalized = bySub?.status === 'picked_up' ? 'picked_up' : 'pending';
      break;
    case 'TRANSIT':
      normalized = bySub?.status ?? 'in_transit';
      break;
    case 'DELIVERED':
      normalized = 'delivered';
      break;
    case 'RETURNED':
      normalized = 'return_to_sender';
      reason ??= 'other';
      break;
    case 'FAILURE':
      normalized = bySub?.status === 'return_to_sender' ? 'return_to_sender' : 'delivery_failed';
      reason ??= 'other';
      break;
    default:
      normalized = 'unknown';
  }
  if (!INCIDENT_TRACKING_STATUSES.has(normalized)) return { status: normalized };
  return { status: normalized, reason: reason ?? 'other' };
}

/** A tracking history as normalized events, oldest first, each with a stable id. */
export function shippoEvents(carrierId: string, trackingNumber: string, history: readonly ShippoTrackingStatusLike[]): TrackingEvent[] {
  const events: TrackingEvent[] = [];
  for (const entry of history) {
    const at = entry.statusDate instanceof Date ? entry.statusDate.getTime() : Date.parse(entry.statusDate ?? '');
    if (Number.isNaN(at)) continue;
    const occurredAt = new Date(at).toISOString();
    const { status, reason } = shippoStatus(entry.status, entry.substatus?.code);
    const carrierStatus = `${entry.status ?? 'UNKNOWN'}/${entry.substatus?.code ?? '-'}`.slice(0, 128);
    const where = [entry.location?.city, entry.location?.state, entry.location?.country].filter((x) => typeof x === 'string' && x !== '');
    events.push({
      carrierId,
      trackingNumber,
      status,
      occurredAt,
      // Shippo gives each history entry an object id; fall back to a derived one.
      eventId: entry.objectId ? `shippo_${entry.objectId}`.slice(0, 128) : deriveTrackingEventId({ trackingNumber, status: carrierStatus, occurredAt }),
      carrierStatus,
      ...(reason === undefined ? {} : { reason }),
      ...(entry.statusDetails ? { description: entry.statusDetails.slice(0, 500) } : {}),
      ...(where.length > 0 ? { location: where.join(', ').slice(0, 200) } : {}),
    });
  }
  return events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}
