// Backtest of the cash-flow model (DESIGN §4): train only on what was known at the split date
// (invoices fully paid before it; settings chosen by time-series CV inside that data), score the
// paid invoices issued on/after it — every client's, or one client's — and report the model next to
// the three baselines (due date, the client's running mean, the global mean), the P10–P90 coverage
// and width with a calibration curve, and the late-payment AUC with a reliability curve.
import type BetterSqlite3 from 'better-sqlite3';
import { isIsoDate } from '../dates';
import { AppError, InputError } from '../errors';
import type { TreeGrower } from './forest/quantile-forest';
import { brierScore, coverageCurve, reliabilityCurve, type CoveragePoint, type ReliabilityBin } from './cash-flow/calibration';
import { CashFlowModel, type CashFlowTrainOptions, type TrainProgress } from './cash-flow/cash-flow-model';
import type { Hyperparameters, SelectionReport } from './cash-flow/model-selection';
import { buildTrainingSet, featureIndex, termsDaysOf } from './cash-flow/training-set';
import { baselinePredictions, regressionMetrics, rocAuc, type BaselineName, type RegressionMetrics } from './metrics';

/** The seed's minimum: fewer paid invoices than this cannot train a model. */
export const MIN_TRAINING_ROWS = 25;

export type PredictorName = 'model' | BaselineName;

export interface BacktestResult {
  model: 'cash_flow';
  splitDate: string;
  /** Only this client's invoices were scored (the model is trained on every client). */
  clientId: number | null;
  trainRows: number;
  testRows: number;
  toleranceDays: number;
  hyperparameters: Hyperparameters;
  selection: SelectionReport;
  trainMs: number;
  metrics: Record<PredictorName, RegressionMetrics>;
  /** P10–P90 band: share of outcomes inside it and mean width (days); `calibration`: every nominal interval. */
  intervals: { coverage: number; meanWidth: number; calibration: CoveragePoint[] };
  /** Late payment (after the due date): AUC of the model's probability, Brier score, reliability curve, share late. */
  late: { auc: number | null; brier: number; reliability: ReliabilityBin[]; shareLate: number };
  /** Whether the model's MAE is lower than every baseline's. */
  beatsAllBaselines: boolean;
}

export interface BacktestOptions {
  splitDate: string;
  toleranceDays: number;
  train?: CashFlowTrainOptions;
  clientId?: number | null;
}

export function insufficientDataError(found: number, what: string): AppError {
  return new AppError('INSUFFICIENT_DATA', `Model retraining failed: insufficient data (${found} ${what}; at least ${MIN_TRAINING_ROWS} needed)`);
}

export async function runCashFlowBacktest(
  sqlite: BetterSqlite3.Database,
  options: BacktestOptions,
  ctx: { grower?: TreeGrower; onProgress?: (p: TrainProgress) => void; signal?: AbortSignal } = {},
): Promise<BacktestResult> {
  if (!isIsoDate(options.splitDate)) throw new InputError(`split-date: expected a date as YYYY-MM-DD, got "${options.splitDate}"`, 'split-date');
  const train = buildTrainingSet(sqlite, { paidBefore: options.splitDate });
  if (train.length < MIN_TRAINING_ROWS) throw insufficientDataError(train.length, `invoices paid before ${options.splitDate}`);
  const clientId = options.clientId ?? null;
  const test = buildTrainingSet(sqlite, { issuedFrom: options.splitDate, ...(clientId !== null ? { clientId } : {}) });
  if (!test.length) {
    throw new AppError('NO_TEST_DATA', `No paid invoices${clientId !== null ? ` of client ${clientId}` : ''} issued on or after ${options.splitDate} to score the model on`);
  }
  const t0 = performance.now();
  const model = await CashFlowModel.train(train, options.train ?? {}, ctx);
  const trainMs = performance.now() - t0;

  const predictions = model.predict(test.map((r) => r.features));
  const globalMean = train.reduce((s, r) => s + r.target, 0) / train.length;
  const clientMean = featureIndex('client_mean_days');
  const baselines = baselinePredictions(
    test.map((r) => ({ termsDays: termsDaysOf(r.features), clientMeanDays: r.features[clientMean]! })),
    globalMean,
  );
  const score = (pred: readonly number[]) =>
    regressionMetrics(
      test.map((r, i) => ({ actual: r.target, predicted: pred[i]!, termsDays: termsDaysOf(r.features) })),
      options.toleranceDays,
    );
  const late = test.map((r) => r.target > termsDaysOf(r.features));
  const lateP = predictions.map((p) => p.lateProbability);
  const modelMetrics = score(predictions.map((p) => p.days));
  // The model's late AUC ranks by its probability of a late payment, not by its point prediction.
  modelMetrics.lateAuc = rocAuc(late, lateP);
  const metrics: Record<PredictorName, RegressionMetrics> = {
    model: modelMetrics,
    due_date: score(baselines.due_date),
    client_mean: score(baselines.client_mean),
    global_mean: score(baselines.global_mean),
  };
  const calibration = coverageCurve(
    predictions.map((p) => p.quantiles),
    test.map((r) => r.target),
  );
  const band = calibration.find((c) => c.nominal === 0.8)!;
  return {
    model: 'cash_flow',
    splitDate: options.splitDate,
    clientId,
    trainRows: train.length,
    testRows: test.length,
    toleranceDays: options.toleranceDays,
    hyperparameters: model.hyperparameters,
    selection: model.selection,
    trainMs,
    metrics,
    intervals: { coverage: band.observed, meanWidth: band.meanWidth, calibration },
    late: { auc: modelMetrics.lateAuc, brier: brierScore(lateP, late), reliability: reliabilityCurve(lateP, late), shareLate: late.filter(Boolean).length / late.length },
    beatsAllBaselines: (['due_date', 'client_mean', 'global_mean'] as const).every((b) => metrics.model.mae < metrics[b].mae),
  };
}
