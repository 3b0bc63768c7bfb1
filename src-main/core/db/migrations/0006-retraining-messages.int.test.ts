import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0006-retraining-messages', () => {
  it('keeps the English notes and errors of existing runs and versions, with no structured form, and accepts new ones', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m6-')), 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.id < 6));
    const oldReason = 'MAE 4.10 vs 5.20 of 1.0.0: improvement 21.2% ≥ 2.0% required';
    db.prepare("INSERT INTO retraining_runs(model_name, kind, fired, reasons, outcome, active_version, candidate_version, notes) VALUES ('cash_flow', 'retrain', 1, '[\"manual\"]', 'deployed', '1.0.0', '1.1.0', ?)").run(oldReason);
    db.prepare("INSERT INTO retraining_runs(model_name, kind, outcome, error) VALUES ('cash_flow', 'retrain', 'failed', 'interrupted: the process ended before the retrain finished')").run();
    db.prepare("INSERT INTO model_versions(model_name, version, status, notes) VALUES ('cash_flow', '1.1.0', 'active', ?)").run(oldReason);
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT notes, notes_messages, error, error_messages FROM retraining_runs ORDER BY id').all()).toEqual([
      { notes: oldReason, notes_messages: null, error: null, error_messages: null },
      { notes: null, notes_messages: null, error: 'interrupted: the process ended before the retrain finished', error_messages: null },
    ]);
    expect(db.prepare('SELECT version, notes, notes_messages FROM model_versions').all()).toEqual([{ version: '1.1.0', notes: oldReason, notes_messages: null }]);
    const structured = JSON.stringify([{ code: 'manual-rollback', params: {} }]);
    db.prepare("INSERT INTO retraining_runs(model_name, kind, outcome, notes, notes_messages) VALUES ('cash_flow', 'rollback', 'rolled-back', 'manual rollback', ?)").run(structured);
    expect(db.prepare("SELECT notes_messages FROM retraining_runs WHERE kind = 'rollback'").get()).toEqual({ notes_messages: structured });
    db.close();
  });
});
