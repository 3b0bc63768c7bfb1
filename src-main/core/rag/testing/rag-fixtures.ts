// Test support for the RAG suites: a real App on a temporary data dir (real SQLite, worker, model
// from ../shared/models) and small inserts of domain rows straight through SQL, as any process could.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { createLogger, type Logger } from '../../logger';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHARED_MODELS = path.resolve(REPO_ROOT, '../shared/models');

export function tempDataDir(prefix = 'of-rag-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function openTestApp(dataDir: string, env: Record<string, string> = {}, options: { background?: boolean; logger?: Logger } = {}): Promise<App> {
  const settings = loadSettings({
    env: { OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS, OPENFATTURE_LOG_LEVEL: 'debug', ...env },
    flags: { DATA_DIR: dataDir },
    cwd: dataDir,
  });
  return App.open({ settings, host: 'test', background: options.background ?? false, logger: options.logger ?? createLogger({ logsDir: path.join(dataDir, 'logs'), fileLevel: 'debug', consoleLevel: 'silent' }) });
}

export function insertClient(db: BetterSqlite3.Database, name: string, piva: string | null, city = 'Milano'): number {
  return Number(db.prepare('INSERT INTO clients(denominazione, partita_iva, city) VALUES (?, ?, ?)').run(name, piva, city).lastInsertRowid);
}

export function insertInvoice(db: BetterSqlite3.Database, o: { number: number; year: number; clientId: number; description: string; cents: number; issue?: string }): number {
  return db.transaction(() => {
    const issue = o.issue ?? `${o.year}-03-01`;
    const vat = Math.round(o.cents * 0.22);
    const id = Number(
      db
        .prepare('INSERT INTO invoices(number, year, client_id, issue_date, due_date, net_cents, vat_cents, total_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(String(o.number), o.year, o.clientId, issue, `${o.year}-04-30`, o.cents, vat, o.cents + vat).lastInsertRowid,
    );
    db.prepare('INSERT INTO invoice_lines(invoice_id, line_no, description, quantity, unit_price_cents, vat_rate, net_cents, vat_cents, total_cents) VALUES (?, 1, ?, 1, ?, 22, ?, ?, ?)').run(
      id,
      o.description,
      o.cents,
      o.cents,
      vat,
      o.cents + vat,
    );
    db.prepare('INSERT INTO payments(invoice_id, due_date, amount_cents) VALUES (?, ?, ?)').run(id, `${o.year}-04-30`, o.cents + vat);
    return id;
  })();
}

/** Polls until `fn` is truthy or the timeout passes; returns the elapsed ms. */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
