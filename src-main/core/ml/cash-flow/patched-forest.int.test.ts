// The patched split search on the demo data's cash-flow features (many tied values: months, counts, flags):
// the forest's accuracy must match the original exhaustive search within 1% MAE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomForestRegression } from 'ml-random-forest';
import { openDatabase, type Database } from '../../db/database';
import { regressionMetrics } from '../metrics';
import { buildTrainingSet, termsDaysOf, type TrainingRow } from './training-set';
import { generateDemo } from '../../demo/generate-demo';

let database: Database;
let train: TrainingRow[];
let test: TrainingRow[];

beforeAll(() => {
  database = openDatabase(':memory:');
  generateDemo(database.sqlite, { invoices: 500, clients: 20, years: 2, seed: 77, today: '2026-06-30' });
  train = buildTrainingSet(database.sqlite, { paidBefore: '2025-10-01' });
  test = buildTrainingSet(database.sqlite, { issuedFrom: '2025-10-01' });
});
afterAll(() => database.close());

function forestMae(fastSplit: boolean): { mae: number; ms: number } {
  const forest = new RandomForestRegression({
    nEstimators: 10,
    seed: 5,
    maxFeatures: 1.0,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    treeOptions: { maxDepth: 8, minNumSamples: 5, ...(fastSplit ? {} : { fastSplit: false }) },
  });
  const t0 = performance.now();
  forest.train(train.map((r) => [...r.features]), train.map((r) => r.target));
  const ms = performance.now() - t0;
  const pred = forest.predict(test.map((r) => [...r.features]));
  return { mae: regressionMetrics(test.map((r, i) => ({ actual: r.target, predicted: pred[i]!, termsDays: termsDaysOf(r.features) })), 7).mae, ms };
}

describe('patched ml-cart inside the random forest', () => {
  it('matches the original MAE within 1% on the demo data, faster', () => {
    expect(train.length).toBeGreaterThan(250);
    expect(test.length).toBeGreaterThan(50);
    const original = forestMae(false);
    const patched = forestMae(true);
    expect(Math.abs(patched.mae - original.mae) / original.mae).toBeLessThan(0.01);
    expect(patched.ms).toBeLessThan(original.ms);
  });
});
