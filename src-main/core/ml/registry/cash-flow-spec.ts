// The cash_flow model as the lifecycle sees it: examples are paid invoices (features dated at issue,
// outcome known at full payment), training runs in the worker on invoices paid before the cutoff,
// evaluation scores the holdout invoices with their issue-date features, and the reference is the
// due date (predicted days = payment terms). Only payments made by "today" count as known.
import { buildTrainingSet, predictCashFlowInWorker, termsDaysOf, trainCashFlowInWorker, type CashFlowArtifact, type CashFlowTrainOptions, type TrainingRow } from '../cash-flow';
import { addDays } from '../../dates';
import { evaluationFrom, type Evaluation, type Holdout, type ModelSpec, type SpecContext } from '../model-spec';

export const CASH_FLOW = 'cash_flow';
/** The seed: "Train Initial Model (requires ≥25 invoices)". */
export const CASH_FLOW_MIN_TRAINING_ROWS = 25;

function holdoutRows(ctx: SpecContext, holdout: Holdout): TrainingRow[] {
  const ids = new Set(holdout.entityIds);
  return buildTrainingSet(ctx.database.sqlite, { paidBefore: addDays(ctx.today, 1) }).filter((r) => ids.has(r.invoiceId));
}

/** `train` options fix the forest size (tests and benches use fewer trees); the seed comes from the lifecycle. */
export function createCashFlowSpec(train: Omit<CashFlowTrainOptions, 'seed'> = {}): ModelSpec {
  return {
    name: CASH_FLOW,
    title: 'Cash-flow (days to payment)',
    primaryMetric: 'mae',
    unit: 'days',
    minTrainingRows: CASH_FLOW_MIN_TRAINING_ROWS,
    examplesLabel: 'paid invoices',
    baselineLabel: 'due-date baseline',
    async labelledExamples(ctx) {
      // Only outcomes known by "today": with a pinned date (demos, replays) later payments do not exist yet.
      return buildTrainingSet(ctx.database.sqlite, { paidBefore: addDays(ctx.today, 1) }).map((r) => ({ entityId: r.invoiceId, featureDate: r.issueDate, outcomeDate: r.paidDate }));
    },
    async train(ctx, options) {
      const rows = buildTrainingSet(ctx.database.sqlite, { paidBefore: options.cutoff });
      const result = await trainCashFlowInWorker(ctx.worker, rows, { ...train, seed: options.seed }, options.onProgress);
      return { artifact: JSON.stringify(result.artifact), trainingRows: rows.length };
    },
    async evaluate(ctx, artifact, holdout): Promise<Evaluation> {
      const rows = holdoutRows(ctx, holdout);
      const predictions = await predictCashFlowInWorker(ctx.worker, JSON.parse(artifact) as CashFlowArtifact, rows.map((r) => r.features));
      return evaluationFrom(
        rows.map((r, i) => ({ entityId: r.invoiceId, predicted: predictions[i]!.days, actual: r.target })),
        ctx.settings.ML_TOLERANCE_DAYS,
      );
    },
    async evaluateBaseline(ctx, holdout) {
      const rows = holdoutRows(ctx, holdout);
      return evaluationFrom(
        rows.map((r) => ({ entityId: r.invoiceId, predicted: termsDaysOf(r.features), actual: r.target })),
        ctx.settings.ML_TOLERANCE_DAYS,
      );
    },
  };
}
