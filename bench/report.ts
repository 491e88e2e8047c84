// Shapes of benchmark results and their rendering: a console table and the
// markdown of docs/benchmarks.md, each figure beside its same-run baseline.
import type { Spread } from './harness.js';

/** What every benchmark receives. */
export interface BenchSettings {
  /** Tiny sizes and single runs: proves the code paths work, times nothing of value. */
  smoke: boolean;
  /** PostgreSQL connection string, or `null` when no server answered. */
  databaseUrl: string | null;
}

/** A target on the ratio or on the subject's own figure. */
export interface Target {
  on: 'ratio' | 'subject';
  kind: 'min' | 'max';
  value: number;
  label: string;
}

/** The outcome of one benchmark figure. */
export interface BenchResult {
  id: string;
  benchmark: string;
  /** What was measured. */
  subject: string;
  /** What it is compared with, measured in the same run. */
  baseline: string;
  /** Unit of the subject and baseline figures (e.g. `orders/s`, `µs/op`, `bytes`). */
  unit: string;
  subjectValue: Spread;
  baselineValue: Spread;
  /** Subject over baseline, per interleaved pair. */
  ratio: Spread;
  target: Target;
  /** Correctness checks that must hold whatever the timing. */
  checks?: { label: string; ok: boolean }[];
  /** Sizes, run counts and other context. */
  note?: string;
  /** Set when the benchmark could not run (e.g. no PostgreSQL). */
  skipped?: string;
}

/** Whether the target is met (checks included). */
export function targetMet(r: BenchResult): boolean {
  if (r.skipped) return false;
  if (r.checks?.some((c) => !c.ok)) return false;
  const value = r.target.on === 'ratio' ? r.ratio.median : r.subjectValue.median;
  return r.target.kind === 'min' ? value >= r.target.value : value <= r.target.value;
}

/** How far a missed target is from being met, in words. */
export function shortfall(r: BenchResult): string | null {
  if (r.skipped || targetMet(r)) return null;
  const failed = r.checks?.filter((c) => !c.ok).map((c) => c.label) ?? [];
  if (failed.length > 0) return `failed check: ${failed.join('; ')}`;
  const value = r.target.on === 'ratio' ? r.ratio.median : r.subjectValue.median;
  const t = r.target.value;
  const factor = r.target.kind === 'min' ? t / value : value / t;
  const what = r.target.on === 'ratio' ? `${fmtRatio(value)} against ${r.target.label}` : `${fmtValue(value, r.unit)} against ${r.target.label}`;
  return `${what}: ${factor.toFixed(2)}× off the target`;
}

/** A number with three significant digits and a thousands separator. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function fmtRatio(n: number): string {
  return `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}×`;
}

function fmtValue(n: number, unit: string): string {
  return `${fmt(n)} ${unit}`;
}

function fmtSpread(s: Spread, unit: string): string {
  return `${fmt(s.min)}–${fmt(s.max)} ${unit} (n=${s.samples.length})`;
}

/** The cells of one table row. */
export function rowCells(r: BenchResult): string[] {
  if (r.skipped) return [r.benchmark, r.subject, r.baseline, '—', r.target.label, 'not run', r.skipped, '—'];
  const checks = r.checks?.length ? `; ${r.checks.map((c) => `${c.ok ? '✔' : '✘'} ${c.label}`).join('; ')}` : '';
  return [
    r.benchmark,
    r.subject,
    r.baseline,
    fmtRatio(r.ratio.median),
    r.target.label,
    targetMet(r) ? 'yes' : 'no',
    `${fmtValue(r.subjectValue.median, r.unit)} vs ${fmtValue(r.baselineValue.median, r.unit)}${checks}`,
    `ratio ${fmtRatio(r.ratio.min)}–${fmtRatio(r.ratio.max)}; subject ${fmtSpread(r.subjectValue, r.unit)}`,
  ];
}

export const HEADERS = ['benchmark', 'subject', 'baseline', 'ratio', 'target', 'met?', 'absolute (context)', 'spread'];

/** A plain-text table for the terminal. */
export function consoleTable(results: BenchResult[]): string {
  const short = results.map((r) => {
    const cells = rowCells(r);
    return [cells[0] ?? '', r.id, cells[3] ?? '', cells[4] ?? '', cells[5] ?? '', cells[6] ?? ''];
  });
  const head = ['benchmark', 'figure', 'ratio', 'target', 'met?', 'absolute (context)'];
  const widths = head.map((h, i) => Math.min(70, Math.max(h.length, ...short.map((row) => (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...short.map(line)].join('\n');
}

/** A markdown table. */
export function markdownTable(results: BenchResult[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...results.map((r) => `| ${rowCells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

/** One line per figure for the console while the suite runs: ratio with its spread, target, and whether it is met. */
export function summaryLine(r: BenchResult): string {
  if (r.skipped) return `  ${r.id}: not run (${r.skipped})`;
  const spread = `${fmtRatio(r.ratio.median)} (${fmtRatio(r.ratio.min)}–${fmtRatio(r.ratio.max)}, n=${r.ratio.samples.length})`;
  const value = r.target.on === 'ratio' ? '' : `, ${fmtValue(r.subjectValue.median, r.unit)}`;
  const verdict = targetMet(r) ? 'met' : `MISSED (${shortfall(r) ?? ''})`;
  return `  ${r.id}: ${spread}${value}, target ${r.target.label}: ${verdict}`;
}
