// Timing primitives of the benchmark suite: seeded randomness, medians with
// their spread, and subject/baseline runs interleaved so drift hits both.

/** A deterministic pseudo-random source (mulberry32), so every run draws the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Ids `prefix_000001`, ... from a counter: reproducible and cheap, unlike random ids. */
export function counterIds(namespace = ''): (prefix: string) => string {
  let n = 0;
  return (prefix) => `${prefix}_${namespace}${(++n).toString(36).padStart(6, '0')}`;
}

/** Median, minimum and maximum of a set of samples. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Summarize samples (at least one). */
export function spreadOf(samples: number[]): Spread {
  if (samples.length === 0) throw new Error('spreadOf needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, samples };
}

/** Milliseconds since an arbitrary origin, sub-millisecond. */
export const now = (): number => performance.now();

/** Run `fn` once and return operations per second for `ops` operations. */
export async function throughput(ops: number, fn: () => Promise<void> | void): Promise<number> {
  const start = now();
  await fn();
  const ms = now() - start;
  return (ops * 1000) / Math.max(ms, 1e-6);
}

/** One side of a comparison: builds fresh state, then does `ops` operations timed as one run. */
export interface Contender {
  /** Operations one timed run performs. */
  ops: number;
  /** Untimed set-up of a run (fresh stores, stock); its result is passed to `run`. */
  prepare?: () => Promise<unknown> | unknown;
  /** The timed work. */
  run: (prepared: unknown) => Promise<void> | void;
  /** Untimed clean-up and correctness checks after a run. */
  verify?: (prepared: unknown) => Promise<void> | void;
}

/** Result of {@link compare}: throughputs (ops/s) of both sides and their ratio. */
export interface Comparison {
  subject: Spread;
  baseline: Spread;
  /** Subject over baseline, one per interleaved pair of runs. */
  ratio: Spread;
}

async function timed(c: Contender): Promise<number> {
  const prepared = await c.prepare?.();
  const start = now();
  await c.run(prepared);
  const ms = now() - start;
  await c.verify?.(prepared);
  return (c.ops * 1000) / Math.max(ms, 1e-6);
}

/**
 * Warm both sides up, then time `runs` pairs, alternating which side goes
 * first so slow drift (other processes, JIT, GC pressure) is shared.
 */
export async function compare(options: { subject: Contender; baseline: Contender; runs: number; warmup: number }): Promise<Comparison> {
  for (let i = 0; i < options.warmup; i++) {
    await timed(options.subject);
    await timed(options.baseline);
  }
  const subject: number[] = [];
  const baseline: number[] = [];
  const ratio: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    let s: number;
    let b: number;
    if (i % 2 === 0) {
      s = await timed(options.subject);
      b = await timed(options.baseline);
    } else {
      b = await timed(options.baseline);
      s = await timed(options.subject);
    }
    subject.push(s);
    baseline.push(b);
    ratio.push(s / b);
    maybeGc();
  }
  return { subject: spreadOf(subject), baseline: spreadOf(baseline), ratio: spreadOf(ratio) };
}

/** Collect garbage between runs when node was started with `--expose-gc`, so one run's garbage is not billed to the next. */
export function maybeGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

/** Run `tasks` with at most `width` in flight. */
export async function pooled(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}
