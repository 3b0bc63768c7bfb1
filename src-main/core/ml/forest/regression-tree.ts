// One regression tree of the forest, grown on binned features (see binning.ts) with a bootstrap
// sample: squared-error splits found from per-node histograms, a random subset of features tried
// at each node, depth and minimum-leaf limits. Leaves keep the training targets that fell in them
// (with their bootstrap counts) so the forest can give quantiles and probabilities, not only means
// (Meinshausen's quantile regression forest). Everything is in typed arrays: a grown tree is a few
// buffers that cross threads without copying.
import { seededRandom } from '../random';
import type { BinnedFeatures } from './binning';

export interface TreeOptions {
  maxDepth: number;
  /** Minimum bootstrap-weighted rows in each leaf. */
  minLeaf: number;
  /** Features tried at each split (1 … cols). */
  featuresPerSplit: number;
}

/** A grown tree. Node 0 is the root; a leaf has feature −1. */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Weighted mean target of the node's rows. */
  value: Float64Array;
  /** Leaves: their entries are entryY/entryW[leafStart[node] … leafStart[node] + leafCount[node]). */
  leafStart: Int32Array;
  leafCount: Int32Array;
  /** Training targets in each leaf, ascending within a leaf, with their bootstrap counts. */
  entryY: Float32Array;
  entryW: Uint16Array;
}

/** The buffers of a tree, for postMessage transfer lists. */
export function treeBuffers(t: TreeArrays): ArrayBuffer[] {
  return [t.feature, t.threshold, t.left, t.right, t.value, t.leafStart, t.leafCount, t.entryY, t.entryW].map((a) => a.buffer as ArrayBuffer);
}

class Growable<T extends Int32Array | Float64Array | Float32Array | Uint16Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    capacity: number,
  ) {
    this.data = make(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Bootstrap counts: `rows` draws with replacement, uniform or by cumulative probabilities `draw`. */
export function bootstrapCounts(rows: number, rnd: () => number, draw?: Float64Array): Uint16Array {
  const counts = new Uint16Array(rows);
  for (let k = 0; k < rows; k++) {
    let i: number;
    if (draw) {
      const u = rnd() * draw[rows - 1]!;
      let lo = 0;
      let hi = rows - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (draw[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      i = lo;
    } else i = Math.floor(rnd() * rows);
    if (counts[i]! < 65535) counts[i]!++;
  }
  return counts;
}

/**
 * Grows one tree on the rows drawn by its own seed. `y` has one target per row of `data`.
 * Deterministic: the same data, options and seed give the same tree on any thread.
 */
export function growTree(data: BinnedFeatures, y: Float64Array, seed: number, o: TreeOptions): TreeArrays {
  const { rows: n, cols, codes, bins, thresholds } = data;
  const rnd = seededRandom(seed);
  const counts = bootstrapCounts(n, rnd, data.draw);
  let m = 0;
  for (let i = 0; i < n; i++) if (counts[i]) m++;
  // The node's rows, with weight and weight × target alongside, partitioned in place as the tree grows.
  const idx = new Int32Array(m);
  const nw = new Float64Array(m);
  const nwy = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) {
    const c = counts[i]!;
    if (!c) continue;
    idx[k] = i;
    nw[k] = c;
    nwy[k] = c * y[i]!;
    k++;
  }
  const featuresPerSplit = Math.max(1, Math.min(cols, Math.round(o.featuresPerSplit)));
  const minLeaf = Math.max(1, o.minLeaf);
  // Every leaf holds at least minLeaf of the n bootstrap draws: at most 2n/minLeaf nodes.
  const capacity = Math.min(2 * Math.ceil(n / minLeaf) + 1, 2 ** Math.min(24, o.maxDepth + 1));
  const feature = new Growable((k) => new Int32Array(k), capacity);
  const threshold = new Growable((k) => new Float64Array(k), capacity);
  const left = new Growable((k) => new Int32Array(k), capacity);
  const right = new Growable((k) => new Int32Array(k), capacity);
  const value = new Growable((k) => new Float64Array(k), capacity);
  const leafStart = new Growable((k) => new Int32Array(k), capacity);
  const leafCount = new Growable((k) => new Int32Array(k), capacity);
  const entryY = new Growable((k) => new Float32Array(k), m);
  const entryW = new Growable((k) => new Uint16Array(k), m);
  const hW = new Float64Array(256);
  const hS = new Float64Array(256);
  const touched = new Int32Array(256);
  const leafOrder = new Int32Array(m);
  const perm = new Int32Array(cols);
  for (let f = 0; f < cols; f++) perm[f] = f;

  const newNode = (): number => {
    const id = feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    leafStart.push(0);
    leafCount.push(0);
    return id;
  };
  const makeLeaf = (node: number, start: number, end: number): void => {
    // Entries sorted by target (leaves are small: insertion sort on positions).
    const count = end - start;
    for (let k = 0; k < count; k++) {
      const v = y[idx[start + k]!]!;
      let j = k;
      while (j > 0 && y[idx[start + leafOrder[j - 1]!]!]! > v) {
        leafOrder[j] = leafOrder[j - 1]!;
        j--;
      }
      leafOrder[j] = k;
    }
    leafStart.set(node, entryY.length);
    leafCount.set(node, count);
    for (let k = 0; k < count; k++) {
      entryY.push(y[idx[start + leafOrder[k]!]!]!);
      entryW.push(nw[start + leafOrder[k]!]!);
    }
  };

  // Explicit stack of [node, start, end, depth]: no recursion limit, no closures per node.
  const stack: number[] = [newNode(), 0, m, 0];
  while (stack.length) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    let W = 0;
    let S = 0;
    for (let k = start; k < end; k++) {
      W += nw[k]!;
      S += nwy[k]!;
    }
    value.set(node, S / W);
    if (depth >= o.maxDepth || W < 2 * minLeaf) {
      makeLeaf(node, start, end);
      continue;
    }
    const parentScore = (S * S) / W;
    let best = parentScore + 1e-9 * Math.abs(parentScore) + 1e-12;
    let bestF = -1;
    let bestBin = -1;
    for (let j = 0; j < featuresPerSplit; j++) {
      const pick = j + Math.floor(rnd() * (cols - j));
      const f = perm[pick]!;
      perm[pick] = perm[j]!;
      perm[j] = f;
      const nb = bins[f]!;
      if (nb < 2) continue;
      const base = f * n;
      let WL = 0;
      let SL = 0;
      if ((end - start) * 8 >= nb) {
        // Histogram over every bin, scanned in bin order.
        for (let k = start; k < end; k++) {
          const b = codes[base + idx[k]!]!;
          hW[b] += nw[k]!;
          hS[b] += nwy[k]!;
        }
        // One pass scans the split points and clears the histogram for the next feature.
        for (let b = 0; b < nb; b++) {
          const wb = hW[b]!;
          if (wb === 0) continue;
          const sb = hS[b]!;
          hW[b] = 0;
          hS[b] = 0;
          WL += wb;
          SL += sb;
          const WR = W - WL;
          if (WL < minLeaf || WR < minLeaf) continue;
          const SR = S - SL;
          const score = (SL * SL) / WL + (SR * SR) / WR;
          if (score > best) {
            best = score;
            bestF = f;
            bestBin = b;
          }
        }
        continue;
      }
      // A node with far fewer rows than bins: only the bins its rows touch are sorted, scanned and cleared.
      let nt = 0;
      for (let k = start; k < end; k++) {
        const b = codes[base + idx[k]!]!;
        if (hW[b] === 0) touched[nt++] = b;
        hW[b] += nw[k]!;
        hS[b] += nwy[k]!;
      }
      const list = touched.subarray(0, nt);
      insertionSort(list);
      for (let t = 0; t < nt - 1; t++) {
        const b = list[t]!;
        WL += hW[b]!;
        SL += hS[b]!;
        if (WL < minLeaf) continue;
        const WR = W - WL;
        if (WR < minLeaf) break;
        const SR = S - SL;
        const score = (SL * SL) / WL + (SR * SR) / WR;
        if (score > best) {
          best = score;
          bestF = f;
          bestBin = b;
        }
      }
      for (let t = 0; t < nt; t++) hW[list[t]!] = hS[list[t]!] = 0;
    }
    if (bestF < 0) {
      makeLeaf(node, start, end);
      continue;
    }
    // Partition rows: bin ≤ bestBin to the left.
    const base = bestF * n;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[base + idx[i]!]! <= bestBin) i++;
      else {
        const ti = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = ti;
        const tw = nw[i]!;
        nw[i] = nw[j]!;
        nw[j] = tw;
        const ty = nwy[i]!;
        nwy[i] = nwy[j]!;
        nwy[j] = ty;
        j--;
      }
    }
    const l = newNode();
    const r = newNode();
    feature.set(node, bestF);
    threshold.set(node, thresholds[bestF]![bestBin]!);
    left.set(node, l);
    right.set(node, r);
    stack.push(r, i, end, depth + 1, l, start, i, depth + 1);
  }
  return {
    feature: feature.done(),
    threshold: threshold.done(),
    left: left.done(),
    right: right.done(),
    value: value.done(),
    leafStart: leafStart.done(),
    leafCount: leafCount.done(),
    entryY: entryY.done(),
    entryW: entryW.done(),
  };
}

function insertionSort(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** The leaf a feature row (`x[offset … offset + cols)`) falls in. */
export function leafOf(t: TreeArrays, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  let f = t.feature[0]!;
  while (f >= 0) {
    node = x[offset + f]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
    f = t.feature[node]!;
  }
  return node;
}
