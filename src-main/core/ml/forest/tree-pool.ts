// TreePool: grows the trees of a forest on worker_threads inside the worker process, at most one
// thread per core. A dataset is binned once and shared (SharedArrayBuffer, no copy per thread);
// each idle thread takes the next tree, so a thread slowed by other work on the machine simply
// grows fewer. Cancelling a training (AbortSignal) drops its queued trees and terminates the
// threads busy with it; the pool starts fresh threads for the next training. Trees come back in
// seed order, so the forest is the same whatever the number of threads.
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BinnedFeatures } from './binning';
import type { TreeGrower } from './quantile-forest';
import type { TreeArrays, TreeOptions } from './regression-tree';
import { TREE_THREAD_MARKER, type FromTreeThread, type SharedDataset, type ToTreeThread } from './tree-thread';

/** Threads to use: one per core the process may use (at least one). */
export function defaultTreeThreads(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** The name of the bundled thread entry (scripts/build-electron.mjs writes it beside worker.cjs). */
export const BUNDLED_THREAD_FILE = 'forest-thread.cjs';

// Defined by the CLI bundle as the bundle's own URL (scripts/build-cli.mjs); undefined elsewhere.
declare const __OPENFATTURE_BUNDLE_URL__: string | undefined;

/** How to start a thread: the bundled file when running from a bundle (Electron's or the CLI's), else the TypeScript source through tsx. */
function threadSpawner(): () => Worker {
  const here = fileURLToPath(import.meta.url);
  const options = { workerData: { [TREE_THREAD_MARKER]: true } };
  if (typeof __OPENFATTURE_BUNDLE_URL__ === 'string') {
    const file = fileURLToPath(new URL('./forest-thread.mjs', __OPENFATTURE_BUNDLE_URL__));
    return () => new Worker(file, options);
  }
  if (here.endsWith('.cjs')) {
    const file = path.join(path.dirname(here), BUNDLED_THREAD_FILE);
    return () => new Worker(file, options);
  }
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./tree-thread.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return () => new Worker(code, { ...options, eval: true });
}

interface Job {
  id: number;
  dataset: SharedDataset;
  options: TreeOptions;
  seeds: readonly number[];
  next: number;
  done: number;
  trees: (TreeArrays | undefined)[];
  onTree?: (done: number) => void;
  resolve(trees: TreeArrays[]): void;
  reject(e: Error): void;
  finished: boolean;
}

interface Slot {
  worker: Worker;
  loaded: Set<number>;
  busy: { job: Job; index: number } | null;
}

/** A copy of `src` in shared memory (threads read it without a copy of their own). */
function shared<T extends ArrayLike<number>, S extends { set(a: T): void }>(src: T & { byteLength: number }, make: (b: SharedArrayBuffer) => S): S {
  const out = make(new SharedArrayBuffer(src.byteLength));
  out.set(src);
  return out;
}

function shareDataset(id: number, data: BinnedFeatures, y: Float64Array): SharedDataset {
  const offsets = new Int32Array(data.cols + 1);
  for (let f = 0; f < data.cols; f++) offsets[f + 1] = offsets[f]! + data.thresholds[f]!.length;
  const flat = new Float64Array(offsets[data.cols]!);
  data.thresholds.forEach((t, f) => flat.set(t, offsets[f]!));
  return {
    id,
    rows: data.rows,
    cols: data.cols,
    codes: shared(data.codes, (b) => new Uint8Array(b)),
    bins: shared(data.bins, (b) => new Uint16Array(b)),
    thresholds: shared(flat, (b) => new Float64Array(b)),
    thresholdOffsets: offsets,
    y: shared(y, (b) => new Float64Array(b)),
    draw: data.draw ? shared(data.draw, (b) => new Float64Array(b)) : null,
  };
}

export class TreePool implements TreeGrower {
  private readonly slots: Slot[] = [];
  private readonly jobs: Job[] = [];
  private nextId = 1;
  private readonly spawn: () => Worker;

  constructor(readonly size = defaultTreeThreads()) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`threads must be a positive integer, got ${size}`);
    this.spawn = threadSpawner();
  }

  /** Threads currently started (they start on the first training and stay for the next). */
  get started(): number {
    return this.slots.length;
  }

  grow(data: BinnedFeatures, y: Float64Array, seeds: readonly number[], options: TreeOptions, onTree?: (done: number) => void, signal?: AbortSignal): Promise<TreeArrays[]> {
    signal?.throwIfAborted();
    return new Promise<TreeArrays[]>((resolve, reject) => {
      const id = this.nextId++;
      const job: Job = {
        id,
        dataset: shareDataset(id, data, y),
        options,
        seeds,
        next: 0,
        done: 0,
        trees: new Array(seeds.length),
        onTree,
        resolve,
        reject,
        finished: false,
      };
      if (!seeds.length) return resolve([]);
      const onAbort = () => this.cancel(job, signal!.reason instanceof Error ? signal!.reason : new Error('training cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = job.resolve;
      const fail = job.reject;
      job.resolve = (t) => {
        signal?.removeEventListener('abort', onAbort);
        finish(t);
      };
      job.reject = (e) => {
        signal?.removeEventListener('abort', onAbort);
        fail(e);
      };
      this.jobs.push(job);
      while (this.slots.length < Math.min(this.size, this.pendingTrees())) this.addSlot();
      this.dispatch();
    });
  }

  /** Stops every thread; pending trainings fail. */
  async close(): Promise<void> {
    for (const job of [...this.jobs]) this.fail(job, new Error('tree pool closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pendingTrees(): number {
    return this.jobs.reduce((s, j) => s + (j.seeds.length - j.next), 0);
  }

  private addSlot(): void {
    const worker = this.spawn();
    worker.unref();
    const slot: Slot = { worker, loaded: new Set(), busy: null };
    worker.on('message', (m: FromTreeThread) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onThreadDeath(slot, e));
    worker.on('exit', (code) => this.onThreadDeath(slot, new Error(`tree thread exited with code ${code}`)));
    this.slots.push(slot);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.jobs.find((j) => j.next < j.seeds.length);
      if (!job) break;
      const index = job.next++;
      slot.busy = { job, index };
      if (!slot.loaded.has(job.id)) {
        slot.worker.postMessage({ type: 'dataset', dataset: job.dataset } satisfies ToTreeThread);
        slot.loaded.add(job.id);
      }
      slot.worker.postMessage({ type: 'tree', datasetId: job.id, index, seed: job.seeds[index]!, options: job.options } satisfies ToTreeThread);
    }
  }

  private onMessage(slot: Slot, m: FromTreeThread): void {
    const busy = slot.busy;
    slot.busy = null;
    const job = busy?.job;
    if (job && !job.finished && m.datasetId === job.id) {
      if (m.type === 'error') this.fail(job, new Error(`growing tree ${m.index + 1}: ${m.message}`));
      else {
        job.trees[m.index] = m.tree;
        job.done++;
        job.onTree?.(job.done);
        if (job.done === job.seeds.length) this.complete(job);
      }
    }
    this.dispatch();
  }

  private complete(job: Job): void {
    job.finished = true;
    this.remove(job);
    job.resolve(job.trees as TreeArrays[]);
  }

  private fail(job: Job, e: Error): void {
    if (job.finished) return;
    job.finished = true;
    this.remove(job);
    job.reject(e);
  }

  private remove(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    for (const s of this.slots) {
      if (s.loaded.delete(job.id)) s.worker.postMessage({ type: 'drop', datasetId: job.id } satisfies ToTreeThread);
    }
  }

  /** Cancels one training: its queued trees are dropped and the threads growing its trees are stopped. */
  private cancel(job: Job, reason: Error): void {
    if (job.finished) return;
    for (const slot of [...this.slots]) {
      if (slot.busy?.job !== job) continue;
      this.retire(slot);
      void slot.worker.terminate();
    }
    this.fail(job, reason);
    while (this.slots.length < Math.min(this.size, this.pendingTrees())) this.addSlot();
    this.dispatch();
  }

  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.busy = null;
  }

  /** A thread that died unexpectedly fails the training it was working on; others continue. */
  private onThreadDeath(slot: Slot, e: Error): void {
    if (!this.slots.includes(slot)) return;
    const busy = slot.busy;
    this.retire(slot);
    if (busy) this.fail(busy.job, e);
    while (this.slots.length < Math.min(this.size, this.pendingTrees())) this.addSlot();
    this.dispatch();
  }
}
