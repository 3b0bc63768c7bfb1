// "Cash-flow forecast" questions use the active cash_flow model (real training in the worker): the
// answer's expected cash-in equals `ai forecast` for the same horizon, names the model version, and
// the predictions it served are logged like every forecast.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadSettings } from '../config/load';
import { todayIso } from '../dates';
import { generateDemo } from '../demo/generate-demo';
import { forecastCashFlow } from '../ml/forecast';
import { assistantFor } from './assistant-for-app';

let dir: string;
let app: App;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-assistant-forecast-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  generateDemo(app.database.sqlite, { clients: 10, invoices: 300, seed: 3, today: todayIso(), years: 2 });
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('assistant forecast with a trained model', () => {
  it('answers from the active model, as `ai forecast` does, and logs the served predictions', async () => {
    const before = await assistantFor(app).ask({ question: 'Previsione incassi prossimi 30 giorni' });
    if (before.facts.intent !== 'forecast') throw new Error(`wrong intent ${before.intent}`);
    expect(before.facts.basis).toBe('due-dates');
    expect(before.answer).toContain('il modello di cash flow non è ancora addestrato');

    const trained = await app.models.retrain('cash_flow', { reasons: ['no_active_model'] });
    expect(trained.outcome).toBe('deployed');
    const logged = () => (app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM prediction_log').get() as { n: number }).n;
    const n0 = logged();

    const r = await assistantFor(app).ask({ question: 'Cash flow forecast for the next 30 days' });
    if (r.facts.intent !== 'forecast') throw new Error(`wrong intent ${r.intent}`);
    expect(r.facts.basis).toBe('model');
    expect(r.facts.modelVersion).toBe(trained.activeVersion);
    expect(logged()).toBeGreaterThan(n0);
    const reference = await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 30 });
    expect(r.facts.expectedCents).toBe(reference.totalCents);
    expect(r.facts.invoiceCount).toBe(reference.invoices.filter((i) => i.inHorizon).length);
    expect(r.answer).toContain(`according to the cash-flow model (version ${trained.activeVersion})`);
    expect(r.sources.length).toBe(Math.min(25, r.facts.invoiceCount));
  });
});
