import { describe, expect, it } from 'vitest';
import { type MemoryNotifier, memoryNotifier } from '../../src/notifiers/memory/memory-notifier.js';
import { describeNotifierConformance } from '../../src/testing/notifier-conformance.js';

describeNotifierConformance('memoryNotifier', () => memoryNotifier(), {
  delivered: (n: MemoryNotifier) => n.messages,
  unavailable: () => memoryNotifier({ failTimes: Number.POSITIVE_INFINITY }),
});

const message = {
  channel: 'email' as const,
  to: 'ada@example.com',
  template: 'order.confirmed' as const,
  data: { orderId: 'ord_1' },
  idempotencyKey: 'ord_1:order.confirmed',
};

describe('memoryNotifier', () => {
  it('records once per key and filters by template and recipient', async () => {
    const notifier = memoryNotifier();
    const first = await notifier.send(message);
    expect(await notifier.send(message)).toEqual(first);
    await notifier.send({ ...message, template: 'shipment.shipped', idempotencyKey: 'k2' });
    expect(notifier.messages).toHaveLength(2);
    expect(notifier.sent({ template: 'shipment.shipped' })).toEqual([expect.objectContaining({ idempotencyKey: 'k2', messageId: 'msg_2' })]);
    expect(notifier.sent({ to: 'someone@else.example' })).toEqual([]);
    notifier.clear();
    expect(notifier.messages).toEqual([]);
  });

  it('fails as configured, then recovers', async () => {
    const notifier = memoryNotifier({ failTimes: 2, fault: (n) => (n.to === 'blocked@example.com' ? 'rejected' : null) });
    await expect(notifier.send(message)).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: true });
    await expect(notifier.send(message)).rejects.toMatchObject({ retryable: true });
    expect(await notifier.send(message)).toEqual({ messageId: 'msg_1' });
    await expect(notifier.send({ ...message, to: 'blocked@example.com', idempotencyKey: 'b' })).rejects.toMatchObject({ retryable: false });
  });

  it('refuses channels it does not handle and keeps its record private', async () => {
    const notifier = memoryNotifier({ channels: ['email'] });
    await expect(notifier.send({ ...message, channel: 'sms' })).rejects.toMatchObject({ details: { reason: 'channel_unsupported' } });
    await notifier.send(message);
    (notifier.messages[0]!.data as Record<string, unknown>).orderId = 'tampered';
    expect(notifier.messages[0]!.data.orderId).toBe('ord_1');
  });
});
