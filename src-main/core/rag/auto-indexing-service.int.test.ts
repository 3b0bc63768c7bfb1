import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { createLogger } from '../logger';
import { nodeWorkerSpawner } from '../worker/node-worker';
import type { BatchReport } from './auto-indexing-service';
import { insertClient, insertInvoice, openTestApp, REPO_ROOT, tempDataDir, waitFor } from './testing/rag-fixtures';
import { holdsThroughout, waitUntil } from '../../../tests/support/wait';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function captureLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ console: sink, consoleLevel: 'debug' }), lines };
}

const FAST = { OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true', OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '0.3' };

async function service(dir: string, env: Record<string, string> = {}, spawnBroken?: () => boolean) {
  const { logger, lines } = captureLogger();
  let app: App;
  if (spawnBroken) {
    const real = nodeWorkerSpawner();
    const { loadSettings } = await import('../config/load');
    const { App } = await import('../app');
    const { SHARED_MODELS } = await import('./testing/rag-fixtures');
    const settings = loadSettings({ env: { OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS, ...FAST, ...env }, flags: { DATA_DIR: dir }, cwd: dir });
    app = await App.open({
      settings,
      host: 'test',
      background: true,
      logger,
      // A worker that dies on start while `spawnBroken()` holds: a real crash, as the host sees it.
      spawnWorker: () => {
        const p = real();
        if (spawnBroken()) p.kill();
        return p;
      },
    });
  } else app = await openTestApp(dir, { ...FAST, ...env }, { background: true, logger });
  const svc = app.autoIndexing!;
  await svc.warmUp;
  const batches: BatchReport[] = [];
  svc.on('batch', (b) => batches.push(b));
  return { app, svc, lines, batches };
}

const docCount = (app: App, type = 'invoice') =>
  (app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM rag_documents WHERE entity_type = ?').get(type) as { n: number }).n;
const outbox = (app: App) => (app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM rag_changes').get() as { n: number }).n;

describe('AutoIndexingService', () => {
  it('a change committed by another process reaches the running service, with the seed\'s log lines', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const { app, lines, batches } = await service(dir);
    try {
      expect(lines.join('\n')).toMatch(/RAG auto-update enabled, starting service[\s\S]*Auto-indexing service started/);
      const script = `
        const db = require('better-sqlite3')(process.argv[1]);
        db.pragma('busy_timeout = 10000');
        const c = db.prepare("INSERT INTO clients(denominazione, partita_iva) VALUES ('Neri Trasporti', '22222222222')").run().lastInsertRowid;
        db.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, total_cents) VALUES (7, 2025, ?, '2025-05-01', '2025-05-31', 1000)").run(c);`;
      execFileSync(process.execPath, ['-e', script, app.paths.database], { cwd: REPO_ROOT });
      const t0 = Date.now();
      await waitFor(() => docCount(app, 'invoice') === 1 && docCount(app, 'client') === 1, 10_000);
      expect(Date.now() - t0).toBeLessThan(300 + 2000 + 2000);
      expect((await app.rag.retriever.search('7/2025', { k: 1 }))[0]).toMatchObject({ entityType: 'invoice' });
      expect(lines.some((l) => /^DEBUG \| Processing \d+ pending changes for reindexing$/.test(l))).toBe(true);
      expect(lines.some((l) => /^INFO {2}\| Reindexed \d+ entities in \d+\.\ds$/.test(l))).toBe(true);
      expect(batches[0]).toMatchObject({ added: expect.any(Number), updated: 0, deleted: 0, failed: 0 });
      const rows = app.database.sqlite.prepare('SELECT entities, added, failed FROM reindex_batches').all();
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('pause persists across restarts while changes accumulate; resume processes them', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    let s = await service(dir);
    s.svc.pause();
    const c = insertClient(s.app.database.sqlite, 'Gialli Srl', '33333333333');
    insertInvoice(s.app.database.sqlite, { number: 1, year: 2025, clientId: c, description: 'Noleggio attrezzatura', cents: 10_000 });
    // The paused service has seen both changes (its pending count comes from its own poll), and for
    // four debounce windows after that indexes nothing.
    await waitUntil('the paused service to see the changes', () => s.svc.state().pending === 2);
    await holdsThroughout('nothing indexed while paused', () => docCount(s.app) === 0, 1200);
    await s.app.close();
    s = await service(dir);
    try {
      expect(s.svc.state().paused).toBe(true);
      await waitUntil('the restarted, paused service to see the pending changes', () => s.svc.state().pending === 2);
      await holdsThroughout('nothing indexed while paused after a restart', () => docCount(s.app) === 0 && s.svc.state().pending === 2, 1000);
      s.svc.resume();
      await waitFor(() => docCount(s.app) === 1 && outbox(s.app) === 0, 60_000);
    } finally {
      await s.app.close();
    }
  });

  it('failed batches keep their changes with attempts and the error, and are retried with backoff', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    let broken = false;
    const s = await service(dir, {}, () => broken);
    try {
      broken = true;
      s.app.worker.kill();
      const c = insertClient(s.app.database.sqlite, 'Viola Snc', '44444444444');
      await waitFor(() => s.lines.some((l) => l.startsWith('ERROR | Error processing reindex batch:')) || s.batches.some((b) => b.failed > 0), 60_000);
      const row = s.app.database.sqlite.prepare("SELECT attempts, last_error, next_attempt_at FROM rag_changes WHERE entity_type = 'client' AND entity_id = ?").get(c) as {
        attempts: number;
        last_error: string;
        next_attempt_at: string;
      };
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      expect(row.last_error).toMatch(/worker/i);
      expect(Date.parse(row.next_attempt_at)).toBeGreaterThan(Date.now() - 5000);
      expect(docCount(s.app, 'client')).toBe(0);
      broken = false;
      await waitFor(() => docCount(s.app, 'client') === 1 && outbox(s.app) === 0, 60_000);
    } finally {
      await s.app.close();
    }
  });

  it('persists the pending queue on shutdown and re-imports it (idempotently) at start; a corrupt snapshot is set aside', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    let s = await service(dir);
    s.svc.pause();
    const c = insertClient(s.app.database.sqlite, 'Rosa Design', '55555555555');
    const file = s.app.paths.queuePersistPath;
    await s.app.close();
    const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: { entityType: string; entityId: number }[] };
    expect(snap.entries).toEqual([expect.objectContaining({ entityType: 'client', entityId: c, op: 'upsert' })]);
    // A database restored from a backup lacks the outbox rows: the snapshot brings them back, once.
    const { default: Sqlite } = await import('better-sqlite3');
    const raw = new Sqlite(s.app.paths.database);
    raw.prepare('DELETE FROM rag_changes').run();
    raw.close();
    s = await service(dir);
    try {
      expect(s.svc.state().paused).toBe(true);
      expect(s.svc.outbox.counts().total).toBe(1);
      expect(s.lines.join('\n')).toMatch(/Re-imported queue snapshot .*: 1 entries, 1 not already pending/);
    } finally {
      await s.app.close();
    }
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 20));
    s = await service(dir);
    try {
      expect(s.lines.join('\n')).toMatch(/Queue snapshot .* is corrupt \(not valid JSON.*set aside as .*corrupt-/);
      expect(s.svc.outbox.counts().total).toBe(1);
      s.svc.resume();
      await waitFor(() => docCount(s.app, 'client') === 1, 60_000);
    } finally {
      await s.app.close();
    }
  });

  it('over MAX_QUEUE_SIZE: logs the seed warning, drops nothing and reconciles', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const s = await service(dir, { OPENFATTURE_RAG_AUTO_UPDATE_MAX_QUEUE_SIZE: '3', OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '30' });
    try {
      const db = s.app.database.sqlite;
      db.transaction(() => {
        const c = insertClient(db, 'Blu Logistica', '66666666666');
        for (let i = 1; i <= 5; i++) insertInvoice(db, { number: i, year: 2025, clientId: c, description: `Trasporto merci lotto ${i}`, cents: 10_000 * i });
      })();
      await waitFor(() => docCount(s.app) === 5 && docCount(s.app, 'client') === 1, 60_000);
      const warn = s.lines.find((l) => l.includes('Queue size limit reached, dropping oldest changes'));
      expect(warn).toMatch(/^WARN {2}\| Queue size limit reached, dropping oldest changes — no change is dropped/);
      expect(s.batches.some((b) => b.kind === 'reconcile' && b.added === 6)).toBe(true);
    } finally {
      await s.app.close();
    }
  });

  it('ASYNC_PROCESSING=false processes synchronously on flush; INCREMENTAL_UPDATES=false rebuilds the type; DELETE_ON_REMOVAL=false keeps documents', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const s = await service(dir, {
      OPENFATTURE_RAG_AUTO_UPDATE_ASYNC_PROCESSING: 'false',
      OPENFATTURE_RAG_AUTO_UPDATE_INCREMENTAL_UPDATES: 'false',
      OPENFATTURE_RAG_AUTO_UPDATE_DELETE_ON_REMOVAL: 'false',
    });
    try {
      const db = s.app.database.sqlite;
      s.svc.pause(); // keep the poller out of the way: flush() is the synchronous path
      const c = insertClient(db, 'Arancio Studio', '77777777777');
      const a = insertInvoice(db, { number: 1, year: 2025, clientId: c, description: 'Progettazione logo', cents: 20_000 });
      const b = insertInvoice(db, { number: 2, year: 2025, clientId: c, description: 'Stampa biglietti da visita', cents: 5_000 });
      await s.svc.flush();
      expect(docCount(s.app)).toBe(2);
      expect(outbox(s.app)).toBe(0);
      // Full rebuild of the type: a document lost from the index comes back on any invoice change.
      db.prepare("DELETE FROM rag_documents WHERE entity_type = 'invoice' AND entity_id = ?").run(b);
      db.prepare("UPDATE invoices SET notes = 'urgente' WHERE id = ?").run(a);
      const before = s.batches.length;
      await s.svc.flush();
      expect(docCount(s.app)).toBe(2);
      // The invoice rebuild, then the refresh of the client's totals it queued.
      expect(s.batches.slice(before).map((b) => ({ added: b.added, updated: b.updated, skipped: b.skipped }))).toEqual([
        { added: 1, updated: 1, skipped: 0 },
        { added: 0, updated: 0, skipped: 1 },
      ]);
      db.prepare('DELETE FROM invoices WHERE id = ?').run(b);
      await s.svc.flush();
      expect(docCount(s.app)).toBe(2); // kept: DELETE_ON_REMOVAL=false
    } finally {
      await s.app.close();
    }
  });
});
