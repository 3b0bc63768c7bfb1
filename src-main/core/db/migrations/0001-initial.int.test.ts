import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { openDatabase } from '../database';
import type { Migration } from './types';
import { migration0001 } from './0001-initial';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-mig-')), 'test.db');

describe('migration 0001-initial', () => {
  it('creates the whole data model on an empty database, with WAL and foreign keys', async () => {
    const d = openDatabase(tmp());
    const tables = (d.sqlite.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['clients', 'products', 'invoices', 'invoice_lines', 'payments', 'user_feedback', 'model_prediction_feedback', 'prediction_log', 'model_versions', 'retraining_runs', 'rag_changes', 'rag_documents', 'rag_fts', 'app_state']) {
      expect(tables).toContain(t);
    }
    expect(d.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(d.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(d.migration.applied[0]).toBe('0001-initial');
    await d.close();
  });

  it('is applied once: reopening keeps data and applies nothing', async () => {
    const file = tmp();
    const a = openDatabase(file);
    a.sqlite.prepare("INSERT INTO clients(denominazione) VALUES ('Rossi Srl')").run();
    await a.close();
    const b = openDatabase(file);
    expect(b.migration.applied).toEqual([]);
    expect(b.sqlite.prepare('SELECT denominazione FROM clients').get()).toEqual({ denominazione: 'Rossi Srl' });
    await b.close();
  });

  it('captures changes in the outbox only when the transaction commits', async () => {
    const d = openDatabase(tmp());
    const insert = d.sqlite.prepare("INSERT INTO clients(denominazione) VALUES (?)");
    expect(() =>
      d.sqlite.transaction(() => {
        insert.run('Annullata Spa');
        throw new Error('rollback');
      })(),
    ).toThrow('rollback');
    expect(d.sqlite.prepare('SELECT COUNT(*) AS n FROM rag_changes').get()).toEqual({ n: 0 });
    insert.run('Bianchi Snc');
    expect(d.sqlite.prepare('SELECT entity_type, op FROM rag_changes').all()).toEqual([{ entity_type: 'client', op: 'upsert' }]);
    await d.close();
  });

  it('keeps FTS in step with rag_documents and folds diacritics', async () => {
    const d = openDatabase(tmp());
    d.sqlite.prepare("INSERT INTO rag_documents(entity_type, entity_id, label, content_hash, text) VALUES ('client', 1, 1, 'h', 'Società Cooperativa Perché')").run();
    const hit = d.sqlite.prepare("SELECT rowid FROM rag_fts WHERE rag_fts MATCH 'societa perche'").all();
    expect(hit).toHaveLength(1);
    d.sqlite.prepare('DELETE FROM rag_documents').run();
    expect(d.sqlite.prepare("SELECT rowid FROM rag_fts WHERE rag_fts MATCH 'societa'").all()).toHaveLength(0);
    await d.close();
  });

  it('rolls a failing migration back whole: the database stays at the previous version', () => {
    const sqlite = new BetterSqlite3(tmp());
    migrate(sqlite, [migration0001]);
    const broken: Migration = {
      id: 2,
      name: '0002-broken',
      up(db) {
        db.exec('CREATE TABLE half_done (id INTEGER)');
        db.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => migrate(sqlite, [migration0001, broken])).toThrow(/no_such_table/);
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(sqlite.prepare('SELECT MAX(id) AS v FROM schema_migrations').get()).toEqual({ v: 1 });
    sqlite.close();
  });
});
