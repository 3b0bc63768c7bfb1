// The worker jobs of the cash-flow model on rows sent by main (declared here so both sides see their
// types) and the main-side helpers that call them: training and batch prediction never run on the
// main thread. The registry's jobs (registry/serialized-model-jobs.ts) read the rows in the worker.
import type { Progress } from '../../worker/protocol';
import type { WorkerHost } from '../../worker/worker-host';
import type { CashFlowArtifact, CashFlowPrediction, CashFlowTrainOptions, TrainExample } from './cash-flow-model';

export interface CashFlowTrainJobArgs {
  rows: TrainExample[];
  options: CashFlowTrainOptions;
}

export interface CashFlowTrainJobResult {
  artifact: CashFlowArtifact;
  /** Training time inside the worker, in milliseconds (wall clock, and CPU time of the worker process, threads included). */
  ms: number;
  cpuMs: number;
  /** Threads the trees were grown on. */
  threads: number;
}

declare module '../../worker/protocol' {
  interface WorkerJobs {
    /** Trains a CashFlowModel; progress {step:'select'|'train', current, total}. */
    'ml.cashflow.train': { args: CashFlowTrainJobArgs; result: CashFlowTrainJobResult };
    /** Predicts with a serialised model. */
    'ml.cashflow.predict': { args: { artifact: CashFlowArtifact; features: Float64Array[] }; result: CashFlowPrediction[] };
  }
}

/** Trains in the worker; only the fields the model needs cross the process boundary. */
export function trainCashFlowInWorker(
  worker: WorkerHost,
  rows: readonly TrainExample[],
  options: CashFlowTrainOptions = {},
  onProgress?: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<CashFlowTrainJobResult> {
  const slim = rows.map((r) => ({ features: Float64Array.from(r.features), target: r.target, issueDate: r.issueDate, paidDate: r.paidDate }));
  return worker.call('ml.cashflow.train', { rows: slim, options }, { onProgress, signal });
}

export function predictCashFlowInWorker(worker: WorkerHost, artifact: CashFlowArtifact, features: readonly ArrayLike<number>[]): Promise<CashFlowPrediction[]> {
  return worker.call('ml.cashflow.predict', { artifact, features: features.map((f) => Float64Array.from(f)) });
}
