import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../core/db/database';
import { createLogger } from '../core/logger';
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import { predictCashFlowInWorker, trainCashFlowInWorker } from '../core/ml/cash-flow/cash-flow-jobs';
import { planReceivables, writeReceivables } from '../core/ml/cash-flow/receivables-simulator';
import { buildTrainingSet } from '../core/ml/cash-flow/training-set';
import { nodeWorkerSpawner } from '../core/worker/node-worker';
import { WorkerHost } from '../core/worker/worker-host';

const worker = new WorkerHost(nodeWorkerSpawner(), createLogger({ consoleLevel: 'error' }));
afterAll(() => worker.stop());

function rows() {
  const db = openDatabase(':memory:');
  writeReceivables(db.sqlite, planReceivables({ seed: 4, start: '2023-01-02', months: 14, initialClients: 12, newClientsPerMonth: 1, invoicesPerMonth: 40 }));
  const r = buildTrainingSet(db.sqlite);
  void db.close();
  return r;
}

describe('cash-flow worker jobs', () => {
  it('chooses settings and trains in the worker on its thread pool, with progress, predicting like the same model in-process', async () => {
    const data = rows();
    const progress: string[] = [];
    const { artifact, ms, threads } = await trainCashFlowInWorker(worker, data, { trees: 6, seed: 3 }, (p) => progress.push(`${p.step}:${p.current}/${p.total}`));
    expect(threads).toBeGreaterThanOrEqual(1);
    const select = progress.filter((p) => p.startsWith('select:'));
    expect(select.length).toBeGreaterThan(3);
    expect(select.at(-1)).toMatch(/^select:(\d+)\/\1$/);
    // The day forest's 6 trees, then the late-payment forest's 100.
    const train = progress.filter((p) => p.startsWith('train:'));
    expect(train).toEqual(Array.from({ length: 106 }, (_, i) => `train:${i + 1}/106`));
    expect(ms).toBeGreaterThan(0);
    expect(artifact.selection.method).toBe('rolling-origin-cv');
    const local = await CashFlowModel.train(data, { trees: 6, seed: 3 });
    const x = data.slice(0, 20).map((r) => r.features);
    expect(await predictCashFlowInWorker(worker, artifact, x)).toEqual(local.predict(x));
  });

  it('reports bad training input as an error naming the field', async () => {
    await expect(trainCashFlowInWorker(worker, [{ features: [1], target: 1, issueDate: '2024-01-01', paidDate: '2024-01-02' }, { features: [1], target: 2, issueDate: '2024-01-01', paidDate: '2024-01-03' }])).rejects.toThrow(/rows\[0\]\.features/);
  });

  it('cancels a training when the caller aborts: the call fails with CANCELLED and the worker keeps serving', async () => {
    const data = rows();
    const controller = new AbortController();
    const training = trainCashFlowInWorker(worker, data, { seed: 9 }, (p) => {
      if (p.step === 'select' && p.current >= 1) controller.abort();
    }, controller.signal);
    await expect(training).rejects.toMatchObject({ code: 'CANCELLED' });
    const { artifact } = await trainCashFlowInWorker(worker, data.slice(0, 60), { trees: 3, seed: 1 });
    expect(artifact.hyperparameters.trees).toBe(3);
  });
});
