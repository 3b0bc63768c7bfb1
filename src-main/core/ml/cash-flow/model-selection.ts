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

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = { trees: 100, maxDepth: 10, minLeaf: 5, featuresPerSplit: 0.5, point: 'mean' };

/** The search space. Trees are compared on prefixes of one forest (more trees never change the first ones). */
export const SEARCH = {
  maxDepth: [6, 10, 16],
  minLeaf: [3, 8, 20],
  featuresPerSplit: [0.25, 0.5, 1],
  trees: [25, 50, 100],
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
  vx: Float64Array;
  vy: Float64Array;
  vn: number;
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
  const cutoff = Math.max(...order.map((o) => o.paid)) + 1;
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
    folds.push({
      info: { from: group[0]!.r.issueDate, to, trainRows: train.length, validRows: group.length },
      x: featureMatrix(train.map((o) => o.r)),
      y: Float64Array.from(train, (o) => lateness(o.r)),
      vx: featureMatrix(group.map((o) => o.r)),
      vy: Float64Array.from(group, (o) => lateness(o.r)),
      vn: group.length,
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
  const screenTrees = Math.min(SEARCH.screeningTrees, Math.max(...treeList));
  const finalTrees = Math.max(...treeList);
  // Every depth × leaf size at the middle share of features, then the other shares at the best of those (11 shapes, not 27).
  const middle = <T>(list: readonly T[]): T => list[Math.floor((list.length - 1) / 2)]!;
  const screenings = depths.length * leaves.length + fpsList.length - 1;
  const needScreening = screenings > 0 && depths.length * leaves.length * fpsList.length > 1;
  // Progress counts fitted forests: one per fold for each shape screened, and for the final comparison.
  const total = ((needScreening ? screenings : 0) + 1) * folds.length;
  let done = 0;
  const candidates: CandidateScore[] = [];

  // Progress once per fitted forest: per tree it would be thousands of messages for one selection.
  const fit = (config: Config, trees: number, fold: Fold, foldIndex: number): Promise<QuantileForest> =>
    QuantileForest.train(
      fold.x,
      fold.y,
      FEATURE_COUNT,
      { trees, seed: seed + 1000 * (foldIndex + 1), maxDepth: config.maxDepth, minLeaf: config.minLeaf, featuresPerSplit: featuresFor(config.featuresPerSplit) },
      grower,
      undefined,
      signal,
    );
  const screen = async (config: Config): Promise<CandidateScore> => {
    const foldMae: number[] = [];
    let sum = 0;
    let n = 0;
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f]!;
      const forest = await fit(config, screenTrees, fold, f);
      onProgress?.({ done: ++done, total });
      const mean = forest.mean(forest.leaves(fold.vx, fold.vn), fold.vn);
      const m = maeOf(mean, fold.vy);
      foldMae.push(m);
      sum += m * fold.vn;
      n += fold.vn;
    }
    const score: CandidateScore = { ...config, trees: screenTrees, point: 'mean', mae: sum / n, foldMae };
    candidates.push(score);
    return score;
  };

  let best: Config = { maxDepth: defaults.maxDepth, minLeaf: defaults.minLeaf, featuresPerSplit: defaults.featuresPerSplit };
  if (needScreening) {
    let bestScore = Infinity;
    const consider = async (c: Config) => {
      const s = await screen(c);
      if (s.mae < bestScore) {
        bestScore = s.mae;
        best = c;
      }
    };
    const share = middle(fpsList);
    for (const maxDepth of depths) for (const minLeaf of leaves) await consider({ maxDepth, minLeaf, featuresPerSplit: share });
    const shape = best;
    for (const featuresPerSplit of fpsList) if (featuresPerSplit !== share) await consider({ ...shape, featuresPerSplit });
  }

  // The chosen shape with the largest forest: tree counts and point predictions compared on its prefixes.
  const L = LEVELS.length;
  const perFold: { forest: QuantileForest; fold: Fold }[] = [];
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    const forest = await fit(best, finalTrees, fold, f);
    onProgress?.({ done: ++done, total });
    perFold.push({ forest, fold });
  }
  const totalValid = folds.reduce((s, f) => s + f.vn, 0);
  const pooled = (foldMae: number[]) => foldMae.reduce((s, m, f) => s + m * perFold[f]!.fold.vn, 0) / totalValid;
  // Tree counts compared on the forest's mean (cheap): the smallest within tolerance of the best.
  const byTrees = [...treeList]
    .sort((a, b) => a - b)
    .map((trees) => {
      const foldMae = perFold.map(({ forest, fold }) => {
        const sub = forest.prefix(trees);
        return maeOf(sub.mean(sub.leaves(fold.vx, fold.vn), fold.vn), fold.vy);
      });
      const score: CandidateScore = { ...best, trees, point: 'mean', mae: pooled(foldMae), foldMae };
      candidates.push(score);
      return score;
    });
  const bestMean = Math.min(...byTrees.map((c) => c.mae));
  const trees = byTrees.find((c) => c.mae <= bestMean * (1 + SEARCH.treesTolerance))!.trees;
  // At that size, the leaf distributions: the median as a point rule, and the calibration slice.
  const quantiles: Float64Array[] = [];
  const rawLate: Float64Array[] = [];
  for (const { forest, fold } of perFold) {
    const sub = forest.prefix(trees);
    const d = sub.distribution(sub.leaves(fold.vx, fold.vn), fold.vn, LEVELS, 0);
    quantiles.push(d.quantiles);
    rawLate.push(d.event);
  }
  const median = LEVELS.indexOf(0.5);
  const medianFolds = perFold.map(({ fold }, f) => maeOf(Float64Array.from({ length: fold.vn }, (_, r) => quantiles[f]![r * L + median]!), fold.vy));
  const medianScore: CandidateScore = { ...best, trees, point: 'median', mae: pooled(medianFolds), foldMae: medianFolds };
  candidates.push(medianScore);
  const meanScore = byTrees.find((c) => c.trees === trees)!;
  const pick = fixed.point === 'mean' ? meanScore : fixed.point === 'median' ? medianScore : medianScore.mae < meanScore.mae ? medianScore : meanScore;
  const chosen: Hyperparameters = { ...best, trees, point: pick.point };
  const outOfTime: OutOfTime = {
    quantiles: new Float64Array(totalValid * L),
    actual: new Float64Array(totalValid),
    rawLate: new Float64Array(totalValid),
    late: [],
  };
  let r = 0;
  perFold.forEach(({ fold }, f) => {
    for (let i = 0; i < fold.vn; i++, r++) {
      outOfTime.quantiles.set(quantiles[f]!.subarray(i * L, (i + 1) * L), r * L);
      outOfTime.actual[r] = fold.vy[i]!;
      outOfTime.rawLate[r] = rawLate[f]![i]!;
      outOfTime.late.push(fold.vy[i]! > 0);
    }
  });
  onProgress?.({ done: total, total });
  return {
    chosen,
    report: { method: allFixed ? 'fixed' : 'rolling-origin-cv', reason: null, folds: folds.map((f) => f.info), followUpDays: plan.followUpDays, candidates, chosen, cvMae: pick.mae },
    outOfTime,
  };
}
