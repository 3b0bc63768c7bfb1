import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-feedback-analytics';
import { migration0003 } from './0003-feedback-lean-indexes';

describe('migration 0003-feedback-lean-indexes', () => {
  it('drops the answer-grouping index from a 0002 database and keeps its feedback', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-mig3-')), 'test.db'));
    migrate(db, [migration0001, migration0002]);
    db.prepare("INSERT INTO user_feedback(agent_type, user_input, ai_response, user_correction) VALUES ('chat', 'q', 'a', 'c')").run();
    const indexes = () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'user_feedback'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes()).toContain('user_feedback_corrected_r');
    expect(migrate(db, [migration0001, migration0002, migration0003]).applied).toEqual(['0003-feedback-lean-indexes']);
    expect(indexes()).not.toContain('user_feedback_corrected_r');
    expect(indexes()).toContain('user_feedback_corrected_q');
    expect(db.prepare('SELECT user_correction FROM user_feedback').all()).toEqual([{ user_correction: 'c' }]);
    db.close();
  });
});
