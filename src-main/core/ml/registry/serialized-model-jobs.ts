// Worker jobs of the cash_flow lifecycle. Everything heavy happens in the worker: the feature pass
// over every paid invoice (its own read-only connection to the database), model selection and
// training (trees on worker_threads), and JSON work on the forest. Main only sends dates and ids and
// receives a JSON string and plain numbers: done on the main thread, the feature pass alone blocked
// the event loop for 1–2 s per call on 10k invoices, and cloning/parsing the forest for seconds more
// (bench/retrain-lag.bench.ts).
import { errorCode } from '../../errors';
import type { Progress } from '../../worker/protocol';
import type { WorkerHost } from '../../worker/worker-host';
import type { BacktestOptions, BacktestResult } from '../backtest';
import type { CashFlowPrediction, CashFlowTrainOptions } from '../cash-flow';
import type { LabelledExample, RowPrediction } from '../model-spec';
import { sha256 } from './artifact-store';

/** What the worker needs to rebuild the rows known on a given day. */
export interface DatasetRef {
  /** Database file (the worker opens it read-only). */
  database: string;
  /** Only payments made by this date are known. */
  today: string;
}

/** A model the worker may already hold (by checksum); the text is sent only when it does not. */
export type ModelRef = { sha256: string; artifact: string | null };

export interface TrainSerializedResult {
  artifact: string;
  sha256: string;
  trainingRows: number;
  ms: number;
  /** The chosen settings and cross-validation scores (the artifact's selection and calibration summary). */
  selection: unknown;
}

/** Baseline predictions next to each scored row: due date, client running mean, global mean of the training data. */
export interface ScoredRows {
  rows: RowPrediction[];
  baselines: { due_date: number[]; client_mean: number[] };
}

declare module '../../worker/protocol' {
  interface WorkerJobs {
    /** Paid invoices known by `today`: id, issue date (features), full-payment date (outcome). */
    'ml.cashflow.examples': { args: DatasetRef & { from?: string | null; clientId?: number | null }; result: LabelledExample[] };
    /** Trains on invoices paid before `cutoff` (settings chosen by time-series CV, or reused from `reuse`);
     * returns the artifact as a JSON string (the worker keeps the model loaded). */
    'ml.cashflow.train-serialized': { args: DatasetRef & { cutoff: string; options: CashFlowTrainOptions; reuse: ModelRef | null }; result: TrainSerializedResult };
    /** Scores a model (null = the due-date baseline) on the given invoices, with intervals and late probabilities.
     * Fails with MODEL_NOT_CACHED when `artifact` is null and the worker does not hold that checksum. */
    'ml.cashflow.score': { args: DatasetRef & { model: ModelRef | null; entityIds: number[] }; result: ScoredRows };
    /** Predicts with a JSON-string artifact (the parsed model is cached by checksum in the worker). */
    'ml.cashflow.predict-serialized': { args: { model: ModelRef; features: Float64Array[] }; result: CashFlowPrediction[] };
    /** Runs a whole backtest in the worker (rows, selection, training, scoring). */
    'ml.cashflow.backtest': { args: { database: string; options: BacktestOptions }; result: BacktestResult };
  }
}

export function examplesInWorker(worker: WorkerHost, ref: DatasetRef, filter: { from?: string | null; clientId?: number | null } = {}): Promise<LabelledExample[]> {
  return worker.call('ml.cashflow.examples', { ...ref, ...filter });
}

/** Sends `artifact` only if the worker does not hold it already (it keeps the last few by checksum). */
async function withModel<T>(artifact: string, call: (model: ModelRef) => Promise<T>): Promise<T> {
  const digest = sha256(artifact);
  try {
    return await call({ sha256: digest, artifact: null });
  } catch (e) {
    if (errorCode(e) !== 'MODEL_NOT_CACHED') throw e;
    return call({ sha256: digest, artifact });
  }
}

export function trainSerializedInWorker(
  worker: WorkerHost,
  ref: DatasetRef,
  cutoff: string,
  options: CashFlowTrainOptions,
  o: { onProgress?: (p: Progress) => void; signal?: AbortSignal; reuseSettingsOf?: string } = {},
): Promise<TrainSerializedResult> {
  const call = (reuse: ModelRef | null) => worker.call('ml.cashflow.train-serialized', { ...ref, cutoff, options, reuse }, { onProgress: o.onProgress, signal: o.signal });
  return o.reuseSettingsOf ? withModel(o.reuseSettingsOf, call) : call(null);
}

/** Scores `artifact` (null = baseline) on the given invoices. */
export async function scoreInWorker(worker: WorkerHost, ref: DatasetRef, artifact: string | null, entityIds: readonly number[]): Promise<ScoredRows> {
  const ids = [...entityIds];
  if (artifact === null) return worker.call('ml.cashflow.score', { ...ref, model: null, entityIds: ids });
  return withModel(artifact, (model) => worker.call('ml.cashflow.score', { ...ref, model, entityIds: ids }));
}

export function predictSerializedInWorker(worker: WorkerHost, artifact: string, features: readonly Float64Array[]): Promise<CashFlowPrediction[]> {
  return withModel(artifact, (model) => worker.call('ml.cashflow.predict-serialized', { model, features: [...features] }));
}

export function backtestInWorker(worker: WorkerHost, database: string, options: BacktestOptions, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<BacktestResult> {
  return worker.call('ml.cashflow.backtest', { database, options }, { onProgress, signal });
}
