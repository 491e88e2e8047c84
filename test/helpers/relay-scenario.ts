// The kill-and-restart scenario both broker relays pass: a shop keeps placing
// and cancelling orders while the outbox is relayed, the broker is stopped in
// the middle and started again, and what a consumer reads back is checked.
import { expect } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import type { Fulfillment } from '../../src/index.js';
import type { EventRelay } from '../../src/ports/relay.js';
import type { CloudEvent } from '../../src/relay/cloud-event.js';
import type { LocalBroker } from './brokers.js';
import { makeShop, orderFor, stock } from './shop.js';

/** What the scenario saw. */
export interface OutageReport {
  events: number;
  /** Messages the consumer got, duplicates included. */
  received: number;
  publishCalls: number;
  /** Publish calls that succeeded (repeats included). */
  published: number;
  failedCalls: number;
  outageMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Produce at least `events` domain events while dispatching; stop `broker`
 * once a third of them is written, write the second third while it is down,
 * start it again and write the rest. `readBack` returns
 * every envelope a consumer receives, in delivery order, duplicates included.
 */
export async function relayThroughOutage(input: {
  relay: EventRelay;
  broker: LocalBroker;
  events: number;
  readBack: (expected: number) => Promise<CloudEvent[]>;
}): Promise<OutageReport> {
  let publishCalls = 0;
  let failedCalls = 0;
  let published = 0;
  const counting: EventRelay = {
    id: input.relay.id,
    async publish(event) {
      publishCalls++;
      try {
        await input.relay.publish(event);
        published++;
      } catch (err) {
        failedCalls++;
        throw err;
      }
    },
  };
  // Real time: retries fall due by the wall clock while the broker is away.
  const { ff } = makeShop({
    relay: counting,
    clock: { now: () => new Date() } as never,
    policy: { retry: { timeoutMs: 3_000, retries: 0, baseDelayMs: 1 } },
  });
  await stock(ff, 'east', { 'TEE-M': 1_000_000 });
  const orderIds: string[] = [];
  let produced = 0;
  ff.events.onAny(() => {
    produced++;
  });

  // The producer writes a third of the events with the broker up, a third while it is
  // down, and the rest after it is back; the pump dispatches all along.
  let brokerDown!: () => void;
  let brokerUp!: () => void;
  const down = new Promise<void>((resolve) => {
    brokerDown = resolve;
  });
  const up = new Promise<void>((resolve) => {
    brokerUp = resolve;
  });
  let firstThird!: () => void;
  const firstThirdWritten = new Promise<void>((resolve) => {
    firstThird = resolve;
  });
  let producing = true;
  const producer = (async () => {
    while (produced < input.events) {
      if (produced >= input.events / 3 && produced < (2 * input.events) / 3) {
        firstThird();
        await down;
      }
      if (produced >= (2 * input.events) / 3) await up;
      const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
      orderIds.push(order.id);
      if (orderIds.length % 5 === 0) await ff.orders.cancel(order.id, { reason: 'changed mind' });
      if (orderIds.length % 50 === 0) await sleep(1);
    }
    producing = false;
  })();
  const pump = (async () => {
    for (;;) {
      const result = await ff.outbox.dispatch({ batchSize: 200 });
      const stats = await ff.outbox.stats();
      if (!producing && stats.pending === 0 && stats.leased === 0) return;
      if (result.delivered === 0) await sleep(50);
    }
  })();

  await firstThirdWritten;
  const outageStart = Date.now();
  await input.broker.stop();
  brokerDown();
  // Let the pump fail against the stopped broker for a while.
  while (failedCalls === 0) await sleep(50);
  await sleep(2_000);
  await input.broker.start();
  const outageMs = Date.now() - outageStart;
  brokerUp();
  await producer;
  await pump;

  expect(failedCalls, 'the outage made publishes fail').toBeGreaterThan(0);
  expect(await ff.outbox.stats()).toEqual({ pending: 0, leased: 0, parked: 0 });
  const received = await input.readBack(produced);
  await expectConsumerView(ff, orderIds, produced, received);
  expect(published, 'successful publishes cover every event').toBeGreaterThanOrEqual(produced);
  return { events: produced, received: received.length, publishCalls, published, failedCalls, outageMs };
}

/**
 * Every event of every order reached the consumer: after dropping duplicates
 * by id, exactly once and in the order of its history. A repeat (a write
 * published again after a lost confirm) never comes before the first copy of
 * anything newer than what was already seen.
 */
export async function expectConsumerView(ff: Fulfillment, orderIds: string[], produced: number, received: CloudEvent[]): Promise<void> {
  const byOrder = new Map<string, string[]>();
  const seen = new Set<string>();
  const unique: CloudEvent[] = [];
  for (const envelope of received) {
    expect(envelope).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json', source: 'fulfillkit' });
    if (seen.has(envelope.id)) continue;
    seen.add(envelope.id);
    unique.push(envelope);
    const list = byOrder.get(envelope.subject ?? '') ?? [];
    list.push(envelope.id);
    byOrder.set(envelope.subject ?? '', list);
  }
  expect(unique.length).toBe(produced);
  for (const orderId of orderIds) {
    const history: DomainEvent[] = await ff.orders.history(orderId);
    expect(byOrder.get(orderId), `events of ${orderId}`).toEqual(history.map((e) => e.id));
  }
  const newest = new Map<string, number>();
  for (const envelope of received) {
    const ids = byOrder.get(envelope.subject ?? '') ?? [];
    const at = ids.indexOf(envelope.id);
    const before = newest.get(envelope.subject ?? '') ?? -1;
    expect(at <= before + 1, `envelope ${envelope.id} of ${envelope.subject} arrived out of order`).toBe(true);
    newest.set(envelope.subject ?? '', Math.max(at, before));
  }
}
