// Acceptance scenario of the retraining pipeline on real SQLite, the real cash-flow model trained in
// the worker, and the real CLI: demo data → first model 1.0.0 → forecasts served → payments
// recorded for 25+ of them → the feedback trigger fires → retrain → deployed or kept with its reason
// → list-versions shows the history → rollback to 1.0.0 restores its exact predictions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { addDays } from '../../dates';
import { generateDemo } from '../../demo/generate-demo';
import { forecastCashFlow, type CashFlowForecast } from '../forecast';
import { capturingLogger } from './tiny-model-spec.fixture';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const T0 = '2025-06-30';
let dir: string;
let app: App;
const log = capturingLogger();
const savedToday = process.env.OPENFATTURE_TODAY;

function cli(args: string[], today: string) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, ...args], {
    cwd: dir,
    env: { ...process.env, OPENFATTURE_TODAY: today },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const forecast = (today: string): Promise<CashFlowForecast> =>
  forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 90, today });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-scenario-'));
  process.env.OPENFATTURE_TODAY = T0;
  app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir }, cwd: dir }), host: 'test', logger: log.logger });
  generateDemo(app.database.sqlite, { clients: 15, invoices: 700, seed: 5, today: T0, years: 2 });
});

afterAll(async () => {
  await app?.close();
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
});

describe('retraining acceptance scenario', () => {
  it('trains 1.0.0, serves forecasts, resolves 25+ of them, retrains on the feedback trigger, lists versions and rolls back exactly', async () => {
    const sqlite = app.database.sqlite;
    // 1. Initial model.
    const first = await app.models.retrain('cash_flow', { reasons: ['no_active_model'] });
    expect(first.outcome).toBe('deployed');
    expect(first.activeVersion).toBe('1.0.0');
    expect(first.candidate!.mae).toBeLessThan(first.baseline!.mae);

    // 2. Forecasts served and logged.
    const f1 = await forecast(T0);
    expect(f1.version).toBe('1.0.0');
    expect(f1.invoices.length).toBeGreaterThanOrEqual(30);
    expect(sqlite.prepare("SELECT COUNT(*) AS n FROM prediction_log WHERE model_version = '1.0.0'").get()).toEqual({ n: f1.invoices.length });

    // 3. Payments arrive for 30 of the forecast invoices, around their predicted dates (after T0).
    // Each is recorded on the day it arrives (the app's clock moves with them).
    const arrivals = f1.invoices
      .slice(0, 30)
      .map((inv, i) => ({ invoiceId: inv.invoiceId, date: [addDays(inv.predictedDate, (i % 9) - 4), addDays(T0, 1)].sort().at(-1)! }))
      .sort((a, b) => a.date.localeCompare(b.date));
    for (const { invoiceId, date } of arrivals) {
      process.env.OPENFATTURE_TODAY = date;
      app.payments.record({ invoiceId, date });
    }
    const last = arrivals.at(-1)!.date;
    const outcomes = sqlite.prepare("SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE source = 'auto-outcome' AND model_version = '1.0.0'").get() as { n: number };
    expect(outcomes.n).toBe(30);

    // 4. Time moves to the last payment; the feedback trigger fires.
    process.env.OPENFATTURE_TODAY = last;
    const check = app.models.triggers.evaluate('cash_flow');
    expect(check.reasons).toContain('min_feedback_count');
    expect(check.feedbackSinceTraining).toBe(30);
    expect(log.lines).toContain('INFO  | Retraining triggered: min_feedback_count condition met');

    // 5. Retrain: deployed with the seed's log line, or kept with the reason recorded.
    const second = await app.models.retrain('cash_flow', { reasons: check.reasons, checkRunId: check.runId });
    expect(second.candidateVersion).toBe('1.1.0');
    // Compared with 1.0.0 on the holdout invoices it never saw (paid after its cutoff), or through its settings.
    expect(second.comparison!.rows).toBe(second.comparison!.on === 'unseen-by-active' ? second.active!.n : second.holdout!.rows);
    const run = sqlite.prepare("SELECT outcome, notes, improvement FROM retraining_runs WHERE kind = 'retrain' ORDER BY id DESC LIMIT 1").get() as { outcome: string; notes: string; improvement: number };
    expect(run.notes).toContain(`fired by check #${check.runId}`);
    expect(run.improvement).toBeCloseTo(second.improvement!, 10);
    if (second.outcome === 'deployed') {
      expect(log.lines).toContain(`INFO  | Model retrained successfully, version: 1.1.0, improvement: ${(second.improvement! * 100).toFixed(1)}%`);
      expect(sqlite.prepare("SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE consumed_by_version = '1.1.0'").get()).toEqual({ n: 30 });
    } else {
      expect(second.outcome).toBe('kept-current');
      expect(run.notes).toMatch(/improvement -?\d+\.\d% < 2\.0% required/);
    }
    console.log(`scenario: 1.1.0 ${second.outcome}: ${second.reason}`);

    // 6. list-versions (CLI) shows the history with metrics and the active marker.
    const lv = cli(['ai', 'retrain', 'list-versions', '--model', 'cash_flow', '--json'], last);
    expect(lv.code, lv.stderr).toBe(0);
    const listed = JSON.parse(lv.stdout) as { items: { version: string; status: string; metrics: { holdout: { mae: number } }; artifactHealth: string }[] };
    expect(listed.items.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(listed.items.every((v) => v.artifactHealth === 'ok' && v.metrics.holdout.mae > 0)).toBe(true);
    const text = cli(['ai', 'retrain', 'list-versions', '--model', 'cash_flow'], last);
    expect(text.stdout).toMatch(second.outcome === 'deployed' ? /\*\s+1\.1\.0\s+active/ : /\*\s+1\.0\.0\s+active/);

    // 7. Make 1.1.0 live if it was kept (a user can pick any healthy version), then roll back to 1.0.0 verbatim.
    if (second.outcome !== 'deployed') expect(cli(['ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', '1.1.0'], last).code).toBe(0);
    const f2 = await forecast(T0);
    expect(f2.version).toBe('1.1.0');
    const rb = cli(['ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', '1.0.0'], last);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stdout).toContain('active version is now 1.0.0');
    const f3 = await forecast(T0);
    expect(f3.version).toBe('1.0.0');
    const key = (f: CashFlowForecast) => f.invoices.map((i) => `${i.invoiceId}:${i.predictedDate}:${i.p10Date}:${i.p90Date}:${i.outstandingCents}`);
    expect(key(f3)).toEqual(key(f1));
    expect(f3.weeks).toEqual(f1.weeks);
    // The new version really predicted differently; the rollback is what restored 1.0.0's numbers.
    expect(key(f2)).not.toEqual(key(f1));
    const rollbacks = sqlite.prepare("SELECT outcome, candidate_version FROM retraining_runs WHERE kind = 'rollback' ORDER BY id").all() as { outcome: string; candidate_version: string }[];
    expect(rollbacks.at(-1)).toEqual({ outcome: 'rolled-back', candidate_version: '1.0.0' });
  });
});
