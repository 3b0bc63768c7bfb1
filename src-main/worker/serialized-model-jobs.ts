// Worker side of the cash_flow lifecycle jobs (src-main/core/ml/registry/serialized-model-jobs.ts):
// the feature pass, model selection, training (trees on this process's thread pool) and the
// forest's JSON happen here, never on the main thread.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { addDays } from '../core/dates';
import { dataVersion } from '../core/db/database-maintenance';
import { openDatabase, type Database } from '../core/db/database';
import { AppError } from '../core/errors';
import { runCashFlowBacktest } from '../core/ml/backtest';
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import { buildTrainingSet, featureIndex, termsDaysOf, type TrainingRow } from '../core/ml/cash-flow/training-set';
import '../core/ml/registry/serialized-model-jobs';
import type { DatasetRef, ModelRef } from '../core/ml/registry/serialized-model-jobs';
import { forestPool } from './forest-pool';
import { registerJob } from './jobs';

const connections = new Map<string, Database>();
let rowsCache: { key: string; rows: TrainingRow[]; byId: Map<number, TrainingRow> } | null = null;

function sqliteFor(file: string): BetterSqlite3.Database {
  let d = connections.get(file);
  if (!d) {
    d = openDatabase(file, { readonly: true });
    connections.set(file, d);
  }
  return d.sqlite;
}

/** Paid invoices known by `today`, rebuilt only when another connection committed since (data_version). */
function knownRows(ref: DatasetRef): { rows: TrainingRow[]; byId: Map<number, TrainingRow> } {
  const sqlite = sqliteFor(ref.database);
  const version = dataVersion(sqlite);
  const key = `${ref.database}|${ref.today}|${version}`;
  if (rowsCache?.key !== key) {
    const rows = buildTrainingSet(sqlite, { paidBefore: addDays(ref.today, 1) });
    rowsCache = { key, rows, byId: new Map(rows.map((r) => [r.invoiceId, r])) };
  }
  return rowsCache;
}

/** The last few parsed models by checksum: champion/challenger scores the same artifacts repeatedly,
 * and a model this worker just trained is scored without its text crossing the process boundary. */
const parsed = new Map<string, CashFlowModel>();
const CACHE_SIZE = 4;

function remember(key: string, model: CashFlowModel): CashFlowModel {
  parsed.delete(key);
  parsed.set(key, model);
  if (parsed.size > CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return model;
}

function modelOf(ref: ModelRef): CashFlowModel {
  const cached = parsed.get(ref.sha256);
  if (cached) return remember(ref.sha256, cached);
  if (ref.artifact === null) throw new AppError('MODEL_NOT_CACHED', `model ${ref.sha256.slice(0, 12)}… is not loaded in the worker`);
  const digest = crypto.createHash('sha256').update(ref.artifact).digest('hex');
  return remember(digest, CashFlowModel.fromJSON(JSON.parse(ref.artifact)));
}

registerJob('ml.cashflow.examples', ({ from, clientId, ...ref }) =>
  knownRows(ref)
    .rows.filter((r) => (from ? r.issueDate >= from : true) && (clientId !== undefined && clientId !== null ? r.clientId === clientId : true))
    .map((r) => ({ entityId: r.invoiceId, featureDate: r.issueDate, outcomeDate: r.paidDate })),
);

registerJob('ml.cashflow.train-serialized', async ({ cutoff, options, reuse, ...ref }, ctx) => {
  const t0 = performance.now();
  const rows = knownRows(ref).rows.filter((r) => r.paidDate < cutoff);
  const base = reuse ? modelOf(reuse) : null;
  const model = await CashFlowModel.train(
    rows,
    base ? { ...options, reuse: { hyperparameters: base.hyperparameters, calibration: base.calibration, selection: base.selection } } : options,
    { grower: forestPool(), onProgress: (p) => ctx.progress(p), signal: ctx.signal },
  );
  const artifact = JSON.stringify(model.toJSON());
  const sha256 = crypto.createHash('sha256').update(artifact).digest('hex');
  remember(sha256, model);
  const s = model.selection;
  return {
    artifact,
    sha256,
    trainingRows: rows.length,
    ms: performance.now() - t0,
    selection: {
      method: s.method,
      reason: s.reason,
      hyperparameters: model.hyperparameters,
      cvMae: s.cvMae,
      folds: s.folds,
      followUpDays: s.followUpDays,
      candidates: s.candidates,
      calibrationRows: model.calibration.rows,
    },
  };
});

registerJob('ml.cashflow.score', ({ model, entityIds, ...ref }) => {
  const { byId } = knownRows(ref);
  const rows = entityIds.map((id) => byId.get(id)).filter((r): r is TrainingRow => r !== undefined);
  const clientMean = featureIndex('client_mean_days');
  const baselines = { due_date: rows.map((r) => termsDaysOf(r.features)), client_mean: rows.map((r) => r.features[clientMean]!) };
  if (model === null) return { rows: rows.map((r, i) => ({ entityId: r.invoiceId, predicted: baselines.due_date[i]!, actual: r.target, groupId: r.clientId })), baselines };
  const predictions = modelOf(model).predict(rows.map((r) => r.features));
  return {
    rows: rows.map((r, i) => {
      const p = predictions[i]!;
      return {
        entityId: r.invoiceId,
        predicted: p.days,
        actual: r.target,
        quantiles: p.quantiles,
        eventProbability: p.lateProbability,
        eventActual: r.target > termsDaysOf(r.features),
        groupId: r.clientId,
      };
    }),
    baselines,
  };
});

registerJob('ml.cashflow.predict-serialized', ({ model, features }) => modelOf(model).predict(features));

registerJob('ml.cashflow.backtest', ({ database, options }, ctx) =>
  runCashFlowBacktest(sqliteFor(database), options, { grower: forestPool(), onProgress: (p) => ctx.progress(p), signal: ctx.signal }),
);
