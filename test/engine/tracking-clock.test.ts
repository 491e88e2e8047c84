// Tracking time: a scan dated far in the future never moves a shipment's
// clock, so the real scans after it still apply and delivery is reached.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import type { TrackingEventInput as TrackingEvent } from '../../src/domain/tracking.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { HOUR, expectCode, fulfil, makeShop, orderFor, reload, shipmentOf, stock } from '../helpers/shop.js';

async function shipped(shop: ReturnType<typeof makeShop>) {
  await stock(shop.ff, 'east', { MUG: 5 });
  const order = await fulfil(shop.ff, (await shop.ff.orders.place(orderFor({ MUG: 1 }))).id);
  const s = shipmentOf(order);
  return { order, carrierId: s.rate!.carrierId, trackingNumber: s.label!.trackingNumber };
}

describe('tracking events from the future', () => {
  it('tracking.record refuses a scan dated 9999-12-31, and later real scans still deliver', async () => {
    const shop = makeShop();
    const { order, carrierId, trackingNumber } = await shipped(shop);
    const before = await reload(shop.ff, order.id);
    const future: TrackingEvent = { carrierId, trackingNumber, status: 'in_transit', occurredAt: '9999-12-31T00:00:00.000Z' };
    const error = await expectCode(shop.ff.tracking.record(future), 'VALIDATION_FAILED');
    expect(error.details.reason).toBe('future_event');
    expect(await reload(shop.ff, order.id)).toEqual(before);

    shop.clock.advance(2 * HOUR);
    const now = () => shop.clock.now().toISOString();
    expect((await shop.ff.tracking.record({ carrierId, trackingNumber, status: 'in_transit', occurredAt: now() })).applied).toBe(true);
    shop.clock.advance(HOUR);
    const delivered = await shop.ff.tracking.record({ carrierId, trackingNumber, status: 'delivered', occurredAt: now() });
    expect(delivered.applied).toBe(true);
    expect((await reload(shop.ff, order.id)).status).toBe('delivered');
  });

  it('accepts a scan within the skew and refuses one beyond it; the skew is a policy', async () => {
    const shop = makeShop();
    const { carrierId, trackingNumber } = await shipped(shop);
    const ahead = (ms: number) => new Date(shop.clock.now().getTime() + ms).toISOString();
    expect(shop.ff.policy.trackingClockSkewMs).toBe(HOUR);
    await expectCode(shop.ff.tracking.record({ carrierId, trackingNumber, status: 'in_transit', occurredAt: ahead(HOUR + 1) }), 'VALIDATION_FAILED');
    expect((await shop.ff.tracking.record({ carrierId, trackingNumber, status: 'in_transit', occurredAt: ahead(30 * 60_000) })).applied).toBe(true);

    const strict = makeShop({ policy: { trackingClockSkewMs: 0, retry: { timeoutMs: 200, retries: 2, baseDelayMs: 1 } } });
    const other = await shipped(strict);
    await expectCode(strict.ff.tracking.record({ ...other, status: 'in_transit', occurredAt: new Date(strict.clock.now().getTime() + 1).toISOString() }), 'VALIDATION_FAILED');
  });

  it('a webhook carrying a future scan applies the real scans, ignores that one, and reports it', async () => {
    const clock = fakeClock('2026-03-02T09:00:00.000Z');
    const inner = sandboxCarrier({ clock });
    let tn = '';
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    const carrier = Object.assign(Object.create(inner), {
      parseWebhook: async () => [
        { carrierId: inner.id, trackingNumber: tn, status: 'picked_up', occurredAt: at(-HOUR), eventId: 'evt_pickup' },
        { carrierId: inner.id, trackingNumber: tn, status: 'out_for_delivery', occurredAt: '9999-12-31T23:59:59.000Z', eventId: 'evt_future' },
      ],
    });
    const shop = makeShop({ clock, carriers: [carrier] });
    const { order, trackingNumber } = await shipped(shop);
    tn = trackingNumber;
    const result = await shop.ff.tracking.handleWebhook(inner.id, { headers: {}, rawBody: '{}' });
    expect(result).toEqual({ received: 2, applied: 1, ignored: 1 });
    const s = shipmentOf(await reload(shop.ff, order.id));
    expect(s.trackingEvents.map((e) => e.occurredAt)).not.toContain('9999-12-31T23:59:59.000Z');
    expect(shop.backgroundErrors.some((e) => (e.error as { details?: { reason?: string } }).details?.reason === 'future_event')).toBe(true);

    clock.advance(HOUR);
    expect((await shop.ff.tracking.record({ carrierId: inner.id, trackingNumber: tn, status: 'delivered', occurredAt: at(0) })).applied).toBe(true);
    expect((await reload(shop.ff, order.id)).status).toBe('delivered');
  });
});
