// fulfillkit/amqp against the RabbitMQ server on this machine: envelopes and
// message properties, publisher confirms, unroutable messages, and 10,000
// events relayed across a broker stop and start with nothing lost.
import amqplib from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { amqpRelay } from '../../src/amqp.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { CloudEvent } from '../../src/relay/cloud-event.js';
import { brokersRequired, localRabbit, portOpen } from '../helpers/brokers.js';
import { relayThroughOutage } from '../helpers/relay-scenario.js';
import { expectCode } from '../helpers/shop.js';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const reachable = await portOpen(localRabbit.port);
if (!reachable && brokersRequired()) {
  it('RabbitMQ is reachable on 127.0.0.1:5672', () => {
    throw new Error('RabbitMQ is required (CI or FULFILLKIT_REQUIRE_BROKERS=1) but 127.0.0.1:5672 does not answer');
  });
}

const run = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** A durable queue bound to every routing key of `exchange`, and a way to read it all. */
async function boundQueue(exchange: string) {
  const connection = await amqplib.connect(URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue(`${exchange}.consumer`, { durable: true });
  await channel.bindQueue(queue, exchange, '#');
  await connection.close();
  return {
    queue,
    /**
     * Consume, duplicates included, until `expected` distinct message ids arrived
     * and the queue is empty, or nothing arrived for 5 s.
     */
    async readAll(expected: number): Promise<{ envelope: CloudEvent; properties: amqplib.MessageProperties }[]> {
      const reader = await amqplib.connect(URL);
      const ch = await reader.createChannel();
      await ch.prefetch(500);
      const out: { envelope: CloudEvent; properties: amqplib.MessageProperties }[] = [];
      const ids = new Set<string>();
      let last = Date.now();
      await ch.consume(queue, (message) => {
        if (!message) return;
        out.push({ envelope: JSON.parse(message.content.toString('utf8')) as CloudEvent, properties: message.properties });
        ids.add(String(message.properties.messageId));
        ch.ack(message);
        last = Date.now();
      });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (Date.now() - last > 5_000) break;
        if (ids.size >= expected && (await ch.checkQueue(queue)).messageCount === 0) break;
      }
      await reader.close();
      return out;
    },
    async remove() {
      const c = await amqplib.connect(URL);
      const ch = await c.createChannel();
      await ch.deleteQueue(queue);
      await ch.deleteExchange(exchange);
      await c.close();
    },
  };
}

describe.skipIf(!reachable)('amqpRelay', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    if (!(await portOpen(localRabbit.port)) && localRabbit.controllable) await localRabbit.start();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  });

  const event: DomainEvent = {
    id: 'evt_amqp_1',
    type: 'order.placed',
    orderId: 'ord_1',
    at: '2026-03-02T09:00:00.000Z',
    data: { status: 'processing', total: { amount: 1000, currency: 'USD' } },
  };

  it('publishes a persistent CloudEvents message with the event id as message-id, confirmed', async () => {
    const exchange = `ffk.${run}.envelope`;
    const q = await boundQueue(exchange);
    cleanups.push(q.remove);
    const relay = amqpRelay({ connect: () => amqplib.connect(URL), exchange });
    cleanups.push(relay.close);
    await relay.publish(event);
    const [received] = await q.readAll(1);
    expect(received?.properties).toMatchObject({
      messageId: 'evt_amqp_1',
      type: 'order.placed',
      contentType: 'application/cloudevents+json',
      deliveryMode: 2,
      appId: 'fulfillkit',
    });
    expect(received?.envelope).toEqual({
      specversion: '1.0',
      id: 'evt_amqp_1',
      type: 'order.placed',
      source: 'fulfillkit',
      subject: 'ord_1',
      time: '2026-03-02T09:00:00.000Z',
      datacontenttype: 'application/json',
      data: { status: 'processing', total: { amount: 1000, currency: 'USD' } },
    });
  });

  it('fails retryably when no queue is bound, and when the broker cannot be reached', async () => {
    const relay = amqpRelay({ connect: () => amqplib.connect(URL), exchange: `ffk.${run}.unbound` });
    cleanups.push(relay.close);
    const unrouted = await expectCode(relay.publish(event), 'ADAPTER_ERROR');
    expect(unrouted.retryable).toBe(true);
    expect(unrouted.message).toMatch(/reached no queue/);
    const nowhere = amqpRelay({ connect: () => amqplib.connect('amqp://guest:guest@127.0.0.1:1') });
    expect((await expectCode(nowhere.publish(event), 'ADAPTER_ERROR')).retryable).toBe(true);
    const c = await amqplib.connect(URL);
    await (await c.createChannel()).deleteExchange(`ffk.${run}.unbound`);
    await c.close();
  });

  it('gives up on a connection that never completes, and connects afresh on the next publish', async () => {
    let calls = 0;
    const relay = amqpRelay({
      connect: () => {
        calls++;
        return calls === 1 ? new Promise<never>(() => undefined) : amqplib.connect(URL);
      },
      exchange: `ffk.${run}.hang`,
      timeoutMs: 300,
      requireRoute: false,
    });
    cleanups.push(relay.close);
    const hung = await expectCode(relay.publish(event), 'ADAPTER_ERROR');
    expect(hung.retryable).toBe(true);
    expect(hung.message).toMatch(/no connection within 300 ms/);
    await relay.publish(event);
    expect(calls).toBe(2);
    const c = await amqplib.connect(URL);
    await (await c.createChannel()).deleteExchange(`ffk.${run}.hang`);
    await c.close();
  });

  it('refuses bad options, and publishes nothing once closed (the event stays in the outbox)', async () => {
    expect(() => amqpRelay({} as never)).toThrow(/connect/);
    let connects = 0;
    const relay = amqpRelay({
      connect: () => {
        connects++;
        return amqplib.connect(URL);
      },
    });
    await relay.close();
    const error = await expectCode(relay.publish(event), 'ADAPTER_ERROR');
    expect(error.message).toMatch(/closed/);
    expect(error.retryable).toBe(true);
    expect(connects).toBe(0);
  });

  it.skipIf(!localRabbit.controllable)(
    'relays 10,000 events across a broker stop and start: none lost, duplicates dropped by message-id, in order per order',
    async () => {
      const exchange = `ffk.${run}.outage`;
      const q = await boundQueue(exchange);
      cleanups.push(q.remove);
      const relay = amqpRelay({ connect: () => amqplib.connect(URL), exchange, timeoutMs: 2_000 });
      cleanups.push(relay.close);
      const report = await relayThroughOutage({
        relay,
        broker: localRabbit,
        events: 10_000,
        readBack: async (n) => (await q.readAll(n)).map((m) => {
          expect(m.properties.messageId).toBe(m.envelope.id);
          return m.envelope;
        }),
      });
      console.info(`amqp outage: ${JSON.stringify(report)}`);
    },
    300_000,
  );
});
