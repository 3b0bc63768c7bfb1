import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
function cli(dataDir: string, ...args: string[]) {
  const r = spawnSync('node', ['bin/openfatture.js', '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, OPENFATTURE_TODAY: '2026-06-30' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-backtest-'));
  dirs.push(d);
  return d;
}

let demo: string;
beforeAll(() => {
  demo = tmp();
  const seeded = cli(demo, 'demo', 'seed', '--invoices', '500', '--clients', '20', '--years', '2', '--json');
  expect(seeded.code, seeded.stderr).toBe(0);
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('openfatture ai backtest', () => {
  it('scores the model and the three baselines on demo data; the model beats them all on MAE', () => {
    const r = cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-12-01', '--trees', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.trainRows).toBeGreaterThanOrEqual(25);
    expect(out.testRows).toBeGreaterThan(0);
    expect(out.toleranceDays).toBe(7);
    for (const k of ['model', 'due_date', 'client_mean', 'global_mean']) {
      expect(out.metrics[k].n).toBe(out.testRows);
      expect(out.metrics[k].mae).toBeGreaterThan(0);
    }
    expect(out.metrics.model.mae).toBeLessThan(out.metrics.due_date.mae);
    expect(out.metrics.model.mae).toBeLessThan(out.metrics.client_mean.mae);
    expect(out.metrics.model.mae).toBeLessThan(out.metrics.global_mean.mae);
    expect(out.metrics.model.lateAuc).toBeGreaterThan(0.6);
    expect(out.beatsAllBaselines).toBe(true);
  });

  it('scores one client with --client (the model still learns from every client): same training rows, only that client\'s invoices', () => {
    const all = JSON.parse(cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-12-01', '--trees', '20', '--json').stdout);
    const db = new BetterSqlite3(path.join(demo, 'openfatture.db'), { readonly: true });
    const client = (db.prepare("SELECT client_id AS id FROM invoices WHERE status = 'paid' AND issue_date >= '2025-12-01' GROUP BY client_id ORDER BY COUNT(*) DESC, client_id LIMIT 1").get() as { id: number }).id;
    const paid = (db.prepare("SELECT COUNT(*) AS n FROM invoices WHERE status = 'paid' AND document_type <> 'TD04' AND issue_date >= '2025-12-01' AND client_id = ?").get(client) as { n: number }).n;
    db.close();
    const r = cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-12-01', '--client', String(client), '--trees', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.clientId).toBe(client);
    expect(out.trainRows).toBe(all.trainRows);
    expect(out.testRows).toBe(paid);
    expect(out.testRows).toBeLessThan(all.testRows);
    for (const k of ['model', 'due_date', 'client_mean', 'global_mean']) expect(out.metrics[k].n).toBe(paid);
    const none = cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-12-01', '--client', 'Nessuno Inesistente');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--client: no client matches "Nessuno Inesistente"/);
  });

  it('prints a table with every predictor and honours the tolerance setting', () => {
    const r = spawnSync('node', ['bin/openfatture.js', '--data-dir', demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-12-01', '--trees', '5'], {
      encoding: 'utf8',
      env: { ...process.env, OPENFATTURE_ML_TOLERANCE_DAYS: '3' },
    });
    expect(r.status, r.stderr).toBe(0);
    for (const label of ['cash_flow model', 'baseline: due date', 'baseline: client mean', 'baseline: global mean', 'Within ±3d', 'Late AUC']) {
      expect(r.stdout).toContain(label);
    }
  });

  it('fails with the seed\'s insufficient-data error below 25 paid invoices, and rejects bad flags', () => {
    const early = cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2024-07-15');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/Model retraining failed: insufficient data \(\d+ invoices paid before 2024-07-15; at least 25 needed\)/);
    const empty = tmp();
    expect(cli(empty, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-01-01').stderr).toMatch(/insufficient data \(0 invoices/);
    const badDate = cli(demo, 'ai', 'backtest', '--model', 'cash_flow', '--split-date', '2025-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--split-date');
    const badModel = cli(demo, 'ai', 'backtest', '--model', 'payment_matcher', '--split-date', '2025-01-01');
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('--model');
  });
});
