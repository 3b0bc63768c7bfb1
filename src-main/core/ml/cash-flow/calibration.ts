// Honest intervals and probabilities for the cash-flow model. The forest's leaf distributions give a
// quantile at each level; on a time-ordered calibration slice the model never trained on (the
// out-of-time folds of model selection) each level is shifted so that the share of outcomes at or
// below it matches the level (split-conformal calibration of each quantile, Romano et al. 2019 in
// spirit). The late-payment probability is recalibrated the same way with a logistic (Platt) map,
// which keeps the ranking and so the AUC. Also here: coverage and reliability figures for reports.

/** Quantile levels the model predicts (ascending). P10 and P90 are the 0.1 and 0.9 entries. */
export const LEVELS = [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95] as const;
export const P10 = LEVELS.indexOf(0.1);
export const P50 = LEVELS.indexOf(0.5);
export const P90 = LEVELS.indexOf(0.9);

/** Central intervals reported in calibration plots: nominal coverage → [lower level, upper level]. */
export const NOMINAL_COVERAGES: readonly { nominal: number; lo: number; hi: number }[] = [
  { nominal: 0.2, lo: LEVELS.indexOf(0.4), hi: LEVELS.indexOf(0.6) },
  { nominal: 0.4, lo: LEVELS.indexOf(0.3), hi: LEVELS.indexOf(0.7) },
  { nominal: 0.5, lo: LEVELS.indexOf(0.25), hi: LEVELS.indexOf(0.75) },
  { nominal: 0.6, lo: LEVELS.indexOf(0.2), hi: LEVELS.indexOf(0.8) },
  { nominal: 0.8, lo: P10, hi: P90 },
  { nominal: 0.9, lo: LEVELS.indexOf(0.05), hi: LEVELS.indexOf(0.95) },
];

export interface Calibration {
  /** Added to the forest's quantile at each level of LEVELS (days). */
  shifts: number[];
  /** p = σ(a · logit(raw) + b). */
  platt: { a: number; b: number };
  /** Rows the calibration was fitted on (0 = none: the raw forest is used). */
  rows: number;
}

export const IDENTITY_CALIBRATION: Calibration = { shifts: LEVELS.map(() => 0), platt: { a: 1, b: 0 }, rows: 0 };

/** Fewer calibration rows than this and the raw forest is kept (the shifts would be noise). */
export const MIN_CALIBRATION_ROWS = 30;

/**
 * The shift of one quantile level from sorted residuals (actual − predicted quantile). Outcomes are
 * whole days, so many residuals tie (a Ri.Ba. collected on the due date): the shift is the residual
 * value that leaves the share of outcomes strictly outside the band's side closest to the target —
 * below the level for a lower quantile, above it for an upper one — rather than the first value
 * that merely reaches it, which would leave the band wider than nominal whenever there are ties.
 */
function levelShift(sorted: Float64Array, level: number): number {
  const n = sorted.length;
  const k = Math.min(n - 1, Math.max(0, Math.ceil(level * n) - 1));
  const q = sorted[k]!;
  if (level === 0.5) return q;
  // Shares strictly below / at-or-below the candidate values.
  let lo = k;
  while (lo > 0 && sorted[lo - 1] === q) lo--;
  let hi = k;
  while (hi + 1 < n && sorted[hi + 1] === q) hi++;
  if (level < 0.5) {
    // Outside below = share strictly below the shift: q leaves lo/n, the next value up leaves (hi+1)/n.
    if (hi + 1 >= n) return q;
    return Math.abs((hi + 1) / n - level) < Math.abs(lo / n - level) ? sorted[hi + 1]! : q;
  }
  // Outside above = share strictly above the shift: q leaves (n−hi−1)/n, the value below leaves (n−lo)/n.
  if (lo === 0) return q;
  return Math.abs((n - lo) / n - (1 - level)) < Math.abs((n - hi - 1) / n - (1 - level)) ? sorted[lo - 1]! : q;
}

const clampP = (p: number) => Math.min(1 - 1e-4, Math.max(1e-4, p));
const logit = (p: number) => Math.log(clampP(p) / (1 - clampP(p)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Logistic fit of outcomes on logit(raw) by Newton's method (two parameters, ridge-damped). */
export function fitPlatt(raw: ArrayLike<number>, outcome: ArrayLike<boolean>): { a: number; b: number } {
  const n = raw.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (outcome[i]) pos++;
  if (pos === 0 || pos === n) return { a: 1, b: 0 };
  // Platt's smoothed targets avoid infinite weights on separable data.
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (n - pos + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < n; i++) {
      const x = logit(raw[i]!);
      const p = sigmoid(a * x + b);
      const t = outcome[i] ? tPos : tNeg;
      const d = p - t;
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  // A map that reverses the ranking would be a fit to noise: keep the forest's order.
  if (!(a > 0) || !Number.isFinite(b)) return { a: 1, b: 0 };
  return { a, b };
}

export function applyPlatt(raw: number, platt: { a: number; b: number }): number {
  if (platt.a === 1 && platt.b === 0) return raw;
  return sigmoid(platt.a * logit(raw) + platt.b);
}

/**
 * Fits the calibration on out-of-time rows: `quantiles[r * LEVELS.length + k]` the forest's raw
 * quantiles, `actual[r]` the outcome (same unit), `rawLate[r]` the raw late probability.
 */
export function fitCalibration(quantiles: Float64Array, actual: Float64Array, rawLate: Float64Array, lateActual: readonly boolean[]): Calibration {
  const n = actual.length;
  if (n < MIN_CALIBRATION_ROWS) return { ...IDENTITY_CALIBRATION, rows: 0 };
  const L = LEVELS.length;
  const residual = new Float64Array(n);
  const shifts = LEVELS.map((level, k) => {
    for (let r = 0; r < n; r++) residual[r] = actual[r]! - quantiles[r * L + k]!;
    residual.sort();
    return levelShift(residual, level);
  });
  return { shifts, platt: fitPlatt(rawLate, lateActual), rows: n };
}

/** Applies the shifts to one row's raw quantiles (in place), keeping them ascending. */
export function calibrateQuantiles(row: Float64Array, shifts: readonly number[]): Float64Array {
  for (let k = 0; k < row.length; k++) row[k] = row[k]! + shifts[k]!;
  for (let k = 1; k < row.length; k++) if (row[k]! < row[k - 1]!) row[k] = row[k - 1]!;
  return row;
}

/** CDF of a row's quantile function at `v` (piecewise linear between the levels). */
export function cdfAt(q: ArrayLike<number>, v: number): number {
  const L = LEVELS.length;
  if (v < q[0]!) return 0;
  if (v >= q[L - 1]!) return 1;
  for (let k = 1; k < L; k++) {
    if (v < q[k]!) {
      const span = q[k]! - q[k - 1]!;
      const t = span > 0 ? (v - q[k - 1]!) / span : 1;
      return LEVELS[k - 1]! + t * (LEVELS[k]! - LEVELS[k - 1]!);
    }
  }
  return 1;
}

/** Quantile at level u of a row's quantile function (linear between levels, flat beyond them). */
export function quantileAt(q: ArrayLike<number>, u: number): number {
  const L = LEVELS.length;
  if (u <= LEVELS[0]!) return q[0]!;
  if (u >= LEVELS[L - 1]!) return q[L - 1]!;
  for (let k = 1; k < L; k++) {
    if (u <= LEVELS[k]!) {
      const t = (u - LEVELS[k - 1]!) / (LEVELS[k]! - LEVELS[k - 1]!);
      return q[k - 1]! + t * (q[k]! - q[k - 1]!);
    }
  }
  return q[L - 1]!;
}

export interface CoveragePoint {
  nominal: number;
  observed: number;
  /** Mean width of the interval (days). */
  meanWidth: number;
}

/** Observed coverage of each nominal central interval: the share of outcomes inside [lo, hi]. */
export function coverageCurve(quantiles: readonly (ArrayLike<number>)[], actual: readonly number[]): CoveragePoint[] {
  return NOMINAL_COVERAGES.map(({ nominal, lo, hi }) => {
    let inside = 0;
    let width = 0;
    quantiles.forEach((q, i) => {
      if (actual[i]! >= q[lo]! && actual[i]! <= q[hi]!) inside++;
      width += q[hi]! - q[lo]!;
    });
    const n = actual.length;
    return { nominal, observed: n ? inside / n : NaN, meanWidth: n ? width / n : NaN };
  });
}

export interface ReliabilityBin {
  /** Bin bounds of the predicted probability. */
  from: number;
  to: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

/** Reliability curve: predictions grouped in equal-width probability bins, predicted vs observed rate. */
export function reliabilityCurve(predicted: readonly number[], outcome: readonly boolean[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    let n = 0;
    let sp = 0;
    let so = 0;
    predicted.forEach((p, i) => {
      if (p >= from && (p < to || (b === bins - 1 && p <= to))) {
        n++;
        sp += p;
        if (outcome[i]) so++;
      }
    });
    if (n) out.push({ from, to, n, meanPredicted: sp / n, observedRate: so / n });
  }
  return out;
}

/** Brier score: mean squared error of a probability. */
export function brierScore(predicted: readonly number[], outcome: readonly boolean[]): number {
  if (!predicted.length) return NaN;
  return predicted.reduce((s, p, i) => s + (p - (outcome[i] ? 1 : 0)) ** 2, 0) / predicted.length;
}
