// Demo data generation (issue 2: "2,000 invoices in a few seconds"): `generateDemo` with its batched
// transactions (200 invoices per commit) against the same data written one transaction per invoice,
// measured in the same run on real database files with the app's pragmas (WAL, synchronous FULL).
// Also prints the baselines' MAE on the generated data (the signal the cash-flow model must beat).
// Run: npx tsx bench/demo-seed.bench.ts   (BENCH_DEMO_INVOICES, BENCH_DEMO_BASELINE_INVOICES)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src-main/core/db/database';
import { daysBetween } from '../src-main/core/dates';
import { generateDemo } from '../src-main/core/demo/generate-demo';
import { report } from './report';

const INVOICES = Number(process.env.BENCH_DEMO_INVOICES ?? 2_000);
const BASELINE_INVOICES = Number(process.env.BENCH_DEMO_BASELINE_INVOICES ?? 500);
const TODAY = '2025-11-20';
const dirs: string[] = [];
const tmpDb = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-demo-'));
  dirs.push(d);
  return path.join(d, 'openfatture.db');
};

function timed(invoices: number, batchSize: number) {
  const database = openDatabase(tmpDb());
  const t0 = performance.now();
  const summary = generateDemo(database.sqlite, { clients: 60, invoices, seed: 42, today: TODAY, batchSize });
  const seconds = (performance.now() - t0) / 1000;
  return { database, summary, seconds };
}

const batched = timed(INVOICES, 200);
const perInvoice = timed(BASELINE_INVOICES, 1);
void perInvoice.database.close();

// Baselines of the cash-flow target on the generated data: train on the oldest 80% of paid invoices, score the rest.
const rows = batched.database.sqlite
  .prepare(
    `SELECT i.client_id, i.issue_date, i.due_date, MAX(p.paid_date) AS paid FROM invoices i JOIN payments p ON p.invoice_id = i.id
     WHERE i.status = 'paid' GROUP BY i.id ORDER BY i.issue_date, i.id`,
  )
  .all() as { client_id: number; issue_date: string; due_date: string; paid: string }[];
const cut = Math.floor(rows.length * 0.8);
const days = (r: (typeof rows)[number]) => daysBetween(r.issue_date, r.paid);
const train = rows.slice(0, cut);
const test = rows.slice(cut);
const globalMean = train.reduce((s, r) => s + days(r), 0) / train.length;
const byClient = new Map<number, number[]>();
for (const r of train) byClient.set(r.client_id, [...(byClient.get(r.client_id) ?? []), days(r)]);
const mae = (f: (r: (typeof rows)[number]) => number) => test.reduce((s, r) => s + Math.abs(days(r) - f(r)), 0) / test.length;
const maeGlobal = mae(() => globalMean);
const maeDue = mae((r) => daysBetween(r.issue_date, r.due_date));
const maeClient = mae((r) => {
  const h = byClient.get(r.client_id);
  return h ? h.reduce((a, b) => a + b, 0) / h.length : globalMean;
});
void batched.database.close();

const rate = (x: { summary: { invoices: number }; seconds: number }) => x.summary.invoices / x.seconds;
report({
  bench: 'demo-seed',
  title: `Demo data: ${INVOICES} invoices (60 clients) — batched transactions vs one transaction per invoice`,
  command: 'npx tsx bench/demo-seed.bench.ts',
  settings: { invoices: INVOICES, baselineInvoices: BASELINE_INVOICES, batchSize: 200, seed: 42 },
  figures: [
    { metric: `demo seed wall time (${INVOICES} invoices)`, value: batched.seconds, unit: 's', target: '≤ 5 s', met: batched.seconds <= 5 },
    { metric: 'write rate', value: rate(batched), unit: 'invoices/s', baseline: { label: `1 tx per invoice, ${BASELINE_INVOICES} invoices`, value: rate(perInvoice) } },
    { metric: 'cash-flow MAE: client mean', value: maeClient, unit: 'days', baseline: { label: 'global mean', value: maeGlobal } },
    { metric: 'cash-flow MAE: due date', value: maeDue, unit: 'days', baseline: { label: 'global mean', value: maeGlobal } },
  ],
  notes: [
    `${batched.summary.invoices} invoices, ${batched.summary.lines} lines, ${batched.summary.payments} payment rows; ${batched.summary.open} open and ${batched.summary.overdue} overdue at ${TODAY}; ${test.length} paid invoices scored for the MAE figures`,
  ],
});
for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
