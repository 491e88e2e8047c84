// Step 7, tracking and notifications: verified webhooks, duplicates and late
// events, polling, and the outbox delivering each notification exactly once.
import { describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER } from '../../src/tracking/webhook-signature.js';
import { DAY, HOUR, expectCode, flatRateCarrier, fulfil, makeShop, orderFor, reload, shipmentOf, stock } from '../helpers/shop.js';

async function shippedOrder(shop: ReturnType<typeof makeShop>) {
  await stock(shop.ff, 'east', { MUG: 5 });
  const placed = await shop.ff.orders.place(orderFor({ MUG: 1 }));
  const order = await fulfil(shop.ff, placed.id);
  return { order, shipment: shipmentOf(order) };
}

describe('tracking.handleWebhook', () => {
  it('applies the events of a valid signed webhook', async () => {
    const shop = makeShop();
    const { order, shipment } = await shippedOrder(shop);
    shop.clock.advance(13 * HOUR);
    const hook = await shop.carrier.webhookFor(shipment.label!.trackingNumber);
    const result = await shop.ff.tracking.handleWebhook('sandbox', hook);
    expect(result).toEqual({ received: 3, applied: 3, ignored: 0 });
    const after = shipmentOf(await reload(shop.ff, order.id));
    expect(after.status).toBe('in_transit');
    expect(after.trackingStatus).toBe('in_transit');
    expect(after.trackingEvents.map((e) => e.status)).toEqual(['pending', 'picked_up', 'in_transit']);
  });

  it('refuses a tampered or forged webhook with WEBHOOK_SIGNATURE_INVALID and changes nothing', async () => {
    const shop = makeShop();
    const { order, shipment } = await shippedOrder(shop);
    shop.clock.advance(5 * DAY);
    const hook = await shop.carrier.webhookFor(shipment.label!.trackingNumber);
    const body = hook.rawBody as string;
    const before = await reload(shop.ff, order.id);

    const tampered = { ...hook, rawBody: body.replace('PICKED_UP', 'DELIVERED') };
    expect(tampered.rawBody).not.toBe(body);
    await expectCode(shop.ff.tracking.handleWebhook('sandbox', tampered), 'WEBHOOK_SIGNATURE_INVALID');
    await expectCode(shop.ff.tracking.handleWebhook('sandbox', { headers: {}, rawBody: body }), 'WEBHOOK_SIGNATURE_INVALID');
    const header = String(hook.headers[SIGNATURE_HEADER]);
    const forged = { headers: { ...hook.headers, [SIGNATURE_HEADER]: header.replace(/v1=[0-9a-f]{4}/, 'v1=0000') }, rawBody: body };
    await expectCode(shop.ff.tracking.handleWebhook('sandbox', forged), 'WEBHOOK_SIGNATURE_INVALID');
    // A replay long after signing is refused too.
    shop.clock.advance(HOUR);
    await expectCode(shop.ff.tracking.handleWebhook('sandbox', hook), 'WEBHOOK_SIGNATURE_INVALID');

    expect(await reload(shop.ff, order.id)).toEqual(before);
    await expectCode(shop.ff.tracking.handleWebhook('nobody', hook), 'NOT_FOUND');
  });

  it('a duplicate webhook changes nothing', async () => {
    const shop = makeShop();
    const { order } = await shippedOrder(shop);
    shop.clock.advance(13 * HOUR);
    const hooks = await shop.carrier.webhooksSince();
    for (const hook of hooks) await shop.ff.tracking.handleWebhook('sandbox', hook);
    const before = await reload(shop.ff, order.id);
    for (const hook of hooks) expect((await shop.ff.tracking.handleWebhook('sandbox', hook)).applied).toBe(0);
    expect(await reload(shop.ff, order.id)).toEqual(before);
  });

  it('an older event arriving after a newer one does not move the status back', async () => {
    const shop = makeShop();
    const { order } = await shippedOrder(shop);
    shop.clock.advance(6 * DAY);
    const hooks = await shop.carrier.webhooksSince();
    const last = hooks[hooks.length - 1]!;
    expect(JSON.parse(last.rawBody as string).events[0].code).toBe('DELIVERED');
    expect((await shop.ff.tracking.handleWebhook('sandbox', last)).applied).toBe(1);
    for (const hook of hooks.slice(0, -1)) expect((await shop.ff.tracking.handleWebhook('sandbox', hook)).applied).toBe(0);
    const after = await reload(shop.ff, order.id);
    expect(shipmentOf(after).status).toBe('delivered');
    expect(after.status).toBe('delivered');
  });
});

describe('tracking.poll and tracking.record', () => {
  it('polls a carrier without webhooks and applies new scans once', async () => {
    const courier = flatRateCarrier('courier', 500);
    const shop = makeShop({ carriers: [courier] });
    const { order, shipment } = await shippedOrder(shop);
    const trackingNumber = shipment.label!.trackingNumber;
    courier.recordScan({ trackingNumber, status: 'in_transit', occurredAt: '2026-03-02T12:00:00.000Z' });
    shop.clock.advance(3 * HOUR); // scans are not taken from the future

    const first = await shop.ff.tracking.poll();
    expect(first.applied).toBe(2); // label created + in transit
    expect(shipmentOf(await reload(shop.ff, order.id)).status).toBe('in_transit');
    expect((await shop.ff.tracking.poll()).applied).toBe(0);

    courier.recordScan({ trackingNumber, status: 'delivered', occurredAt: '2026-03-04T12:00:00.000Z' });
    shop.clock.advance(2 * DAY);
    expect((await shop.ff.tracking.poll()).applied).toBe(1);
    expect((await reload(shop.ff, order.id)).status).toBe('delivered');
    // Delivered parcels are no longer polled.
    expect((await shop.ff.tracking.poll()).received).toBe(0);
  });

  it('record applies a normalized event, and refuses an unknown tracking number with NOT_FOUND', async () => {
    const shop = makeShop();
    const { order, shipment } = await shippedOrder(shop);
    shop.clock.advance(DAY);
    const result = await shop.ff.tracking.record({
      carrierId: 'sandbox',
      trackingNumber: shipment.label!.trackingNumber,
      status: 'out_for_delivery',
      occurredAt: '2026-03-03T08:00:00.000Z',
    });
    expect(result.applied).toBe(true);
    expect(result.shipment?.status).toBe('out_for_delivery');
    const error = await expectCode(
      shop.ff.tracking.record({ carrierId: 'sandbox', trackingNumber: 'SBX000', status: 'delivered', occurredAt: '2026-03-03T09:00:00.000Z' }),
      'NOT_FOUND',
    );
    expect(error.details).toMatchObject({ trackingNumber: 'SBX000' });
    await expectCode(shop.ff.tracking.record({ carrierId: 'sandbox', trackingNumber: 'x', status: 'teleported' } as never), 'VALIDATION_FAILED');
    expect(shipmentOf(await reload(shop.ff, order.id)).status).toBe('out_for_delivery');
  });
});

describe('notifications through the outbox', () => {
  it('dispatch delivers each notification once, however often it runs', async () => {
    const shop = makeShop();
    const { order, shipment } = await shippedOrder(shop);
    shop.clock.advance(6 * DAY);
    for (const hook of await shop.carrier.webhooksSince()) await shop.ff.tracking.handleWebhook('sandbox', hook);

    const first = await shop.ff.outbox.dispatch();
    const second = await shop.ff.outbox.dispatch();
    expect(second.delivered).toBe(0);
    const templates = shop.notifier.messages.map((m) => m.template).sort();
    expect(templates).toEqual(['order.confirmed', 'shipment.delivered', 'shipment.out_for_delivery', 'shipment.shipped']);
    expect(first.delivered).toBe(templates.length);
    expect(shop.notifier.messages.every((m) => m.to === 'ada@example.com' && m.data.orderId === order.id)).toBe(true);
    expect(shop.notifier.sent({ template: 'shipment.delivered' })[0]?.data.shipmentId).toBe(shipment.id);
    expect(await shop.ff.outbox.stats()).toEqual({ pending: 0, leased: 0, parked: 0 });
  });

  it('a notifier that fails twice delivers exactly once after backoff in clock time', async () => {
    const shop = makeShop({}, { notifier: { failTimes: 2 } });
    await stock(shop.ff, 'east', { MUG: 1 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));

    expect(await shop.ff.outbox.dispatch()).toEqual({ delivered: 0, retrying: 1, parked: 0 });
    // Not due yet: the retry waits in clock time.
    expect(await shop.ff.outbox.dispatch()).toEqual({ delivered: 0, retrying: 0, parked: 0 });
    shop.clock.advance(60_000);
    expect(await shop.ff.outbox.dispatch()).toEqual({ delivered: 0, retrying: 1, parked: 0 });
    shop.clock.advance(60_000);
    expect(await shop.ff.outbox.dispatch()).toEqual({ delivered: 1, retrying: 0, parked: 0 });
    shop.clock.advance(60_000);
    expect((await shop.ff.outbox.dispatch()).delivered).toBe(0);
    expect(shop.notifier.sent({ template: 'order.confirmed' })).toHaveLength(1);
  });

  it('a notifier that never succeeds parks the message after policy.outboxMaxAttempts', async () => {
    let sends = 0;
    const shop = makeShop(
      { policy: { outboxMaxAttempts: 3, retry: { timeoutMs: 200, retries: 0, baseDelayMs: 1 } } },
      {
        notifier: {
          fault: () => {
            sends++;
            return 'error';
          },
        },
      },
    );
    await stock(shop.ff, 'east', { MUG: 1 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(await shop.ff.outbox.dispatch());
      shop.clock.advance(10 * 60_000);
    }
    expect(results.reduce((n, r) => n + r.parked, 0)).toBe(1);
    expect(sends).toBe(3);
    expect(await shop.ff.outbox.stats()).toEqual({ pending: 0, leased: 0, parked: 1 });
    expect(shop.notifier.messages).toEqual([]);
  });

  it('a notifier that refuses a message for good parks it after one attempt, and a plain throw is retried', async () => {
    const shop = makeShop({}, { notifier: { fault: (n) => (n.template === 'order.confirmed' ? 'rejected' : null) } });
    await stock(shop.ff, 'east', { MUG: 1 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));
    expect(await shop.ff.outbox.dispatch()).toEqual({ delivered: 0, retrying: 0, parked: 1 });

    let calls = 0;
    const flaky = { id: 'flaky', capabilities: { channels: ['email' as const] }, send: async () => {
      calls++;
      if (calls === 1) throw new TypeError('socket hang up');
      return { messageId: 'm1' };
    } };
    const other = makeShop({ notifier: flaky });
    await stock(other.ff, 'east', { MUG: 1 });
    await other.ff.orders.place(orderFor({ MUG: 1 }));
    expect(await other.ff.outbox.dispatch()).toEqual({ delivered: 0, retrying: 1, parked: 0 });
    other.clock.advance(60_000);
    expect(await other.ff.outbox.dispatch()).toEqual({ delivered: 1, retrying: 0, parked: 0 });
  });

  it('a notification lost before its acknowledgement is not sent twice', async () => {
    const shop = makeShop();
    await stock(shop.ff, 'east', { MUG: 1 });
    await shop.ff.orders.place(orderFor({ MUG: 1 }));
    // A dispatcher crashes after sending but before the ack: its lease runs out and another one retries.
    const [message] = await shop.storage.claimOutbox({ limit: 10, leaseMs: 1_000, now: shop.clock.iso() });
    const payload = message!.payload as { notification: Parameters<typeof shop.notifier.send>[0] };
    await shop.notifier.send(payload.notification);
    shop.clock.advance(2_000);
    expect((await shop.ff.outbox.dispatch()).delivered).toBe(1);
    expect(shop.notifier.messages).toHaveLength(1);
  });
});
