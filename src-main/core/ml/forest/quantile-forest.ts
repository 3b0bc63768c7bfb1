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
  /** Relative weight of each row in the bootstrap draws (e.g. recent rows more); uniform when absent. */
  rowWeights?: Float64Array;
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
    if (options.rowWeights) {
      if (options.rowWeights.length !== rows) throw new RangeError(`rowWeights: ${options.rowWeights.length} weights for ${rows} rows`);
      const draw = new Float64Array(rows);
      let cum = 0;
      for (let i = 0; i < rows; i++) {
        const w = options.rowWeights[i]!;
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`rowWeights[${i}]: not a finite non-negative number`);
        draw[i] = cum += w;
      }
      if (!(cum > 0)) throw new RangeError('rowWeights: all zero');
      data.draw = draw;
    }
    const seeds = Array.from({ length: options.trees }, (_, i) => treeSeed(options.seed, i));
    const treeOptions: TreeOptions = { maxDepth: options.maxDepth, minLeaf: options.minLeaf, featuresPerSplit: options.featuresPerSplit };
    const trees = await grower.grow(data, y, seeds, treeOptions, (done) => onTree?.(done, options.trees), signal);
    return new QuantileForest(cols, trees);
  }

  static fromTrees(cols: number, trees: readonly TreeArrays[]): QuantileForest {
    return new QuantileForest(cols, trees);
  }

  /** The same trees without the targets kept in their leaves (for a forest used only for its means: smaller artifacts). */
  withoutLeafSamples(): QuantileForest {
    return new QuantileForest(
      this.cols,
      this.trees.map((t) => ({ ...t, leafStart: new Int32Array(t.feature.length), leafCount: new Int32Array(t.feature.length), entryY: new Float32Array(0), entryW: new Uint16Array(0) })),
    );
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

  /** Per tree, each leaf's total bootstrap weight (computed once per forest). */
  private leafWeights: Float64Array[] | null = null;

  private weights(): Float64Array[] {
    if (!this.leafWeights) {
      this.leafWeights = this.trees.map((t) => {
        const w = new Float64Array(t.feature.length);
        for (let node = 0; node < t.feature.length; node++) {
          if (t.feature[node]! >= 0) continue;
          let total = 0;
          for (let e = t.leafStart[node]!; e < t.leafStart[node]! + t.leafCount[node]!; e++) total += t.entryW[e]!;
          w[node] = total;
        }
        return w;
      });
    }
    return this.leafWeights;
  }

  /**
   * Per row: the weighted quantiles of the leaf distributions at `levels` (ascending, in (0, 1)),
   * and the probability mass strictly above `eventAbove`. quantiles[r * levels.length + k].
   * Each leaf's targets are stored sorted, so the mixture is walked in order by merging the
   * row's leaves (a binary heap of one cursor per tree) instead of sorting their union.
   */
  distribution(leaves: Int32Array, rows: number, levels: readonly number[], eventAbove: number): { quantiles: Float64Array; event: Float64Array } {
    const T = this.trees.length;
    const L = levels.length;
    const quantiles = new Float64Array(rows * L);
    const event = new Float64Array(rows);
    const leafWeight = this.weights();
    // Heap of cursors: tree index, current entry, end entry, weight per unit count.
    const heapTree = new Int32Array(T);
    const pos = new Int32Array(T);
    const end = new Int32Array(T);
    const unit = new Float64Array(T);
    for (let r = 0; r < rows; r++) {
      let size = 0;
      let above = 0;
      for (let t = 0; t < T; t++) {
        const tree = this.trees[t]!;
        const leaf = leaves[r * T + t]!;
        const total = leafWeight[t]![leaf]!;
        if (!total) continue;
        const start = tree.leafStart[leaf]!;
        const stop = start + tree.leafCount[leaf]!;
        unit[t] = 1 / (total * T);
        pos[t] = start;
        end[t] = stop;
        // Mass above the event level: the tail of the sorted leaf.
        for (let e = stop - 1; e >= start && tree.entryY[e]! > eventAbove; e--) above += tree.entryW[e]! * unit[t]!;
        // Sift up into the heap by current value.
        let i = size++;
        const y = tree.entryY[start]!;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          const pt = heapTree[parent]!;
          if (this.trees[pt]!.entryY[pos[pt]!]! <= y) break;
          heapTree[i] = pt;
          i = parent;
        }
        heapTree[i] = t;
      }
      event[r] = Math.min(1, above);
      let cum = 0;
      let q = 0;
      let last = 0;
      while (size > 0 && q < L) {
        const t = heapTree[0]!;
        const tree = this.trees[t]!;
        const e = pos[t]!;
        last = tree.entryY[e]!;
        cum += tree.entryW[e]! * unit[t]!;
        while (q < L && cum >= levels[q]! - 1e-12) quantiles[r * L + q++] = last;
        // Advance this cursor, or drop it, then sift down.
        if (++pos[t]! >= end[t]!) {
          heapTree[0] = heapTree[--size]!;
        }
        const top = heapTree[0]!;
        const y = size ? this.trees[top]!.entryY[pos[top]!]! : 0;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const rgt = l + 1;
          let c = l;
          let cy = this.trees[heapTree[l]!]!.entryY[pos[heapTree[l]!]!]!;
          if (rgt < size) {
            const ry = this.trees[heapTree[rgt]!]!.entryY[pos[heapTree[rgt]!]!]!;
            if (ry < cy) {
              c = rgt;
              cy = ry;
            }
          }
          if (cy >= y) break;
          heapTree[i] = heapTree[c]!;
          i = c;
        }
        if (size) heapTree[i] = top;
      }
      while (q < L) quantiles[r * L + q++] = last;
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
