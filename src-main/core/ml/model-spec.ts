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

/** Error figures of one model on one set of rows. MAE is the primary metric of every spec. */
export interface ModelMetrics {
  /** Mean absolute error, in the spec's unit (days for cash_flow). */
  mae: number;
  rmse: number;
  medianAe: number;
  /** Share of rows within ±tolerance of the truth. */
  accuracy: number;
  n: number;
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
}

export interface TrainedModel {
  /** The serialized model, stored verbatim as the version's artifact. */
  artifact: string;
  trainingRows: number;
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
}

export interface Evaluation {
  metrics: ModelMetrics;
  rows: RowPrediction[];
}

export interface ModelSpec {
  readonly name: string;
  readonly title: string;
  readonly primaryMetric: 'mae';
  /** Unit of the target, for messages ("days"). */
  readonly unit: string;
  /** Labelled examples required before a model can be trained at all. */
  readonly minTrainingRows: number;
  /** What an example is, for the insufficient-data message ("paid invoices"). */
  readonly examplesLabel: string;
  /** Name of the reference the first model must beat ("due-date baseline"). */
  readonly baselineLabel: string;
  labelledExamples(ctx: SpecContext): Promise<LabelledExample[]>;
  /** Runs in the worker; progress is forwarded. */
  train(ctx: SpecContext, options: TrainOptions): Promise<TrainedModel>;
  /** Scores a stored artifact on the holdout rows. */
  evaluate(ctx: SpecContext, artifact: string, holdout: Holdout): Promise<Evaluation>;
  /** Scores the non-learning reference on the same rows. */
  evaluateBaseline(ctx: SpecContext, holdout: Holdout): Promise<Evaluation>;
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
  return { rows, metrics: metricsFromErrors(rows.map((r) => r.predicted - r.actual), tolerance) };
}
