// A random forest of regression trees that answers more than a mean: for each row, the training
// targets of the leaves it reaches, weighted 1/(trees × leaf weight), form a conditional
// distribution (Meinshausen 2006, quantile regression forests). From it come quantiles (the P10–P90
// band) and probabilities of an event (the target above a level: a late payment). Trees are grown
// in parallel by a TreePool when one is given, otherwise here; the result is the same either way.
import { treeSeed } from '../random';
import { binFeatures, MAX_BINS, type BinnedFeatures } from './binning';
import { growTree, leafOf, type TreeArrays, type TreeOptions } from './regression-tree';
import { decodeTree, encodeTree, type EncodedTree } from './tree-codec';

export interface ForestOptions extends TreeOptions {
  trees: number;
  seed: number;
}

/** Something that grows the trees of a forest (the thread pool); `onTree` after each one. */
export interface TreeGrower {
  grow(data: BinnedFeatures, y: Float64Array, seeds: readonly number[], options: TreeOptions, onTree?: (done: number) => void, signal?: AbortSignal): Promise<TreeArrays[]>;
}

export interface EncodedForest {
  cols: number;
  trees: EncodedTree[];
}

/** Grows the trees on this thread, checking `signal` between trees. */
export const inlineGrower: TreeGrower = {
  async grow(data, y, seeds, options, onTree, signal) {
    const out: TreeArrays[] = [];
    for (const seed of seeds) {
      signal?.throwIfAborted();
      out.push(growTree(data, y, seed, options));
      onTree?.(out.length);
    }
    return out;
  },
};

export class QuantileForest {
  private constructor(
    readonly cols: number,
    readonly trees: readonly TreeArrays[],
  ) {}

  /** Trains on a row-major matrix `x` (rows × cols) and targets `y`. */
  static async train(
    x: Float64Array,
    y: Float64Array,
    cols: number,
    options: ForestOptions,
    grower: TreeGrower = inlineGrower,
    onTree?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<QuantileForest> {
    const rows = y.length;
    if (rows < 2) throw new RangeError(`need at least 2 rows, got ${rows}`);
    const data = binFeatures(x, rows, cols, MAX_BINS);
    const seeds = Array.from({ length: options.trees }, (_, i) => treeSeed(options.seed, i));
    const trees = await grower.grow(data, y, seeds, options, (done) => onTree?.(done, options.trees), signal);
    return new QuantileForest(cols, trees);
  }

  static fromTrees(cols: number, trees: readonly TreeArrays[]): QuantileForest {
    return new QuantileForest(cols, trees);
  }

  /** The first `n` trees as a forest of their own (tree counts are compared on prefixes of one forest). */
  prefix(n: number): QuantileForest {
    return new QuantileForest(this.cols, this.trees.slice(0, Math.max(1, Math.min(n, this.trees.length))));
  }

  /** Leaves reached by each row in each tree: leaves[r * trees + t]. */
  leaves(x: Float64Array, rows: number): Int32Array {
    const T = this.trees.length;
    const out = new Int32Array(rows * T);
    for (let r = 0; r < rows; r++) for (let t = 0; t < T; t++) out[r * T + t] = leafOf(this.trees[t]!, x, r * this.cols);
    return out;
  }

  /** Mean of the trees' leaf means, per row. */
  mean(leaves: Int32Array, rows: number): Float64Array {
    const T = this.trees.length;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += this.trees[t]!.value[leaves[r * T + t]!]!;
      out[r] = s / T;
    }
    return out;
  }

  /**
   * Per row: the weighted quantiles of the leaf distributions at `levels` (ascending, in (0, 1)),
   * and the probability mass strictly above `eventAbove`. quantiles[r * levels.length + k].
   */
  distribution(leaves: Int32Array, rows: number, levels: readonly number[], eventAbove: number): { quantiles: Float64Array; event: Float64Array } {
    const T = this.trees.length;
    const L = levels.length;
    const quantiles = new Float64Array(rows * L);
    const event = new Float64Array(rows);
    let ys = new Float64Array(1024);
    let ws = new Float64Array(1024);
    let order = new Int32Array(1024);
    for (let r = 0; r < rows; r++) {
      // Gather the (target, weight) pairs of the row's leaves.
      let k = 0;
      let above = 0;
      for (let t = 0; t < T; t++) {
        const tree = this.trees[t]!;
        const leaf = leaves[r * T + t]!;
        const start = tree.leafStart[leaf]!;
        const count = tree.leafCount[leaf]!;
        let total = 0;
        for (let e = start; e < start + count; e++) total += tree.entryW[e]!;
        if (!total) continue;
        if (k + count > ys.length) {
          const size = Math.max(ys.length * 2, k + count);
          const ny = new Float64Array(size);
          ny.set(ys.subarray(0, k));
          ys = ny;
          const nw = new Float64Array(size);
          nw.set(ws.subarray(0, k));
          ws = nw;
          order = new Int32Array(size);
        }
        for (let e = start; e < start + count; e++) {
          const w = tree.entryW[e]! / (total * T);
          ys[k] = tree.entryY[e]!;
          ws[k] = w;
          if (ys[k]! > eventAbove) above += w;
          k++;
        }
      }
      event[r] = Math.min(1, above);
      for (let i = 0; i < k; i++) order[i] = i;
      const sub = order.subarray(0, k);
      sub.sort((a, b) => ys[a]! - ys[b]!);
      let cum = 0;
      let q = 0;
      for (let i = 0; i < k && q < L; i++) {
        cum += ws[sub[i]!]!;
        while (q < L && cum >= levels[q]! - 1e-12) quantiles[r * L + q++] = ys[sub[i]!]!;
      }
      while (q < L) quantiles[r * L + q++] = k ? ys[sub[k - 1]!]! : 0;
    }
    return { quantiles, event };
  }

  /** Mean decrease in squared error brought by each feature's splits (sums to 1). */
  featureImportance(): Float64Array {
    const totals = new Float64Array(this.cols);
    for (const t of this.trees) {
      // A node's weight is the sum of its leaves' bootstrap counts; computed bottom-up.
      const weight = new Float64Array(t.feature.length);
      for (let node = t.feature.length - 1; node >= 0; node--) {
        if (t.feature[node]! < 0) {
          let w = 0;
          for (let e = t.leafStart[node]!; e < t.leafStart[node]! + t.leafCount[node]!; e++) w += t.entryW[e]!;
          weight[node] = w;
        } else {
          const l = t.left[node]!;
          const r = t.right[node]!;
          weight[node] = weight[l]! + weight[r]!;
          const mean = t.value[node]!;
          // Weighted squared error removed by the split: Σ_children W_c (mean_c − mean)².
          totals[t.feature[node]!]! += weight[l]! * (t.value[l]! - mean) ** 2 + weight[r]! * (t.value[r]! - mean) ** 2;
        }
      }
    }
    const sum = totals.reduce((s, v) => s + v, 0) || 1;
    return totals.map((v) => v / sum);
  }

  encode(): EncodedForest {
    return { cols: this.cols, trees: this.trees.map(encodeTree) };
  }

  static decode(e: EncodedForest): QuantileForest {
    if (!e || !Number.isInteger(e.cols) || !Array.isArray(e.trees) || !e.trees.length) throw new RangeError('forest: malformed (cols or trees missing)');
    return new QuantileForest(e.cols, e.trees.map((t, i) => decodeTree(t, e.cols, `trees[${i}]`)));
  }
}
