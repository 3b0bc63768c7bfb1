// The concurrent-writers scenario shared by the test and the bench: a running browser host that
// writes through its WebSocket contract, long-lived CLI writer processes, genuinely spawned
// `openfatture` commands, then the reconciliation of what every writer says it committed against
// the database, and the check that the knowledge index matches the data once the queue drained.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostEnv, runCli, type RunningHost } from '../../e2e/serve-fixture';
import { loadSettings } from '../../src-main/core/config/load';
import { todayIso } from '../../src-main/core/dates';
import { openDatabase } from '../../src-main/core/db/database';
import { createLogger } from '../../src-main/core/logger';
import { contentHash, DocumentBuilder } from '../../src-main/core/rag/document-builder';
import { trackedTypes } from '../../src-main/core/rag/rag-outbox';
import { VectorIndex } from '../../src-main/core/rag/vector-index';
import { commandLine, committedFrom, type CommandTargets, type WriteKind, type WriteRecord, type WriterSpec } from './writer-protocol';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'bin/openfatture.js');
const WRITER = path.join(REPO_ROOT, 'tests/concurrency/cli-writer.ts');

/** Messages that would mean a lock conflict reached someone (a user, a log). */
export const BUSY_PATTERN = /SQLITE_BUSY|database is locked|database table is locked/i;

/** The host's environment: auto-update on with a short debounce, the shared embedding model. */
export const scenarioEnv = (debounceSeconds = 0.5): Record<string, string> => hostEnv(debounceSeconds);

export interface Baseline {
  invoiceIds: Set<number>;
  maxFeedbackId: number;
  paidByInvoice: Map<number, number>;
}

export interface Targets {
  clientIds: number[];
  /** Payable invoices split between the payment writers, so each one's amounts reconcile on its own. */
  payInvoices: { cli: number[]; app: number[]; spawned: number[]; single: number[] };
}

/** A data dir with demo clients and invoices, seeded through the CLI. */
export function prepareDataDir(env: Record<string, string>, demo = { clients: 4, invoices: 120 }): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-concurrency-'));
  runCli(dataDir, ['demo', 'seed', '--clients', String(demo.clients), '--invoices', String(demo.invoices), '--seed', '7'], env);
  return dataDir;
}

function readOnly(dataDir: string, env: Record<string, string>) {
  const settings = loadSettings({ env, cwd: dataDir, flags: { DATA_DIR: dataDir } });
  const database = openDatabase(settings.paths.database, { readonly: true });
  return { settings, database };
}

/** What the database holds before the writers start, and which rows each writer may touch. */
export async function snapshot(dataDir: string, env: Record<string, string>): Promise<{ baseline: Baseline; targets: Targets }> {
  const { database } = readOnly(dataDir, env);
  try {
    const q = database.sqlite;
    const clientIds = q.prepare<[], { id: number }>('SELECT id FROM clients ORDER BY id').all().map((r) => r.id);
    const payable = q
      .prepare<[], { id: number }>(
        `SELECT i.id FROM invoices i JOIN payments p ON p.invoice_id = i.id
          WHERE i.status IN ('issued','sent','partially_paid')
          GROUP BY i.id HAVING SUM(p.amount_cents) - SUM(p.paid_amount_cents) >= 10000 ORDER BY i.id`,
      )
      .all()
      .map((r) => r.id);
    if (payable.length < 8) throw new Error(`the demo data has only ${payable.length} invoices with €100 or more to collect; the scenario needs 8`);
    const share = (k: number) => payable.filter((_, i) => i % 4 === k);
    return {
      baseline: {
        invoiceIds: new Set(q.prepare<[], { id: number }>('SELECT id FROM invoices').all().map((r) => r.id)),
        maxFeedbackId: q.prepare<[], { m: number | null }>('SELECT MAX(id) AS m FROM user_feedback').get()!.m ?? 0,
        paidByInvoice: new Map(
          q
            .prepare<[], { invoice_id: number; paid: number }>('SELECT invoice_id, SUM(paid_amount_cents) AS paid FROM payments GROUP BY invoice_id')
            .all()
            .map((r) => [r.invoice_id, r.paid]),
        ),
      },
      targets: { clientIds, payInvoices: { cli: share(0), app: share(1), spawned: share(2), single: share(3) } },
    };
  } finally {
    await database.close();
  }
}

export interface WriterProcess {
  tag: string;
  done: Promise<void>;
  records(): WriteRecord[];
  stderr(): string;
}

function readRecords(file: string): WriteRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as WriteRecord);
}

/** Starts one long-lived CLI writer process (its own Node, its own App per command). */
export function startCliWriter(spec: Omit<WriterSpec, 'out'>, env: Record<string, string>, workDir: string): WriterProcess {
  const out = path.join(workDir, `${spec.tag}.jsonl`);
  const specFile = path.join(workDir, `${spec.tag}.spec.json`);
  fs.writeFileSync(specFile, JSON.stringify({ ...spec, out }));
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, specFile], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${spec.tag} exited with ${code}: ${stderr}`))));
  });
  return { tag: spec.tag, done, records: () => readRecords(out), stderr: () => stderr };
}

/** Writes through the running app's WebSocket contract, as the GUI does, one call after another. */
export function startAppWriter(host: RunningHost, t: CommandTargets & { kinds: readonly WriteKind[]; intervalMs: number; durationMs: number }): WriterProcess {
  const records: WriteRecord[] = [];
  const run = async () => {
    const started = Date.now();
    for (let n = 0; Date.now() - started < t.durationMs; n++) {
      const kind = t.kinds[n % t.kinds.length]!;
      const marker = `${t.tag}-${n}`;
      const t0 = performance.now();
      const record: WriteRecord = { source: t.tag, kind, n, exit: 0, ms: 0, at: 0 };
      try {
        if (kind === 'invoice') {
          const inv = await host.call('invoices:create', {
            clientId: t.clientIds[n % t.clientIds.length]!,
            notes: marker,
            lines: [{ description: `Consulenza ${marker}`, quantity: 1, unitPriceCents: 10_000 + (n % 50) * 100, vatRate: 22 }],
          });
          record.id = inv.id;
        } else if (kind === 'payment') {
          const paid = await host.call('payments:record', { invoiceId: t.payInvoiceIds[n % t.payInvoiceIds.length]!, amountCents: 1, paidDate: todayIso(), method: 'bonifico', reference: marker });
          record.invoiceId = paid.invoice.id;
          record.appliedCents = paid.appliedCents;
        } else {
          const fb = await host.call('feedback:submit', { agentType: 'chat', userInput: `Domanda ${marker}`, aiResponse: 'Risposta', rating: 1 + (n % 5), sessionId: t.tag, messageId: String(n) });
          record.id = fb.id;
        }
      } catch (e) {
        record.exit = 1;
        record.error = (e as Error).message;
      }
      record.ms = performance.now() - t0;
      record.at = Date.now();
      records.push(record);
      const wait = t.intervalMs - record.ms;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  return { tag: t.tag, done: run(), records: () => records, stderr: () => '' };
}

/** Runs genuinely spawned `node bin/openfatture.js …` commands one after another (start-up included in their time). */
export function startSpawnedWriter(
  dataDir: string,
  env: Record<string, string>,
  t: CommandTargets & { kinds: readonly WriteKind[]; intervalMs: number; durationMs: number; /** Go on past the duration until this many commands ran (start-up is slow on a loaded machine). */ minWrites: number },
): WriterProcess {
  const records: WriteRecord[] = [];
  const runOne = (args: string[]) =>
    new Promise<{ exit: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ exit: code ?? -1, stdout, stderr }));
    });
  const run = async () => {
    const started = Date.now();
    for (let n = 0; Date.now() - started < t.durationMs || n < t.minWrites; n++) {
      const kind = t.kinds[n % t.kinds.length]!;
      const t0 = performance.now();
      const r = await runOne(commandLine(kind, n, t));
      const record: WriteRecord = { source: t.tag, kind, n, exit: r.exit, ms: performance.now() - t0, at: Date.now() };
      if (r.exit === 0) {
        try {
          Object.assign(record, committedFrom(kind, r.stdout));
        } catch (e) {
          record.error = `exit 0 but unexpected output (${(e as Error).message}): ${r.stdout.slice(0, 200)}`;
        }
      } else record.error = r.stderr.trim() || `exit ${r.exit}`;
      // A warning about a lock on stderr is a failure a user would see, even with exit 0.
      if (BUSY_PATTERN.test(r.stderr)) record.error = `lock conflict reported: ${r.stderr.trim()}`;
      records.push(record);
      const wait = t.intervalMs - record.ms;
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
  };
  return { tag: t.tag, done: run(), records: () => records, stderr: () => '' };
}

export interface Reconciliation {
  /** Writes that failed or printed a lock conflict, as "source#n kind: message". */
  failures: string[];
  invoices: { reported: number; found: number; missing: number[]; unreported: number[]; misattributed: number[] };
  payments: { reportedCents: number; foundCents: number; mismatched: string[] };
  feedback: { reported: number; found: number; missing: number[]; unreported: number[] };
}

/** Compares what every writer says it committed with what the database holds now. */
export async function reconcile(dataDir: string, env: Record<string, string>, baseline: Baseline, records: readonly WriteRecord[]): Promise<Reconciliation> {
  const failures = records.filter((r) => r.exit !== 0 || r.error).map((r) => `${r.source}#${r.n} ${r.kind}: ${r.error ?? `exit ${r.exit}`}`);
  const ok = records.filter((r) => r.exit === 0 && !r.error);
  const { database } = readOnly(dataDir, env);
  try {
    const q = database.sqlite;
    const newInvoices = q
      .prepare<[], { id: number; notes: string | null }>('SELECT id, notes FROM invoices')
      .all()
      .filter((r) => !baseline.invoiceIds.has(r.id));
    const reportedInvoices = new Map(ok.filter((r) => r.kind === 'invoice').map((r) => [r.id!, r]));
    const foundInvoices = new Map(newInvoices.map((r) => [r.id, r.notes]));
    const invoices = {
      reported: reportedInvoices.size,
      found: foundInvoices.size,
      missing: [...reportedInvoices.keys()].filter((id) => !foundInvoices.has(id)),
      unreported: [...foundInvoices.keys()].filter((id) => !reportedInvoices.has(id)),
      // The row a writer reports must be the one it wrote (its marker in the notes).
      misattributed: [...reportedInvoices].filter(([id, r]) => foundInvoices.has(id) && foundInvoices.get(id) !== `${r.source}-${r.n}`).map(([id]) => id),
    };

    const expected = new Map(baseline.paidByInvoice);
    let reportedCents = 0;
    for (const r of ok.filter((x) => x.kind === 'payment')) {
      expected.set(r.invoiceId!, (expected.get(r.invoiceId!) ?? 0) + r.appliedCents!);
      reportedCents += r.appliedCents!;
    }
    const paidNow = new Map(
      q
        .prepare<[], { invoice_id: number; paid: number }>('SELECT invoice_id, SUM(paid_amount_cents) AS paid FROM payments GROUP BY invoice_id')
        .all()
        .map((r) => [r.invoice_id, r.paid]),
    );
    const mismatched: string[] = [];
    let foundCents = 0;
    for (const [id, paid] of paidNow) {
      const before = baseline.paidByInvoice.get(id) ?? 0;
      if (baseline.invoiceIds.has(id)) foundCents += paid - before;
      const want = expected.get(id) ?? 0;
      if (paid !== want) mismatched.push(`invoice ${id}: paid ${paid} cents, expected ${want}`);
    }

    const newFeedback = q
      .prepare<[number], { id: number }>('SELECT id FROM user_feedback WHERE id > ?')
      .all(baseline.maxFeedbackId)
      .map((r) => r.id);
    const reportedFeedback = new Set(ok.filter((r) => r.kind === 'feedback').map((r) => r.id!));
    const foundFeedback = new Set(newFeedback);
    return {
      failures,
      invoices,
      payments: { reportedCents, foundCents, mismatched },
      feedback: {
        reported: reportedFeedback.size,
        found: foundFeedback.size,
        missing: [...reportedFeedback].filter((id) => !foundFeedback.has(id)),
        unreported: [...foundFeedback].filter((id) => !reportedFeedback.has(id)),
      },
    };
  } finally {
    await database.close();
  }
}

/** True when nothing was lost, nothing appeared from nowhere and no write failed. */
export function reconciled(r: Reconciliation): boolean {
  return (
    r.failures.length === 0 &&
    r.invoices.missing.length + r.invoices.unreported.length + r.invoices.misattributed.length === 0 &&
    r.invoices.reported === r.invoices.found &&
    r.payments.mismatched.length === 0 &&
    r.payments.reportedCents === r.payments.foundCents &&
    r.feedback.missing.length + r.feedback.unreported.length === 0
  );
}

export interface IndexCheck {
  entities: number;
  documents: number;
  vectors: number;
  pendingChanges: number;
  /** What is wrong, one line per entity or check. */
  problems: string[];
}

/**
 * After the host stopped (its index file saved): every invoice and client has exactly one document
 * whose text and hash are those of its current data, embedded with the configured model, and the
 * HNSW file on disk matches SQLite (generation, count, checksum, every label present).
 */
export async function checkIndex(dataDir: string, env: Record<string, string>): Promise<IndexCheck> {
  const { settings, database } = readOnly(dataDir, env);
  try {
    const q = database.sqlite;
    const modelId = settings.values.RAG_EMBEDDING_MODEL;
    const builder = new DocumentBuilder(q);
    const problems: string[] = [];
    let entities = 0;
    for (const type of ['invoice', 'client'] as const) {
      const ids = q.prepare<[], { id: number }>(`SELECT id FROM ${type === 'invoice' ? 'invoices' : 'clients'} ORDER BY id`).all().map((r) => r.id);
      entities += ids.length;
      const texts = builder.build(type, ids);
      const docs = new Map(
        q
          .prepare<[string], { entity_id: number; n: number; text: string; content_hash: string; embedded: number; model_id: string | null }>(
            'SELECT entity_id, COUNT(*) AS n, MAX(text) AS text, MAX(content_hash) AS content_hash, MAX(embedding IS NOT NULL) AS embedded, MAX(model_id) AS model_id FROM rag_documents WHERE entity_type = ? GROUP BY entity_id',
          )
          .all(type)
          .map((r) => [r.entity_id, r]),
      );
      for (const id of ids) {
        const d = docs.get(id);
        const text = texts.get(id)!.text;
        if (!d) problems.push(`${type} ${id}: no document`);
        else if (d.n !== 1) problems.push(`${type} ${id}: ${d.n} documents`);
        else if (d.text !== text || d.content_hash !== contentHash(text, modelId)) problems.push(`${type} ${id}: document is stale (hash ${d.content_hash.slice(0, 8)} ≠ ${contentHash(text, modelId).slice(0, 8)})`);
        else if (!d.embedded || d.model_id !== modelId) problems.push(`${type} ${id}: no embedding for ${modelId}`);
      }
      for (const id of docs.keys()) if (!texts.has(id)) problems.push(`${type} ${id}: document for a deleted record`);
    }
    const documents = q.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM rag_documents').get()!.n;
    // Changes of untracked types (products, by default) wait in the outbox by design.
    const tracked = JSON.stringify(trackedTypes(settings.values));
    const pendingChanges = q.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM rag_changes WHERE entity_type IN (SELECT value FROM json_each(?))').get(tracked)!.n;
    if (pendingChanges) problems.push(`${pendingChanges} changes of tracked records still in the outbox`);
    const index = new VectorIndex(settings.paths.vectorDir, modelId, createLogger({ consoleLevel: 'silent' }));
    const rebuiltBecause = await index.open(q);
    if (rebuiltBecause) problems.push(`the saved HNSW index does not match SQLite: ${rebuiltBecause}`);
    const embedded = index.storedCount(q);
    if (index.size !== embedded) problems.push(`HNSW holds ${index.size} vectors, SQLite ${embedded} embeddings`);
    if (embedded !== documents) problems.push(`${documents - embedded} documents without an embedding`);
    return { entities, documents, vectors: index.size, pendingChanges, problems };
  } finally {
    await database.close();
  }
}

/** Waits until the host's queue is empty and nothing is in flight, twice in a row (a batch may be between reads). */
export async function drained(host: RunningHost, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`the index queue did not drain within ${timeoutMs} ms: ${JSON.stringify(await host.call('index:status', {}))}`);
    const s = await host.call('index:status', {});
    quiet = s.pending === 0 && s.inFlight === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 300));
  }
  return Date.now() - t0;
}

/** Lock conflicts written to the app's log file by any process of this data dir. */
export function busyLinesInLogs(dataDir: string): string[] {
  const logs = path.join(dataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs
    .readdirSync(logs)
    .flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n'))
    .filter((l) => BUSY_PATTERN.test(l));
}
