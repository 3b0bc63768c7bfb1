// The assistant's answer time on the demo data (2,000 invoices, 60 clients): p50 per kind of
// question through Assistant.ask (parse, client matching, read-only queries with payment state,
// correction lookup, prose), each against the single SQL aggregate that gives its headline figure
// (baseline, same run). Then the correction lookup over 300 past corrections with the real
// embedding model in the worker: first question (embeds them all) and next ones (cached), against
// the offline word-overlap matcher.
// Run: npx tsx bench/assistant.bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from '../src-main/core/app';
import { Assistant } from '../src-main/core/assistant/assistant';
import { assistantFor } from '../src-main/core/assistant/assistant-for-app';
import { loadSettings } from '../src-main/core/config/load';
import { generateDemo } from '../src-main/core/demo/generate-demo';
import { FeedbackService } from '../src-main/core/feedback/feedback-service';
import { percentile, report, type BenchFigure } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CORRECTIONS = Number(process.env.BENCH_CORRECTIONS ?? 300);
const TODAY = '2026-11-26';

async function p50(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-assistant-'));
const app = await App.open({ settings: loadSettings({ env: { OPENFATTURE_TODAY: TODAY }, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
const figures: BenchFigure[] = [];
try {
  generateDemo(app.database.sqlite, { clients: 60, invoices: 2000, seed: 42, today: TODAY });
  const offline = new Assistant({ connection: app.database.sqlite, today: () => TODAY, embedder: null });
  const piva = (app.database.sqlite.prepare('SELECT partita_iva FROM clients ORDER BY id LIMIT 1').get() as { partita_iva: string }).partita_iva;
  const sql = (q: string, ...p: unknown[]) => () => app.database.sqlite.prepare(q).all(...p);
  const cases: [string, string, () => unknown][] = [
    ["revenue this month (\"What's my revenue this month?\")", "What's my revenue this month?",
      sql(`SELECT SUM(total_cents) FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date BETWEEN '2026-11-01' AND '2026-11-30'`)],
    ['overdue invoices by client ("Which invoices are overdue?")', 'Which invoices are overdue?',
      sql(`SELECT i.client_id, SUM(p.amount_cents - p.paid_amount_cents) FROM payments p JOIN invoices i ON i.id = p.invoice_id
           WHERE i.status NOT IN ('draft','cancelled','paid') AND p.amount_cents > p.paid_amount_cents AND p.due_date < ? GROUP BY i.client_id`, TODAY)],
    ["average invoice (\"Qual è l'importo medio delle fatture?\")", "Qual è l'importo medio delle fatture?",
      sql(`SELECT AVG(total_cents) FROM invoices WHERE status NOT IN ('draft','cancelled')`)],
    ['top clients ("Top 5 clients this year")', 'Top 5 clients this year',
      sql(`SELECT client_id, SUM(total_cents) s FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date >= '2026-01-01' GROUP BY client_id ORDER BY s DESC LIMIT 5`)],
    ['client history by P.IVA ("How does <P.IVA> pay?")', `How does ${piva} pay?`,
      sql(`SELECT COUNT(*), SUM(total_cents) FROM invoices WHERE client_id = (SELECT id FROM clients WHERE partita_iva = ?)`, piva)],
  ];
  for (const [metric, question, baseline] of cases) {
    const value = await p50(() => offline.ask({ question }));
    const base = await p50(baseline);
    figures.push({ metric: `answer p50, ${metric}`, value, unit: 'ms', baseline: { label: 'its headline SQL aggregate', value: base }, target: '≤ 500 ms', met: value <= 500 });
  }

  // Past corrections: the seed's kind of questions, 10 subjects × 15 periods × 2 forms.
  const subjects = ['revenue', 'unpaid invoices', 'overdue invoices', 'average invoice amount', 'top clients', 'invoices created', 'cash flow', 'payments received', 'VAT due', 'new clients'];
  const periods = ['this month', 'last month', 'this year', 'in March 2025', 'today', 'last quarter', 'in 2024', 'this week', 'last week', 'in August', 'yesterday', 'in Q1 2025', 'last 30 days', 'in 2023', 'in June 2026'];
  const forms = ["What's my {s} {p}?", 'Show {s} {p}'];
  const feedback = new FeedbackService(app.database.sqlite, () => app.settings);
  const rows = Array.from({ length: CORRECTIONS }, (_, i) => ({
    agentType: 'chat',
    input: forms[i % 2]!.replace('{s}', subjects[i % subjects.length]!).replace('{p}', periods[Math.floor(i / subjects.length) % periods.length]!),
    response: 'answer',
    correction: `correction ${i}`,
  }));
  feedback.recordChatBatch(rows);
  const online = assistantFor(app);
  const question = 'How much revenue did I make this month?';
  await app.worker.start();
  const t0 = performance.now();
  const first = await online.ask({ question });
  const cold = performance.now() - t0;
  if (first.learnedFrom?.[0]?.method !== 'embedding') throw new Error(`expected an embedding match, got ${JSON.stringify(first.learnedFrom)} ${first.notes.join(' ')}`);
  const warm = await p50(() => online.ask({ question }));
  const words = await p50(() => offline.ask({ question }));
  figures.push({ metric: `answer with correction lookup, first question (embeds ${CORRECTIONS + 1} questions in the worker)`, value: cold, unit: 'ms', baseline: { label: 'word-overlap matcher, no model', value: words } });
  figures.push({ metric: 'answer with correction lookup, next questions (embeddings cached)', value: warm, unit: 'ms', baseline: { label: 'word-overlap matcher, no model', value: words }, target: '≤ 500 ms', met: warm <= 500 });
} finally {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

report({
  bench: 'assistant',
  title: 'Assistant answer time (`ai chat`)',
  command: 'npx tsx bench/assistant.bench.ts',
  settings: { invoices: 2000, clients: 60, runs: RUNS, corrections: CORRECTIONS },
  notes: [
    'Figures are Assistant.ask in process (no CLI start-up), built-in provider, on a real SQLite file with the app pragmas.',
    'The headline SQL aggregate is the least work that yields the same headline figure; the answer also computes payment state per invoice, sources, the correction lookup and the prose.',
  ],
  figures,
});
