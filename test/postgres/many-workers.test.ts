// Four worker processes running outbox.dispatch() and sweep() at once on one
// PostgreSQL schema: 10,000 notifications each reach an idempotent receiver
// once, none is left unacked or parked, every lapsed hold is expired by
// exactly one worker, and every order a crash left unpaid is cancelled once. A worker killed mid-batch loses nothing: its leased
// messages come back after the lease and the receiver drops the repeats.
// Runs straight to the server and through PgBouncer (PGBOUNCER_URL).
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { OutboxMessageInput } from '../../src/ports/storage.js';
import { initialOrderState } from '../../src/machines/order.js';
import { makeTestOrder } from '../../src/testing/fixtures.js';
import { startChild } from '../helpers/child-process.js';
import { openPostgres, postgresTargets, type TestDatabase } from '../helpers/database.js';

const WORKER = fileURLToPath(new URL('./fixtures/dispatch-worker.ts', import.meta.url));
const MESSAGES = 10_000;
const HOLDS = 400;
// Orders left in pending_payment long ago, holding stock that has not lapsed: more than one sweep page.
const STALE = 150;
const BATCH = 100;
// Holds that lapsed long ago by the workers' (real) clock.
const PAST = '2020-01-01T00:00:00.000Z';

interface WorkerReport {
  worker: number;
  delivered: number;
  expired: number;
  settled: number;
  rounds: number;
  ms: number;
}

function startWorker(n: number, schema: string, leaseMs: number, env: NodeJS.ProcessEnv) {
  return startChild<WorkerReport>(WORKER, [schema, String(n), String(leaseMs)], env, `worker ${n}`);
}

/** A schema with 10,000 due notifications for the receiver, 400 lapsed holds and 150 stale unpaid orders. */
async function seed(db: TestDatabase, preparedStatements: boolean): Promise<string> {
  const schema = db.schema();
  const storage = postgresStorage({ client: db.client, schema, preparedStatements });
  await storage.migrate();
  await db.query(`CREATE TABLE "${schema}".test_deliveries (key text PRIMARY KEY, worker int NOT NULL, attempts int NOT NULL DEFAULT 1)`);
  for (let from = 0; from < MESSAGES; from += 1_000) {
    const messages: OutboxMessageInput[] = Array.from({ length: 1_000 }, (_, i) => ({
      topic: 'notification',
      key: `msg-${from + i}`,
      payload: {
        notifierId: 'receiver',
        notification: { channel: 'email', to: 'ada@example.com', template: 'order.confirmed', data: { n: from + i }, idempotencyKey: `msg-${from + i}` },
      },
    }));
    await storage.appendOutbox(messages, PAST);
  }
  await storage.receive({ sku: 'HOLD', locationId: 'dc1', quantity: HOLDS, at: PAST });
  await Promise.all(
    Array.from({ length: HOLDS }, (_, n) =>
      storage.reserve({
        reservationId: `hold-${n}`,
        orderId: `gone-${n}`,
        lines: [{ sku: 'HOLD', locationId: 'dc1', quantity: 1 }],
        expiresAt: '2020-01-01T00:15:00.000Z',
        opId: 'place',
        at: PAST,
      }),
    ),
  );
  await storage.receive({ sku: 'STALE', locationId: 'dc1', quantity: STALE, at: PAST });
  await Promise.all(
    Array.from({ length: STALE }, async (_, n) => {
      const id = `stale-${n}`;
      await storage.reserve({
        reservationId: `res-${id}`,
        orderId: id,
        lines: [{ sku: 'STALE', locationId: 'dc1', quantity: 1 }],
        expiresAt: '2099-01-01T00:00:00.000Z',
        opId: 'place',
        at: PAST,
      });
      await storage.createOrder({ order: makeTestOrder({ id, createdAt: PAST, reservationId: `res-${id}`, machine: initialOrderState().state }) });
    }),
  );
  await storage.close();
  return schema;
}

/** Every message acked once, none pending, leased or parked; the receiver saw every key. */
async function expectAllDelivered(db: TestDatabase, schema: string): Promise<{ keys: number; deliveries: number }> {
  const [outbox] = await db.query<{ unacked: number; parked: number; leased: number }>(
    `SELECT count(*) FILTER (WHERE NOT acked)::int AS unacked, count(*) FILTER (WHERE parked)::int AS parked,
            count(*) FILTER (WHERE lease_until IS NOT NULL)::int AS leased FROM "${schema}".outbox`,
  );
  expect(outbox).toEqual({ unacked: 0, parked: 0, leased: 0 });
  const [received] = await db.query<{ keys: number; deliveries: number; missing: number }>(
    `SELECT count(*)::int AS keys, coalesce(sum(attempts), 0)::int AS deliveries,
            (SELECT count(*) FROM "${schema}".outbox o WHERE NOT EXISTS
               (SELECT 1 FROM "${schema}".test_deliveries d WHERE d.key = o.payload->'notification'->>'idempotencyKey'))::int AS missing
     FROM "${schema}".test_deliveries WHERE key LIKE 'msg-%'`,
  );
  expect(received?.keys).toBe(MESSAGES);
  expect(received?.missing).toBe(0);
  return { keys: received?.keys ?? 0, deliveries: received?.deliveries ?? 0 };
}

/** Each lapsed hold expired exactly once, and the stock is all available again. */
async function expectHoldsExpiredOnce(db: TestDatabase, schema: string): Promise<void> {
  const [holds] = await db.query<{ active: number; expired: number; movements: number; distinct_holds: number; reserved: number }>(
    `SELECT (SELECT count(*) FROM "${schema}".reservations WHERE status = 'active')::int AS active,
            (SELECT count(*) FROM "${schema}".reservations WHERE status = 'expired')::int AS expired,
            (SELECT count(*) FROM "${schema}".stock_movements WHERE type = 'expired')::int AS movements,
            (SELECT count(DISTINCT reservation_id) FROM "${schema}".stock_movements WHERE type = 'expired')::int AS distinct_holds,
            (SELECT reserved FROM "${schema}".stock WHERE sku = 'HOLD') AS reserved`,
  );
  expect(holds).toEqual({ active: 0, expired: HOLDS, movements: HOLDS, distinct_holds: HOLDS, reserved: 0 });
}

/** Each stale unpaid order cancelled once: one cancellation event, one release, one notice delivered once. */
async function expectStaleCancelledOnce(db: TestDatabase, schema: string): Promise<void> {
  const [orders] = await db.query<{ cancelled: number; events: number; distinct_events: number; releases: number; reserved: number }>(
    `SELECT (SELECT count(*) FROM "${schema}".orders WHERE id LIKE 'stale-%' AND status = 'cancelled')::int AS cancelled,
            (SELECT count(*) FROM "${schema}".order_events WHERE order_id LIKE 'stale-%' AND event->>'type' = 'order.cancelled')::int AS events,
            (SELECT count(DISTINCT order_id) FROM "${schema}".order_events WHERE order_id LIKE 'stale-%' AND event->>'type' = 'order.cancelled')::int AS distinct_events,
            (SELECT count(*) FROM "${schema}".stock_movements WHERE sku = 'STALE' AND type = 'released')::int AS releases,
            (SELECT reserved FROM "${schema}".stock WHERE sku = 'STALE') AS reserved`,
  );
  expect(orders).toEqual({ cancelled: STALE, events: STALE, distinct_events: STALE, releases: STALE, reserved: 0 });
  const [notices] = await db.query<{ queued: number; delivered: number; repeats: number }>(
    `SELECT count(*)::int AS queued, count(d.key)::int AS delivered, coalesce(sum(d.attempts - 1), 0)::int AS repeats
     FROM "${schema}".outbox o LEFT JOIN "${schema}".test_deliveries d ON d.key = o.payload->'notification'->>'idempotencyKey'
     WHERE o.payload->'notification'->>'template' = 'order.cancelled'`,
  );
  expect(notices?.queued).toBe(STALE);
  expect(notices?.delivered).toBe(STALE);
}

for (const target of postgresTargets()) {
  const { db, problem } = await openPostgres({ target, max: 4 });
  // Straight to the server the workers keep the fast path; behind the pooler they are configured for it.
  const preparedStatements = target.name === 'PostgreSQL';
  const env = target.childEnv({ FK_TEST_PREPARED_STATEMENTS: String(preparedStatements) });

  if (problem !== null) {
    it(`${target.name} is reachable`, () => {
      throw new Error(problem);
    });
  }

  describe.skipIf(db === null)(`many workers on one schema (${target.name})`, () => {
    afterAll(async () => {
      await db?.close();
    });

    it('4 processes dispatching 10,000 messages and sweeping: each delivered once, none stuck, each hold expired once, each stale order cancelled once', async () => {
      if (db === null) return;
      const schema = await seed(db, preparedStatements);
      const workers = [0, 1, 2, 3].map((n) => startWorker(n, schema, 60_000, env));
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.proc.stdin?.end('go\n');
      const reports = await Promise.all(workers.map((w) => w.done));

      // Leases and SKIP LOCKED: with nobody failing, not even a repeat reaches the receiver.
      const { deliveries } = await expectAllDelivered(db, schema);
      expect(deliveries).toBe(MESSAGES);
      // The 10,000, and the cancellation notices of the stale orders.
      expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(MESSAGES + STALE);
      const [claims] = await db.query<{ max: number }>(`SELECT max(attempts)::int AS max FROM "${schema}".outbox`);
      expect(claims?.max).toBe(1);
      // The work was shared, not done by whichever worker started first.
      for (const r of reports) expect(r.delivered, `worker ${r.worker}`).toBeGreaterThan(0);
      const byWorker = await db.query<{ worker: number; n: number }>(`SELECT worker, count(*)::int AS n FROM "${schema}".test_deliveries GROUP BY worker`);
      expect(byWorker).toHaveLength(4);

      expect(reports.reduce((n, r) => n + r.expired, 0)).toBe(HOLDS);
      await expectHoldsExpiredOnce(db, schema);
      await expectStaleCancelledOnce(db, schema);
      const [repeats] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".test_deliveries WHERE attempts > 1`);
      expect(repeats?.n).toBe(0);
    }, 180_000);

    it('a worker killed mid-batch loses nothing: its leased messages return after the lease, the receiver drops repeats', async () => {
      if (db === null) return;
      const schema = await seed(db, preparedStatements);
      const leaseMs = 5_000;
      const workers = [0, 1, 2, 3].map((n) => startWorker(n, schema, leaseMs, env));
      await Promise.all(workers.map((w) => w.ready));
      const victim = workers[0] as (typeof workers)[number];
      victim.done.catch(() => {});
      for (const w of workers) w.proc.stdin?.end('go\n');
      // Kill one worker once the stream is well under way and it has delivered some of it.
      for (let i = 0; i < 600; i++) {
        const [progress] = await db.query<{ total: number; mine: number }>(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE worker = 0)::int AS mine FROM "${schema}".test_deliveries`,
        );
        if ((progress?.total ?? 0) >= 1_500 && (progress?.mine ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      victim.proc.kill('SIGKILL');
      await new Promise((r) => victim.proc.once('exit', r));
      const survivors = await Promise.all(workers.slice(1).map((w) => w.done));

      const { deliveries } = await expectAllDelivered(db, schema);
      // Only the victim's one batch in flight can have reached the receiver without an ack.
      expect(deliveries - MESSAGES).toBeGreaterThanOrEqual(0);
      expect(deliveries - MESSAGES).toBeLessThanOrEqual(BATCH);
      const [stuck] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE attempts > 2`);
      expect(stuck?.n).toBe(0);
      expect(survivors.reduce((n, r) => n + r.delivered, 0)).toBeGreaterThan(0);
      await expectHoldsExpiredOnce(db, schema);
      await expectStaleCancelledOnce(db, schema);
    }, 180_000);
  });
}
