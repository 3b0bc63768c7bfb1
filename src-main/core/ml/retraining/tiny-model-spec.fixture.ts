// Test fixture for the generic lifecycle: a real but tiny model (mean days to payment per client,
// global mean for new clients) trained in-process on the same paid-invoice data as cash_flow, and a
// capturing logger. `bias` makes a deliberately worse model, so tests can create versions that a
// later retrain beats.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openDatabase, type Database } from '../../db/database';
import { addDays } from '../../dates';
import { defaultSettings, type Settings } from '../../config/settings';
import { createLogger, type Logger } from '../../logger';
import { WorkerHost } from '../../worker/worker-host';
import { nodeWorkerSpawner } from '../../worker/node-worker';
import { buildTrainingSet, termsDaysOf } from '../cash-flow';
import { writeSyntheticHistory } from '../cash-flow/synthetic-history';
import { evaluationFrom, sharedRetrainingThresholds, type Holdout, type ModelSpec, type SpecContext } from '../model-spec';

export interface TinyModelKnobs {
  /** Days added to every prediction of the next trained model. */
  bias: number;
  /** Throw from train() (a failing trainer). */
  fail?: string;
  trainCalls: number;
}

interface TinyArtifact {
  format: 'tiny/1';
  clientMeans: Record<string, number>;
  global: number;
  bias: number;
}

function holdoutRows(ctx: SpecContext, holdout: Holdout) {
  const ids = new Set(holdout.entityIds);
  return buildTrainingSet(ctx.database.sqlite).filter((r) => ids.has(r.invoiceId));
}

export function tinyModelSpec(name: string, knobs: TinyModelKnobs): ModelSpec {
  return {
    name,
    title: 'Tiny mean-per-client model',
    primaryMetric: 'mae',
    unit: 'days',
    minTrainingRows: 25,
    examplesLabel: 'paid invoices',
    baselineLabel: 'due-date baseline',
    thresholds: sharedRetrainingThresholds,
    async labelledExamples(ctx) {
      return buildTrainingSet(ctx.database.sqlite, { paidBefore: addDays(ctx.today, 1) }).map((r) => ({ entityId: r.invoiceId, featureDate: r.issueDate, outcomeDate: r.paidDate }));
    },
    async train(ctx, options) {
      knobs.trainCalls++;
      if (knobs.fail) throw new Error(knobs.fail);
      const rows = buildTrainingSet(ctx.database.sqlite, { paidBefore: options.cutoff });
      const sums = new Map<number, [number, number]>();
      for (const r of rows) {
        const s = sums.get(r.clientId) ?? [0, 0];
        sums.set(r.clientId, [s[0] + r.target, s[1] + 1]);
        options.onProgress?.({ step: 'train', current: sums.size, total: rows.length });
      }
      const artifact: TinyArtifact = {
        format: 'tiny/1',
        clientMeans: Object.fromEntries([...sums].map(([c, [t, n]]) => [String(c), t / n])),
        global: rows.reduce((s, r) => s + r.target, 0) / Math.max(1, rows.length),
        bias: knobs.bias,
      };
      return { artifact: JSON.stringify(artifact), trainingRows: rows.length };
    },
    async evaluate(ctx, artifact, holdout) {
      const a = JSON.parse(artifact) as TinyArtifact;
      return evaluationFrom(
        holdoutRows(ctx, holdout).map((r) => ({ entityId: r.invoiceId, predicted: (a.clientMeans[String(r.clientId)] ?? a.global) + a.bias, actual: r.target })),
        ctx.settings.ML_TOLERANCE_DAYS,
      );
    },
    async evaluateBaseline(ctx, holdout) {
      return evaluationFrom(holdoutRows(ctx, holdout).map((r) => ({ entityId: r.invoiceId, predicted: termsDaysOf(r.features), actual: r.target })), ctx.settings.ML_TOLERANCE_DAYS);
    },
  };
}

export interface CapturedLogger {
  logger: Logger;
  lines: string[];
}

export function capturingLogger(): CapturedLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ console: stream, consoleLevel: 'debug' }), lines };
}

export interface LifecycleFixture {
  dir: string;
  database: Database;
  worker: WorkerHost;
  settings: Settings;
  log: CapturedLogger;
  close(): Promise<void>;
}

/** A data dir with a migrated database holding a synthetic history of `invoices` invoices. */
export function lifecycleFixture(invoices = 200, overrides: Partial<Settings> = {}): LifecycleFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-lifecycle-'));
  const database = openDatabase(path.join(dir, 'openfatture.db'));
  writeSyntheticHistory(database.sqlite, { invoices, seed: 11, start: '2023-01-02', years: 2 });
  const log = capturingLogger();
  const worker = new WorkerHost(nodeWorkerSpawner(), log.logger);
  const settings = { ...defaultSettings(), ...overrides };
  return {
    dir,
    database,
    worker,
    settings,
    log,
    async close() {
      await worker.stop();
      await database.close();
    },
  };
}
