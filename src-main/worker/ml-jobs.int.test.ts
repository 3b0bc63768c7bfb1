import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../core/db/database';
import { createLogger } from '../core/logger';
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import { predictCashFlowInWorker, trainCashFlowInWorker } from '../core/ml/cash-flow/cash-flow-jobs';
import { buildTrainingSet } from '../core/ml/cash-flow/training-set';
import { writeSyntheticHistory } from '../core/ml/cash-flow/synthetic-history';
import { nodeWorkerSpawner } from '../core/worker/node-worker';
import { WorkerHost } from '../core/worker/worker-host';

const worker = new WorkerHost(nodeWorkerSpawner(), createLogger({ consoleLevel: 'error' }));
afterAll(() => worker.stop());

describe('cash-flow worker jobs', () => {
  it('trains in the worker with a progress event per tree, and predicts like the same model in-process', async () => {
    const db = openDatabase(':memory:');
    writeSyntheticHistory(db.sqlite, { invoices: 300, clients: 6, seed: 4 });
    const rows = buildTrainingSet(db.sqlite);
    await db.close();
    const progress: string[] = [];
    const { artifact, ms } = await trainCashFlowInWorker(worker, rows, { nEstimators: 6, seed: 3 }, (p) => progress.push(`${p.step}:${p.current}/${p.total}`));
    expect(progress).toEqual(['train:1/6', 'train:2/6', 'train:3/6', 'train:4/6', 'train:5/6', 'train:6/6']);
    expect(ms).toBeGreaterThan(0);
    const local = CashFlowModel.train(rows, { nEstimators: 6, seed: 3 });
    const x = rows.slice(0, 20).map((r) => r.features);
    expect(await predictCashFlowInWorker(worker, artifact, x)).toEqual(local.predict(x));
  });

  it('reports bad training input as an error naming the field', async () => {
    await expect(trainCashFlowInWorker(worker, [{ features: [1], target: 1 }, { features: [1], target: 2 }])).rejects.toThrow(/rows\[0\]\.features/);
  });
});
