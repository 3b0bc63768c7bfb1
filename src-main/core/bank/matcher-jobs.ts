// The worker job that fits the payment matcher on labelled candidate pairs (Newton steps as progress),
// declared here so both sides see its types.
import type { WorkerHost } from '../worker/worker-host';
import type { Progress } from '../worker/protocol';

export interface TrainMatcherJobArgs {
  rows: { features: number[]; label: 0 | 1 }[];
}

declare module '../worker/protocol' {
  interface WorkerJobs {
    /** Fits the logistic scorer; the result is the serialized artifact. */
    'bank.matcher.train': { args: TrainMatcherJobArgs; result: { artifact: string; trainingRows: number } };
  }
}

export function trainMatcherInWorker(worker: WorkerHost, rows: TrainMatcherJobArgs['rows'], onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<{ artifact: string; trainingRows: number }> {
  return worker.call('bank.matcher.train', { rows }, { onProgress, signal });
}
