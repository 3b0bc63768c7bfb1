// Hyperparameters of the cash-flow forest chosen the way the model is used: rolling-origin
// time-series cross-validation inside the training data. Each fold trains on the invoices paid
// before its origin (what was known then) and scores the invoices issued in the window after it —
// never the holdout of a retrain or the test period of a backtest, which are not in the rows given
// here. Windows end a "follow-up" before the training cut-off, so their invoices had time to be
// paid: late payers are not missing from them. The out-of-time predictions of the chosen settings
// are the calibration slice of the intervals (calibration.ts).
import type { TreeGrower } from '../forest/quantile-forest';
import { QuantileForest } from '../forest/quantile-forest';
import { toDayNumber } from '../../dates';
import { LEVELS } from './calibration';
import { FEATURE_COUNT, featureMatrix, termsDaysOf } from './training-set';

export interface Hyperparameters {
  trees: number;
  maxDepth: number;
  /** Minimum bootstrap-weighted invoices per leaf. */
  minLeaf: number;
  /** Share of the features tried at each split (0–1]. */
  featuresPerSplit: number;
  /** Point prediction: the forest's mean, or the median of its leaf distribution. */
  point: 'mean' | 'median';
}

/** Half-life (days of issue date) of the weight of a training invoice in the bootstrap draws:
 * habits drift, so last year's invoices count half as much as this month's. */
export const RECENCY_HALF_LIFE_DAYS = 365;

/** Bootstrap weights of rows issued on `issueDays` (the newest weighs 1). */
export function recencyWeights(issueDays: ArrayLike<number>): Float64Array {
  let newest = -Infinity;
  for (let i = 0; i < issueDays.length; i++) newest = Math.max(newest, issueDays[i]!);
  return Float64Array.from(issueDays, (d) => Math.pow(2, (d - newest) / RECENCY_HALF_LIFE_DAYS));
}

const minOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = { trees: 100, maxDepth: 10, minLeaf: 5, featuresPerSplit: 0.5, point: 'median' };

/** The companion late-payment forest: a probability forest on the paid-late label (squared-error
 * splits on 0/1 are Gini splits). Ranking late payers is a different task from predicting the day:
 * on generated histories it ranks them clearly better (AUC +0.02 to +0.09) than the mass above the
 * due date in the day-forest's leaves, and its quality barely depends on its shape, so it is fixed. */
export const LATE_FOREST = { trees: 100, maxDepth: 12, minLeaf: 5, featuresPerSplit: 1 / 3 };

export function lateForestOptions(seed: number) {
  return { trees: LATE_FOREST.trees, seed: seed + 7919, maxDepth: LATE_FOREST.maxDepth, minLeaf: LATE_FOREST.minLeaf, featuresPerSplit: Math.max(1, Math.round(LATE_FOREST.featuresPerSplit * FEATURE_COUNT)) };
}

/** 1 for a payment after the due date, else 0 (lateness in days after due). */
export function lateLabels(lateness: Float64Array): Float64Array {
  return lateness.map((v) => (v > 0 ? 1 : 0));
}

/** The search space. Trees are compared on prefixes of one forest (more trees never change the first ones). */
export const SEARCH = {
  maxDepth: [6, 10, 16],
  minLeaf: [3, 8, 20],
  featuresPerSplit: [0.25, 0.5, 1],
  trees: [50, 100],
  /** Trees per forest while comparing depth, leaf size and features per split. */
  screeningTrees: 25,
  /** A larger forest is chosen only if it lowers the CV MAE by more than this (relative). */
  treesTolerance: 0.005,
};

export interface SelectionExample {
  features: ArrayLike<number>;
  /** Days from issue to full payment. */
  target: number;
  issueDate: string;
  paidDate: string;
}

export interface FoldInfo {
  /** Origin: the fold trains on invoices paid before it and scores those issued from it. */
  from: string;
  to: string;
  trainRows: number;
  validRows: number;
}

export interface CandidateScore {
  maxDepth: number;
  minLeaf: number;
  featuresPerSplit: number;
  trees: number;
  point: Hyperparameters['point'];
  /** MAE (days) over every validation row of every fold, and per fold. */
  mae: number;
  foldMae: number[];
}

export interface SelectionReport {
  method: 'rolling-origin-cv' | 'defaults' | 'fixed' | 'reused';
  /** Why the defaults were used (too few rows for folds). */
  reason: string | null;
  folds: FoldInfo[];
  /** Follow-up left before the cut-off so validation invoices could be paid (days). */
  followUpDays: number | null;
  candidates: CandidateScore[];
  chosen: Hyperparameters;
  cvMae: number | null;
}

/** Out-of-time predictions of the chosen settings: the calibration slice. */
export interface OutOfTime {
  /** Raw forest quantiles at LEVELS, in days after due (row-major). */
  quantiles: Float64Array;
  /** Actual days after due. */
  actual: Float64Array;
  /** The late forest's probability (fitted on each fold's training rows), before calibration. */
  rawLate: Float64Array;
  late: boolean[];
}

export type FixedHyperparameters = Partial<Hyperparameters>;

/** Forests fitted so far, of `total`. */
export interface SelectionProgress {
  done: number;
  total: number;
}

const MIN_FOLD_TRAIN = 30;
const MIN_FOLD_VALID = 25;
const MAX_FOLDS = 3;

interface Fold {
  info: FoldInfo;
  x: Float64Array;
  y: Float64Array;
  /** Recency weights of the training rows. */
  w: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  vn: number;
  /** Every validation-period invoice issued from the origin on (this window and the later ones). */
  hx: Float64Array;
  hy: Float64Array;
  hn: number;
}

function lateness(r: SelectionExample): number {
  return r.target - termsDaysOf(r.features);
}

function quantileOf(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The rolling-origin folds of a training set, or the reason there are none. */
export function planFolds(rows: readonly SelectionExample[]): { folds: Fold[]; followUpDays: number | null; reason: string | null } {
  if (rows.length < MIN_FOLD_TRAIN + MIN_FOLD_VALID) return { folds: [], followUpDays: null, reason: `${rows.length} training rows: too few for time-series folds` };
  const order = rows.map((r, i) => ({ r, i, issue: toDayNumber(r.issueDate), paid: toDayNumber(r.paidDate) })).sort((a, b) => a.issue - b.issue || a.i - b.i);
  const cutoff = maxOf(order.map((o) => o.paid)) + 1;
  const followUp = Math.max(30, Math.min(180, quantileOf(rows.map((r) => r.target), 0.9)));
  const start = order[Math.floor(order.length / 2)]!.issue;
  const eligible = order.filter((o) => o.issue >= start && o.issue < cutoff - followUp);
  const k = Math.min(MAX_FOLDS, Math.floor(eligible.length / MIN_FOLD_VALID));
  if (k < 1) return { folds: [], followUpDays: followUp, reason: `${eligible.length} invoices in the validation period (at least ${MIN_FOLD_VALID} needed)` };
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const group = eligible.slice(Math.floor((f * eligible.length) / k), Math.floor(((f + 1) * eligible.length) / k));
    const origin = group[0]!.issue;
    const train = order.filter((o) => o.paid < origin);
    if (train.length < MIN_FOLD_TRAIN) continue;
    const to = group[group.length - 1]!.r.issueDate;
    const horizon = eligible.filter((o) => o.issue >= origin);
    folds.push({
      info: { from: group[0]!.r.issueDate, to, trainRows: train.length, validRows: group.length },
      x: featureMatrix(train.map((o) => o.r)),
      y: Float64Array.from(train, (o) => lateness(o.r)),
      w: recencyWeights(train.map((o) => o.issue)),
      vx: featureMatrix(group.map((o) => o.r)),
      vy: Float64Array.from(group, (o) => lateness(o.r)),
      vn: group.length,
      hx: featureMatrix(horizon.map((o) => o.r)),
      hy: Float64Array.from(horizon, (o) => lateness(o.r)),
      hn: horizon.length,
    });
  }
  if (!folds.length) return { folds: [], followUpDays: followUp, reason: `fewer than ${MIN_FOLD_TRAIN} invoices were paid before the first validation window` };
  return { folds, followUpDays: followUp, reason: null };
}

interface Config {
  maxDepth: number;
  minLeaf: number;
  featuresPerSplit: number;
}

const featuresFor = (fraction: number) => Math.max(1, Math.round(fraction * FEATURE_COUNT));

/** Absolute errors of predictions in days-after-due (the terms cancel out of the error). */
function maeOf(pred: ArrayLike<number>, actual: Float64Array): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(pred[i]! - actual[i]!);
  return s / actual.length;
}

export async function selectHyperparameters(
  rows: readonly SelectionExample[],
  fixed: FixedHyperparameters,
  seed: number,
  grower: TreeGrower | undefined,
  onProgress?: (p: SelectionProgress) => void,
  signal?: AbortSignal,
): Promise<{ chosen: Hyperparameters; report: SelectionReport; outOfTime: OutOfTime | null }> {
  const defaults: Hyperparameters = { ...DEFAULT_HYPERPARAMETERS, ...fixed };
  const allFixed = (['trees', 'maxDepth', 'minLeaf', 'featuresPerSplit', 'point'] as const).every((k) => fixed[k] !== undefined);
  const plan = planFolds(rows);
  if (!plan.folds.length) {
    return {
      chosen: defaults,
      report: { method: 'defaults', reason: plan.reason, folds: [], followUpDays: plan.followUpDays, candidates: [], chosen: defaults, cvMae: null },
      outOfTime: null,
    };
  }
  const folds = plan.folds;
  const depths = fixed.maxDepth !== undefined ? [fixed.maxDepth] : SEARCH.maxDepth;
  const leaves = fixed.minLeaf !== undefined ? [fixed.minLeaf] : SEARCH.minLeaf;
  const fpsList = fixed.featuresPerSplit !== undefined ? [fixed.featuresPerSplit] : SEARCH.featuresPerSplit;
  const treeList = fixed.trees !== undefined ? [fixed.trees] : SEARCH.trees;
  const screenTrees = Math.min(SEARCH.screeningTrees, maxOf(treeList));
  const finalTrees = maxOf(treeList);
  // Every depth × leaf size at the middle share of features, then the other shares at the best of those (11 shapes, not 27).
  const middle = <T>(list: readonly T[]): T => list[Math.floor((list.length - 1) / 2)]!;
  const screenings = depths.length * leaves.length + fpsList.length - 1;
  const needScreening = screenings > 0 && depths.length * leaves.length * fpsList.length > 1;
  // Progress counts fitted forests: one per fold for each shape screened, for the final comparison and for the late forest.
  const total = ((needScreening ? screenings : 0) + 2) * folds.length;
  let done = 0;
  const candidates: CandidateScore[] = [];

  // Progress once per fitted forest: per tree it would be thousands of messages for one selection.
  const fit = (config: Config, trees: number, fold: Fold, foldIndex: number): Promise<QuantileForest> =>
    QuantileForest.train(
      fold.x,
      fold.y,
      FEATURE_COUNT,
      { trees, seed: seed + 1000 * (foldIndex + 1), maxDepth: config.maxDepth, minLeaf: config.minLeaf, featuresPerSplit: featuresFor(config.featuresPerSplit), rowWeights: fold.w },
      grower,
      undefined,
      signal,
    );
  const points: Hyperparameters['point'][] = fixed.point ? [fixed.point] : ['median', 'mean'];
  const L = LEVELS.length;
  /** MAE of a forest on a fold's validation rows, with each point rule. */
  const pointMae = (forest: QuantileForest, fold: Fold): Record<Hyperparameters['point'], number> => {
    const leaves = forest.leaves(fold.vx, fold.vn);
    const out = { mean: NaN, median: NaN };
    if (points.includes('mean')) out.mean = maeOf(forest.mean(leaves, fold.vn), fold.vy);
    if (points.includes('median')) {
      const q = forest.distribution(leaves, fold.vn, [0.5], 0).quantiles;
      out.median = maeOf(q, fold.vy);
    }
    return out;
  };
  // MAE is minimised by the conditional median, the mean is steadier with few rows per leaf: each
  // shape is scored with both point rules and keeps the better.
  const screen = async (config: Config): Promise<CandidateScore> => {
    const foldMae: Record<Hyperparameters['point'], number[]> = { mean: [], median: [] };
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f]!;
      const forest = await fit(config, screenTrees, fold, f);
      onProgress?.({ done: ++done, total });
      const m = pointMae(forest, fold);
      for (const p of points) foldMae[p].push(m[p]);
    }
    const scores = points.map((point): CandidateScore => ({ ...config, trees: screenTrees, point, mae: pooled(foldMae[point]), foldMae: foldMae[point] }));
    for (const s of scores) candidates.push(s);
    return scores.reduce((a, b) => (b.mae < a.mae ? b : a));
  };
  const totalValid = folds.reduce((s, f) => s + f.vn, 0);
  const pooled = (foldMae: number[]) => foldMae.reduce((s, m, f) => s + m * folds[f]!.vn, 0) / totalValid;

  let best: Config = { maxDepth: defaults.maxDepth, minLeaf: defaults.minLeaf, featuresPerSplit: defaults.featuresPerSplit };
  let bestPoint: Hyperparameters['point'] = fixed.point ?? defaults.point;
  if (needScreening) {
    const scored: { config: Config; score: CandidateScore }[] = [];
    /** The shape with the best CV MAE so far. */
    const bestSoFar = (): { config: Config; score: CandidateScore } => {
      const bestMae = minOf(scored.map((x) => x.score.mae));
      return scored.find((x) => x.score.mae === bestMae)!;
    };
    const share = middle(fpsList);
    for (const maxDepth of depths) for (const minLeaf of leaves) {
      const config = { maxDepth, minLeaf, featuresPerSplit: share };
      scored.push({ config, score: await screen(config) });
    }
    const shape = bestSoFar().config;
    for (const featuresPerSplit of fpsList) {
      if (featuresPerSplit === share) continue;
      const config = { ...shape, featuresPerSplit };
      scored.push({ config, score: await screen(config) });
    }
    const pickShape = bestSoFar();
    best = pickShape.config;
    bestPoint = pickShape.score.point;
  }

  // The chosen shape with the largest forest: tree counts compared on its prefixes (the first trees
  // of a forest do not depend on how many follow), with the chosen point rule.
  const perFold: { forest: QuantileForest; fold: Fold }[] = [];
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    const forest = await fit(best, finalTrees, fold, f);
    onProgress?.({ done: ++done, total });
    perFold.push({ forest, fold });
  }
  const byTrees = [...treeList]
    .sort((a, b) => a - b)
    .map((trees) => {
      const foldMae = perFold.map(({ forest, fold }) => {
        const sub = forest.prefix(trees);
        const leaves = sub.leaves(fold.vx, fold.vn);
        return maeOf(bestPoint === 'mean' ? sub.mean(leaves, fold.vn) : sub.distribution(leaves, fold.vn, [0.5], 0).quantiles, fold.vy);
      });
      const score: CandidateScore = { ...best, trees, point: bestPoint, mae: pooled(foldMae), foldMae };
      candidates.push(score);
      return score;
    });
  const bestMae = minOf(byTrees.map((c) => c.mae));
  // The smallest forest within tolerance of the best.
  const pick = byTrees.find((c) => c.mae <= bestMae * (1 + SEARCH.treesTolerance))!;
  const trees = pick.trees;
  // At that size, the calibration slice: each fold's model predicts every later invoice of the
  // validation period, as a model kept for months would (the further from its cut-off, the wider
  // its errors under drifting habits), so the intervals are honest over such horizons too.
  const chosen: Hyperparameters = { ...best, trees, point: pick.point };
  const slices: { fold: Fold; d: { quantiles: Float64Array }; late: Float64Array }[] = [];
  for (const [f, { forest, fold }] of perFold.entries()) {
    const sub = forest.prefix(trees);
    const d = sub.distribution(sub.leaves(fold.hx, fold.hn), fold.hn, LEVELS, 0);
    const lateForest = await QuantileForest.train(fold.x, lateLabels(fold.y), FEATURE_COUNT, { ...lateForestOptions(seed + 1000 * (f + 1)), rowWeights: fold.w }, grower, undefined, signal);
    slices.push({ fold, d, late: lateForest.mean(lateForest.leaves(fold.hx, fold.hn), fold.hn) });
    onProgress?.({ done: ++done, total });
  }
  const sliceRows = slices.reduce((s, x) => s + x.fold.hn, 0);
  const outOfTime: OutOfTime = { quantiles: new Float64Array(sliceRows * L), actual: new Float64Array(sliceRows), rawLate: new Float64Array(sliceRows), late: [] };
  let r = 0;
  for (const { fold, d, late } of slices) {
    outOfTime.quantiles.set(d.quantiles, r * L);
    outOfTime.rawLate.set(late, r);
    outOfTime.actual.set(fold.hy, r);
    for (let i = 0; i < fold.hn; i++) outOfTime.late.push(fold.hy[i]! > 0);
    r += fold.hn;
  }
  onProgress?.({ done: total, total });
  return {
    chosen,
    report: { method: allFixed ? 'fixed' : 'rolling-origin-cv', reason: null, folds: folds.map((f) => f.info), followUpDays: plan.followUpDays, candidates, chosen, cvMae: pick.mae },
    outOfTime,
  };
}
