// Backtest of the cash-flow model (DESIGN §4): train only on what was known at the split date
// (invoices fully paid before it), score the paid invoices issued on/after it, and report the
// model next to the three baselines (due date, client historical mean, global mean).
import type BetterSqlite3 from 'better-sqlite3';
import { isIsoDate } from '../dates';
import { AppError, InputError } from '../errors';
import type { CashFlowModel, CashFlowTrainOptions } from './cash-flow/cash-flow-model';
import { buildTrainingSet, featureIndex, termsDaysOf, type TrainingRow } from './cash-flow/training-set';
import { baselinePredictions, regressionMetrics, type BaselineName, type RegressionMetrics } from './metrics';

/** The seed's minimum: fewer paid invoices than this cannot train a model. */
export const MIN_TRAINING_ROWS = 25;

export type PredictorName = 'model' | BaselineName;

export interface BacktestResult {
  model: 'cash_flow';
  splitDate: string;
  trainRows: number;
  testRows: number;
  toleranceDays: number;
  trainOptions: CashFlowTrainOptions;
  trainMs: number;
  metrics: Record<PredictorName, RegressionMetrics>;
  /** Whether the model's MAE is lower than every baseline's. */
  beatsAllBaselines: boolean;
}

export interface BacktestOptions {
  splitDate: string;
  toleranceDays: number;
  train?: CashFlowTrainOptions;
}

/** Trains a model on the given rows; the app passes one that runs in the worker. */
export type CashFlowTrainer = (rows: TrainingRow[], options: CashFlowTrainOptions) => Promise<CashFlowModel>;

export function insufficientDataError(found: number, what: string): AppError {
  return new AppError('INSUFFICIENT_DATA', `Model retraining failed: insufficient data (${found} ${what}; at least ${MIN_TRAINING_ROWS} needed)`);
}

export async function runCashFlowBacktest(sqlite: BetterSqlite3.Database, options: BacktestOptions, trainer: CashFlowTrainer): Promise<BacktestResult> {
  if (!isIsoDate(options.splitDate)) throw new InputError(`split-date: expected a date as YYYY-MM-DD, got "${options.splitDate}"`, 'split-date');
  const train = buildTrainingSet(sqlite, { paidBefore: options.splitDate });
  if (train.length < MIN_TRAINING_ROWS) throw insufficientDataError(train.length, `invoices paid before ${options.splitDate}`);
  const test = buildTrainingSet(sqlite, { issuedFrom: options.splitDate });
  if (!test.length) throw new AppError('NO_TEST_DATA', `No paid invoices issued on or after ${options.splitDate} to score the model on`);
  const trainOptions = options.train ?? {};
  const t0 = performance.now();
  const model = await trainer(train, trainOptions);
  const trainMs = performance.now() - t0;

  const predicted = model.predict(test.map((r) => r.features)).map((p) => p.days);
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
  const metrics: Record<PredictorName, RegressionMetrics> = {
    model: score(predicted),
    due_date: score(baselines.due_date),
    client_mean: score(baselines.client_mean),
    global_mean: score(baselines.global_mean),
  };
  return {
    model: 'cash_flow',
    splitDate: options.splitDate,
    trainRows: train.length,
    testRows: test.length,
    toleranceDays: options.toleranceDays,
    trainOptions,
    trainMs,
    metrics,
    beatsAllBaselines: (['due_date', 'client_mean', 'global_mean'] as const).every((b) => metrics.model.mae < metrics[b].mae),
  };
}
