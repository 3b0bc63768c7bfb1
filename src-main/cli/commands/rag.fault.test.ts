// Durability of DESIGN §5/§9: `kill -9` of the auto-indexing service in the middle of its batches,
// then a restart, ends with every change indexed exactly once — no entity lost, none added twice,
// the outbox empty and the vector index consistent with SQLite.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { faultCase } from '../../../tests/faults/fault-table';
import { openDatabase } from '../../core/db/database';
import { createLogger } from '../../core/logger';
import { VectorIndex } from '../../core/rag/vector-index';
import { insertClient, insertInvoice, REPO_ROOT, SHARED_MODELS, tempDataDir, waitFor } from '../../core/rag/testing/rag-fixtures';

const BIN = path.join(REPO_ROOT, 'bin/openfatture.js');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function startService(dir: string): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [BIN, '--data-dir', dir, '-v', 'ai', 'auto-update', 'run'], {
    cwd: dir,
    env: {
      ...process.env,
      OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS,
      OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
      OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '0.2',
      OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE: '8',
      OPENFATTURE_RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES: '2',
    },
  });
  children.push(child);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

describe('kill -9 of the auto-indexing service mid-batch', () => {
  faultCase('mid reindex batch (kill -9 of the auto-indexing service)', async (check) => {
    const dir = tempDataDir('of-rag-kill-');
    dirs.push(dir);
    const database = openDatabase(path.join(dir, 'openfatture.db'));
    const db = database.sqlite;
    const CLIENTS = 6;
    const INVOICES = 120;
    db.transaction(() => {
      const clients = Array.from({ length: CLIENTS }, (_, i) => insertClient(db, `Cliente Prova ${i + 1} Srl`, String(10_000_000_000 + i)));
      for (let i = 1; i <= INVOICES; i++) {
        insertInvoice(db, { number: i, year: 2025, clientId: clients[i % CLIENTS]!, description: `Servizio di assistenza tecnica lotto ${i}`, cents: 1000 * i });
      }
    })();
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

    const first = startService(dir);
    // Kill once some batches have committed and others are still to come.
    await waitFor(() => count('SELECT COUNT(*) AS n FROM reindex_batches') >= 2, 180_000, 20);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const docsAtKill = count('SELECT COUNT(*) AS n FROM rag_documents');
    expect(docsAtKill).toBeGreaterThan(0);
    expect(docsAtKill).toBeLessThan(CLIENTS + INVOICES);
    expect(count('SELECT COUNT(*) AS n FROM rag_changes')).toBeGreaterThan(0);
    check(`killed with ${docsAtKill} of ${CLIENTS + INVOICES} documents indexed`);

    const second = startService(dir);
    await waitFor(() => count('SELECT COUNT(*) AS n FROM rag_changes') === 0 && count('SELECT COUNT(*) AS n FROM rag_documents') === CLIENTS + INVOICES, 240_000, 100);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    // Exactly once: each entity has one document, and the batch records add up to one `added` per entity.
    expect(count("SELECT COUNT(DISTINCT entity_type || ':' || entity_id) AS n FROM rag_documents")).toBe(CLIENTS + INVOICES);
    expect(count('SELECT SUM(added) AS n FROM reindex_batches')).toBe(CLIENTS + INVOICES);
    expect(count('SELECT COALESCE(SUM(failed), 0) AS n FROM reindex_batches')).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM rag_documents WHERE embedding IS NULL')).toBe(0);
    // The index file is a cache: whatever the kill left, opening it agrees with SQLite.
    const vi = new VectorIndex(path.join(dir, '.vectors'), 'all-MiniLM-L6-v2', createLogger({ consoleLevel: 'silent' }));
    await vi.open(db);
    expect(vi.size).toBe(CLIENTS + INVOICES);
    check(`after restart: ${CLIENTS + INVOICES} documents, one each, batches add up to one per entity, outbox empty, index ${vi.size} vectors`);
    await database.close();
  });
});
