// Worker side of the cash_flow lifecycle jobs (src-main/core/ml/registry/serialized-model-jobs.ts):
// the feature pass, training and the forest's JSON happen here, never on the main thread.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { addDays } from '../core/dates';
import { dataVersion } from '../core/db/database-maintenance';
import { openDatabase, type Database } from '../core/db/database';
import { AppError } from '../core/errors';
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import { buildTrainingSet, termsDaysOf, type TrainingRow } from '../core/ml/cash-flow/training-set';
import '../core/ml/registry/serialized-model-jobs';
import type { DatasetRef } from '../core/ml/registry/serialized-model-jobs';
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
const CACHE_SIZE = 3;

function remember(key: string, model: CashFlowModel): CashFlowModel {
  parsed.delete(key);
  parsed.set(key, model);
  if (parsed.size > CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return model;
}

function modelOf(artifact: string | null, sha256: string | null): CashFlowModel {
  const key = sha256 ?? crypto.createHash('sha256').update(artifact ?? '').digest('hex');
  const cached = parsed.get(key);
  if (cached) return remember(key, cached);
  if (artifact === null) throw new AppError('MODEL_NOT_CACHED', `model ${key.slice(0, 12)}… is not loaded in the worker`);
  return remember(key, CashFlowModel.fromJSON(JSON.parse(artifact)));
}

registerJob('ml.cashflow.examples', (ref) => knownRows(ref).rows.map((r) => ({ entityId: r.invoiceId, featureDate: r.issueDate, outcomeDate: r.paidDate })));

registerJob('ml.cashflow.train-serialized', ({ cutoff, options, ...ref }, ctx) => {
  const t0 = performance.now();
  const rows = knownRows(ref).rows.filter((r) => r.paidDate < cutoff);
  const model = CashFlowModel.train(rows, options, (p) => ctx.progress(p));
  const artifact = JSON.stringify(model.toJSON());
  const sha256 = crypto.createHash('sha256').update(artifact).digest('hex');
  remember(sha256, model);
  return { artifact, sha256, trainingRows: rows.length, ms: performance.now() - t0 };
});

registerJob('ml.cashflow.score', ({ model, entityIds, ...ref }) => {
  const { byId } = knownRows(ref);
  const rows = entityIds.map((id) => byId.get(id)).filter((r): r is TrainingRow => r !== undefined);
  const predicted = model === null ? rows.map((r) => termsDaysOf(r.features)) : modelOf(model.artifact, model.sha256).predict(rows.map((r) => r.features)).map((p) => p.days);
  return rows.map((r, i) => ({ entityId: r.invoiceId, predicted: predicted[i]!, actual: r.target }));
});

registerJob('ml.cashflow.predict-serialized', ({ artifact, features }) => modelOf(artifact, null).predict(features));
