// How every benchmark reports: a printed table (figure, baseline measured in the same run, ratio,
// target) and a JSON file in bench/.results/ that `npm run bench` assembles into docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline, measured in this run. */
  baseline?: { label: string; value: number };
  /** e.g. "≤ 10 s", "≥ 0.9" */
  target?: string;
  /** Whether the target is met; omitted when there is no target. */
  met?: boolean;
}

export interface BenchResult {
  bench: string;
  title: string;
  command: string;
  notes?: string[];
  settings?: Record<string, string | number | boolean>;
  figures: BenchFigure[];
  machine: { cpu: string; cores: number; memGiB: number; node: string; loadavg: number[] };
  at: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(here, '.results');

export function machine(): BenchResult['machine'] {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));

export function ratioOf(f: BenchFigure): string {
  if (!f.baseline || f.baseline.value === 0) return '';
  return `${(f.value / f.baseline.value).toFixed(2)}×`;
}

export function report(result: Omit<BenchResult, 'machine' | 'at'>): BenchResult {
  const full: BenchResult = { ...result, machine: machine(), at: new Date().toISOString() };
  const rows = full.figures.map((f) => [
    f.metric,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.label})` : '',
    ratioOf(f),
    f.target ? `${f.target} ${f.met === undefined ? '' : f.met ? 'met' : 'MISSED'}` : '',
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(`\n${full.title}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
  for (const n of full.notes ?? []) console.log(`  note: ${n}`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${full.bench}.json`), JSON.stringify(full, null, 2));
  return full;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
