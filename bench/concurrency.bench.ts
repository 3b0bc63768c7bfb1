// Concurrent writers for 60 s: the running app (browser host, writes over its WebSocket contract),
// three CLI processes (invoices, payments, feedback; real command lines, a fresh App per command)
// and genuinely spawned `openfatture` commands. Reports writes/s per writer, p50/p95/p99 latency
// per write kind, lock conflicts seen (surfaced or logged), the reconciliation of every reported
// write against the database, and the index check after the queue drained. Baseline, in the same
// run: one CLI writer alone doing the same writes (invoice, payment, feedback in turn) for 60 s.
//
// Run: npx tsx bench/concurrency.bench.ts [--seconds 60]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../e2e/serve-fixture';
import {
  busyLinesInLogs,
  BUSY_PATTERN,
  checkIndex,
  drained,
  prepareDataDir,
  reconcile,
  reconciled,
  scenarioEnv,
  snapshot,
  startAppWriter,
  startCliWriter,
  startSpawnedWriter,
  type Reconciliation,
  type WriterProcess,
} from '../tests/concurrency/concurrency-scenario';
import { WRITE_KINDS, type WriteKind, type WriteRecord } from '../tests/concurrency/writer-protocol';
import { percentile, report, type BenchFigure } from './report';

const secondsFlag = process.argv.indexOf('--seconds');
const SECONDS = secondsFlag > 0 ? Number(process.argv[secondsFlag + 1]) : 60;
if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error(`--seconds: expected a positive number, got "${process.argv[secondsFlag + 1]}"`);
const DURATION_MS = SECONDS * 1000;
const env = scenarioEnv(0.5);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-writers-'));
const dirs: string[] = [workDir];

const lost = (r: Reconciliation) =>
  r.invoices.missing.length + r.invoices.unreported.length + r.invoices.misattributed.length + r.payments.mismatched.length + r.feedback.missing.length + r.feedback.unreported.length;
const okOf = (rs: readonly WriteRecord[]) => rs.filter((r) => r.exit === 0 && !r.error);
const ms = (rs: readonly WriteRecord[], kind: WriteKind) => okOf(rs).filter((r) => r.kind === kind).map((r) => r.ms);

async function baselineRun(): Promise<{ records: WriteRecord[]; reconciliation: Reconciliation; busyLogged: number }> {
  const dataDir = prepareDataDir(env);
  dirs.push(dataDir);
  const { baseline, targets } = await snapshot(dataDir, env);
  const all = [...targets.payInvoices.cli, ...targets.payInvoices.app, ...targets.payInvoices.spawned, ...targets.payInvoices.single];
  console.log(`baseline: one CLI writer alone for ${SECONDS} s…`);
  const w = startCliWriter({ tag: 'single', dataDir, kinds: [...WRITE_KINDS], clientIds: targets.clientIds, payInvoiceIds: all, intervalMs: 0, durationMs: DURATION_MS }, env, workDir);
  await w.done;
  const records = w.records();
  return { records, reconciliation: await reconcile(dataDir, env, baseline, records), busyLogged: busyLinesInLogs(dataDir).length };
}

async function concurrentRun() {
  const dataDir = prepareDataDir(env);
  dirs.push(dataDir);
  const { baseline, targets } = await snapshot(dataDir, env);
  const host = await startHost({ dataDir, demo: null, env, debounceSeconds: 0.5 });
  try {
    await drained(host, 600_000);
    console.log(`concurrent: app + 3 CLI writers + spawned commands for ${SECONDS} s…`);
    const common = { dataDir, clientIds: targets.clientIds, intervalMs: 0, durationMs: DURATION_MS };
    const writers: WriterProcess[] = [
      startCliWriter({ ...common, tag: 'cli-invoices', kinds: ['invoice'], payInvoiceIds: [] }, env, workDir),
      startCliWriter({ ...common, tag: 'cli-payments', kinds: ['payment'], payInvoiceIds: targets.payInvoices.cli }, env, workDir),
      startCliWriter({ ...common, tag: 'cli-feedback', kinds: ['feedback'], payInvoiceIds: [] }, env, workDir),
      startAppWriter(host, { ...common, tag: 'app', kinds: WRITE_KINDS, payInvoiceIds: targets.payInvoices.app }),
      startSpawnedWriter(dataDir, env, { ...common, tag: 'spawned', kinds: WRITE_KINDS, payInvoiceIds: targets.payInvoices.spawned, minWrites: 3 }),
    ];
    await Promise.all(writers.map((w) => w.done));
    const drainMs = await drained(host, 600_000);
    const records = writers.flatMap((w) => w.records());
    const reconciliation = await reconcile(dataDir, env, baseline, records);
    const hostOutput = host.output();
    const hostExit = await host.stop({ keepData: true });
    const index = await checkIndex(dataDir, env);
    const busySurfaced = records.filter((r) => BUSY_PATTERN.test(r.error ?? '')).length + (BUSY_PATTERN.test(hostOutput) ? 1 : 0) + writers.filter((w) => BUSY_PATTERN.test(w.stderr())).length;
    return { writers, records, reconciliation, drainMs, hostExit, index, busySurfaced, busyLogged: busyLinesInLogs(dataDir).length };
  } catch (e) {
    await host.stop({ keepData: true });
    throw e;
  }
}

try {
  const single = await baselineRun();
  const conc = await concurrentRun();
  const singleRate = okOf(single.records).length / SECONDS;
  const figures: BenchFigure[] = [];
  for (const w of conc.writers) {
    figures.push({ metric: `writes/s, ${w.tag}`, value: okOf(w.records()).length / SECONDS, unit: 'writes/s', baseline: { label: 'one CLI writer alone', value: singleRate } });
  }
  const total = okOf(conc.records).length / SECONDS;
  figures.push({ metric: 'writes/s, all writers together', value: total, unit: 'writes/s', baseline: { label: 'one CLI writer alone', value: singleRate } });
  const cliRecords = conc.writers.filter((w) => w.tag.startsWith('cli-')).flatMap((w) => w.records());
  const appRecords = conc.writers.find((w) => w.tag === 'app')!.records();
  for (const kind of WRITE_KINDS) {
    for (const p of [50, 95, 99]) {
      const base = { label: `one CLI writer alone, ${kind} p${p}`, value: percentile(ms(single.records, kind), p) };
      figures.push({ metric: `CLI ${kind} latency p${p} (command incl. App open/close)`, value: percentile(ms(cliRecords, kind), p), unit: 'ms', baseline: base });
      figures.push({ metric: `app ${kind} latency p${p} (WebSocket round trip)`, value: percentile(ms(appRecords, kind), p), unit: 'ms', baseline: base });
    }
  }
  const spawned = conc.writers.find((w) => w.tag === 'spawned')!.records();
  figures.push({ metric: 'spawned `node bin/openfatture.js` command p50 (start-up incl.)', value: percentile(okOf(spawned).map((r) => r.ms), 50), unit: 'ms' });
  figures.push({ metric: 'failed writes (any error, any writer)', value: conc.reconciliation.failures.length, unit: 'writes', baseline: { label: 'one writer alone', value: single.reconciliation.failures.length }, target: '= 0', met: conc.reconciliation.failures.length === 0 });
  figures.push({ metric: 'lock conflicts surfaced to a user (SQLITE_BUSY / database is locked)', value: conc.busySurfaced, unit: 'times', target: '= 0', met: conc.busySurfaced === 0 });
  figures.push({ metric: 'lock conflicts in the log files', value: conc.busyLogged, unit: 'lines', baseline: { label: 'one writer alone', value: single.busyLogged }, target: '= 0', met: conc.busyLogged === 0 });
  figures.push({ metric: 'lost or unreported writes after reconciliation', value: lost(conc.reconciliation), unit: 'writes', baseline: { label: 'one writer alone', value: lost(single.reconciliation) }, target: '= 0', met: reconciled(conc.reconciliation) });
  figures.push({ metric: 'index problems after the queue drained (stale/missing/duplicate documents, HNSW ≠ SQLite)', value: conc.index.problems.length, unit: 'problems', target: '= 0', met: conc.index.problems.length === 0 && conc.hostExit === 0 });
  figures.push({ metric: 'time for the index queue to drain after the writers stopped', value: conc.drainMs / 1000, unit: 's' });
  const r = conc.reconciliation;
  report({
    bench: 'concurrency',
    title: `Concurrent writers for ${SECONDS} s: browser host + 3 CLI processes + spawned commands on one database`,
    command: `npx tsx bench/concurrency.bench.ts${SECONDS === 60 ? '' : ` --seconds ${SECONDS}`}`,
    settings: { seconds: SECONDS, debounceSeconds: 0.5, demoInvoices: 120, busyTimeoutMs: 10_000 },
    notes: [
      `reconciled: ${r.invoices.found}/${r.invoices.reported} invoices, ${r.payments.foundCents}/${r.payments.reportedCents} cents paid, ${r.feedback.found}/${r.feedback.reported} feedback rows (database/reported)`,
      `index: ${conc.index.entities} invoices+clients, ${conc.index.documents} documents, ${conc.index.vectors} HNSW vectors${conc.index.problems.length ? `; problems: ${conc.index.problems.slice(0, 5).join('; ')}` : ''}`,
      ...(r.failures.length ? [`failures: ${r.failures.slice(0, 5).join(' | ')}`] : []),
      'busy_timeout waits inside SQLite are not visible to the app; only conflicts that reach a writer or a log are counted.',
      'Writers run back to back (no pause); the machine was shared with other work while measuring (see loadavg).',
    ],
    figures,
  });
} finally {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}
