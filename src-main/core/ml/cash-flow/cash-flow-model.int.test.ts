import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/database';
import { regressionMetrics } from '../metrics';
import { LEVELS } from './calibration';
import { ARTIFACT_FORMAT, CashFlowModel, givenUnpaidAfter, type TrainProgress } from './cash-flow-model';
import { LATE_FOREST, planFolds, SEARCH } from './model-selection';
import { planReceivables, writeReceivables } from './receivables-simulator';
import { buildTrainingSet, termsDaysOf, type TrainingRow } from './training-set';

let database: Database;
let train: TrainingRow[];
let test: TrainingRow[];
let model: CashFlowModel;
const progress: TrainProgress[] = [];

beforeAll(async () => {
  database = openDatabase(':memory:');
  writeReceivables(database.sqlite, planReceivables({ seed: 5, start: '2023-01-02', months: 18, initialClients: 25, newClientsPerMonth: 2, invoicesPerMonth: 60 }));
  train = buildTrainingSet(database.sqlite, { paidBefore: '2024-03-01' });
  test = buildTrainingSet(database.sqlite, { issuedFrom: '2024-03-01' });
  model = await CashFlowModel.train(train, { seed: 1 }, { onProgress: (p) => progress.push(p) });
});
afterAll(() => database.close());

describe('rolling-origin folds', () => {
  it('train each fold only on invoices paid before its origin and validate on later issues that had time to be paid', () => {
    const { folds, followUpDays } = planFolds(train);
    expect(folds.length).toBeGreaterThanOrEqual(2);
    const lastPaid = train.map((r) => r.paidDate).sort().at(-1)!;
    for (const [i, f] of folds.entries()) {
      expect(f.info.trainRows).toBe(train.filter((r) => r.paidDate < f.info.from).length);
      expect(f.info.validRows).toBe(train.filter((r) => r.issueDate >= f.info.from && r.issueDate <= f.info.to).length);
      if (i > 0) expect(f.info.from > folds[i - 1]!.info.to).toBe(true);
      // The window ends a follow-up before the last known payment.
      expect(Date.parse(lastPaid) - Date.parse(f.info.to)).toBeGreaterThanOrEqual((followUpDays! - 1) * 86_400_000);
    }
  });

  it('fall back to default settings, saying why, when there are too few rows for folds', async () => {
    const few = await CashFlowModel.train(train.slice(0, 40), { trees: 5, seed: 1 });
    expect(few.selection.method).toBe('defaults');
    expect(few.selection.reason).toMatch(/too few|validation period|were paid before/);
    expect(few.calibration.rows).toBe(0);
  });
});

describe('CashFlowModel', () => {
  it('chooses its settings by time-series CV, then trains, reporting progress for both', () => {
    expect(progress.some((p) => p.step === 'select')).toBe(true);
    const trainSteps = progress.filter((p) => p.step === 'train');
    const trees = model.hyperparameters.trees + LATE_FOREST.trees;
    expect(trainSteps.at(-1)).toEqual({ step: 'train', current: trees, total: trees });
    const s = model.selection;
    expect(s.method).toBe('rolling-origin-cv');
    expect(s.candidates.length).toBeGreaterThanOrEqual(SEARCH.maxDepth.length * SEARCH.minLeaf.length);
    const hp = model.hyperparameters;
    const chosen = s.candidates.filter((c) => c.maxDepth === hp.maxDepth && c.minLeaf === hp.minLeaf && c.featuresPerSplit === hp.featuresPerSplit && c.trees === hp.trees && c.point === hp.point);
    expect(chosen.map((c) => c.mae)).toContain(s.cvMae);
    // No forest of the final comparison did better than the chosen one by more than the tolerance.
    const finals = s.candidates.filter((c) => c.maxDepth === hp.maxDepth && c.minLeaf === hp.minLeaf && c.featuresPerSplit === hp.featuresPerSplit && c.foldMae.length === s.folds.length);
    expect(Math.min(...finals.map((c) => c.mae))).toBeGreaterThanOrEqual(s.cvMae! / (1 + SEARCH.treesTolerance) - 1e-9);
    expect(SEARCH.maxDepth).toContain(model.hyperparameters.maxDepth);
    expect(SEARCH.minLeaf).toContain(model.hyperparameters.minLeaf);
    expect(SEARCH.trees).toContain(model.hyperparameters.trees);
    // Each fold's model is calibrated on every later validation invoice (its window and the ones after).
    expect(model.calibration.rows).toBe(s.folds.reduce((n, _f, k) => n + s.folds.slice(k).reduce((m, g) => m + g.validRows, 0), 0));
  });

  it('beats the due-date baseline on later invoices with ordered quantiles and a late probability', () => {
    const preds = model.predict(test.map((r) => r.features));
    const m = regressionMetrics(test.map((r, i) => ({ actual: r.target, predicted: preds[i]!.days, termsDays: termsDaysOf(r.features) })), 7);
    const due = regressionMetrics(test.map((r) => ({ actual: r.target, predicted: termsDaysOf(r.features), termsDays: termsDaysOf(r.features) })), 7);
    expect(m.mae).toBeLessThan(due.mae * 0.8);
    for (const p of preds) {
      expect(p.p10).toBeLessThanOrEqual(p.days);
      expect(p.p90).toBeGreaterThanOrEqual(p.days);
      expect(p.quantiles).toHaveLength(LEVELS.length);
      for (let k = 1; k < p.quantiles.length; k++) expect(p.quantiles[k]!).toBeGreaterThanOrEqual(p.quantiles[k - 1]!);
      expect(p.lateProbability).toBeGreaterThanOrEqual(0);
      expect(p.lateProbability).toBeLessThanOrEqual(1);
    }
    expect(preds.some((p) => p.p90 - p.p10 > 5)).toBe(true);
  });

  it('is reproducible with a seed and round-trips through JSON with identical predictions', async () => {
    const fixed = { trees: 8, maxDepth: 8, minLeaf: 5, featuresPerSplit: 0.5, point: 'mean' as const };
    const a = await CashFlowModel.train(train, { ...fixed, seed: 7 });
    const b = await CashFlowModel.train(train, { ...fixed, seed: 7 });
    const c = await CashFlowModel.train(train, { ...fixed, seed: 8 });
    const x = test.map((r) => r.features);
    expect(b.predict(x)).toEqual(a.predict(x));
    expect(c.predict(x)).not.toEqual(a.predict(x));
    const json = a.toJSON();
    expect(json.format).toBe(ARTIFACT_FORMAT);
    expect(json.hyperparameters).toEqual({ ...fixed });
    expect(json.selection.method).toBe('fixed');
    const loaded = CashFlowModel.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(loaded.predict(x)).toEqual(a.predict(x));
    const imp = a.featureImportance();
    expect(Object.values(imp).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(imp.client_mean_late! + imp.client_ewm_late! + imp.client_late_shrunk! + imp.client_last3_late! + imp.client_median_late!).toBeGreaterThan(0.1);
  });

  it('rejects bad input naming the field, and an artifact of an older format with what to do', async () => {
    await expect(CashFlowModel.train(train, { trees: 0 })).rejects.toThrow(/trees/);
    await expect(CashFlowModel.train(train, { featuresPerSplit: 1.5 })).rejects.toThrow(/featuresPerSplit/);
    await expect(CashFlowModel.train([{ features: [1, 2], target: 3, issueDate: '2024-01-01', paidDate: '2024-01-04' }, { features: [1, 2], target: 3, issueDate: '2024-01-01', paidDate: '2024-01-04' }])).rejects.toThrow(/rows\[0\]\.features/);
    const bad = train.slice(0, 5).map((r) => ({ ...r, features: Float64Array.from(r.features) }));
    bad[2]!.features[6] = NaN;
    await expect(CashFlowModel.train(bad)).rejects.toThrow(/rows\[2\]\.features\.issue_month/);
    expect(() => CashFlowModel.fromJSON({ format: 'openfatture.cash-flow/1', featureNames: [] })).toThrow(/older format.*retrain/);
    expect(() => CashFlowModel.fromJSON({ ...model.toJSON(), forest: { cols: 3, trees: [] } })).toThrow(/artifact\.forest/);
  });

  it('given an invoice still unpaid, moves its whole distribution past today and says it is late once past due', () => {
    const row = test.find((r) => r.target > termsDaysOf(r.features) + 10)!;
    const p = model.predict([row.features])[0]!;
    const terms = termsDaysOf(row.features);
    const early = givenUnpaidAfter(p, 3, terms);
    expect(early.days).toBeGreaterThanOrEqual(4);
    const past = givenUnpaidAfter(p, terms + 5, terms);
    expect(past.lateProbability).toBe(1);
    expect(past.days).toBeGreaterThanOrEqual(terms + 6);
    for (const q of past.quantiles) expect(q).toBeGreaterThanOrEqual(terms + 6);
    expect(past.p10).toBeLessThanOrEqual(past.days);
    expect(past.p90).toBeGreaterThanOrEqual(past.days);
  });
});
