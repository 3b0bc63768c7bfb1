// The first day with the real cash-flow model: a user imports a history, trains 1.0.0, retrains at
// once (it used to fail with "only 0 outcomes after the cut-off"), rolls back and forth between the
// two versions — and can cancel a retrain, which leaves the live version as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { planReceivables, writeReceivables } from '../cash-flow/receivables-simulator';
import { forecastCashFlow } from '../forecast';
import { capturingLogger } from './tiny-model-spec.fixture';

const TODAY = '2025-01-10';
const log = capturingLogger();
const savedToday = process.env.OPENFATTURE_TODAY;
let app: App;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-day-one-'));
  process.env.OPENFATTURE_TODAY = TODAY;
  app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir }, cwd: dir }), host: 'test', logger: log.logger });
  writeReceivables(app.database.sqlite, planReceivables({ seed: 12, start: '2024-01-02', months: 12, initialClients: 15, newClientsPerMonth: 1, invoicesPerMonth: 45 }), TODAY);
});

afterAll(async () => {
  await app?.close();
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
});

const forecast = () => forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 60, today: TODAY });

describe('the first day', () => {
  it('retrains right after the first training, then rolls back to either version', async () => {
    const first = await app.models.retrain('cash_flow', { reasons: ['no_active_model'] });
    expect(first).toMatchObject({ outcome: 'deployed', activeVersion: '1.0.0' });
    const f1 = await forecast();
    // Same day, same data: compared on the latest paid invoices through 1.0.0's settings retrained on the candidate's data.
    const second = await app.models.retrain('cash_flow', { reasons: ['manual'] });
    expect(['deployed', 'kept-current']).toContain(second.outcome);
    expect(second.candidateVersion).toBe('1.1.0');
    expect(second.comparison).toEqual({ on: 'active-settings-refit', rows: second.holdout!.rows });
    expect(second.holdout!.rows).toBeGreaterThanOrEqual(10);
    expect(second.reasonMessages.map((m) => m.code)).toContain('champion-refit');
    // Whichever is live, the other one can be made live, and back.
    const other = second.activeVersion === '1.0.0' ? '1.1.0' : '1.0.0';
    expect(app.models.rollback('cash_flow', other).to.version).toBe(other);
    expect(app.models.versions.pinned('cash_flow')!.version).toBe(other);
    expect(app.models.rollback('cash_flow', '1.0.0').to.version).toBe('1.0.0');
    const f3 = await forecast();
    expect(f3.version).toBe('1.0.0');
    expect(f3.invoices.map((i) => [i.invoiceId, i.predictedDate, i.lateProbability])).toEqual(f1.invoices.map((i) => [i.invoiceId, i.predictedDate, i.lateProbability]));
  });

  it('cancels a running retrain: the run is recorded as cancelled and the live version is untouched', async () => {
    const before = app.models.versions.active('cash_flow')!.version;
    const running = app.models.retrain('cash_flow', { reasons: ['manual'], onProgress: (p) => p.step === 'select' && p.current >= 1 && app.models.cancelRetrain('cash_flow') });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(app.models.versions.active('cash_flow')!.version).toBe(before);
    const run = app.database.sqlite.prepare("SELECT outcome, error, error_messages FROM retraining_runs WHERE kind = 'retrain' ORDER BY id DESC LIMIT 1").get();
    expect(run).toEqual({ outcome: 'failed', error: 'cancelled', error_messages: JSON.stringify([{ code: 'cancelled', params: {} }]) });
    expect(log.lines).toContain('WARN  | Retraining of cash_flow cancelled');
    expect(app.models.cancelRetrain('cash_flow')).toBe(false);
    // The worker keeps serving.
    expect((await forecast()).version).toBe(before);
  });
});
