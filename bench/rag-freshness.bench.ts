// Freshness under sustained load (DESIGN §5): a separate process commits 50 invoice changes per
// second for 60 s while the auto-indexing service runs; freshness per invoice is the time from its
// commit (invoices.created_at) to its document being indexed with its vector (rag_documents.indexed_at),
// both from SQLite's clock. Target: p95 ≤ debounce + 1 s. The baseline printed beside it is the
// raw embedding capacity of the worker measured in the same run.
// Run: npx tsx bench/rag-freshness.bench.ts [ratePerSecond=1] [seconds=30] [debounceSeconds=2] [batchSize=1] [capacitySample=128]
//      (or BENCH_RATE / BENCH_SECONDS / BENCH_DEBOUNCE / BENCH_BATCH / BENCH_CAPACITY_SAMPLE). The load is 50 changes/s for
//      60 s with batches of 50 (`npx tsx bench/rag-freshness.bench.ts 50 60 2 50`, on a quiet machine); on a
//      slower machine keep rate/batch size at 1/s.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { openTestApp, REPO_ROOT, tempDataDir, waitFor } from '../src-main/core/rag/testing/rag-fixtures';
import { report } from './report';

const REQUIRED = { rate: 50, seconds: 60 };
function intArg(i: number, env: string, dflt: number, min: number): number {
  const raw = process.argv[i] ?? process.env[env];
  const v = Number(raw ?? dflt);
  if (!Number.isInteger(v) || v < min) throw new Error(`${env} (argument ${i - 1}) must be an integer ≥ ${min}, got ${raw}`);
  return v;
}
const RATE = intArg(2, 'BENCH_RATE', 1, 1);
const SECONDS = intArg(3, 'BENCH_SECONDS', 30, 1);
const DEBOUNCE = intArg(4, 'BENCH_DEBOUNCE', 2, 0);
const BATCH = intArg(5, 'BENCH_BATCH', 1, 1);
const CAPACITY_SAMPLE = intArg(6, 'BENCH_CAPACITY_SAMPLE', 128, 8);

const WRITER = `
const db = require('better-sqlite3')(process.argv[1]);
db.pragma('busy_timeout = 10000');
const rate = Number(process.argv[2]), seconds = Number(process.argv[3]);
const clients = db.prepare('SELECT id FROM clients').all().map((r) => r.id);
const inv = db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, net_cents, vat_cents, total_cents) VALUES (?, 2026, ?, '2026-01-15', '2026-02-14', ?, ?, ?)");
const line = db.prepare("INSERT INTO invoice_lines(invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents) VALUES (?, 1, ?, 1, ?, 22, ?, ?, ?)");
const pay = db.prepare("INSERT INTO payments(invoice_id, due_date, amount_cents) VALUES (?, '2026-02-14', ?)");
const words = ['Consulenza tecnica', 'Sviluppo software', 'Manutenzione applicativa', 'Assistenza presso sede', 'Hosting annuale', 'Formazione personale'];
const add = db.transaction((n) => {
  const net = 10000 + (n * 37) % 90000, vat = Math.round(net * 0.22);
  const id = inv.run(String(n), clients[n % clients.length], net, vat, net + vat).lastInsertRowid;
  line.run(id, words[n % words.length] + ' commessa ' + n, net, net, vat, net + vat);
  pay.run(id, net + vat);
});
const t0 = Date.now();
let n = 0;
const tick = () => {
  const due = Math.floor(((Date.now() - t0) / 1000) * rate);
  while (n < due && n < rate * seconds) add(++n);
  if (n >= rate * seconds) { process.stdout.write(String(n)); process.exit(0); }
  setTimeout(tick, 5);
};
tick();`;

async function main(): Promise<void> {
  const dir = tempDataDir('of-bench-fresh-');
  const app = await openTestApp(
    dir,
    {
      OPENFATTURE_LOG_LEVEL: 'warn',
      OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
      OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: String(DEBOUNCE),
      OPENFATTURE_RAG_AUTO_UPDATE_MAX_QUEUE_SIZE: '100000',
      OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE: String(BATCH),
    },
    { background: true },
  );
  try {
    const db = app.database.sqlite;
    const svc = app.autoIndexing!;
    await svc.warmUp;
    db.transaction(() => {
      for (let i = 0; i < 40; i++) db.prepare('INSERT INTO clients(denominazione, partita_iva) VALUES (?, ?)').run(`Cliente Carico ${i} Srl`, String(20_000_000_000 + i));
    })();
    await waitFor(() => (db.prepare('SELECT COUNT(*) AS n FROM rag_changes').get() as { n: number }).n === 0, 300_000, 200);

    // Baseline: the worker's raw embedding capacity on invoice-like texts, in this run.
    const sample = Array.from({ length: CAPACITY_SAMPLE }, (_, i) => `Fattura n. ${i}/2026 Cliente Carico ${i % 40} Srl Consulenza tecnica commessa ${i} totale 1.220,00 €`);
    const c0 = performance.now();
    await app.rag.embedder.embed(sample);
    const capacity = sample.length / ((performance.now() - c0) / 1000);

    process.stdout.write(`Offering ${RATE} invoice changes/s for ${SECONDS}s from a separate process; debounce ${DEBOUNCE}s, batch ${app.settings.RAG_AUTO_UPDATE_BATCH_SIZE}, ${app.settings.RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES} batches in flight\n`);
    const writer = spawn(process.execPath, ['-e', WRITER, app.paths.database, String(RATE), String(SECONDS)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const w0 = performance.now();
    await new Promise((r) => writer.once('exit', r));
    const writeS = (performance.now() - w0) / 1000;
    const total = RATE * SECONDS;
    await waitFor(() => (db.prepare("SELECT COUNT(*) AS n FROM rag_documents WHERE entity_type = 'invoice' AND embedding IS NOT NULL").get() as { n: number }).n >= total, 1_800_000, 250);
    const drainS = (performance.now() - w0) / 1000;
    const fresh = (
      db
        .prepare(
          `SELECT (julianday(d.indexed_at) - julianday(i.created_at)) * 86400000.0 AS ms FROM invoices i
             JOIN rag_documents d ON d.entity_type = 'invoice' AND d.entity_id = i.id ORDER BY ms`,
        )
        .all() as { ms: number }[]
    ).map((r) => r.ms);
    const pct = (p: number) => fresh[Math.min(fresh.length - 1, Math.floor((p / 100) * fresh.length))]!;
    const target = (DEBOUNCE + 1) * 1000;
    const batches = db.prepare('SELECT COUNT(*) AS n, AVG(entities) AS avg, AVG(duration_ms) AS ms FROM reindex_batches').get() as { n: number; avg: number; ms: number };
    process.stdout.write(`Writer: ${total} invoices in ${writeS.toFixed(1)}s (${(total / writeS).toFixed(1)}/s); all indexed ${drainS.toFixed(1)}s after the first write\n`);
    process.stdout.write(`Batches: ${batches.n}, average ${batches.avg.toFixed(1)} entities, ${(batches.ms / 1000).toFixed(2)}s each\n`);
    process.stdout.write(`Freshness: p50 ${(pct(50) / 1000).toFixed(2)}s, p95 ${(pct(95) / 1000).toFixed(2)}s, max ${(fresh.at(-1)! / 1000).toFixed(2)}s; target p95 <= ${(target / 1000).toFixed(1)}s: ${pct(95) <= target ? 'MET' : 'NOT MET'} (p95 / target = ${(pct(95) / target).toFixed(2)})\n`);
    process.stdout.write(`Baseline, worker embedding capacity in this run: ${capacity.toFixed(1)} texts/s vs ${RATE} offered changes/s (+ client refreshes) = ${(capacity / RATE).toFixed(2)}x headroom\n`);

    const belowSize = RATE < REQUIRED.rate || SECONDS < REQUIRED.seconds;
    report({
      bench: 'rag-freshness',
      title: 'RAG freshness under sustained invoice changes (auto-indexing)',
      command: `npx tsx bench/rag-freshness.bench.ts ${RATE} ${SECONDS} ${DEBOUNCE} ${BATCH} ${CAPACITY_SAMPLE}`,
      settings: {
        ratePerSecond: RATE,
        seconds: SECONDS,
        changes: total,
        debounceSeconds: DEBOUNCE,
        batchSize: app.settings.RAG_AUTO_UPDATE_BATCH_SIZE,
        batchesInFlight: app.settings.RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES,
        capacitySample: CAPACITY_SAMPLE,
      },
      figures: [
        { metric: 'freshness p95 (commit → indexed with vector)', value: pct(95) / 1000, unit: 's', baseline: { label: 'the debounce alone', value: DEBOUNCE }, target: `≤ debounce + 1 s = ${DEBOUNCE + 1} s`, met: pct(95) <= target },
        { metric: 'freshness p50', value: pct(50) / 1000, unit: 's', baseline: { label: 'the debounce alone', value: DEBOUNCE } },
        { metric: 'freshness max', value: fresh.at(-1)! / 1000, unit: 's', baseline: { label: 'the debounce alone', value: DEBOUNCE } },
        { metric: 'worker embedding capacity (invoice-like texts)', value: capacity, unit: 'texts/s', baseline: { label: 'offered changes/s', value: RATE } },
        { metric: 'writer rate achieved', value: total / writeS, unit: 'changes/s', baseline: { label: 'offered', value: RATE } },
      ],
      notes: [
        `A separate process commits invoice changes (invoice + line + instalment, one transaction each) at ${RATE}/s for ${SECONDS} s while the auto-indexing service runs in the bench process; freshness per invoice = rag_documents.indexed_at − invoices.created_at (both SQLite's clock). ${batches.n} batches, average ${batches.avg.toFixed(1)} entities, ${(batches.ms / 1000).toFixed(2)} s each; all ${total} indexed ${drainS.toFixed(1)} s after the first write.`,
        belowSize
          ? `Size used: ${RATE} changes/s for ${SECONDS} s — BELOW the issue's required ${REQUIRED.rate} changes/s for ${REQUIRED.seconds} s, so the target is not demonstrated at the required load; run \`npx tsx bench/rag-freshness.bench.ts 50 60 2 50\` on a quiet machine.`
          : `Size used: ${RATE} changes/s for ${SECONDS} s (the issue's load).`,
      ],
    });
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
