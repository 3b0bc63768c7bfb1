import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-feedback-analytics';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-mig2-')), 'test.db');

type Daily = { day: string; agent_type: string; total: number; rating_sum: number; rating_count: number; thumbs_up: number; thumbs_down: number; corrections: number };

describe('migration 0002-feedback-analytics', () => {
  it('migrates a database holding 0001 feedback: backfills normalised text and the daily rollup', () => {
    const file = tmp();
    const db = new BetterSqlite3(file);
    migrate(db, [migration0001]);
    const ins = db.prepare('INSERT INTO user_feedback(agent_type, user_input, ai_response, user_correction, rating, thumb, created_at) VALUES (?,?,?,?,?,?,?)');
    ins.run('chat', "What's my  Revenue?", 'Your revenue is €10,000', 'It is €12,500', 3, null, '2025-03-03T10:00:00.000Z');
    ins.run('chat', 'what is my revenue', 'x', null, 5, 'up', '2025-03-03T11:00:00.000Z');
    ins.run('cash_flow_predictor', 'Perché?', 'y', null, null, 'down', '2025-03-04T09:00:00.000Z');
    const report = migrate(db, [migration0001, migration0002]);
    expect(report.applied).toEqual(['0002-feedback-analytics']);
    const norms = db.prepare('SELECT question_norm FROM user_feedback ORDER BY id').all();
    expect(norms).toEqual([{ question_norm: 'what s my revenue' }, { question_norm: 'what is my revenue' }, { question_norm: 'perche' }]);
    const daily = db.prepare('SELECT * FROM feedback_daily ORDER BY day, agent_type').all() as Daily[];
    expect(daily).toEqual([
      { day: '2025-03-03', agent_type: 'chat', total: 2, rating_sum: 8, rating_count: 2, thumbs_up: 1, thumbs_down: 0, corrections: 1 },
      { day: '2025-03-04', agent_type: 'cash_flow_predictor', total: 1, rating_sum: 0, rating_count: 0, thumbs_up: 0, thumbs_down: 1, corrections: 0 },
    ]);
    db.close();
  });

  it('keeps the rollup exact through inserts, updates and deletes', () => {
    const db = new BetterSqlite3(tmp());
    migrate(db, [migration0001, migration0002]);
    const ins = db.prepare('INSERT INTO user_feedback(agent_type, user_input, ai_response, user_correction, rating, thumb, created_at) VALUES (?,?,?,?,?,?,?)');
    const a = Number(ins.run('chat', 'q1', 'a1', 'fix', 2, 'down', '2025-01-01T08:00:00.000Z').lastInsertRowid);
    ins.run('chat', 'q2', 'a2', null, 4, null, '2025-01-01T09:00:00.000Z');
    db.prepare("UPDATE user_feedback SET rating = 5, user_correction = NULL, thumb = 'up' WHERE id = ?").run(a);
    const recomputed = () =>
      db.prepare(`SELECT substr(created_at,1,10) AS day, agent_type, count(*) AS total, coalesce(sum(rating),0) AS rating_sum, count(rating) AS rating_count,
        sum(thumb IS 'up') AS thumbs_up, sum(thumb IS 'down') AS thumbs_down, sum(user_correction IS NOT NULL) AS corrections
        FROM user_feedback GROUP BY 1, 2 ORDER BY 1, 2`).all();
    expect(db.prepare('SELECT * FROM feedback_daily ORDER BY day, agent_type').all()).toEqual(recomputed());
    db.prepare("UPDATE user_feedback SET created_at = '2025-02-01T00:00:00.000Z', agent_type = 'other' WHERE id = ?").run(a);
    expect(db.prepare('SELECT * FROM feedback_daily ORDER BY day, agent_type').all()).toEqual(recomputed());
    db.prepare('DELETE FROM user_feedback').run();
    expect(db.prepare('SELECT count(*) AS n FROM feedback_daily').get()).toEqual({ n: 0 });
    db.close();
  });

  it('gives rows written without the service a grouping key', () => {
    const db = new BetterSqlite3(tmp());
    migrate(db, [migration0001, migration0002]);
    db.prepare("INSERT INTO user_feedback(agent_type, user_input, ai_response, rating) VALUES ('chat', '  Hello World ', 'Hi', 4)").run();
    expect(db.prepare('SELECT question_norm, response_norm FROM user_feedback').get()).toEqual({ question_norm: 'hello world', response_norm: 'hi' });
    db.close();
  });
});
