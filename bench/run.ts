// `npm run bench`: runs every benchmark against its same-run baseline,
// prints a table and writes docs/benchmarks.md. `--smoke` (or BENCH_SMOKE=1)
// runs tiny sizes in seconds, writes to a temp file and fails only on errors.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBench, heapBench } from './footprint.js';
import { hotSkuBench, hotSkuReservationBench } from './hot-sku-pg.js';
import { lifecycleBench } from './lifecycle.js';
import { type Machine, renderDocument } from './document.js';
import { type BenchDatabase, DEFAULT_DATABASE_URL, openBenchDatabase } from './pg.js';
import { pgbouncerPlacementBench } from './pgbouncer-pg.js';
import { placementBench } from './placement-pg.js';
import { type BenchResult, type BenchSettings, consoleTable, shortfall, summaryLine, targetMet } from './report.js';
import { natsRelayBench, telemetryCostBench } from './relay.js';
import { memoryScalingBench, postgresScalingBench } from './scaling.js';
import { trackingBench } from './tracking-pg.js';
import { outboxWorkersBench } from './workers-pg.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
// `--only=hot` runs the benchmarks whose name contains "hot" and writes no document.
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;

// The 1M-order store needs a larger heap, and runs collect garbage between them:
// start again under node with those flags unless this is already that process.
if (process.env.FULFILLKIT_BENCH_CHILD !== '1') {
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', 'bench/run.ts', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FULFILLKIT_BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

function pgSkipped(result: Omit<BenchResult, 'subjectValue' | 'baselineValue' | 'ratio'>, reason: string): BenchResult {
  const none = { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  return { ...result, subjectValue: none, baselineValue: none, ratio: none, skipped: reason };
}

async function main(): Promise<number> {
  const started = new Date();
  const load = loadavg().map((n) => n.toFixed(1)).join(', ');
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const opened = await openBenchDatabase(databaseUrl);
  const db: BenchDatabase | null = 'error' in opened ? null : opened;
  const noDb = 'error' in opened ? `no PostgreSQL at ${databaseUrl.replace(/\/\/[^@]*@/, '//')} (${opened.error})` : '';
  const settings: BenchSettings = { smoke, databaseUrl: db ? databaseUrl : null };
  const results: BenchResult[] = [];
  const errors: string[] = [];
  const step = async (name: string, fn: () => Promise<BenchResult | BenchResult[]>): Promise<void> => {
    if (only !== null && !name.includes(only)) return;
    const t = performance.now();
    process.stdout.write(`• ${name} … `);
    try {
      const r = await fn();
      const list = Array.isArray(r) ? r : [r];
      results.push(...list);
      process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      for (const one of list) process.stdout.write(`${summaryLine(one)}\n`);
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.stdout.write('FAILED\n');
    }
  };
  const skipPg = (id: string, benchmark: string, subject: string, baseline: string, label: string): BenchResult =>
    pgSkipped({ id, benchmark, subject, baseline, unit: '', target: { on: 'ratio', kind: 'min', value: 0, label } }, noDb);

  try {
    await step('1. lifecycle (memory)', () => lifecycleBench(settings));
    if (db) {
      await step('2. placement (PostgreSQL)', () => placementBench(settings, db));
      await step('3. hot SKU reservations (PostgreSQL)', () => hotSkuReservationBench(settings, db));
      await step('3. hot SKU placements (PostgreSQL)', () => hotSkuBench(settings, db));
      await step('8. tracking at volume (PostgreSQL)', () => trackingBench(settings, db));
    } else {
      results.push(skipPg('placement-pg', '2. Placement on PostgreSQL', 'orders placed/s, 16 callers', 'raw pg transaction per order', '≥ 1.5×'));
      results.push(skipPg('hot-sku-pg', '3. Hot SKU on PostgreSQL', '10,000 orders for 1,000 units', 'naive conditional UPDATE', 'exactly 1,000 reserved, ≥ 5×'));
      results.push(skipPg('hot-sku-pg-place', '3. Hot SKU on PostgreSQL, whole placements', '10,000 orders.place calls for 1,000 units', 'naive conditional UPDATE', 'exactly 1,000 reserved, ≥ 3×'));
      results.push(skipPg('tracking-pg', '8. Tracking at volume on PostgreSQL', 'webhook deliveries/s, 16 senders', 'raw pg transaction per delivery', '≥ 1×'));
    }
    await step('4. scaling (memory)', () => memoryScalingBench(settings));
    if (db) await step('4. scaling (PostgreSQL)', () => postgresScalingBench(settings, db));
    else results.push(skipPg('scaling-pg', '4. Scaling, PostgreSQL', 'place/get/list at 1M', 'the same at 1k', '≤ 1.5×'));
    await step('5. heap per order (memory)', () => heapBench(settings));
    await step('5. bundle size', () => bundleBench());
    if (db) await step('6. outbox workers (PostgreSQL)', () => outboxWorkersBench(settings, db, databaseUrl));
    else results.push(skipPg('outbox-workers', '6. Outbox workers on PostgreSQL', 'messages/s with 2 and 4 worker processes', '1 worker process', '≥ 1.5× / ≥ 2×'));
    const pgbouncerUrl = process.env.PGBOUNCER_URL;
    const bouncer = db && pgbouncerUrl ? await openBenchDatabase(pgbouncerUrl) : null;
    if (db && bouncer && !('error' in bouncer)) {
      try {
        await step('7. placement through PgBouncer', () => pgbouncerPlacementBench(settings, db, bouncer));
      } finally {
        await bouncer.close();
      }
    } else {
      const why = !db ? noDb : !pgbouncerUrl ? 'PGBOUNCER_URL is not set (`.ci/pgbouncer start DIR` starts one and prints it)' : `no PgBouncer at PGBOUNCER_URL (${bouncer && 'error' in bouncer ? bouncer.error : '?'})`;
      results.push(
        pgSkipped(
          {
            id: 'pgbouncer-placement',
            benchmark: '7. Placement through PgBouncer',
            subject: 'orders placed/s through PgBouncer, unnamed statements',
            baseline: 'the same straight to PostgreSQL',
            unit: '',
            target: { on: 'ratio', kind: 'min', value: 0.7, label: '≥ 0.7×' },
          },
          why,
        ),
      );
    }
    await step('6. relay and telemetry cost (memory)', () => telemetryCostBench(settings));
    await step('6. relay to NATS JetStream', () => natsRelayBench(settings));
  } finally {
    await db?.close();
  }

  const machine: Machine = {
    os: `${process.platform} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    postgres: db?.version ?? 'not available',
    load,
  };
  console.log(`\n${consoleTable(results)}\n`);
  const missed = results.filter((r) => !r.skipped && !targetMet(r));
  for (const r of missed) console.log(`missed: ${r.benchmark} (${r.id}): ${shortfall(r)}`);
  const out = smoke || only !== null ? join(tmpdir(), 'fulfillkit-benchmarks-partial.md') : join(root, 'docs', 'benchmarks.md');
  writeFileSync(out, renderDocument({ results, machine, date: started, smoke, errors }));
  console.log(`\nwrote ${out}`);
  // A smoke run proves the benchmarks still work; only errors and failed correctness checks fail it, never timing.
  const broken = results.filter((r) => r.checks?.some((c) => !c.ok));
  for (const e of errors) console.error(`error: ${e}`);
  for (const r of broken) console.error(`failed check: ${r.id}: ${r.checks?.filter((c) => !c.ok).map((c) => c.label).join('; ')} ${r.note ?? ''}`);
  return errors.length > 0 || broken.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
