// The backtest on the harder generated history (clients arriving every month, drifting habits,
// disputes and credit notes, seasonal delays, Ri.Ba. collections, heavy-tailed noise): the model is
// trained with the thread pool on what was known at the split, its settings chosen by CV inside that
// data, and scored on the later invoices against the baselines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { runCashFlowBacktest, type BacktestResult } from './backtest';
import { HARD_HISTORY, planReceivables, writeReceivables } from './cash-flow/receivables-simulator';
import { TreePool } from './forest/tree-pool';

const SPLIT = '2024-07-01';
let database: Database;
let result: BacktestResult;
const pool = new TreePool();

beforeAll(async () => {
  database = openDatabase(':memory:');
  writeReceivables(database.sqlite, planReceivables(HARD_HISTORY));
  result = await runCashFlowBacktest(database.sqlite, { splitDate: SPLIT, toleranceDays: 7 }, { grower: pool });
  const m = result.metrics;
  console.log(
    `backtest on the generated history: MAE ${m.model.mae.toFixed(2)} (client running mean ${m.client_mean.mae.toFixed(2)}, due date ${m.due_date.mae.toFixed(2)}, global mean ${m.global_mean.mae.toFixed(2)}); ` +
      `P10–P90 coverage ${(result.intervals.coverage * 100).toFixed(1)}% width ${result.intervals.meanWidth.toFixed(1)} d; late AUC ${result.late.auc?.toFixed(3)}`,
  );
});
afterAll(async () => {
  await pool.close();
  await database?.close();
});

describe('cash-flow backtest on the harder generated history', () => {
  it('chooses settings only from data known before the split', () => {
    expect(result.selection.method).toBe('rolling-origin-cv');
    expect(result.selection.folds.length).toBeGreaterThanOrEqual(2);
    for (const f of result.selection.folds) expect(f.to < SPLIT).toBe(true);
    expect(result.trainRows).toBeGreaterThan(1000);
    expect(result.testRows).toBeGreaterThan(400);
  });

  it('P10–P90 covers 75–85% of the actual payment days, and every nominal interval is near its level', () => {
    expect(result.intervals.coverage).toBeGreaterThanOrEqual(0.75);
    expect(result.intervals.coverage).toBeLessThanOrEqual(0.85);
    expect(result.intervals.meanWidth).toBeGreaterThan(0);
    // Wider nominal intervals cover more, and the P5–P95 band is honest too. (Narrow central bands
    // cover more than nominal: many Ri.Ba. payments land exactly on the due date, a point mass.)
    const c = result.intervals.calibration;
    for (let i = 1; i < c.length; i++) expect(c[i]!.observed).toBeGreaterThanOrEqual(c[i - 1]!.observed);
    for (const p of c) expect(p.observed).toBeGreaterThanOrEqual(p.nominal - 0.05);
    expect(Math.abs(c.find((x) => x.nominal === 0.9)!.observed - 0.9)).toBeLessThan(0.05);
  });

  it('beats every baseline, the client running mean by at least a quarter, and ranks late payments', () => {
    const m = result.metrics;
    expect(result.beatsAllBaselines).toBe(true);
    expect(m.model.mae).toBeLessThanOrEqual(0.75 * m.client_mean.mae);
    expect(result.late.auc!).toBeGreaterThan(0.85);
    expect(result.late.reliability.reduce((s, b) => s + b.n, 0)).toBe(result.testRows);
  });

  it('scores one client alone when asked, with the model trained on every client', async () => {
    const busiest = database.sqlite
      .prepare("SELECT client_id AS id, COUNT(*) AS n FROM invoices WHERE issue_date >= ? AND document_type = 'TD01' GROUP BY client_id ORDER BY n DESC LIMIT 1")
      .get(SPLIT) as { id: number; n: number };
    const one = await runCashFlowBacktest(database.sqlite, { splitDate: SPLIT, toleranceDays: 7, clientId: busiest.id, train: { ...result.hyperparameters } }, { grower: pool });
    expect(one.clientId).toBe(busiest.id);
    expect(one.trainRows).toBe(result.trainRows);
    expect(one.testRows).toBeGreaterThan(10);
    expect(one.testRows).toBeLessThanOrEqual(busiest.n);
    await expect(runCashFlowBacktest(database.sqlite, { splitDate: SPLIT, toleranceDays: 7, clientId: 999_999 }, { grower: pool })).rejects.toThrow(/No paid invoices of client 999999/);
  });
});
