// The worker jobs of the cash-flow model (declared here so both sides see their types) and the
// main-side helpers that call them: training and batch prediction never run on the main thread.
import type { Progress } from '../../worker/protocol';
import type { WorkerHost } from '../../worker/worker-host';
import type { CashFlowArtifact, CashFlowPrediction, CashFlowTrainOptions, TrainExample } from './cash-flow-model';

export interface CashFlowTrainJobArgs {
  rows: TrainExample[];
  options: CashFlowTrainOptions;
}

export interface CashFlowTrainJobResult {
  artifact: CashFlowArtifact;
  /** Training time inside the worker, in milliseconds (wall clock, and CPU time of the worker). */
  ms: number;
  cpuMs: number;
}

declare module '../../worker/protocol' {
  interface WorkerJobs {
    /** Trains a CashFlowModel; progress {step:'train', current, total} after each tree. */
    'ml.cashflow.train': { args: CashFlowTrainJobArgs; result: CashFlowTrainJobResult };
    /** Predicts with a serialised model. */
    'ml.cashflow.predict': { args: { artifact: CashFlowArtifact; features: number[][] }; result: CashFlowPrediction[] };
  }
}

/** Trains in the worker; only the fields the model needs cross the process boundary. */
export function trainCashFlowInWorker(
  worker: WorkerHost,
  rows: readonly TrainExample[],
  options: CashFlowTrainOptions = {},
  onProgress?: (p: Progress) => void,
): Promise<CashFlowTrainJobResult> {
  const slim = rows.map((r) => ({ features: [...r.features], target: r.target }));
  return worker.call('ml.cashflow.train', { rows: slim, options }, { onProgress });
}

export function predictCashFlowInWorker(worker: WorkerHost, artifact: CashFlowArtifact, features: readonly (readonly number[])[]): Promise<CashFlowPrediction[]> {
  return worker.call('ml.cashflow.predict', { artifact, features: features.map((f) => [...f]) });
}
