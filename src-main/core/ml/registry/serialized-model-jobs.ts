// Worker jobs of the cash_flow lifecycle. Everything heavy happens in the worker: the feature pass
// over every paid invoice (its own read-only connection to the database), training, and JSON work
// on the forest. Main only sends dates and ids and receives a JSON string and plain numbers: done
// on the main thread, the feature pass alone blocked the event loop for 1–2 s per call on 10k
// invoices, and cloning/parsing the forest for seconds more (bench/retrain-lag.bench.ts).
import { errorCode } from '../../errors';
import type { Progress } from '../../worker/protocol';
import type { WorkerHost } from '../../worker/worker-host';
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

declare module '../../worker/protocol' {
  interface WorkerJobs {
    /** Paid invoices known by `today`: id, issue date (features), full-payment date (outcome). */
    'ml.cashflow.examples': { args: DatasetRef; result: LabelledExample[] };
    /** Trains on invoices paid before `cutoff`; returns the artifact as a JSON string (the worker keeps the model loaded). */
    'ml.cashflow.train-serialized': { args: DatasetRef & { cutoff: string; options: CashFlowTrainOptions }; result: { artifact: string; sha256: string; trainingRows: number; ms: number } };
    /** Scores a model (null = the due-date baseline) on the given invoices. `artifact` may be null when
     * the worker already holds the model with that checksum; otherwise it fails with MODEL_NOT_CACHED. */
    'ml.cashflow.score': { args: DatasetRef & { model: { sha256: string; artifact: string | null } | null; entityIds: number[] }; result: RowPrediction[] };
    /** Predicts with a JSON-string artifact (the parsed model is cached by checksum in the worker). */
    'ml.cashflow.predict-serialized': { args: { artifact: string; features: number[][] }; result: CashFlowPrediction[] };
  }
}

export function examplesInWorker(worker: WorkerHost, ref: DatasetRef): Promise<LabelledExample[]> {
  return worker.call('ml.cashflow.examples', ref);
}

export function trainSerializedInWorker(worker: WorkerHost, ref: DatasetRef, cutoff: string, options: CashFlowTrainOptions, onProgress?: (p: Progress) => void) {
  return worker.call('ml.cashflow.train-serialized', { ...ref, cutoff, options }, { onProgress });
}

/** Scores `artifact` (null = baseline), sending its text only if the worker does not hold it already. */
export async function scoreInWorker(worker: WorkerHost, ref: DatasetRef, artifact: string | null, entityIds: readonly number[]): Promise<RowPrediction[]> {
  const ids = [...entityIds];
  if (artifact === null) return worker.call('ml.cashflow.score', { ...ref, model: null, entityIds: ids });
  const digest = sha256(artifact);
  try {
    return await worker.call('ml.cashflow.score', { ...ref, model: { sha256: digest, artifact: null }, entityIds: ids });
  } catch (e) {
    if (errorCode(e) !== 'MODEL_NOT_CACHED') throw e;
    return worker.call('ml.cashflow.score', { ...ref, model: { sha256: digest, artifact }, entityIds: ids });
  }
}

export function predictSerializedInWorker(worker: WorkerHost, artifact: string, features: readonly (readonly number[])[]): Promise<CashFlowPrediction[]> {
  return worker.call('ml.cashflow.predict-serialized', { artifact, features: features.map((f) => [...f]) });
}
