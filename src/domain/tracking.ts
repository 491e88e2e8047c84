// Carrier tracking events in the normalized vocabulary.
import { z } from 'zod';
import { trackingStatusSchema } from './status.js';

/**
 * One normalized tracking event, whether it came from a webhook, a poll or
 * `tracking.record`.
 *
 * @example
 * ```ts
 * await ff.tracking.record({
 *   carrierId: 'sandbox', trackingNumber: 'SBX123', status: 'delivered',
 *   occurredAt: '2026-11-28T14:03:00.000Z',
 * });
 * ```
 */
export const trackingEventSchema = z.strictObject({
  carrierId: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(64),
  status: trackingStatusSchema,
  /** When it happened at the carrier (ISO 8601). Orders events, so late arrivals are ignored. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** The carrier's own event id, when it has one; used to drop duplicates. */
  eventId: z.string().max(128).optional(),
  /** The carrier's raw status code, kept for support staff. */
  carrierStatus: z.string().max(128).optional(),
  description: z.string().max(500).optional(),
  location: z.string().max(200).optional(),
});
/** One normalized tracking event. */
export type TrackingEvent = z.infer<typeof trackingEventSchema>;
