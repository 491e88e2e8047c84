// Benchmark 6: outbox delivery by several worker processes on one
// PostgreSQL schema. 1, 2 and 4 processes drain the same 10,000 messages in
// rotating order within each round; 2 and 4 are reported against 1.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { OutboxMessageInput } from '../src/ports/storage.js';
import { type StartedChild, startChild } from '../test/helpers/child-process.js';
import { maybeGc, spreadOf } from './harness.js';
import type { BenchDatabase } from './pg.js';
import type { BenchResult, BenchSettings } from './report.js';

const WORKER = fileURLToPath(new URL('./outbox-worker.ts', import.meta.url));
const AT = '2026-03-02T09:00:00.000Z';
/** What each delivery waits for, standing in for the provider's API round trip. */
const LATENCY_MS = 10;

function startWorker(schema: string, url: string, preparedStatements: boolean): StartedChild<{ delivered: number }> {
  return startChild(WORKER, [schema, String(LATENCY_MS), String(preparedStatements)], { ...process.env, DATABASE_URL: url }, 'outbox worker');
}

async function seed(db: BenchDatabase, messages: number): Promise<string> {
  const storage = await db.storage();
  for (let from = 0; from < messages; from += 1_000) {
    const batch: OutboxMessageInput[] = Array.from({ length: Math.min(1_000, messages - from) }, (_, i) => ({
      topic: 'notification',
      key: `m-${from + i}`,
      payload: {
        notifierId: 'receiver',
        notification: { channel: 'email', to: 'ada@example.com', template: 'order.confirmed', data: { n: from + i }, idempotencyKey: `m-${from + i}` },
      },
    }));
    await storage.appendOutbox(batch, AT);
  }
  await storage.close();
  return storage.schema;
}

/** One timed drain by `n` workers (spawned and warmed untimed); returns messages/s. */
async function drain(db: BenchDatabase, url: string, n: number, messages: number, failures: string[]): Promise<number> {
  const schema = await seed(db, messages);
  const workers = Array.from({ length: n }, () => startWorker(schema, url, true));
  await Promise.all(workers.map((w) => w.ready));
  const start = performance.now();
  for (const w of workers) w.proc.stdin?.end('go\n');
  const reports = await Promise.all(workers.map((w) => w.done));
  const ms = performance.now() - start;
  const delivered = reports.reduce((sum, r) => sum + r.delivered, 0);
  const rows = await db.pool.query<{ unacked: number; repeated: number }>(
    `SELECT count(*) FILTER (WHERE NOT acked)::int AS unacked, count(*) FILTER (WHERE attempts <> 1)::int AS repeated FROM "${schema}".outbox`,
  );
  const check = rows.rows[0];
  if (delivered !== messages || check?.unacked !== 0 || check?.repeated !== 0) {
    failures.push(`${n} workers delivered ${delivered} of ${messages}, ${check?.unacked} unacked, ${check?.repeated} claimed more than once`);
  }
  await db.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  return (messages * 1000) / ms;
}

/** Benchmark 6: 2 and 4 workers against 1, each draining the same backlog. */
export async function outboxWorkersBench(settings: BenchSettings, db: BenchDatabase, url: string): Promise<BenchResult[]> {
  const messages = settings.smoke ? 500 : 10_000;
  const runs = settings.smoke ? 1 : 3;
  const counts = [1, 2, 4] as const;
  const failures: string[] = [];
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  if (!settings.smoke) for (const n of counts) await drain(db, url, n, messages, failures);
  const samples = new Map<number, number[]>(counts.map((n) => [n, []]));
  const ratios = new Map<number, number[]>([
    [2, []],
    [4, []],
  ]);
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first, so drift within a round falls on every side.
    const order = counts.map((_, i) => counts[(i + run) % counts.length] as number);
    const round = new Map<number, number>();
    for (const n of order) {
      round.set(n, await drain(db, url, n, messages, failures));
      maybeGc();
    }
    for (const n of counts) samples.get(n)?.push(round.get(n) as number);
    for (const n of [2, 4]) ratios.get(n)?.push((round.get(n) as number) / (round.get(1) as number));
  }
  const one = spreadOf(samples.get(1) as number[]);
  return [2, 4].map((n) => ({
    id: `outbox-workers-${n}`,
    benchmark: `6. Outbox workers on PostgreSQL, ${n} processes`,
    subject: `messages/s: ${messages.toLocaleString('en-US')} due notifications drained by ${n} worker processes running outbox.dispatch() at once (receiver answers in ${LATENCY_MS} ms)`,
    baseline: 'the same backlog drained by 1 worker process, in the same round',
    unit: 'messages/s',
    subjectValue: spreadOf(samples.get(n) as number[]),
    baselineValue: one,
    ratio: spreadOf(ratios.get(n) as number[]),
    target: { on: 'ratio', kind: 'min', value: n === 2 ? 1.5 : 2, label: `each delivered once, ≥ ${n === 2 ? '1.5' : '2'}×` },
    checks: [{ label: 'every message delivered and acked, none claimed twice, in every run', ok: failures.length === 0 }],
    note:
      failures.length > 0
        ? failures.slice(0, 3).join('; ')
        : `each worker a separate node process with a pool of 8 connections and batches of 100; ${runs} rounds after a warm-up round, worker start-up untimed; load average ${load} when it started`,
  }));
}
