// Benchmark 5: heap held per stored order by the memory adapter, and the
// minified + gzipped size of the core entry without its dependencies.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { spreadOf } from './harness.js';
import type { BenchResult, BenchSettings } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function runProbe(orders: number, rounds: number): Promise<Array<{ adapter: number; stored: number; json: number; jsonChars: number }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/heap-probe.ts', String(orders), String(rounds)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`heap probe exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '[]'));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Benchmark 5a: heap bytes per stored order, and the whole footprint of a placed order as context. */
export async function heapBench(settings: BenchSettings): Promise<BenchResult[]> {
  const orders = settings.smoke ? 1_000 : 20_000;
  const rounds = settings.smoke ? 1 : 3;
  const samples = await runProbe(orders, rounds);
  const chars = samples[0]?.jsonChars ?? 0;
  const baseline = `the same orders as bare JSON strings in a Map (${Math.round(chars)} characters each)`;
  const note = `${orders.toLocaleString('en-US')} two-line orders placed through the engine, fresh process with --expose-gc, ${rounds} rounds`;
  return [
    {
      id: 'heap-per-order',
      benchmark: '5. Memory: heap per stored order',
      subject: 'heap bytes the memory adapter holds per stored order: the order document, its lookup keys, index tags and history',
      baseline,
      unit: 'bytes',
      subjectValue: spreadOf(samples.map((s) => s.stored)),
      baselineValue: spreadOf(samples.map((s) => s.json)),
      ratio: spreadOf(samples.map((s) => s.stored / s.json)),
      target: { on: 'subject', kind: 'max', value: 3072, label: '≤ 3 KB' },
      note,
    },
    {
      id: 'heap-per-placed-order',
      benchmark: '5. Memory: whole footprint per placed order (context)',
      subject: 'everything the memory adapter holds after a placement: the stored order plus its reservation, two ledger rows and the pending confirmation message',
      baseline,
      unit: 'bytes',
      subjectValue: spreadOf(samples.map((s) => s.adapter)),
      baselineValue: spreadOf(samples.map((s) => s.json)),
      ratio: spreadOf(samples.map((s) => s.adapter / s.json)),
      target: { on: 'subject', kind: 'max', value: Number.POSITIVE_INFINITY, label: 'none (context)' },
      note,
    },
  ];
}

async function gzippedBundle(entry: { path: string } | { contents: string }, external: string[]): Promise<number> {
  const result = await build({
    ...('path' in entry ? { entryPoints: [entry.path] } : { stdin: { contents: entry.contents, resolveDir: root, loader: 'ts' } }),
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  return gzipSync(code, { level: 9 }).length;
}

/** Benchmark 5b: bundle size of the core entry. */
export async function bundleBench(): Promise<BenchResult> {
  const core = await gzippedBundle({ path: 'src/index.ts' }, ['xstate', 'zod', 'nanoid']);
  const xstate = await gzippedBundle({ contents: "export * from 'xstate';" }, []);
  const one = (n: number) => spreadOf([n]);
  return {
    id: 'bundle-size',
    benchmark: '5. Memory: bundle size',
    subject: 'src/index.ts bundled with esbuild, minified, gzip -9; xstate, zod and nanoid external',
    baseline: "xstate's own entry bundled the same way",
    unit: 'bytes',
    subjectValue: one(core),
    baselineValue: one(xstate),
    ratio: one(core / xstate),
    target: { on: 'subject', kind: 'max', value: 40_960, label: '≤ 40 KB' },
    note: 'deterministic: one build',
  };
}
