// The scheduler inside the app's lifecycle (DESIGN §7): a background host with ML_RETRAINING_ENABLED
// logs the seed's start-up lines, runs the overdue check at start-up (never checked = overdue), and
// the check's failure is logged with the seed's "Retraining failed: …" without stopping the app.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { capturingLogger } from './tiny-model-spec.fixture';

describe('retraining scheduler in the app lifecycle', () => {
  it('starts last with the seed lines, checks at start-up, logs failures, and stops with the app', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-startup-'));
    const log = capturingLogger();
    const settings = loadSettings({ env: { OPENFATTURE_ML_RETRAINING_ENABLED: 'true' }, flags: { DATA_DIR: dir }, cwd: dir });
    const app = await App.open({ settings, host: 'test', background: true, logger: log.logger });
    try {
      const names = app.lifespan.statuses().map((c) => c.name);
      expect(names.at(-1)).toBe('retraining-scheduler');
      expect(log.lines).toContain('INFO  | ML retraining enabled, starting scheduler');
      expect(log.lines).toContain('INFO  | Retraining scheduler started');
      const t0 = Date.now();
      while (!log.lines.some((l) => l.startsWith('ERROR | Retraining failed:')) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
      expect(log.lines).toContain('INFO  | Evaluating retraining triggers for cash_flow model');
      expect(log.lines).toContain('INFO  | Retraining triggered: no_active_model condition met');
      expect(log.lines).toContain('ERROR | Retraining failed: insufficient data (needs ≥25 paid invoices, found 0)');
      // The payment matcher serves with its rules until trained: its first training waits quietly.
      expect(log.lines.filter((l) => l.startsWith('ERROR') && /bank matches/.test(l))).toEqual([]);
      const status = app.models.status('cash_flow');
      expect(status.schedulerRunning).toBe(true);
      expect(status.lastCheckAt).not.toBeNull();
      expect(Date.parse(status.nextCheckAt!) - Date.parse(status.lastCheckAt!)).toBe(24 * 3_600_000);
    } finally {
      await app.close();
    }
    expect(app.models.scheduler.status().running).toBe(false);
  });
});
