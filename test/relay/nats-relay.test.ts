// fulfillkit/nats against the NATS server on this machine (JetStream on):
// envelopes and subjects, de-duplication by Nats-Msg-Id, and 10,000 events
// relayed across a server kill and restart with nothing lost or repeated.
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { natsRelay } from '../../src/nats.js';
import type { CloudEvent } from '../../src/relay/cloud-event.js';
import { brokersRequired, localNats, portOpen } from '../helpers/brokers.js';
import { relayThroughOutage } from '../helpers/relay-scenario.js';
import { expectCode } from '../helpers/shop.js';

const reachable = await portOpen(localNats.port);
if (!reachable && brokersRequired()) {
  it('NATS is reachable on 127.0.0.1:4222', () => {
    throw new Error('NATS is required (CI or FULFILLKIT_REQUIRE_BROKERS=1) but 127.0.0.1:4222 does not answer');
  });
}

const run = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

describe.skipIf(!reachable)('natsRelay', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const streams: string[] = [];

  async function freshStream(name: string): Promise<{ stream: string; prefix: string }> {
    const stream = `FFK_${run}_${name}`.toUpperCase();
    const prefix = `ffk.${run}.${name}`;
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], storage: 'file' as never, duplicate_window: 10 * 60 * 1e9 });
    streams.push(stream);
    return { stream, prefix };
  }

  async function readStream(stream: string, expected: number): Promise<CloudEvent[]> {
    const consumer = await jetstream(nc).consumers.get(stream);
    const out: CloudEvent[] = [];
    while (out.length < expected) {
      const batch = await consumer.fetch({ max_messages: Math.min(1000, expected - out.length), expires: 2_000 });
      let got = 0;
      for await (const message of batch) {
        out.push(message.json<CloudEvent>());
        got++;
      }
      if (got === 0) break;
    }
    return out;
  }

  beforeAll(async () => {
    nc = await connect({ servers: `127.0.0.1:${localNats.port}`, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    if (!(await portOpen(localNats.port)) && localNats.controllable) await localNats.start();
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
    await nc?.close();
  });

  const event: DomainEvent = {
    id: 'evt_nats_1',
    type: 'shipment.shipped',
    orderId: 'ord_1',
    at: '2026-03-02T09:00:00.000Z',
    data: { shipmentId: 'shp_1', trackingNumber: '1Z999', trackingUrl: null },
  };

  it('publishes a CloudEvents envelope to {prefix}.{type} and stores a repeat of the same id once', async () => {
    const { stream, prefix } = await freshStream('envelope');
    const relay = natsRelay({ jetstream: jetstream(nc), subjectPrefix: prefix, source: 'fulfillkit' });
    await relay.publish(event);
    await relay.publish(event);
    await relay.publish({ ...event, id: 'evt_nats_2' });
    expect((await jsm.streams.info(stream)).state.messages).toBe(2);
    const consumer = await jetstream(nc).consumers.get(stream);
    const first = await consumer.next();
    expect(first?.subject).toBe(`${prefix}.shipment.shipped`);
    expect(first?.headers?.get('Nats-Msg-Id')).toBe('evt_nats_1');
    expect(first?.json()).toEqual({
      specversion: '1.0',
      id: 'evt_nats_1',
      type: 'shipment.shipped',
      source: 'fulfillkit',
      subject: 'ord_1',
      time: '2026-03-02T09:00:00.000Z',
      datacontenttype: 'application/json',
      data: { shipmentId: 'shp_1', trackingNumber: '1Z999', trackingUrl: null },
    });
  });

  it('fails retryably when no stream takes the subject', async () => {
    const relay = natsRelay({ jetstream: jetstream(nc), subjectPrefix: `ffk.${run}.nowhere`, timeoutMs: 500 });
    const error = await expectCode(relay.publish(event), 'ADAPTER_ERROR');
    expect(error.retryable).toBe(true);
  });

  it('refuses bad options', () => {
    expect(() => natsRelay({} as never)).toThrow(/JetStream client/);
    expect(() => natsRelay({ jetstream: jetstream(nc), subjectPrefix: 'bad prefix.>' })).toThrow(/subject prefix/);
  });

  it.skipIf(!localNats.controllable)(
    'relays 10,000 events across a server kill and restart: none lost, none repeated, in order per order',
    async () => {
      const { stream, prefix } = await freshStream('outage');
      const relay = natsRelay({ jetstream: jetstream(nc), subjectPrefix: prefix, timeoutMs: 1_000 });
      const report = await relayThroughOutage({ relay, broker: localNats, events: 10_000, readBack: (n) => readStream(stream, n + 10) });
      // JetStream dropped every repeated publish: the stream holds each event once.
      expect((await jsm.streams.info(stream)).state.messages).toBe(report.events);
      console.info(`nats outage: ${JSON.stringify(report)}`);
    },
    240_000,
  );
});
