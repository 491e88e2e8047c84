// The sandbox carrier's simulated parcel journeys: a timeline of scans fixed at
// label purchase and revealed as the clock passes, in the carrier's own codes.
import type { TrackingEvent } from '../../domain/tracking.js';
import { type CarrierStatusMap, normalizeCarrierStatus } from '../../tracking/carrier-status.js';

/** How a sandbox parcel's journey ends. */
export type SandboxScenario = 'delivered' | 'failed_then_delivered' | 'return_to_sender';

/** The sandbox carrier's own scan codes and what they normalize to. */
export const SANDBOX_TRACKING_STATUSES: CarrierStatusMap = {
  LABEL_CREATED: 'pending',
  PICKED_UP: 'picked_up',
  DEPARTED_FACILITY: 'in_transit',
  OUT_FOR_DELIVERY: 'out_for_delivery',
  DELIVERY_ATTEMPTED: 'delivery_failed',
  DELIVERED: 'delivered',
  RETURNED_TO_SENDER: 'return_to_sender',
  LABEL_VOIDED: 'cancelled',
};

/** One scan as the sandbox carrier reports it on the wire. */
export interface SandboxScan {
  id: string;
  code: string;
  description: string;
  occurred_at: string;
  location: string;
}

/** What the timeline needs to know about a purchased label. */
export interface SandboxJourney {
  trackingNumber: string;
  purchasedAt: Date;
  transitDays: number;
  scenario: SandboxScenario;
  originCity: string;
  destinationCity: string;
  voidedAt: Date | null;
}

const HOUR = 3_600_000;
/** A label can be voided until the parcel is picked up, this long after purchase. */
export const SANDBOX_PICKUP_DELAY_MS = 2 * HOUR;

/**
 * Every scan the journey will ever have, oldest first, future ones included.
 * Delivery attempts happen at the end of the transit window and then daily;
 * a voided label stops at `LABEL_VOIDED`.
 */
export function sandboxTimeline(journey: SandboxJourney): SandboxScan[] {
  const t0 = journey.purchasedAt.getTime();
  const plan: [number, string, string, string][] = [
    [0, 'LABEL_CREATED', 'Shipping label created', journey.originCity],
  ];
  if (journey.voidedAt !== null) {
    plan.push([journey.voidedAt.getTime() - t0, 'LABEL_VOIDED', 'Label voided by the shipper', journey.originCity]);
  } else {
    const transit = Math.max(1, journey.transitDays) * 24 * HOUR;
    plan.push([SANDBOX_PICKUP_DELAY_MS, 'PICKED_UP', 'Picked up by courier', journey.originCity]);
    plan.push([12 * HOUR, 'DEPARTED_FACILITY', 'Departed sorting facility', journey.originCity]);
    const outcomes = OUTCOMES[journey.scenario];
    outcomes.forEach((outcome, attempt) => {
      const at = transit + attempt * 24 * HOUR;
      if (outcome === 'RETURNED_TO_SENDER') {
        plan.push([at, outcome, 'Returned to sender after failed delivery attempts', journey.originCity]);
        return;
      }
      plan.push([at - 4 * HOUR, 'OUT_FOR_DELIVERY', 'Out for delivery', journey.destinationCity]);
      const description = outcome === 'DELIVERED' ? 'Delivered' : 'Delivery attempted: recipient not available';
      plan.push([at, outcome, description, journey.destinationCity]);
    });
  }
  return plan.map(([offset, code, description, location], index) => ({
    id: `${journey.trackingNumber}-${index}`,
    code,
    description,
    occurred_at: new Date(t0 + offset).toISOString(),
    location,
  }));
}

const OUTCOMES: Record<SandboxScenario, string[]> = {
  delivered: ['DELIVERED'],
  failed_then_delivered: ['DELIVERY_ATTEMPTED', 'DELIVERED'],
  return_to_sender: ['DELIVERY_ATTEMPTED', 'DELIVERY_ATTEMPTED', 'RETURNED_TO_SENDER'],
};

/** Scans that have happened by `now`. */
export function scansUntil(journey: SandboxJourney, now: Date): SandboxScan[] {
  const limit = now.getTime();
  return sandboxTimeline(journey).filter((scan) => Date.parse(scan.occurred_at) <= limit);
}

/** Turn a wire scan into a normalized event. */
export function toTrackingEvent(carrierId: string, trackingNumber: string, scan: SandboxScan): TrackingEvent {
  return {
    carrierId,
    trackingNumber,
    status: normalizeCarrierStatus(scan.code, SANDBOX_TRACKING_STATUSES),
    occurredAt: scan.occurred_at,
    eventId: scan.id,
    carrierStatus: scan.code,
    description: scan.description,
    location: scan.location,
    ...(scan.code === 'DELIVERY_ATTEMPTED' || scan.code === 'RETURNED_TO_SENDER' ? { reason: 'recipient_unavailable' as const } : {}),
  };
}
