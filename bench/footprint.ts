// Benchmark 5: heap held per stored order by the memory adapter, and the
// minified + gzipped size of the core entry without its dependencies.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
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

const bundleOptions: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  write: false,
  logLevel: 'silent',
};

async function gzippedBundle(entry: { contents: string }, external: string[]): Promise<number> {
  const result = await build({ ...bundleOptions, stdin: { contents: entry.contents, resolveDir: root, loader: 'ts' }, external });
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  return gzipSync(code, { level: 9 }).length;
}

/** Gzipped bytes of one output chunk, and what it imports. */
interface Chunk {
  gzip: number;
  statics: string[];
  dynamics: string[];
}

/**
 * What `import 'fulfillkit'` loads: `entry` built with code splitting as a
 * bundler or the ESM build would, its chunk plus every chunk it imports
 * statically (transitively), each gzipped on its own as it would be served.
 * Chunks reached only through `import()` are counted apart: the entry loads
 * them on first use, when the option or call that needs them comes.
 */
export async function splitBundle(
  entry: string,
  external: string[],
): Promise<{ loaded: number; lazy: number; lazyModules: string[]; largest: Array<{ module: string; bytes: number }> }> {
  const result = await build({ ...bundleOptions, entryPoints: [entry], external, splitting: true, outdir: 'bundle-out', metafile: true });
  const { metafile, outputFiles = [] } = result;
  if (!metafile) throw new Error('esbuild wrote no metafile');
  const chunks = new Map<string, Chunk>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (path.endsWith('.map')) continue;
    const file = outputFiles.find((f) => f.path.endsWith(path));
    if (!file) throw new Error(`esbuild wrote no ${path}`);
    const own = (kind: string) => output.imports.filter((i) => i.kind === kind && !i.external).map((i) => i.path);
    chunks.set(path, { gzip: gzipSync(file.contents, { level: 9 }).length, statics: own('import-statement'), dynamics: own('dynamic-import') });
  }
  const entryPath = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === entry)?.[0];
  if (!entryPath) throw new Error('esbuild produced no entry chunk');
  const closure = (from: string[], seen: Set<string>): Set<string> => {
    for (const path of from) {
      if (seen.has(path)) continue;
      seen.add(path);
      closure(chunks.get(path)?.statics ?? [], seen);
    }
    return seen;
  };
  const loaded = closure([entryPath], new Set());
  const lazy = new Set<string>();
  for (const path of loaded) for (const d of chunks.get(path)?.dynamics ?? []) if (!loaded.has(d)) closure([d], lazy);
  for (const path of loaded) lazy.delete(path);
  const sum = (paths: Set<string>) => [...paths].reduce((n, p) => n + (chunks.get(p)?.gzip ?? 0), 0);
  // A chunk made for an `import()` names the module imported as its entry point.
  const lazyModules = [...lazy].map((p) => metafile.outputs[p]?.entryPoint).filter((m): m is string => m !== undefined);
  // Where the loaded bytes come from: minified bytes per source module (before gzip).
  const largest = [...loaded]
    .flatMap((p) => Object.entries(metafile.outputs[p]?.inputs ?? {}).map(([module, input]) => ({ module, bytes: input.bytesInOutput })))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  return { loaded: sum(loaded), lazy: sum(lazy), lazyModules, largest };
}

/** Benchmark 5b: bundle size of the core entry. */
export async function bundleBench(): Promise<BenchResult> {
  const core = await splitBundle('src/index.ts', ['xstate', 'zod', 'nanoid']);
  const xstate = await gzippedBundle({ contents: "export * from 'xstate';" }, []);
  const one = (n: number) => spreadOf([n]);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return {
    id: 'bundle-size',
    benchmark: '5. Memory: bundle size',
    subject:
      'what `import "fulfillkit"` loads: src/index.ts bundled with esbuild (code splitting), minified, the entry chunk and every chunk it imports statically, each gzip -9; xstate, zod and nanoid external',
    baseline: "xstate's own entry bundled the same way",
    unit: 'bytes',
    subjectValue: one(core.loaded),
    baselineValue: one(xstate),
    ratio: one(core.loaded / xstate),
    target: { on: 'subject', kind: 'max', value: 40_960, label: '≤ 40 KB' },
    note: `deterministic: one build; loaded on first use and not counted above: ${kb(core.lazy)} gzipped: ${core.lazyModules.join(', ') || 'nothing'}, with the modules only those reach; largest loaded modules (minified bytes): ${core.largest.map((m) => `${m.module.replace(/^src\//, '')} ${(m.bytes / 1024).toFixed(1)} K`).join(', ')}`,
  };
}
