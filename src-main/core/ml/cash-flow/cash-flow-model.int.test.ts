import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/database';
import { regressionMetrics } from '../metrics';
import { CashFlowModel } from './cash-flow-model';
import { buildTrainingSet, termsDaysOf, type TrainingRow } from './training-set';
import { writeSyntheticHistory } from './synthetic-history';

let database: Database;
let train: TrainingRow[];
let test: TrainingRow[];

beforeAll(() => {
  database = openDatabase(':memory:');
  writeSyntheticHistory(database.sqlite, { invoices: 600, clients: 12, seed: 21 });
  train = buildTrainingSet(database.sqlite, { paidBefore: '2024-01-01' });
  test = buildTrainingSet(database.sqlite, { issuedFrom: '2024-01-01' });
});
afterAll(() => database.close());

describe('CashFlowModel', () => {
  it('trains with progress per tree and beats the due-date baseline on later invoices', () => {
    const progress: number[] = [];
    const model = CashFlowModel.train(train, { nEstimators: 10, seed: 1 }, (p) => progress.push(p.current));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const preds = model.predict(test.map((r) => r.features));
    const m = regressionMetrics(test.map((r, i) => ({ actual: r.target, predicted: preds[i]!.days, termsDays: termsDaysOf(r.features) })), 7);
    const due = regressionMetrics(test.map((r) => ({ actual: r.target, predicted: termsDaysOf(r.features), termsDays: termsDaysOf(r.features) })), 7);
    expect(m.mae).toBeLessThan(due.mae * 0.7);
    for (const p of preds) {
      expect(p.p10).toBeLessThanOrEqual(p.days);
      expect(p.p90).toBeGreaterThanOrEqual(p.days);
    }
    expect(preds.some((p) => p.p90 - p.p10 > 0)).toBe(true);
  });

  it('is reproducible with a seed and round-trips through JSON with identical predictions', () => {
    const a = CashFlowModel.train(train, { nEstimators: 8, seed: 7 });
    const b = CashFlowModel.train(train, { nEstimators: 8, seed: 7 });
    const c = CashFlowModel.train(train, { nEstimators: 8, seed: 8 });
    const x = test.map((r) => r.features);
    expect(b.predict(x)).toEqual(a.predict(x));
    expect(c.predict(x)).not.toEqual(a.predict(x));
    const loaded = CashFlowModel.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(loaded.predict(x)).toEqual(a.predict(x));
    expect(loaded.options).toEqual(a.options);
    const imp = a.featureImportance();
    expect(Object.values(imp).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(imp.client_mean_late! + imp.client_recent_late! + imp.client_median_late! + imp.client_last_late!).toBeGreaterThan(0.1);
  });

  it('rejects bad input naming the field', () => {
    expect(() => CashFlowModel.train(train, { nEstimators: 0 })).toThrow(/nEstimators/);
    expect(() => CashFlowModel.train([{ features: [1, 2], target: 3 }, { features: [1, 2], target: 3 }])).toThrow(/rows\[0\]\.features/);
    const bad = train.slice(0, 5).map((r) => ({ ...r, features: [...r.features] }));
    bad[2]!.features[3] = NaN;
    expect(() => CashFlowModel.train(bad)).toThrow(/rows\[2\]\.features\.issue_month/);
    expect(() => CashFlowModel.fromJSON({ format: 'other' })).toThrow(/artifact/);
  });
});
