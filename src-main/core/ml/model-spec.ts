// What the generic model lifecycle (registry, triggers, champion/challenger, scheduler) needs to know
// about one kind of model (DESIGN §4, last bullet). A spec says which examples have a known outcome,
// how to train on what was known at a cutoff (in the worker), and how to score an artifact on a
// holdout; the lifecycle never looks inside an artifact. cash_flow is the first spec; a payment
// matcher would be a second one without any change to the lifecycle code.
import type { Database } from '../db/database';
import type { Settings } from '../config/settings';
import type { Logger } from '../logger';
import type { WorkerHost } from '../worker/worker-host';
import type { Progress } from '../worker/protocol';
import { brierScore, coverageCurve, reliabilityCurve, type CoveragePoint, type ReliabilityBin } from './cash-flow/calibration';
import { rocAuc } from './metrics';
import type { ErrorMetric } from '../../../src-shared/retraining-message';

/** Error figures of one model on one set of rows. `mae` is the primary error of every spec, the
 * figure the registry ranks by; the spec's `primaryMetric` says what it measures. */
export interface ModelMetrics {
  /** Mean absolute error of the rows' predictions: days for cash_flow, the top-1 error rate for the payment matcher (its rows' errors are 0 or 1). */
  mae: number;
  rmse: number;
  medianAe: number;
  /** Share of rows within ±tolerance of the truth. */
  accuracy: number;
  n: number;
  /** With interval predictions: share of outcomes inside the P10–P90 band, and its mean width. */
  coverage?: number;
  meanWidth?: number;
  /** Observed coverage of each nominal central interval (the calibration plot). */
  calibration?: CoveragePoint[];
  /** With event probabilities (cash_flow: a late payment): ROC AUC (null with one class only), Brier score, reliability curve. */
  eventAuc?: number | null;
  brier?: number;
  reliability?: ReliabilityBin[];
}

export interface SpecContext {
  database: Database;
  worker: WorkerHost;
  settings: Settings;
  logger: Logger;
  /** "Today" for the run (honours OPENFATTURE_TODAY). */
  today: string;
}

/** An example whose outcome is known today: its features are dated `featureDate` (no later data may
 * enter them) and its outcome became known on `outcomeDate`. */
export interface LabelledExample {
  entityId: number;
  featureDate: string;
  outcomeDate: string;
}

export interface TrainOptions {
  /** Train only on examples whose outcome was known before this date. */
  cutoff: string;
  seed: number;
  onProgress?: (p: Progress) => void;
  /** Cancels the training (the call fails with code CANCELLED). */
  signal?: AbortSignal;
  /** Refit of a winning candidate on newer data: reuse the settings it chose (its artifact). */
  reuseSettingsOf?: string;
}

export interface TrainedModel {
  /** The serialized model, stored verbatim as the version's artifact. */
  artifact: string;
  trainingRows: number;
  /** How the settings were chosen and what they are (stored with the version). */
  selection?: unknown;
}

/** Rows that neither compared model was trained on: the examples whose outcome became known on or
 * after `from` (listed in `entityIds`). */
export interface Holdout {
  from: string;
  entityIds: readonly number[];
}

export interface RowPrediction {
  entityId: number;
  predicted: number;
  actual: number;
  /** Predicted quantiles at the spec's levels (cash_flow: calibration.ts LEVELS), when the model gives them. */
  quantiles?: number[];
  /** Predicted probability of the spec's event (cash_flow: paid after the due date) and whether it happened. */
  eventProbability?: number;
  eventActual?: boolean;
  /** Who the row belongs to (cash_flow: the client), for per-group figures. */
  groupId?: number;
}

export interface Evaluation {
  metrics: ModelMetrics;
  rows: RowPrediction[];
}

/** When a model retrains and when its candidate is deployed: each spec names the settings it reads. */
export interface RetrainingThresholds {
  /** New examples (outcomes, answers) since the last evaluation that trigger a retrain. */
  minNewExamples: number;
  /** Days since the active version was trained that trigger a retrain. */
  maxDaysSinceTraining: number;
  /** Relative drop of live accuracy from the active version's baseline that triggers a retrain. */
  degradationThreshold: number;
  /** Relative improvement of the primary error a candidate needs to replace the active version. */
  minImprovement: number;
}

/** The seed's ML_RETRAINING_* thresholds (the cash-flow model's). */
export function sharedRetrainingThresholds(s: Settings): RetrainingThresholds {
  return {
    minNewExamples: s.ML_RETRAINING_MIN_FEEDBACK_COUNT,
    maxDaysSinceTraining: s.ML_RETRAINING_MAX_DAYS_SINCE_TRAINING,
    degradationThreshold: s.ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD,
    minImprovement: s.ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE,
  };
}

export interface ModelSpec {
  readonly name: string;
  readonly title: string;
  /** What the primary error (`ModelMetrics.mae`) measures: messages and the Models page word and format it accordingly. */
  readonly primaryMetric: ErrorMetric;
  /** Unit of the primary error ("days", "share of answers"). */
  readonly unit: string;
  /** Labelled examples required before a model can be trained at all. */
  readonly minTrainingRows: number;
  /** What an example is, for the insufficient-data message ("paid invoices"). */
  readonly examplesLabel: string;
  /** Name of the reference the first model must beat ("due-date baseline"). */
  readonly baselineLabel: string;
  /**
   * True when the model serves without any training (the payment matcher's rule-based version 0):
   * its first training then waits quietly for enough examples instead of failing at every check.
   * A model that serves nothing until trained reports the missing data as a failed retrain.
   */
  readonly servesUntrained?: boolean;
  /**
   * True when the model's feedback rows are its labelled examples (the matcher's answered
   * suggestions): trigger texts then count them by `examplesLabel` instead of as outcomes of
   * predictions.
   */
  readonly feedbackIsExamples?: boolean;
  /** The model's retraining thresholds, read from the current settings. */
  thresholds(settings: Settings): RetrainingThresholds;
  labelledExamples(ctx: SpecContext): Promise<LabelledExample[]>;
  /** Runs in the worker; progress is forwarded. */
  train(ctx: SpecContext, options: TrainOptions): Promise<TrainedModel>;
  /** Scores a stored artifact on the holdout rows. */
  evaluate(ctx: SpecContext, artifact: string, holdout: Holdout): Promise<Evaluation>;
  /** Scores the non-learning reference on the same rows. */
  evaluateBaseline(ctx: SpecContext, holdout: Holdout): Promise<Evaluation>;
  /** Labelled examples to score a stored version on (`ai evaluate`): those with a feature date on or
   * after `from` (every one when null), only `groupId`'s when given. */
  examplesFor?(ctx: SpecContext, filter: { from: string | null; groupId: number | null }): Promise<LabelledExample[]>;
}

/** Errors → MAE, RMSE, median AE and share within tolerance (shared by specs and tests). */
export function metricsFromErrors(errors: readonly number[], tolerance: number): ModelMetrics {
  const n = errors.length;
  if (n === 0) return { mae: NaN, rmse: NaN, medianAe: NaN, accuracy: NaN, n: 0 };
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const mae = abs.reduce((s, e) => s + e, 0) / n;
  const rmse = Math.sqrt(abs.reduce((s, e) => s + e * e, 0) / n);
  const mid = Math.floor(n / 2);
  const medianAe = n % 2 ? abs[mid]! : (abs[mid - 1]! + abs[mid]!) / 2;
  const accuracy = abs.filter((e) => e <= tolerance).length / n;
  return { mae, rmse, medianAe, accuracy, n };
}

export function evaluationFrom(rows: RowPrediction[], tolerance: number): Evaluation {
  const metrics = metricsFromErrors(rows.map((r) => r.predicted - r.actual), tolerance);
  const withQuantiles = rows.filter((r) => r.quantiles !== undefined);
  if (rows.length && withQuantiles.length === rows.length) {
    const curve = coverageCurve(rows.map((r) => r.quantiles!), rows.map((r) => r.actual));
    const band = curve.find((c) => c.nominal === 0.8)!;
    metrics.coverage = band.observed;
    metrics.meanWidth = band.meanWidth;
    metrics.calibration = curve;
  }
  if (rows.length && rows.every((r) => r.eventProbability !== undefined && r.eventActual !== undefined)) {
    const p = rows.map((r) => r.eventProbability!);
    const y = rows.map((r) => r.eventActual!);
    metrics.eventAuc = rocAuc(y, p);
    metrics.brier = brierScore(p, y);
    metrics.reliability = reliabilityCurve(p, y);
  }
  return { rows, metrics };
}
