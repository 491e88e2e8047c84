// EasyPost tracker statuses and status_detail values in the normalized
// tracking vocabulary, and trackers and webhook events as TrackingEvents.
import { INCIDENT_TRACKING_STATUSES, type TrackingEvent, type TrackingIncidentReason, deriveTrackingEventId } from '../../domain/tracking.js';
import type { TrackingStatus } from '../../domain/status.js';

/** A tracking detail as EasyPost sends it. */
export interface EasyPostTrackingDetail {
  status?: string | null;
  status_detail?: string | null;
  message?: string | null;
  datetime?: string | null;
  tracking_location?: { city?: string | null; state?: string | null; country?: string | null } | null;
}

/** A tracker as EasyPost sends it. */
export interface EasyPostTracker {
  id?: string;
  tracking_code?: string;
  status?: string;
  tracking_details?: EasyPostTrackingDetail[] | null;
}

const STATUS: Readonly<Record<string, TrackingStatus>> = {
  unknown: 'unknown',
  pre_transit: 'pending',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  available_for_pickup: 'ready_for_pickup',
  return_to_sender: 'return_to_sender',
  failure: 'delivery_failed',
  cancelled: 'cancelled',
  error: 'unknown',
};

// status_detail values that change the status of an in-transit parcel.
const DETAIL_STATUS: Readonly<Record<string, TrackingStatus>> = {
  weather_delay: 'delayed',
  delayed: 'delayed',
  transit_exception: 'delayed',
  held: 'on_hold',
  awaiting_information: 'on_hold',
  picked_up: 'picked_up',
  received_at_origin_facility: 'picked_up',
};

const DETAIL_REASON: Readonly<Record<string, TrackingIncidentReason>> = {
  weather_delay: 'weather',
  address_correction: 'address_issue',
  incorrect_address: 'address_issue',
  address_not_found: 'address_issue',
  damaged: 'damaged',
  lost: 'lost',
  refused: 'refused',
  receiver_unavailable: 'recipient_unavailable',
  recipient_unavailable: 'recipient_unavailable',
  customs_hold: 'customs',
  held_by_customs: 'customs',
};

/**
 * Normalize one EasyPost status (and its `status_detail`).
 *
 * @example
 * ```ts
 * easypostStatus('in_transit', 'weather_delay'); // { status: 'delayed', reason: 'weather' }
 * ```
 */
export function easypostStatus(status: string | null | undefined, detail: string | null | undefined): { status: TrackingStatus; reason?: TrackingIncidentReason } {
  let normalized = STATUS[status ?? ''] ?? 'unknown';
  if (normalized === 'in_transit' || normalized === 'pending') normalized = DETAIL_STATUS[detail ?? ''] ?? normalized;
  if (!INCIDENT_TRACKING_STATUSES.has(normalized)) return { status: normalized };
  return { status: normalized, reason: DETAIL_REASON[detail ?? ''] ?? 'other' };
}

/** A tracker's details as normalized events, oldest first, each with a stable derived id. */
export function trackerEvents(carrierId: string, tracker: EasyPostTracker): TrackingEvent[] {
  const trackingNumber = tracker.tracking_code ?? '';
  if (trackingNumber === '') return [];
  const events: TrackingEvent[] = [];
  for (const detail of tracker.tracking_details ?? []) {
    const at = Date.parse(detail.datetime ?? '');
    if (Number.isNaN(at)) continue;
    const occurredAt = new Date(at).toISOString();
    const { status, reason } = easypostStatus(detail.status, detail.status_detail);
    const carrierStatus = `${detail.status ?? 'unknown'}/${detail.status_detail ?? 'unknown'}`.slice(0, 128);
    const where = [detail.tracking_location?.city, detail.tracking_location?.state, detail.tracking_location?.country].filter((x) => typeof x === 'string' && x !== '');
    events.push({
      carrierId,
      trackingNumber,
      status,
      occurredAt,
      eventId: deriveTrackingEventId({ trackingNumber, status: carrierStatus, occurredAt }),
      carrierStatus,
      ...(reason === undefined ? {} : { reason }),
      ...(typeof detail.message === 'string' && detail.message !== '' ? { description: detail.message.slice(0, 500) } : {}),
      ...(where.length > 0 ? { location: where.join(', ').slice(0, 200) } : {}),
    });
  }
  return events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}
