import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0009-retraining-trust', () => {
  it('gives existing evaluations the outcomes they had seen and existing versions their baseline sample; pins start empty', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m9-')), 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.id < 9));
    const fb = db.prepare("INSERT INTO model_prediction_feedback (model_name, prediction, created_at) VALUES ('cash_flow', '{}', ?)");
    fb.run('2025-01-10T10:00:00.000Z');
    fb.run('2025-01-20T10:00:00.000Z');
    fb.run('2025-02-05T10:00:00.000Z');
    db.prepare("INSERT INTO model_prediction_feedback (model_name, prediction, created_at) VALUES ('other', '{}', '2025-01-01T00:00:00.000Z')").run();
    const run = db.prepare("INSERT INTO retraining_runs (model_name, kind, started_at, outcome) VALUES ('cash_flow', ?, ?, ?)");
    run.run('retrain', '2025-01-25T00:00:00.000Z', 'kept-current');
    run.run('retrain', '2025-01-26T00:00:00.000Z', 'failed');
    run.run('check', '2025-01-27T00:00:00.000Z', 'not-triggered');
    run.run('retrain', '2025-01-05T00:00:00.000Z', 'deployed');
    db.prepare("INSERT INTO model_versions (model_name, version, status, metrics) VALUES ('cash_flow', '1.0.0', 'retired', ?)").run(JSON.stringify({ holdoutRows: 21, holdout: { mae: 5 } }));
    db.prepare("INSERT INTO model_versions (model_name, version, status, metrics) VALUES ('cash_flow', '1.1.0', 'active', '{}')").run();
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT kind, outcome, outcomes_through_id, new_outcomes FROM retraining_runs ORDER BY id').all()).toEqual([
      { kind: 'retrain', outcome: 'kept-current', outcomes_through_id: 2, new_outcomes: null },
      { kind: 'retrain', outcome: 'failed', outcomes_through_id: null, new_outcomes: null },
      { kind: 'check', outcome: 'not-triggered', outcomes_through_id: null, new_outcomes: null },
      { kind: 'retrain', outcome: 'deployed', outcomes_through_id: null, new_outcomes: null },
    ]);
    expect(db.prepare('SELECT version, baseline_sample, pinned_at FROM model_versions ORDER BY version').all()).toEqual([
      { version: '1.0.0', baseline_sample: 21, pinned_at: null },
      { version: '1.1.0', baseline_sample: null, pinned_at: null },
    ]);
    db.prepare("UPDATE model_versions SET pinned_at = '2025-03-01T00:00:00.000Z' WHERE version = '1.0.0'").run();
    expect(db.prepare("SELECT pinned_at FROM model_versions WHERE version = '1.0.0'").get()).toEqual({ pinned_at: '2025-03-01T00:00:00.000Z' });
    db.close();
  });
});
