import { describe, expect, it } from 'vitest';
import { deriveTrackingEventId, trackingEventInputSchema, trackingEventSchema } from '../../src/domain/tracking.js';

const event = { carrierId: 'ups', trackingNumber: '1Z999', status: 'delivery_failed' as const, occurredAt: '2026-11-28T14:03:00.000Z', eventId: 'evt_1' };

describe('tracking events', () => {
  it('require a stable event id from adapters, and derive the same id for the same scan however its time is written', () => {
    expect(trackingEventSchema.safeParse({ ...event, eventId: undefined }).success).toBe(false);
    expect(trackingEventSchema.safeParse({ ...event, eventId: '' }).success).toBe(false);
    const a = deriveTrackingEventId({ trackingNumber: '1Z999', status: 'delivered', occurredAt: '2026-11-28T15:03:00+01:00' });
    const b = deriveTrackingEventId({ trackingNumber: '1Z999', status: 'delivered', occurredAt: '2026-11-28T14:03:00.000Z' });
    expect(a).toBe(b);
    expect(a).toMatch(/^trk_[0-9a-f]{32}$/);
    expect(deriveTrackingEventId({ trackingNumber: '1Z999', status: 'delivery_failed', occurredAt: '2026-11-28T14:03:00.000Z' })).not.toBe(a);
    expect(deriveTrackingEventId({ trackingNumber: '1Z998', status: 'delivered', occurredAt: '2026-11-28T14:03:00.000Z' })).not.toBe(a);
  });

  it('take an incident reason from the documented list, on incident statuses only', () => {
    expect(trackingEventSchema.safeParse({ ...event, reason: 'recipient_unavailable' }).success).toBe(true);
    expect(trackingEventSchema.safeParse({ ...event, reason: 'aliens' }).success).toBe(false);
    const misplaced = trackingEventSchema.safeParse({ ...event, status: 'in_transit', reason: 'weather' });
    expect(misplaced.success).toBe(false);
    expect(misplaced.error?.issues[0]?.path).toEqual(['reason']);
    for (const status of ['delayed', 'on_hold', 'return_to_sender'] as const) {
      expect(trackingEventSchema.safeParse({ ...event, status, reason: 'weather' }).success).toBe(true);
    }
  });

  it('keep only known fields from adapters, while tracking.record input refuses unknown ones and may omit the id', () => {
    expect(trackingEventSchema.parse({ ...event, extra: 1 })).toEqual(event);
    expect(trackingEventInputSchema.safeParse({ ...event, extra: 1 }).success).toBe(false);
    expect(trackingEventInputSchema.safeParse({ ...event, eventId: undefined }).success).toBe(true);
  });
});
