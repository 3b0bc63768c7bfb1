// The cash_flow model as the lifecycle sees it: examples are paid invoices (features dated at issue,
// outcome known at full payment), training on invoices paid before the cutoff (settings chosen by
// time-series CV, or reused from the candidate being refit), scoring of holdout invoices with their
// issue-date features (point, P5…P95 quantiles and late-payment probability), and the due date as
// the reference (predicted days = payment terms). Only payments made by "today" count as known. All
// of it runs in the worker.
import type { CashFlowTrainOptions } from '../cash-flow';
import { evaluationFrom, sharedRetrainingThresholds, type ModelSpec, type SpecContext } from '../model-spec';
import { examplesInWorker, scoreInWorker, trainSerializedInWorker, type DatasetRef } from './serialized-model-jobs';

export const CASH_FLOW = 'cash_flow';
/** The seed: "Train Initial Model (requires ≥25 invoices)". */
export const CASH_FLOW_MIN_TRAINING_ROWS = 25;

const ref = (ctx: SpecContext): DatasetRef => ({ database: ctx.database.path, today: ctx.today });

/** `train` options fix settings (tests and benches use fewer trees); the rest are chosen by CV; the seed comes from the lifecycle. */
export function createCashFlowSpec(train: Omit<CashFlowTrainOptions, 'seed' | 'reuse'> = {}): ModelSpec {
  return {
    name: CASH_FLOW,
    title: 'Cash-flow (days to payment)',
    primaryMetric: 'mae',
    unit: 'days',
    minTrainingRows: CASH_FLOW_MIN_TRAINING_ROWS,
    examplesLabel: 'paid invoices',
    baselineLabel: 'due-date baseline',
    thresholds: sharedRetrainingThresholds,
    labelledExamples: (ctx) => examplesInWorker(ctx.worker, ref(ctx)),
    examplesFor: (ctx, filter) => examplesInWorker(ctx.worker, ref(ctx), { from: filter.from, clientId: filter.groupId }),
    async train(ctx, options) {
      const r = await trainSerializedInWorker(ctx.worker, ref(ctx), options.cutoff, { ...train, seed: options.seed }, {
        onProgress: options.onProgress,
        signal: options.signal,
        reuseSettingsOf: options.reuseSettingsOf,
      });
      return { artifact: r.artifact, trainingRows: r.trainingRows, selection: r.selection };
    },
    async evaluate(ctx, artifact, holdout) {
      return evaluationFrom((await scoreInWorker(ctx.worker, ref(ctx), artifact, holdout.entityIds)).rows, ctx.settings.ML_TOLERANCE_DAYS);
    },
    async evaluateBaseline(ctx, holdout) {
      return evaluationFrom((await scoreInWorker(ctx.worker, ref(ctx), null, holdout.entityIds)).rows, ctx.settings.ML_TOLERANCE_DAYS);
    },
  };
}
