// The worker job that grows a bare quantile forest on rows sent by main, on the worker's thread pool
// (declared here so both sides see its types). The cash-flow model trains through its own jobs; this
// one measures the forest alone (bench/training.bench.ts) against other implementations.
import type { Progress } from '../../worker/protocol';
import type { WorkerHost } from '../../worker/worker-host';
import type { EncodedForest, ForestOptions } from './quantile-forest';

export interface ForestTrainJobResult {
  forest: EncodedForest;
  /** Wall time and CPU time (the worker process, its threads included) of the training, in ms. */
  ms: number;
  cpuMs: number;
  threads: number;
}

declare module '../../worker/protocol' {
  interface WorkerJobs {
    /** Grows a forest on a row-major matrix; progress {step:'train', current, total} per tree. */
    'ml.forest.train': { args: { x: Float64Array; y: Float64Array; cols: number; options: ForestOptions }; result: ForestTrainJobResult };
  }
}

export function trainForestInWorker(worker: WorkerHost, x: Float64Array, y: Float64Array, cols: number, options: ForestOptions, onProgress?: (p: Progress) => void): Promise<ForestTrainJobResult> {
  return worker.call('ml.forest.train', { x, y, cols, options }, { onProgress });
}
