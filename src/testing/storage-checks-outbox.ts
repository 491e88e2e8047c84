// Conformance checks for the outbox (append, lease, ack, retry, park),
// idempotency records, and durability.
import { expect } from './runner.js';
import type { OutboxMessage } from '../ports/storage.js';
import { makeTestOrder } from './fixtures.js';
import { claimMine, type StorageCheck, type StorageCheckContext, storageCheck } from './storage-check-kit.js';

const LEASE = 30_000;

// Append one message with a fresh key and claim it; returns the claimed message.
async function appendAndClaim(context: StorageCheckContext, payload: unknown = { n: 1 }): Promise<OutboxMessage> {
  const key = context.id('msg');
  await context.storage.appendOutbox([{ topic: 'notification', key, payload }], context.at());
  const [message] = await claimMine(context.storage, { now: context.at(), leaseMs: LEASE, mine: (k) => k === key });
  expect(message, `message ${key} was not claimable`).toBeDefined();
  return message as OutboxMessage;
}

function only(key: string) {
  return (k: string) => k === key;
}

/** Checks of appendOutbox, claimOutbox, ackOutbox, failOutbox, outboxStats, getIdempotency and close. */
export const outboxChecks: StorageCheck[] = [
  storageCheck('appendOutbox: keys already present are skipped', async ({ storage, id, at }) => {
    const [a, b] = [id('msg'), id('msg')];
    await storage.appendOutbox([{ topic: 'event', key: a, payload: { v: 'first' } }], at());
    await storage.appendOutbox(
      [
        { topic: 'event', key: a, payload: { v: 'second' } },
        { topic: 'notification', key: b, payload: { v: 'b' } },
        { topic: 'notification', key: b, payload: { v: 'b again' } },
      ],
      at(1),
    );
    const mine = await claimMine(storage, { now: at(10), leaseMs: LEASE, mine: (k) => k === a || k === b });
    expect(mine.map((m) => [m.key, m.topic, m.payload]).sort()).toEqual(
      [
        [a, 'event', { v: 'first' }],
        [b, 'notification', { v: 'b' }],
      ].sort(),
    );
    expect(mine.every((m) => m.attempts === 1 && m.lastError === null)).toBe(true);
  }),

  storageCheck('claimOutbox: not before availableAt', async ({ storage, id, at }) => {
    const key = id('msg');
    await storage.appendOutbox([{ topic: 'event', key, payload: null, availableAt: at(3_600_000) }], at());
    expect(await claimMine(storage, { now: at(3_599_999), leaseMs: LEASE, mine: only(key) })).toEqual([]);
    const [message] = await claimMine(storage, { now: at(3_600_000), leaseMs: LEASE, mine: only(key) });
    expect(message).toMatchObject({ key, availableAt: at(3_600_000), createdAt: at(), attempts: 1 });
  }),

  storageCheck('claimOutbox: leased messages stay invisible until now + leaseMs', async (context) => {
    const { storage, at } = context;
    const message = await appendAndClaim(context);
    expect(message.attempts).toBe(1);
    expect(await claimMine(storage, { now: at(LEASE - 1), leaseMs: LEASE, mine: only(message.key) })).toEqual([]);
    const [again] = await claimMine(storage, { now: at(LEASE), leaseMs: LEASE, mine: only(message.key) });
    expect(again).toMatchObject({ id: message.id, attempts: 2 });
  }),

  storageCheck('claimOutbox: oldest first and never more than the limit', async ({ storage, id, at }) => {
    const keys = [id('msg'), id('msg'), id('msg')];
    // Appended newest first; availability decides the order.
    await storage.appendOutbox(
      keys.map((key, i) => ({ topic: 'event' as const, key, payload: i, availableAt: at(-1000 * (i + 1)) })),
      at(),
    );
    const limited = await storage.claimOutbox({ limit: 1, leaseMs: LEASE, now: at() });
    expect(limited.length).toBeLessThanOrEqual(1);
    const mine = [...limited, ...(await claimMine(storage, { now: at(), leaseMs: LEASE, mine: () => true }))].filter((m) => keys.includes(m.key));
    expect(mine.map((m) => m.key)).toEqual([...keys].reverse());
  }),

  storageCheck('ackOutbox: an acked message is never claimed again', async (context) => {
    const { storage, at } = context;
    const message = await appendAndClaim(context);
    await storage.ackOutbox(message);
    await storage.ackOutbox(message);
    expect(await claimMine(storage, { now: at(365 * 86_400_000), leaseMs: LEASE, mine: only(message.key) })).toEqual([]);
    await storage.appendOutbox([{ topic: 'notification', key: message.key, payload: { duplicate: true } }], at(1));
    expect(await claimMine(storage, { now: at(365 * 86_400_000), leaseMs: LEASE, mine: only(message.key) })).toEqual([]);
  }),

  storageCheck('ackOutbox and failOutbox: a lapsed lease claimed again by another dispatcher changes nothing', async (context) => {
    const { storage, at } = context;
    // Other checks may share the store: count parked messages relative to now.
    const parkedBefore = (await storage.outboxStats(at(0))).parked;
    const stale = await appendAndClaim(context);
    // The first lease lapses and a second dispatcher claims the message.
    const [fresh] = await claimMine(storage, { now: at(LEASE + 1), leaseMs: LEASE, mine: only(stale.key) });
    expect(fresh).toMatchObject({ id: stale.id, attempts: 2 });
    expect(fresh?.lease).not.toBe(stale.lease);
    expect(await storage.failOutbox(stale, { error: 'late failure', retryAt: null })).toBe(false);
    expect(await storage.ackOutbox(stale)).toBe(false);
    expect((await storage.outboxStats(at(LEASE + 2))).parked).toBe(parkedBefore);
    // The current holder still owns it.
    expect(await storage.failOutbox(fresh as OutboxMessage, { error: 'SMTP 451', retryAt: at(LEASE + 10) })).toBe(true);
    const [third] = await claimMine(storage, { now: at(LEASE + 10), leaseMs: LEASE, mine: only(stale.key) });
    expect(third).toMatchObject({ id: stale.id, attempts: 3, lastError: 'SMTP 451' });
    expect(await storage.ackOutbox(fresh as OutboxMessage)).toBe(false);
    expect(await storage.ackOutbox(third as OutboxMessage)).toBe(true);
    expect(await storage.ackOutbox(third as OutboxMessage)).toBe(false);
    expect(await claimMine(storage, { now: at(10 * LEASE), leaseMs: LEASE, mine: only(stale.key) })).toEqual([]);
  }),

  storageCheck('failOutbox: claimable again at retryAt with the error recorded', async (context) => {
    const { storage, at } = context;
    const message = await appendAndClaim(context);
    await storage.failOutbox(message, { error: 'SMTP 451', retryAt: at(5000) });
    expect(await claimMine(storage, { now: at(4999), leaseMs: LEASE, mine: only(message.key) })).toEqual([]);
    const [retried] = await claimMine(storage, { now: at(5000), leaseMs: LEASE, mine: only(message.key) });
    expect(retried).toMatchObject({ id: message.id, attempts: 2, lastError: 'SMTP 451' });
  }),

  storageCheck('failOutbox: a null retryAt parks the message for good', async (context) => {
    const { storage, at } = context;
    const message = await appendAndClaim(context);
    const before = await storage.outboxStats(at(1));
    await storage.failOutbox(message, { error: 'invalid address', retryAt: null });
    expect(await claimMine(storage, { now: at(10 * 365 * 86_400_000), leaseMs: LEASE, mine: only(message.key) })).toEqual([]);
    const after = await storage.outboxStats(at(1));
    expect(after.parked).toBe(before.parked + 1);
    expect(after.leased).toBe(before.leased - 1);
  }),

  storageCheck('outboxStats: counts pending, leased and parked', async ({ storage, id, at }) => {
    const keys = [id('msg'), id('msg'), id('msg')];
    const s0 = await storage.outboxStats(at());
    await storage.appendOutbox(keys.map((key) => ({ topic: 'event' as const, key, payload: {} })), at());
    const s1 = await storage.outboxStats(at());
    expect(s1).toEqual({ pending: s0.pending + 3, leased: s0.leased, parked: s0.parked });
    const mine = await claimMine(storage, { now: at(), leaseMs: LEASE, mine: (k) => keys.includes(k) });
    expect(mine).toHaveLength(3);
    const s2 = await storage.outboxStats(at());
    expect(s2.leased - s1.leased).toBeGreaterThanOrEqual(3);
    expect(s2.pending + s2.leased + s2.parked).toBe(s1.pending + s1.leased + s1.parked);
    const [parked, ...delivered] = mine as [OutboxMessage, ...OutboxMessage[]];
    await storage.failOutbox(parked, { error: 'gone', retryAt: null });
    for (const m of delivered) await storage.ackOutbox(m);
    const s3 = await storage.outboxStats(at());
    expect(s3).toEqual({ pending: s2.pending, leased: s2.leased - 3, parked: s2.parked + 1 });
  }),

  storageCheck('isolation: outbox payloads are copies', async (context) => {
    const { storage, at } = context;
    const payload = { to: 'ada@example.com', lines: [{ sku: 'TEE-M' }] };
    const key = context.id('msg');
    await storage.appendOutbox([{ topic: 'notification', key, payload }], at());
    payload.to = 'mallory@example.com';
    const [claimed] = await claimMine(storage, { now: at(), leaseMs: 1, mine: only(key) });
    expect(claimed?.payload).toEqual({ to: 'ada@example.com', lines: [{ sku: 'TEE-M' }] });
    ((claimed as OutboxMessage).payload as typeof payload).lines.push({ sku: 'INTRUDER' });
    const [again] = await claimMine(storage, { now: at(1), leaseMs: 1, mine: only(key) });
    expect(again?.payload).toEqual({ to: 'ada@example.com', lines: [{ sku: 'TEE-M' }] });
  }),

  storageCheck('getIdempotency: null for an unknown key', async ({ storage, id }) => {
    expect(await storage.getIdempotency('orders.place', id('idem'))).toBeNull();
  }),

  storageCheck('claimOutbox: one message of a stream at a time, oldest first', async ({ storage, id, at }) => {
    const [stream, other] = [id('ord'), id('ord')];
    const keys = [id('msg'), id('msg'), id('msg')];
    const loose = id('msg');
    await storage.appendOutbox(
      [
        { topic: 'relay', key: keys[0] as string, stream, payload: 0 },
        { topic: 'relay', key: keys[1] as string, stream, payload: 1 },
      ],
      at(),
    );
    await storage.appendOutbox(
      [
        { topic: 'relay', key: keys[2] as string, stream, payload: 2 },
        { topic: 'relay', key: loose, stream: other, payload: 'other' },
      ],
      at(1),
    );
    const mine = (k: string) => keys.includes(k) || k === loose;
    const first = await claimMine(storage, { now: at(10), leaseMs: LEASE, mine });
    expect(first.map((m) => [m.key, m.stream, m.topic]).sort()).toEqual(
      [
        [keys[0], stream, 'relay'],
        [loose, other, 'relay'],
      ].sort(),
    );
    // The head is leased: its successors wait, even after a retry puts the head back.
    expect(await claimMine(storage, { now: at(20), leaseMs: LEASE, mine })).toEqual([]);
    const head = first.find((m) => m.key === keys[0]) as OutboxMessage;
    await storage.failOutbox(head, { error: 'broker down', retryAt: at(1_000) });
    expect(await claimMine(storage, { now: at(30), leaseMs: LEASE, mine })).toEqual([]);
    const [retried] = await claimMine(storage, { now: at(1_000), leaseMs: LEASE, mine });
    expect(retried).toMatchObject({ key: keys[0], attempts: 2 });
    await storage.ackOutbox(retried as OutboxMessage);
    const [second] = await claimMine(storage, { now: at(1_001), leaseMs: LEASE, mine });
    expect(second?.key).toBe(keys[1]);
    // A parked message gives the stream up to the next one.
    await storage.failOutbox(second as OutboxMessage, { error: 'rejected', retryAt: null });
    const [third] = await claimMine(storage, { now: at(1_002), leaseMs: LEASE, mine });
    expect(third).toMatchObject({ key: keys[2], payload: 2 });
  }),

  storageCheck('claimOutbox: concurrent claims never hold two messages of one stream', async ({ storage, id, at }) => {
    const streams = [id('ord'), id('ord'), id('ord')];
    const keys: string[] = [];
    const messages = streams.flatMap((stream) =>
      [0, 1, 2, 3].map((n) => {
        const key = id('msg');
        keys.push(key);
        return { topic: 'relay' as const, key, stream, payload: n };
      }),
    );
    await storage.appendOutbox(messages, at());
    const mine = (k: string) => keys.includes(k);
    const claims = await Promise.all([0, 1, 2, 3].map(() => claimMine(storage, { now: at(10), leaseMs: LEASE, mine })));
    const held = claims.flat();
    expect(held.map((m) => m.stream).sort()).toEqual([...streams].sort());
    expect(held.every((m) => m.payload === 0)).toBe(true);
  }),

  storageCheck('getIdempotency: recorded with the order it created', async ({ storage, id }) => {
    const order = makeTestOrder({ id: id('ord') });
    const key = id('idem');
    await storage.createOrder({ order, idempotency: { scope: 'orders.place', key, fingerprint: 'sha256:abc' } });
    const record = await storage.getIdempotency('orders.place', key);
    expect(record).toMatchObject({ scope: 'orders.place', key, fingerprint: 'sha256:abc', resourceId: order.id });
    expect(typeof record?.createdAt).toBe('string');
    expect(await storage.getIdempotency('orders.other', key)).toBeNull();
  }),

  storageCheck(
    'close: data survives reopening',
    async ({ storage, open, id, at }) => {
      const order = makeTestOrder({ id: id('ord') });
      const [sku, loc] = [id('SKU'), id('loc')];
      await storage.createOrder({ order });
      await storage.receive({ sku, locationId: loc, quantity: 3, at: at() });
      await storage.close();
      const reopened = await open();
      expect(await reopened.getOrder(order.id)).toEqual(order);
      expect(await reopened.levels([sku])).toMatchObject([{ onHand: 3 }]);
    },
    'durable',
  ),
];
