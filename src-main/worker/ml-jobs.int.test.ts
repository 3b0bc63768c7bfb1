// The cash-flow model trains and predicts in the worker through the registry's jobs: main sends the
// database file and the dates, the worker reads the rows on its own read-only connection, trains on
// its thread pool and hands back the artifact as text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../core/db/database';
import { createLogger } from '../core/logger';
import { CashFlowModel, type CashFlowArtifact } from '../core/ml/cash-flow/cash-flow-model';
import { planReceivables, writeReceivables } from '../core/ml/cash-flow/receivables-simulator';
import { buildTrainingSet } from '../core/ml/cash-flow/training-set';
import { predictSerializedInWorker, trainSerializedInWorker, type DatasetRef } from '../core/ml/registry/serialized-model-jobs';
import { nodeWorkerSpawner } from '../core/worker/node-worker';
import { WorkerHost } from '../core/worker/worker-host';

const worker = new WorkerHost(nodeWorkerSpawner(), createLogger({ consoleLevel: 'error' }));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-ml-jobs-'));
afterAll(async () => {
  await worker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** After every payment of the history below: every paid invoice is known and trained on. */
const TODAY = '2030-01-01';
const CUTOFF = '2030-01-02';

/** A history of 14 months in its own database file; its training rows as main computes them. */
function history(name: string) {
  const file = path.join(dir, `${name}.sqlite`);
  const db = openDatabase(file);
  writeReceivables(db.sqlite, planReceivables({ seed: 4, start: '2023-01-02', months: 14, initialClients: 12, newClientsPerMonth: 1, invoicesPerMonth: 40 }));
  const rows = buildTrainingSet(db.sqlite);
  void db.close();
  const ref: DatasetRef = { database: file, today: TODAY };
  return { ref, rows };
}

describe('cash-flow worker jobs', () => {
  it('chooses settings and trains in the worker on its thread pool, with progress, predicting like the same model in-process', async () => {
    const { ref, rows } = history('train');
    const progress: string[] = [];
    const trained = await trainSerializedInWorker(worker, ref, CUTOFF, { trees: 6, seed: 3 }, { onProgress: (p) => progress.push(`${p.step}:${p.current}/${p.total}`) });
    expect(trained.trainingRows).toBe(rows.length);
    const select = progress.filter((p) => p.startsWith('select:'));
    expect(select.length).toBeGreaterThan(3);
    expect(select.at(-1)).toMatch(/^select:(\d+)\/\1$/);
    // The day forest's 6 trees, then the late-payment forest's 100.
    const train = progress.filter((p) => p.startsWith('train:'));
    expect(train).toEqual(Array.from({ length: 106 }, (_, i) => `train:${i + 1}/106`));
    expect(trained.ms).toBeGreaterThan(0);
    const artifact = JSON.parse(trained.artifact) as CashFlowArtifact;
    expect(artifact.selection.method).toBe('rolling-origin-cv');
    const local = await CashFlowModel.train(rows, { trees: 6, seed: 3 });
    const x = rows.slice(0, 20).map((r) => r.features);
    expect(await predictSerializedInWorker(worker, trained.artifact, x)).toEqual(local.predict(x));
  });

  it('cancels a training when the caller aborts: the call fails with CANCELLED and the worker keeps serving', async () => {
    const { ref } = history('cancel');
    const controller = new AbortController();
    const training = trainSerializedInWorker(worker, ref, CUTOFF, { seed: 9 }, {
      onProgress: (p) => {
        if (p.step === 'select' && p.current >= 1) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(training).rejects.toMatchObject({ code: 'CANCELLED' });
    const again = await trainSerializedInWorker(worker, ref, '2023-06-01', { trees: 3, seed: 1 });
    expect((JSON.parse(again.artifact) as CashFlowArtifact).hyperparameters.trees).toBe(3);
    expect(again.trainingRows).toBeGreaterThan(0);
  });
});
