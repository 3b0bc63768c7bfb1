// Drift acceptance scenario: the demo generator makes its largest client pay 40 days later from a
// date on. The model trained before the drift keeps serving forecasts; as payments arrive they
// resolve those predictions (auto-outcomes), live accuracy falls, the performance-degradation trigger
// fires, and the retrained model predicts that client's later invoices clearly better.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { addDays, todayIso } from '../../dates';
import { generateDemo, type DemoSummary } from '../../demo/generate-demo';
import { resolvePredictionOutcome } from '../../feedback/prediction-outcome';
import { buildTrainingSet } from '../cash-flow';
import { forecastCashFlow } from '../forecast';
import { capturingLogger } from './tiny-model-spec.fixture';

const T_END = '2025-12-31';
const DRIFT_FROM = '2025-03-01';
/** When the retraining check runs: seven months into the drift. */
const T_CHECK = addDays(DRIFT_FROM, 210);
const STEP_DAYS = 14;

const log = capturingLogger();
const savedToday = process.env.OPENFATTURE_TODAY;
const at = (today: string) => {
  process.env.OPENFATTURE_TODAY = today;
};
const apps: App[] = [];

afterAll(async () => {
  for (const a of apps) await a.close();
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
});

/** Demo data (with or without the drift), the first model at DRIFT_FROM, then forecasts served
 * every two weeks until T_CHECK with the payments made meanwhile resolving them. */
async function replay(withDrift: boolean): Promise<{ app: App; demo: DemoSummary; resolved: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-drift-'));
  at(DRIFT_FROM);
  const app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir }, cwd: dir }), host: 'test', logger: log.logger });
  apps.push(app);
  const drift = withDrift ? { driftClient: 'largest', driftDays: 40, driftFrom: DRIFT_FROM } : {};
  const demo = generateDemo(app.database.sqlite, { clients: 12, invoices: 1000, seed: 9, today: T_END, years: 3, ...drift });
  const first = await app.models.retrain('cash_flow', { reasons: ['no_active_model'] });
  expect(first.outcome).toBe('deployed');
  const sqlite = app.database.sqlite;
  const paidOn = new Map(buildTrainingSet(sqlite).map((r) => [r.invoiceId, r.paidDate]));
  const tolerance = app.settings.ML_TOLERANCE_DAYS;
  let resolved = 0;
  for (let t = DRIFT_FROM, prev = addDays(DRIFT_FROM, -1); t <= T_CHECK; prev = t, t = addDays(t, STEP_DAYS)) {
    at(t);
    for (const [invoiceId, paid] of paidOn) {
      if (paid > prev && paid <= t && resolvePredictionOutcome(sqlite, invoiceId, { fullyPaid: true, paidDate: paid }, tolerance)) resolved++;
    }
    await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 30, today: todayIso() });
  }
  return { app, demo, resolved };
}

describe('drift scenario', () => {
  it('without drift, the same replay does not fire the performance trigger (no false alarm)', async () => {
    const { app, resolved } = await replay(false);
    expect(resolved).toBeGreaterThan(100);
    const check = app.models.triggers.evaluate('cash_flow');
    const degradation = check.triggers.find((t) => t.name === 'performance_degradation')!;
    console.log(`control: live accuracy ${check.live.accuracy} over ${check.live.sample} vs baseline ${check.live.baselineAccuracy}; relative drop ${degradation.value}`);
    expect(check.live.sample).toBe(100);
    expect(degradation.fired).toBe(false);
  });

  it('live accuracy falls after a large client starts paying 40 days later; the retrained model predicts that client clearly better', async () => {
    const { app, demo, resolved } = await replay(true);
    const sqlite = app.database.sqlite;
    const drift = demo.drift!;
    expect(drift.days).toBe(40);
    expect(drift.invoicesAffected).toBeGreaterThan(20);
    expect(resolved).toBeGreaterThan(100);

    const check = app.models.triggers.evaluate('cash_flow');
    const degradation = check.triggers.find((t) => t.name === 'performance_degradation')!;
    console.log(`drift: live accuracy ${check.live.accuracy} over ${check.live.sample} vs baseline ${check.live.baselineAccuracy}; relative drop ${degradation.value}`);
    expect(check.reasons).toContain('performance_degradation');
    expect(degradation.value!).toBeGreaterThan(app.settings.ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD);
    expect(log.lines).toContain('INFO  | Retraining triggered: performance_degradation condition met');

    const second = await app.models.retrain('cash_flow', { reasons: check.reasons, checkRunId: check.runId });
    console.log(`drift: retrain ${second.outcome}: ${second.reason}`);
    expect(second.outcome).toBe('deployed');

    // The drifting client's later invoices (paid after the check), unseen by both models.
    at(T_END);
    const later = buildTrainingSet(sqlite, { clientId: drift.clientId }).filter((r) => r.paidDate > T_CHECK && r.issueDate >= DRIFT_FROM);
    expect(later.length).toBeGreaterThanOrEqual(8);
    const spec = app.models.spec('cash_flow');
    const ctx = app.models.retrainer.context();
    const holdout = { from: addDays(T_CHECK, 1), entityIds: later.map((r) => r.invoiceId) };
    const oldEval = await spec.evaluate(ctx, app.models.versions.load(app.models.versions.get('cash_flow', '1.0.0')!), holdout);
    const newEval = await spec.evaluate(ctx, app.models.versions.load(app.models.versions.active('cash_flow')!), holdout);
    console.log(`drift: MAE on ${later.length} later invoices of ${drift.clientName}: 1.0.0 ${oldEval.metrics.mae.toFixed(1)} days, ${second.activeVersion} ${newEval.metrics.mae.toFixed(1)} days`);
    expect(newEval.metrics.n).toBe(later.length);
    expect(newEval.metrics.mae).toBeLessThan(oldEval.metrics.mae * 0.6);
    expect(oldEval.metrics.mae - newEval.metrics.mae).toBeGreaterThan(10);
  });
});
