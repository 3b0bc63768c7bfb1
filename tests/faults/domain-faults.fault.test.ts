// Damaged files and failing components on a real data dir (demo book, trained model, real RAG index):
// a corrupt or truncated HNSW file, a corrupt model artifact, a truncated queue snapshot, the worker
// killed mid embedding batch, and a full disk while an artifact is written. Each case checks the
// data afterwards, not just the exit code.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect } from 'vitest';
import { sha256 } from '../../src-main/core/ml/registry/artifact-store';
import { faultCase } from './fault-table';
import { addSecondVersion, buildIndexedDataDir, cli, cliJson, cloneDataDir, errorLogLines, start, until } from './fault-fixture';

let fixture: string;

beforeAll(() => {
  fixture = buildIndexedDataDir();
}, 400_000);

interface SearchOut {
  hits: { entityType: string; entityId: number }[];
}
const QUERY = 'Consulting Srl Bari';
const topHits = (dir: string) => cliJson<SearchOut>(dir, ['ai', 'rag', 'search', QUERY]).hits.map((h) => `${h.entityType}:${h.entityId}`);

function readDb<T>(dir: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const embeddingState = (dir: string) =>
  readDb(dir, (db) => db.prepare('SELECT COUNT(*) AS n, MAX(indexed_at) AS last, (SELECT COUNT(*) FROM reindex_batches) AS batches FROM rag_documents WHERE embedding IS NOT NULL').get());

interface IndexMeta {
  count: number;
  generation: number;
  sha256: string;
}
const indexMeta = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, '.vectors', 'index.meta.json'), 'utf8')) as IndexMeta;

describe('fault injection: damaged files and failing components', () => {
  for (const damage of ['garbage', 'truncated'] as const) {
    faultCase(`corrupt HNSW file (${damage})`, async (check) => {
      const dir = cloneDataDir(fixture);
      const before = topHits(dir);
      const embedded = embeddingState(dir);
      expect(before.length).toBeGreaterThan(0);
      const file = path.join(dir, '.vectors', 'index.hnsw');
      const size = fs.statSync(file).size;
      if (damage === 'garbage') fs.writeFileSync(file, Buffer.alloc(size, 0x5a));
      else fs.truncateSync(file, Math.floor(size / 3));

      const r = cli(dir, ['ai', 'rag', 'search', QUERY, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/ERROR \| Vector index file .*index\.hnsw: index file is corrupt/);
      expect(errorLogLines(dir).join('\n')).toMatch(/index file is corrupt/);
      check(`${damage} file detected: ERROR on stderr and in the log`);
      const after = (JSON.parse(r.stdout) as SearchOut).hits.map((h) => `${h.entityType}:${h.entityId}`);
      expect(after).toEqual(before);
      check(`same top ${after.length} hits for "${QUERY}" as before`);
      // Rebuilt from rag_documents: no document re-embedded, no reindex batch ran.
      expect(embeddingState(dir)).toEqual(embedded);
      expect(r.stderr + fs.readFileSync(path.join(dir, 'logs', 'openfatture.log'), 'utf8')).toMatch(/rebuilt from \d+ stored embeddings/);
      check('rebuilt from stored embeddings: embedded rows, their indexed_at and the batch count unchanged');
    });
  }

  faultCase('corrupt model artifact (active of two versions)', async (check) => {
    const dir = cloneDataDir(fixture);
    addSecondVersion(dir);
    const v110 = readDb(dir, (db) => db.prepare("SELECT artifact_path FROM model_versions WHERE model_name = 'cash_flow' AND version = '1.1.0'").get() as { artifact_path: string });
    const file = path.join(dir, '.models', v110.artifact_path);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.length - 40) + '"tampered": true }');

    const status = cli(dir, ['ai', 'retrain', 'status', '--json']);
    expect(status.status, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { activeVersion: string; activeHealth: string; lastFallback: { from: string; to: string; error: string } | null };
    expect(s.activeVersion).toBe('1.0.0');
    expect(s.activeHealth).toBe('ok');
    expect(s.lastFallback).toMatchObject({ from: '1.1.0', to: '1.0.0' });
    expect(s.lastFallback!.error).toMatch(/corrupt/);
    check('retrain status --json: active 1.0.0 (healthy), lastFallback 1.1.0 → 1.0.0 (corrupt)');
    expect(status.stderr).toMatch(/ERROR \| Model artifact of cash_flow 1\.1\.0 is corrupt/);
    expect(status.stderr + errorLogLines(dir).join('\n')).toMatch(/Fell back from cash_flow 1\.1\.0 to 1\.0\.0/);
    check('ERROR logged for the corrupt artifact and the fall-back');
    const rows = readDb(dir, (db) => db.prepare("SELECT version, status, notes FROM model_versions WHERE model_name = 'cash_flow' ORDER BY id").all());
    expect(rows).toMatchObject([
      { version: '1.0.0', status: 'active' },
      { version: '1.1.0', status: 'retired', notes: expect.stringMatching(/^artifact corrupt/) as unknown },
    ]);
    const forecast = cliJson<{ invoices?: unknown[] }>(dir, ['ai', 'forecast', '--days', '30']);
    expect(forecast).toBeTruthy();
    const still = cliJson<{ activeVersion: string }>(dir, ['ai', 'retrain', 'status']);
    expect(still.activeVersion).toBe('1.0.0');
    check('ai forecast served by 1.0.0; 1.1.0 marked corrupt and retired');
  });

  faultCase('truncated queue JSON snapshot', async (check) => {
    const dir = cloneDataDir(fixture);
    // Two committed changes wait in the SQLite outbox (as after a crash); the snapshot is torn.
    const renamed = 'Cliente Rinominato Durante Il Guasto Srl';
    {
      const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
      db.prepare('UPDATE clients SET denominazione = ? WHERE id = 1').run(renamed);
      db.close();
    }
    const pending = readDb(dir, (db) => (db.prepare("SELECT COUNT(*) AS n FROM rag_changes WHERE entity_type = 'client'").get() as { n: number }).n);
    expect(pending).toBeGreaterThan(0);
    const snapshot = path.join(dir, '.cache', 'rag_update_queue.json');
    fs.mkdirSync(path.dirname(snapshot), { recursive: true });
    const full = JSON.stringify({ version: 1, savedAt: new Date().toISOString(), entries: [{ entityType: 'client', entityId: 1, op: 'upsert', changedAt: new Date().toISOString() }] }, null, 2);
    fs.writeFileSync(snapshot, full.slice(0, Math.floor(full.length / 2)));

    const app = start(dir, ['serve', '--port', '0'], { OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true', OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '0.2' });
    try {
      await app.waitFor(/Queue snapshot .* is corrupt \(not valid JSON/);
      check('torn snapshot detected and logged at start');
      await app.waitFor(/OpenFatture is running at/);
      const setAside = fs.readdirSync(path.dirname(snapshot)).filter((f) => f.startsWith('rag_update_queue.json.corrupt-'));
      expect(setAside).toHaveLength(1);
      check(`set aside as ${setAside[0]}; the service started`);
      const doc = await until('the renamed client indexed from the outbox', () =>
        readDb(dir, (db) => {
          const left = (db.prepare("SELECT COUNT(*) AS n FROM rag_changes WHERE entity_type = 'client'").get() as { n: number }).n;
          const row = db.prepare("SELECT text FROM rag_documents WHERE entity_type = 'client' AND entity_id = 1 AND embedding IS NOT NULL").get() as { text: string } | undefined;
          return left === 0 && row?.text.includes(renamed) ? row : null;
        }),
      );
      expect(doc.text).toContain(renamed);
      check(`all ${pending} outbox row(s) indexed (renamed client's document embedded)`);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  });

  faultCase('worker crash during an embedding batch', async (check) => {
    const dir = cloneDataDir(fixture);
    // Moving three clients changes their documents: one batch of real embeddings.
    const changed = 3;
    {
      const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
      db.prepare("UPDATE clients SET city = 'Lecce' WHERE id IN (1, 2, 3)").run();
      db.close();
    }
    const batchesBefore = readDb(dir, (db) => (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM reindex_batches').get() as { m: number }).m);
    const app = start(dir, ['-v', 'serve', '--port', '0'], {
      OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
      OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '0.2',
      OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE: '200',
    });
    try {
      await app.waitFor(/Processing \d+ pending changes for reindexing/);
      const worker = workerPid(app.child.pid!);
      process.kill(worker, 'SIGKILL');
      check(`worker pid ${worker} killed at the start of the batch`);
      // The crash fails the in-flight embedding call; the batch is retried on a restarted worker.
      await app.waitFor(/ERROR \| Worker crashed \(code null, signal SIGKILL\)/, 1, 60_000);
      await app.waitFor(/Embedding a batch of \d+ failed \(worker crashed while running rag\.embed .*\); retrying/, 1, 60_000);
      check('crash logged (ERROR Worker crashed) and the batch retried on a restarted worker, with the error logged');
      await until('every change indexed after the retry', () => readDb(dir, (db) => (db.prepare("SELECT COUNT(*) AS n FROM rag_changes WHERE entity_type = 'client'").get() as { n: number }).n === 0), 180_000);
      const lecce = readDb(dir, (db) =>
        (db.prepare("SELECT COUNT(*) AS n FROM rag_documents WHERE embedding IS NOT NULL AND text LIKE '%Lecce%' AND entity_type = 'client' AND entity_id IN (1, 2, 3)").get() as { n: number }).n,
      );
      expect(lecce).toBe(changed);
      const batches = readDb(dir, (db) => db.prepare('SELECT SUM(added + updated) AS indexed, SUM(failed) AS failed FROM reindex_batches WHERE id > ?').get(batchesBefore) as { indexed: number; failed: number });
      expect(batches.indexed).toBe(changed);
      check(`after the retry: ${changed} documents re-embedded exactly once (batches: ${batches.indexed} indexed, ${batches.failed} failed)`);
      // What the GUI's batch list and `ai auto-update stats` show: the batch record carries the crash.
      const shown = readDb(dir, (db) => db.prepare('SELECT error FROM reindex_batches WHERE id > ? AND error IS NOT NULL').all(batchesBefore) as { error: string }[]);
      expect(shown.map((b) => b.error)).toEqual([expect.stringMatching(/worker crashed while running rag\.embed.*retried one by one: 3 embedded, 0 failed/)]);
      const stats = cliJson<{ lastError: string | null }>(dir, ['ai', 'auto-update', 'stats']);
      expect(stats.lastError).toBe(shown[0]!.error);
      check(`the error is on the batch record (batch list in the GUI) and in \`ai auto-update stats\`: "${shown[0]!.error.slice(0, 60)}…"`);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    const meta = indexMeta(dir);
    const stored = readDb(dir, (db) => (db.prepare('SELECT COUNT(*) AS n FROM rag_documents WHERE embedding IS NOT NULL').get() as { n: number }).n);
    expect(meta.count).toBe(stored);
    check(`index file written at shutdown holds ${meta.count} vectors = stored embeddings`);
  });

  faultCase('disk full while an artifact is written (injected ENOSPC)', async (check) => {
    const dir = cloneDataDir(fixture);
    const models = path.join(dir, '.models', 'cash_flow');
    const filesBefore = fs.readdirSync(models).sort();
    const r = cli(dir, ['ai', 'retrain', '--model', 'cash_flow', '--json'], { OPENFATTURE_FAULT: 'enospc:artifact-write' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ENOSPC|no space left/i);
    check(`retrain exits 1: ${r.stderr.trim().split('\n').at(-1)!.slice(0, 90)}`);
    const run = readDb(dir, (db) => db.prepare("SELECT outcome, error FROM retraining_runs WHERE kind = 'retrain' ORDER BY id DESC LIMIT 1").get() as { outcome: string; error: string | null });
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/ENOSPC|no space left/i);
    check('retraining_runs: failed with the ENOSPC error');
    expect(fs.readdirSync(models).sort()).toEqual(filesBefore);
    check(`.models/cash_flow holds only ${filesBefore.join(', ')}: no temp file, no partial artifact`);
    const versions = readDb(dir, (db) => db.prepare("SELECT version, status, artifact_path, artifact_sha256 FROM model_versions WHERE model_name = 'cash_flow'").all() as { version: string; status: string; artifact_path: string; artifact_sha256: string }[]);
    expect(versions.map((v) => `${v.version}:${v.status}`)).toEqual(['1.0.0:active']);
    expect(sha256(fs.readFileSync(path.join(dir, '.models', versions[0]!.artifact_path)))).toBe(versions[0]!.artifact_sha256);
    const status = cliJson<{ activeVersion: string; activeHealth: string }>(dir, ['ai', 'retrain', 'status']);
    expect(status).toMatchObject({ activeVersion: '1.0.0', activeHealth: 'ok' });
    cliJson(dir, ['ai', 'forecast', '--days', '30']);
    check('1.0.0 still active, checksum intact, forecast served');
  });
});

/** The worker child of a CLI process (its command line names the worker entry, bundled or not). */
function workerPid(parent: number): number {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      if (/worker\/entry\.ts|worker\.mjs/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return Number(pid);
    } catch {
      /* the process ended meanwhile */
    }
  }
  throw new Error(`no worker process under pid ${parent}`);
}
