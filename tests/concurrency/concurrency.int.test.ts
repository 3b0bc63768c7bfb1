// The app and three CLI processes write at the same time (invoices, payments, feedback), plus a
// share of genuinely spawned `openfatture` commands: no write fails or reports a lock conflict,
// every committed write is in the database exactly as its writer reported it, and once the queue
// drained the knowledge index matches the data (documents, hashes, HNSW file).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../e2e/serve-fixture';
import {
  BUSY_PATTERN,
  busyLinesInLogs,
  checkIndex,
  drained,
  prepareDataDir,
  reconcile,
  scenarioEnv,
  snapshot,
  startAppWriter,
  startCliWriter,
  startSpawnedWriter,
  type Baseline,
  type IndexCheck,
  type Reconciliation,
  type WriterProcess,
} from './concurrency-scenario';
import { WRITE_KINDS } from './writer-protocol';

const DURATION_MS = 20_000;
const env = scenarioEnv(0.5);

let dataDir: string;
let workDir: string;
let host: RunningHost | null = null;
let writers: WriterProcess[] = [];
let baseline: Baseline;
let result: Reconciliation;
let index: IndexCheck;
let hostExit: number | null;
let hostOutput = '';

beforeAll(async () => {
  dataDir = prepareDataDir(env);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-writers-'));
  const { baseline: b, targets } = await snapshot(dataDir, env);
  baseline = b;
  host = await startHost({ dataDir, demo: null, env, debounceSeconds: 0.5 });
  // The initial demo data indexed first, so the writers race the live queue, not the first load.
  await drained(host, 240_000);
  const common = { dataDir, clientIds: targets.clientIds, durationMs: DURATION_MS };
  // A few writes per second per writer: enough overlap for lock contention, little CPU.
  writers = [
    startCliWriter({ ...common, tag: 'cli-invoices', kinds: ['invoice'], payInvoiceIds: [], intervalMs: 400 }, env, workDir),
    startCliWriter({ ...common, tag: 'cli-payments', kinds: ['payment'], payInvoiceIds: targets.payInvoices.cli, intervalMs: 300 }, env, workDir),
    startCliWriter({ ...common, tag: 'cli-feedback', kinds: ['feedback'], payInvoiceIds: [], intervalMs: 300 }, env, workDir),
    startAppWriter(host, { tag: 'app', kinds: WRITE_KINDS, clientIds: targets.clientIds, payInvoiceIds: targets.payInvoices.app, intervalMs: 150, durationMs: DURATION_MS }),
    startSpawnedWriter(dataDir, env, { tag: 'spawned', kinds: WRITE_KINDS, clientIds: targets.clientIds, payInvoiceIds: targets.payInvoices.spawned, intervalMs: 0, durationMs: DURATION_MS, minWrites: 3 }),
  ];
  await Promise.all(writers.map((w) => w.done));
  await drained(host, 240_000);
  const records = writers.flatMap((w) => w.records());
  result = await reconcile(dataDir, env, baseline, records);
  // What each writer did, for the reader of a failed run.
  console.log(JSON.stringify({ writes: Object.fromEntries(writers.map((w) => [w.tag, w.records().length])), failures: result.failures.slice(0, 10), invoices: result.invoices.reported, feedback: result.feedback.reported, paidCents: result.payments.reportedCents }));
  hostOutput = host.output();
  hostExit = await host.stop({ keepData: true });
  host = null;
  index = await checkIndex(dataDir, env);
}, 600_000);

afterAll(async () => {
  if (host) await host.stop({ keepData: true });
  for (const d of [dataDir, workDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('the app and three CLI processes writing at once', () => {
  it('every writer wrote, and no write failed or reported a lock conflict', () => {
    for (const w of writers) {
      const rs = w.records();
      // Each writer did real work (a writer that never ran cannot pass this test).
      expect(rs.length, `${w.tag} wrote nothing`).toBeGreaterThanOrEqual(w.tag === 'spawned' ? 3 : 10);
      expect(w.stderr()).not.toMatch(BUSY_PATTERN);
    }
    for (const kind of WRITE_KINDS) expect(writers.flatMap((w) => w.records()).filter((r) => r.kind === kind && r.exit === 0).length).toBeGreaterThan(20);
    expect(result.failures).toEqual([]);
    expect(hostOutput).not.toMatch(BUSY_PATTERN);
    expect(busyLinesInLogs(dataDir)).toEqual([]);
  });

  it('every committed write is in the database as its writer reported it, and nothing else', () => {
    expect(result.invoices.missing).toEqual([]);
    expect(result.invoices.unreported).toEqual([]);
    expect(result.invoices.misattributed).toEqual([]);
    expect(result.invoices.found).toBe(result.invoices.reported);
    expect(result.payments.mismatched).toEqual([]);
    expect(result.payments.foundCents).toBe(result.payments.reportedCents);
    expect(result.payments.reportedCents).toBeGreaterThan(0);
    expect(result.feedback.missing).toEqual([]);
    expect(result.feedback.unreported).toEqual([]);
    expect(result.feedback.found).toBe(result.feedback.reported);
  });

  it('after the queue drained, the index holds one current document per invoice and client, and the HNSW file matches', () => {
    expect(hostExit).toBe(0);
    expect(index.problems).toEqual([]);
    expect(index.pendingChanges).toBe(0);
    expect(index.entities).toBeGreaterThan(120 + result.invoices.found - 1);
    expect(index.vectors).toBe(index.documents);
  });
});
