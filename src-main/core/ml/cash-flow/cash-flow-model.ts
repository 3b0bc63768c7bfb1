// CashFlowModel: a seeded quantile regression forest (forest/) that predicts days from issue to full
// payment. It learns lateness (days past the due date) from the as-of features of training-set.ts;
// its hyperparameters come from rolling-origin cross-validation (model-selection.ts), its P5…P95
// quantiles from the leaf distributions and its late-payment probability from a companion
// probability forest, both calibrated on the out-of-time folds (calibration.ts). Pure and runtime-agnostic: the worker trains it (trees on worker_threads),
// anyone can load and predict.
import { toDayNumber } from '../../dates';
import { InputError } from '../../errors';
import { QuantileForest, type EncodedForest, type TreeGrower } from '../forest/quantile-forest';
import {
  applyPlatt,
  calibrateQuantiles,
  cdfAt,
  fitCalibration,
  IDENTITY_CALIBRATION,
  LEVELS,
  P10,
  P50,
  P90,
  quantileAt,
  type Calibration,
} from './calibration';
import { DEFAULT_HYPERPARAMETERS, lateForestOptions, lateLabels, recencyWeights, selectHyperparameters, type FixedHyperparameters, type Hyperparameters, type SelectionReport } from './model-selection';
import { checkFeatures, FEATURE_COUNT, FEATURE_NAMES, featureMatrix, termsDaysOf } from './training-set';

export const ARTIFACT_FORMAT = 'openfatture.cash-flow/2';

export interface CashFlowTrainOptions extends FixedHyperparameters {
  seed?: number;
  /** 'cv' (default): rolling-origin cross-validation chooses what is not fixed and calibrates the
   * intervals; 'none': the given or default settings, uncalibrated (benchmarks of the forest alone). */
  tuning?: 'cv' | 'none';
  /** Reuse the settings and calibration chosen for an earlier fit (a winning candidate refit on newer data). */
  reuse?: { hyperparameters: Hyperparameters; calibration: Calibration; selection: SelectionReport };
}

export const DEFAULT_SEED = 42;

export interface TrainExample {
  features: ArrayLike<number>;
  /** Days from issue to full payment. */
  target: number;
  issueDate: string;
  paidDate: string;
}

export interface CashFlowPrediction {
  /** Expected days from issue to full payment. */
  days: number;
  p10: number;
  p90: number;
  /** Probability of a payment after the due date. */
  lateProbability: number;
  /** Days from issue at each of LEVELS (calibrated). */
  quantiles: number[];
}

export interface TrainProgress {
  step: 'select' | 'train';
  current: number;
  total: number;
}

export interface CashFlowArtifact {
  format: typeof ARTIFACT_FORMAT;
  featureNames: string[];
  hyperparameters: Hyperparameters;
  seed: number;
  selection: SelectionReport;
  calibration: Calibration;
  trainingRows: number;
  /** The forest learns lateness (days past the due date); predictions add the terms back. */
  target: 'days-after-due';
  forest: EncodedForest;
  /** The companion probability forest of a payment after the due date (leaf means only). */
  lateForest: EncodedForest;
}

export interface TrainContext {
  grower?: TreeGrower;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

function fixedOf(o: CashFlowTrainOptions): FixedHyperparameters {
  const fixed: FixedHyperparameters = {};
  if (o.trees !== undefined) fixed.trees = o.trees;
  if (o.maxDepth !== undefined) fixed.maxDepth = o.maxDepth;
  if (o.minLeaf !== undefined) fixed.minLeaf = o.minLeaf;
  if (o.featuresPerSplit !== undefined) fixed.featuresPerSplit = o.featuresPerSplit;
  if (o.point !== undefined) fixed.point = o.point;
  return fixed;
}

function checkOptions(o: CashFlowTrainOptions): void {
  const int = (k: 'trees' | 'maxDepth' | 'minLeaf' | 'seed', min: number, max: number) => {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw new InputError(`${k}: must be an integer between ${min} and ${max}, got ${v}`, k);
  };
  int('trees', 1, 1000);
  int('maxDepth', 1, 64);
  int('minLeaf', 1, 100_000);
  int('seed', -(2 ** 31), 2 ** 31 - 1);
  if (o.featuresPerSplit !== undefined && !(o.featuresPerSplit > 0 && o.featuresPerSplit <= 1)) {
    throw new InputError(`featuresPerSplit: must be a share above 0 and at most 1, got ${o.featuresPerSplit}`, 'featuresPerSplit');
  }
  if (o.point !== undefined && o.point !== 'mean' && o.point !== 'median') throw new InputError(`point: must be "mean" or "median", got "${String(o.point)}"`, 'point');
  if (o.tuning !== undefined && o.tuning !== 'cv' && o.tuning !== 'none') throw new InputError(`tuning: must be "cv" or "none", got "${String(o.tuning)}"`, 'tuning');
}

export class CashFlowModel {
  private constructor(
    private readonly forest: QuantileForest,
    private readonly lateForest: QuantileForest,
    readonly hyperparameters: Hyperparameters,
    readonly seed: number,
    readonly selection: SelectionReport,
    readonly calibration: Calibration,
    readonly trainingRows: number,
  ) {}

  /** Chooses the settings (unless fixed or reused), calibrates and trains on `rows`. CPU-bound: run it in the worker. */
  static async train(rows: readonly TrainExample[], options: CashFlowTrainOptions = {}, ctx: TrainContext = {}): Promise<CashFlowModel> {
    checkOptions(options);
    if (rows.length < 2) throw new InputError(`rows: need at least 2 training rows, got ${rows.length}`, 'rows');
    rows.forEach((r, i) => {
      checkFeatures(r.features, `rows[${i}].features`);
      if (!Number.isFinite(r.target)) throw new InputError(`rows[${i}].target: not a finite number (${r.target})`, `rows[${i}].target`);
    });
    const seed = options.seed ?? DEFAULT_SEED;
    let hp: Hyperparameters;
    let selection: SelectionReport;
    let calibration: Calibration;
    if (options.tuning === 'none') {
      hp = { ...DEFAULT_HYPERPARAMETERS, ...fixedOf(options) };
      selection = { method: 'fixed', reason: 'tuning off', folds: [], followUpDays: null, candidates: [], chosen: hp, cvMae: null };
      calibration = IDENTITY_CALIBRATION;
    } else if (options.reuse) {
      hp = options.reuse.hyperparameters;
      selection = { ...options.reuse.selection, method: 'reused' };
      calibration = options.reuse.calibration;
    } else {
      const sel = await selectHyperparameters(rows, fixedOf(options), seed, ctx.grower, (p) => ctx.onProgress?.({ step: 'select', current: p.done, total: p.total }), ctx.signal);
      hp = sel.chosen;
      selection = sel.report;
      calibration = sel.outOfTime ? fitCalibration(sel.outOfTime.quantiles, sel.outOfTime.actual, sel.outOfTime.rawLate, sel.outOfTime.late) : IDENTITY_CALIBRATION;
    }
    const x = featureMatrix(rows);
    const y = Float64Array.from(rows, (r) => r.target - termsDaysOf(r.features));
    const rowWeights = recencyWeights(rows.map((r) => toDayNumber(r.issueDate)));
    const late = { ...lateForestOptions(seed), rowWeights };
    const total = hp.trees + late.trees;
    const forest = await QuantileForest.train(
      x,
      y,
      FEATURE_COUNT,
      { trees: hp.trees, seed, maxDepth: hp.maxDepth, minLeaf: hp.minLeaf, featuresPerSplit: Math.max(1, Math.round(hp.featuresPerSplit * FEATURE_COUNT)), rowWeights },
      ctx.grower,
      (done) => ctx.onProgress?.({ step: 'train', current: done, total }),
      ctx.signal,
    );
    const lateForest = await QuantileForest.train(x, lateLabels(y), FEATURE_COUNT, late, ctx.grower, (done) => ctx.onProgress?.({ step: 'train', current: hp.trees + done, total }), ctx.signal);
    return new CashFlowModel(forest, lateForest.withoutLeafSamples(), hp, seed, selection, calibration, rows.length);
  }

  static fromJSON(artifact: unknown): CashFlowModel {
    const a = artifact as Partial<CashFlowArtifact> | null;
    if (!a || typeof a !== 'object' || typeof a.format !== 'string') throw new InputError('artifact: not a cash-flow model (missing "format")', 'artifact');
    if (a.format !== ARTIFACT_FORMAT) {
      throw new InputError(`artifact: a cash-flow model of an older format (${a.format}); retrain to get one this version can use`, 'artifact');
    }
    if (!Array.isArray(a.featureNames) || a.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
      throw new InputError('artifact.featureNames: the model was trained on a different feature set; retrain it', 'artifact.featureNames');
    }
    const hp = { ...DEFAULT_HYPERPARAMETERS, ...(a.hyperparameters ?? {}) };
    checkOptions(hp);
    const cal = a.calibration;
    if (!cal || !Array.isArray(cal.shifts) || cal.shifts.length !== LEVELS.length || !cal.shifts.every(Number.isFinite) || !cal.platt) {
      throw new InputError('artifact.calibration: missing or malformed', 'artifact.calibration');
    }
    const decode = (field: 'forest' | 'lateForest'): QuantileForest => {
      let f: QuantileForest;
      try {
        f = QuantileForest.decode(a[field] as EncodedForest);
      } catch (e) {
        throw new InputError(`artifact.${field}: ${e instanceof Error ? e.message : String(e)}`, `artifact.${field}`);
      }
      if (f.cols !== FEATURE_COUNT) throw new InputError(`artifact.${field}: ${f.cols} features, expected ${FEATURE_COUNT}`, `artifact.${field}`);
      return f;
    };
    return new CashFlowModel(decode('forest'), decode('lateForest'), hp, Number(a.seed) || DEFAULT_SEED, a.selection as SelectionReport, cal, Number(a.trainingRows) || 0);
  }

  toJSON(): CashFlowArtifact {
    return {
      format: ARTIFACT_FORMAT,
      featureNames: [...FEATURE_NAMES],
      hyperparameters: this.hyperparameters,
      seed: this.seed,
      selection: this.selection,
      calibration: this.calibration,
      trainingRows: this.trainingRows,
      target: 'days-after-due',
      forest: this.forest.encode(),
      lateForest: this.lateForest.encode(),
    };
  }

  predict(featureRows: readonly ArrayLike<number>[]): CashFlowPrediction[] {
    const n = featureRows.length;
    if (!n) return [];
    featureRows.forEach((f, i) => checkFeatures(f, `features[${i}]`));
    const x = featureMatrix(featureRows.map((features) => ({ features })));
    const leaves = this.forest.leaves(x, n);
    const mean = this.forest.mean(leaves, n);
    const L = LEVELS.length;
    const { quantiles } = this.forest.distribution(leaves, n, LEVELS, 0);
    const late = this.lateForest.mean(this.lateForest.leaves(x, n), n);
    return featureRows.map((f, r) => {
      const terms = termsDaysOf(f);
      const raw = quantiles.slice(r * L, (r + 1) * L);
      const pointLate = this.hyperparameters.point === 'median' ? raw[P50]! : mean[r]!;
      const q = calibrateQuantiles(raw, this.calibration.shifts);
      // Payment cannot precede issue: clamp at day 0.
      const days = Math.max(0, terms + pointLate);
      const qDays = Array.from(q, (v) => Math.max(0, terms + v));
      return {
        days,
        p10: Math.min(days, qDays[P10]!),
        p90: Math.max(days, qDays[P90]!),
        lateProbability: applyPlatt(Math.min(1, Math.max(0, late[r]!)), this.calibration.platt),
        quantiles: qDays,
      };
    });
  }

  /** Share of training weight routed by each feature's splits, normalised to 1. */
  featureImportance(): Record<string, number> {
    const imp = this.forest.featureImportance();
    return Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, imp[i]!]));
  }
}

/**
 * The prediction for an invoice still unpaid `elapsedDays` after issue: the distribution above that
 * day (a payment can only come later), its median as the expected day when the unconditional one is
 * already past, and the late probability given that it is not paid yet (1 once past due).
 */
export function givenUnpaidAfter(p: CashFlowPrediction, elapsedDays: number, termsDays: number): CashFlowPrediction {
  const floor = elapsedDays + 1;
  const q = p.quantiles;
  const tau = cdfAt(q, elapsedDays + 0.5);
  if (tau <= 0 && p.days >= floor) return p;
  const rescale = (u: number) => Math.max(floor, quantileAt(q, tau + u * (1 - tau)));
  const quantiles = LEVELS.map((u) => rescale(u));
  const level = cdfAt(q, p.days);
  const days = p.days >= floor && tau <= 0 ? p.days : rescale(Math.max(0.5, level));
  const lateProbability = floor > termsDays ? 1 : Math.min(1, tau < 1 ? p.lateProbability / (1 - tau) : 1);
  return { days, p10: Math.min(days, quantiles[P10]!), p90: Math.max(days, quantiles[P90]!), lateProbability, quantiles };
}
