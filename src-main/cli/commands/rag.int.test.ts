// The freshness acceptance of DESIGN §5 through real processes: an invoice created by a separate
// `openfatture fattura crea` is found by `openfatture ai rag search` for its number and its client
// within debounce + 2 s while `ai auto-update run` is running.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_MODELS, tempDataDir, waitFor } from '../../core/rag/testing/rag-fixtures';

const BIN = path.join(REPO_ROOT, 'bin/openfatture.js');
const DEBOUNCE_S = 1;
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const env = (dir: string) => ({
  ...process.env,
  OPENFATTURE_DATA_DIR: dir,
  OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS,
  OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
  OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: String(DEBOUNCE_S),
});

function run(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dir, ...args], { cwd: dir, env: env(dir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, endedAt: Date.now() }));
  });
}

describe('openfatture ai rag / ai auto-update (separate processes)', () => {
  it('an invoice created by `fattura crea` is searchable by number and client within debounce + 2 s', async () => {
    const dir = tempDataDir('of-rag-cli-');
    dirs.push(dir);
    expect((await run(dir, ['cliente', 'crea', '--denominazione', 'Fabbri Meccanica Srl', '--piva', '01234567897', '--json'])).code).toBe(0);

    const service = spawn(process.execPath, [BIN, '--data-dir', dir, '-v', 'ai', 'auto-update', 'run'], { cwd: dir, env: env(dir) });
    children.push(service);
    let log = '';
    service.stderr.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(() => /Embedding model all-MiniLM-L6-v2 loaded/.test(log) && /Auto-indexing service started/.test(log), 120_000, 100);
    expect(log).toMatch(/INFO {2}\| RAG auto-update enabled, starting service/);
    // The client created before the service started is indexed from the outbox backlog.
    const db = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true });
    await waitFor(() => (db.prepare("SELECT COUNT(*) AS n FROM rag_documents WHERE entity_type = 'client'").get() as { n: number }).n === 1, 60_000);

    const created = await run(dir, ['fattura', 'crea', '--cliente', 'Fabbri Meccanica', '--riga', 'Revisione pressa idraulica;1;1200;22', '--data', '2025-06-10', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const invoice = (JSON.parse(created.stdout) as { invoice: { id: number; number: number; year: number } }).invoice;
    const waitStart = Date.now();
    const visibleAfter = await waitFor(
      () => db.prepare("SELECT 1 FROM rag_documents WHERE entity_type = 'invoice' AND entity_id = ? AND embedding IS NOT NULL").get(invoice.id) !== undefined,
      30_000,
      25,
    );
    // Measured from the end of the creating process (its commit happened before it exited).
    const freshnessMs = visibleAfter + (waitStart - created.endedAt);
    expect(freshnessMs).toBeLessThanOrEqual(DEBOUNCE_S * 1000 + 2000);

    const byNumber = await run(dir, ['ai', 'rag', 'search', `${invoice.number}/${invoice.year}`, '--json']);
    expect(byNumber.code, byNumber.stderr).toBe(0);
    const numberResult = JSON.parse(byNumber.stdout) as { hits: { entityType: string; entityId: number }[]; note: string | null };
    expect(numberResult.hits[0]).toMatchObject({ entityType: 'invoice', entityId: invoice.id });
    // The CLI's own worker loaded the model for the query vector (no "vectors unavailable" note).
    expect(numberResult.note).toBeNull();
    // By client name through the keyword index alone: the hybrid path (a worker loading the model in
    // this process too) is proven by the search above, and each model load costs 1 s on a quiet
    // machine but 10-20 s on a loaded one.
    const byClient = await run(dir, ['ai', 'rag', 'search', 'Fabbri Meccanica', '--type', 'invoice', '--mode', 'keyword', '--json']);
    const clientHits = (JSON.parse(byClient.stdout) as { hits: { entityId: number; foundBy: string[] }[] }).hits;
    expect(clientHits.map((h) => h.entityId)).toContain(invoice.id);
    expect(clientHits[0]!.foundBy).toContain('keyword');

    await waitFor(() => /Reindexed \d+ entities in \d+\.\ds/.test(log), 10_000);
    const stats = JSON.parse((await run(dir, ['ai', 'auto-update', 'stats', '--json'])).stdout) as { processed: number; successRate: number; pending: number };
    expect(stats.processed).toBeGreaterThanOrEqual(2);
    expect(stats.successRate).toBe(1);

    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    expect(log).toMatch(/Auto-indexing service stopped/);
    db.close();

    // Idempotent full reindex from the CLI: the second run skips everything.
    const first = JSON.parse((await run(dir, ['ai', 'rag', 'reindex', '--json'])).stdout) as Record<string, number>;
    expect(first.failed).toBe(0);
    const second = JSON.parse((await run(dir, ['ai', 'rag', 'reindex', '--json'])).stdout) as Record<string, number>;
    expect(second).toMatchObject({ added: 0, updated: 0, deleted: 0, failed: 0, skipped: second.entities });
  });
});
