// A forest-training thread (worker_threads, started by TreePool inside the worker process): it
// receives a binned dataset once, in shared memory, then grows the trees it is asked for and sends
// each one back as transferred buffers. Loaded as its own entry point (a thread has no access to
// the modules of the thread that started it).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { BinnedFeatures } from './binning';
import { growTree, treeBuffers, type TreeArrays, type TreeOptions } from './regression-tree';

export interface SharedDataset {
  id: number;
  rows: number;
  cols: number;
  codes: Uint8Array;
  bins: Uint16Array;
  /** Every feature's thresholds, concatenated; feature f's start at thresholdOffsets[f]. */
  thresholds: Float64Array;
  thresholdOffsets: Int32Array;
  y: Float64Array;
  draw: Float64Array | null;
}

export type ToTreeThread =
  | { type: 'dataset'; dataset: SharedDataset }
  | { type: 'tree'; datasetId: number; index: number; seed: number; options: TreeOptions }
  | { type: 'drop'; datasetId: number };

export type FromTreeThread =
  | { type: 'tree'; datasetId: number; index: number; tree: TreeArrays }
  | { type: 'error'; datasetId: number; index: number; message: string };

export function unshare(d: SharedDataset): { data: BinnedFeatures; y: Float64Array } {
  const thresholds: Float64Array[] = [];
  for (let f = 0; f < d.cols; f++) thresholds.push(d.thresholds.subarray(d.thresholdOffsets[f]!, d.thresholdOffsets[f + 1]!));
  return { data: { rows: d.rows, cols: d.cols, codes: d.codes, bins: d.bins, thresholds, ...(d.draw ? { draw: d.draw } : {}) }, y: d.y };
}

export function serveTreeThread(port: MessagePort): void {
  const datasets = new Map<number, { data: BinnedFeatures; y: Float64Array }>();
  port.on('message', (m: ToTreeThread) => {
    if (m.type === 'dataset') datasets.set(m.dataset.id, unshare(m.dataset));
    else if (m.type === 'drop') datasets.delete(m.datasetId);
    else {
      const d = datasets.get(m.datasetId);
      try {
        if (!d) throw new Error(`dataset ${m.datasetId} is not loaded in this thread`);
        const tree = growTree(d.data, d.y, m.seed, m.options);
        const reply: FromTreeThread = { type: 'tree', datasetId: m.datasetId, index: m.index, tree };
        port.postMessage(reply, treeBuffers(tree));
      } catch (e) {
        const reply: FromTreeThread = { type: 'error', datasetId: m.datasetId, index: m.index, message: e instanceof Error ? e.message : String(e) };
        port.postMessage(reply);
      }
    }
  });
}

/** Set in workerData by TreePool, so importing this module anywhere else starts nothing. */
export const TREE_THREAD_MARKER = 'openfattureTreeThread';

if (parentPort && (workerData as Record<string, unknown> | null)?.[TREE_THREAD_MARKER] === true) serveTreeThread(parentPort);
