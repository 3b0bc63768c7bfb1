// The feedback wiring of the composition root: the payment hook resolves served forecasts with the
// tolerance setting, and the service follows AI_FEEDBACK_ENABLED.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadSettings } from '../config/load';
import { memorySettingsStore } from '../config/settings-store';

async function open(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-fbapp-'));
  const settings = loadSettings({ env: { OPENFATTURE_DATA_DIR: dir, ...env }, cwd: dir, store: () => memorySettingsStore() });
  return App.open({ settings, host: 'test', consoleLevel: 'silent' });
}

describe('feedback in the app', () => {
  it('a payment recorded through the app resolves the served forecast with ML_TOLERANCE_DAYS', async () => {
    const app = await open({ OPENFATTURE_ML_TOLERANCE_DAYS: '12' });
    try {
      const client = app.clients.create({ denominazione: 'Verdi Spa' });
      const inv = app.invoices.create({ clientId: client.id, issueDate: '2025-05-02', lines: [{ description: 'Sviluppo', quantity: 2, unitPriceCents: 50_000, vatRate: 22 }] });
      app.database.sqlite
        .prepare("INSERT INTO prediction_log(model_name, model_version, invoice_id, predicted_days, predicted_date) VALUES ('cash_flow', '1.0.0', ?, 30, '2025-06-01')")
        .run(inv.invoice.id);
      app.payments.record({ invoiceId: inv.invoice.id, date: '2025-06-11' });
      const rows = app.database.sqlite.prepare("SELECT error_days, was_accurate FROM model_prediction_feedback WHERE source = 'auto-outcome'").all();
      expect(rows).toEqual([{ error_days: 10, was_accurate: 1 }]);
    } finally {
      await app.close();
    }
  });

  it('reports collection off when AI_FEEDBACK_ENABLED=false but stores explicit feedback', async () => {
    const app = await open({ OPENFATTURE_AI_FEEDBACK_ENABLED: 'false' });
    try {
      expect(app.feedback.collectionEnabled).toBe(false);
      expect(app.feedback.recordChat({ agentType: 'chat', input: 'q', response: 'a', thumb: 'up' })).toMatchObject({ collectionEnabled: false });
    } finally {
      await app.close();
    }
  });
});
