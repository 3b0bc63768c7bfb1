// Feature binning for the histogram split search: each feature column becomes one byte per row
// (its bin), so a node's best split on a feature is found from a 256-entry histogram in one pass
// over the node's rows instead of a sort. A feature with at most MAX_BINS distinct values keeps one
// bin per value (the splits are exactly those an exhaustive search would try); a feature with more
// gets MAX_BINS bins at quantiles of its distinct values. Split thresholds are the midpoints between
// the largest value of a bin and the smallest of the next, so predictions compare raw values.

export const MAX_BINS = 256;

export interface BinnedFeatures {
  rows: number;
  cols: number;
  /** Column-major bin codes: codes[f * rows + i] is the bin of row i on feature f. */
  codes: Uint8Array;
  /** Number of bins of each feature (1 = constant, never split). */
  bins: Uint16Array;
  /** thresholds[f][b]: x ≤ thresholds[f][b] ⟺ bin(x) ≤ b, for b < bins[f] − 1. */
  thresholds: Float64Array[];
  /** Cumulative bootstrap probabilities of the rows (weighted draws); uniform draws when absent. */
  draw?: Float64Array;
}

/** Distinct values of a column, ascending. */
function distinctSorted(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values).sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i]!;
  return sorted.subarray(0, k);
}

/** Upper bounds of the bins of one column: every distinct value, or MAX_BINS quantiles of them. */
function binUpperValues(distinct: Float64Array, maxBins: number): Float64Array {
  if (distinct.length <= maxBins) return distinct;
  const out = new Float64Array(maxBins);
  for (let b = 0; b < maxBins; b++) out[b] = distinct[Math.min(distinct.length - 1, Math.floor(((b + 1) * distinct.length) / maxBins) - 1)]!;
  return out;
}

/**
 * Bins a row-major matrix (`x[i * cols + f]`). Values must be finite (the feature builder checks).
 * `maxBins` ≤ 256 (one byte per code).
 */
export function binFeatures(x: Float64Array, rows: number, cols: number, maxBins = MAX_BINS): BinnedFeatures {
  if (maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`maxBins must be between 2 and ${MAX_BINS}, got ${maxBins}`);
  if (x.length !== rows * cols) throw new RangeError(`matrix has ${x.length} values, expected ${rows} × ${cols}`);
  const codes = new Uint8Array(rows * cols);
  const bins = new Uint16Array(cols);
  const thresholds: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < rows; i++) column[i] = x[i * cols + f]!;
    const distinct = distinctSorted(column);
    const upper = binUpperValues(distinct, maxBins);
    const nb = upper.length;
    bins[f] = nb;
    // Threshold b separates bin b (values ≤ upper[b]) from bin b+1 (values > upper[b]).
    const t = new Float64Array(Math.max(0, nb - 1));
    let d = 0;
    for (let b = 0; b < nb - 1; b++) {
      while (distinct[d]! <= upper[b]!) d++;
      t[b] = (upper[b]! + distinct[d]!) / 2;
    }
    thresholds.push(t);
    const base = f * rows;
    for (let i = 0; i < rows; i++) codes[base + i] = binOf(t, column[i]!);
  }
  return { rows, cols, codes, bins, thresholds };
}

/** The bin of `v` given a feature's thresholds (binary search: first b with v ≤ t[b]). */
export function binOf(t: Float64Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= t[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
