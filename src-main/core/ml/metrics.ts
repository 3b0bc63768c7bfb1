// Accuracy figures for payment-date predictions (DESIGN §4): MAE in days is primary; also RMSE,
// median absolute error, share within ±tolerance days, and late-payment classification (late =
// paid after the due date; score = predicted days past due) as ROC AUC and F1. Pure functions.

export interface ScoredPrediction {
  /** Actual days from issue to payment. */
  actual: number;
  /** Predicted days from issue to payment. */
  predicted: number;
  /** Payment terms in days (due date − issue date). */
  termsDays: number;
}

export interface RegressionMetrics {
  n: number;
  mae: number;
  rmse: number;
  medianAe: number;
  /** Share (0–1) of predictions within ±tolerance days. */
  withinTolerance: number;
  toleranceDays: number;
  /** ROC AUC of predicted lateness against actual lateness; null when only one class is present. */
  lateAuc: number | null;
  /** F1 of "predicted late" (predicted after due) against "actually late". */
  lateF1: number;
}

function median(sorted: readonly number[]): number {
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** ROC AUC by the rank-sum (Mann–Whitney) statistic, with average ranks for ties. */
export function rocAuc(labels: readonly boolean[], scores: readonly number[]): number | null {
  const n = labels.length;
  const pos = labels.filter(Boolean).length;
  const neg = n - pos;
  if (!pos || !neg) return null;
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && order[j + 1]![0] === order[i]![0]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]![1]]) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function f1Score(labels: readonly boolean[], predicted: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  labels.forEach((l, i) => {
    if (predicted[i] && l) tp++;
    else if (predicted[i] && !l) fp++;
    else if (!predicted[i] && l) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export function regressionMetrics(rows: readonly ScoredPrediction[], toleranceDays: number): RegressionMetrics {
  const n = rows.length;
  if (!n) return { n: 0, mae: NaN, rmse: NaN, medianAe: NaN, withinTolerance: NaN, toleranceDays, lateAuc: null, lateF1: NaN };
  const abs = rows.map((r) => Math.abs(r.predicted - r.actual));
  const late = rows.map((r) => r.actual > r.termsDays);
  const score = rows.map((r) => r.predicted - r.termsDays);
  return {
    n,
    mae: abs.reduce((s, v) => s + v, 0) / n,
    rmse: Math.sqrt(rows.reduce((s, r) => s + (r.predicted - r.actual) ** 2, 0) / n),
    medianAe: median([...abs].sort((a, b) => a - b)),
    withinTolerance: abs.filter((e) => e <= toleranceDays).length / n,
    toleranceDays,
    lateAuc: rocAuc(late, score),
    lateF1: f1Score(late, score.map((s) => s > 0)),
  };
}

export interface BaselineInputs {
  termsDays: number;
  /** The client's mean days-to-payment known at issue (global mean for new clients). */
  clientMeanDays: number;
}

export type BaselineName = 'due_date' | 'client_mean' | 'global_mean';

/** The three reference predictors every model is reported against. */
export function baselinePredictions(rows: readonly BaselineInputs[], globalMeanDays: number): Record<BaselineName, number[]> {
  return {
    due_date: rows.map((r) => r.termsDays),
    client_mean: rows.map((r) => r.clientMeanDays),
    global_mean: rows.map(() => globalMeanDays),
  };
}
