import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { cleanupFeedback, FeedbackRetention } from './feedback-retention';
import { waitUntil } from '../../../tests/support/wait';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-ret-');

function setup() {
  const d = openTemp();
  const dir = path.dirname(d.path);
  const s = d.sqlite;
  const chat = s.prepare("INSERT INTO user_feedback(agent_type, user_input, ai_response, rating, created_at, consumed_by_version) VALUES ('chat', 'q', 'a', 3, ?, ?)");
  const pred = s.prepare("INSERT INTO model_prediction_feedback(model_name, prediction, created_at, consumed_by_version) VALUES ('cash_flow', '{}', ?, ?)");
  chat.run('2024-01-01T00:00:00.000Z', null); // old
  chat.run('2024-01-02T00:00:00.000Z', '1.0.0'); // old, trained the deployed 1.0.0
  chat.run('2025-06-01T00:00:00.000Z', null); // recent
  pred.run('2024-01-01T00:00:00.000Z', null); // old
  pred.run('2024-01-01T00:00:00.000Z', '1.0.0'); // old, trained the deployed 1.0.0
  pred.run('2024-01-01T00:00:00.000Z', '0.9.0'); // old, consumed by a rejected candidate: not audit trail
  pred.run('2025-06-01T00:00:00.000Z', null); // recent
  s.prepare("INSERT INTO model_versions(model_name, version, status, deployed_at) VALUES ('cash_flow', '1.0.0', 'retired', '2024-02-01T00:00:00.000Z')").run();
  s.prepare("INSERT INTO model_versions(model_name, version, status) VALUES ('cash_flow', '0.9.0', 'rejected')").run();
  const n = (t: string) => (s.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { d, dir, n };
}

describe('feedback cleanup and retention', () => {
  it('deletes old rows but keeps those a deployed version was trained on; --force deletes them too', () => {
    const { d, n } = setup();
    const dry = cleanupFeedback(d.sqlite, { olderThanDays: 180, today: '2025-06-10', dryRun: true });
    expect(dry).toEqual({ cutoff: '2024-12-12', chatDeleted: 1, predictionsDeleted: 2, keptForAudit: 2, dryRun: true });
    expect(n('user_feedback') + n('model_prediction_feedback')).toBe(7);

    const r = cleanupFeedback(d.sqlite, { olderThanDays: 180, today: '2025-06-10' });
    expect(r).toEqual({ ...dry, dryRun: false });
    expect(n('user_feedback')).toBe(2);
    expect(n('model_prediction_feedback')).toBe(2);
    // The rollup follows the deletions.
    expect(d.sqlite.prepare('SELECT sum(total) AS t FROM feedback_daily').get()).toEqual({ t: 2 });

    const forced = cleanupFeedback(d.sqlite, { olderThanDays: 180, today: '2025-06-10', force: true });
    expect(forced).toMatchObject({ chatDeleted: 1, predictionsDeleted: 1, keptForAudit: 0 });
    expect(n('user_feedback') + n('model_prediction_feedback')).toBe(2);
  });

  it('rejects a bad number of days', () => {
    const { d } = setup();
    expect(() => cleanupFeedback(d.sqlite, { olderThanDays: 0 })).toThrow(/^older-than:/);
    expect(() => cleanupFeedback(d.sqlite, { olderThanDays: 1.5 })).toThrow(/^older-than:/);
  });

  it('runs at startup and on its interval, logs the count, and does nothing with 0 days', async () => {
    const { d, dir, n } = setup();
    process.env.OPENFATTURE_TODAY = '2025-06-10';
    const lines: string[] = [];
    const out = new (await import('node:stream')).Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } });
    const logger = createLogger({ logsDir: path.join(dir, 'logs'), consoleLevel: 'info', console: out });
    let days = 0;
    const retention = new FeedbackRetention(() => d.sqlite, () => days, logger, 50);
    retention.start();
    expect(n('user_feedback')).toBe(3);
    days = 180;
    await waitUntil('the interval run to delete the old rows', () => n('user_feedback') === 2 && /Feedback retention: deleted/.test(lines.join('')));
    retention.stop();
    delete process.env.OPENFATTURE_TODAY;
    expect(n('user_feedback')).toBe(2);
    expect(lines.join('')).toMatch(/Feedback retention: deleted 3 feedback rows older than 180 days \(1 chat, 2 prediction; 2 kept for deployed model versions\)/);
  });
});
