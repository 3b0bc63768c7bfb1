// The payment_matcher model as the lifecycle sees it: an example is one answered suggestion (a
// confirmation, correction, rejection or undo in model_prediction_feedback), known when it was given;
// training fits the logistic scorer in the worker on the candidates recorded with the examples before
// the cutoff; scoring re-ranks each held-out confirmation's recorded candidates and counts the times
// the best is not what the user settled on. The registry's primary metric is an error, so the
// matcher's is the top-1 error rate (1 − top-1 accuracy; "accuracy" in the metrics is top-1
// accuracy); the reference is version 0, the rule-based scorer.
import { matchOutcomeSchema, matchPredictionSchema, holdoutTop1, trainingRows, type MatchFeedback } from '../../bank/matcher-feedback';
import { MatcherFeedbackRepository, type MatcherFeedbackRow } from '../../bank/matcher-feedback-repository';
import { trainMatcherInWorker } from '../../bank/matcher-jobs';
import { loadMatcher, ruleScorer } from '../../bank/match-scorers';
import { sameInvoices, type CandidateScorer } from '../../bank/payment-matcher';
import { InputError } from '../../errors';
import { evaluationFrom, type Evaluation, type LabelledExample, type ModelSpec, type RowPrediction, type SpecContext } from '../model-spec';

export const PAYMENT_MATCHER = 'payment_matcher';
/** Answered suggestions needed before a trained model can replace version 0. */
export const PAYMENT_MATCHER_MIN_TRAINING_ROWS = 30;

interface Answered extends MatchFeedback {
  id: number;
  createdAt: string;
}

function parseRows(rows: readonly MatcherFeedbackRow[]): Answered[] {
  const out: Answered[] = [];
  for (const r of rows) {
    try {
      const prediction = matchPredictionSchema.safeParse(JSON.parse(r.prediction));
      const outcome = matchOutcomeSchema.safeParse(r.actual_outcome ? JSON.parse(r.actual_outcome) : null);
      if (prediction.success && outcome.success && outcome.data.action !== 'auto') out.push({ id: r.id, createdAt: r.created_at, prediction: prediction.data, outcome: outcome.data });
    } catch {
      // A row that is not the matcher's JSON (edited by hand, imported from elsewhere) teaches nothing.
    }
  }
  return out;
}

const answered = (ctx: SpecContext) => parseRows(new MatcherFeedbackRepository(ctx.database.sqlite, PAYMENT_MATCHER).all());

/** One row per held-out confirmation: predicted 1 when the scorer's best is not the user's answer. */
function score(scorer: CandidateScorer, records: readonly Answered[]): Evaluation {
  const rows: RowPrediction[] = [];
  for (const r of records) {
    const { n, top1Correct } = holdoutTop1(scorer, [r]);
    if (n === 0) continue;
    rows.push({ entityId: r.id, predicted: top1Correct ? 0 : 1, actual: 0 });
  }
  return evaluationFrom(rows, 0);
}

export function createPaymentMatcherSpec(): ModelSpec {
  return {
    name: PAYMENT_MATCHER,
    title: 'Payment matcher (bank credits to invoices)',
    primaryMetric: 'top1Error',
    unit: 'share of answers',
    minTrainingRows: PAYMENT_MATCHER_MIN_TRAINING_ROWS,
    examplesLabel: 'answered suggestions',
    baselineLabel: 'rule-based version 0',
    servesUntrained: true,
    feedbackIsExamples: true,
    thresholds: (s) => ({
      minNewExamples: s.BANK_MATCHER_MIN_NEW_ANSWERS,
      maxDaysSinceTraining: s.BANK_MATCHER_MAX_DAYS_SINCE_TRAINING,
      degradationThreshold: s.BANK_MATCHER_ACCURACY_DROP_THRESHOLD,
      minImprovement: s.BANK_MATCHER_MIN_IMPROVEMENT,
    }),
    labelledExamples(ctx): Promise<LabelledExample[]> {
      return Promise.resolve(answered(ctx).map((r) => ({ entityId: r.id, featureDate: r.createdAt.slice(0, 10), outcomeDate: r.createdAt.slice(0, 10) })));
    },
    async train(ctx, options) {
      const records = answered(ctx).filter((r) => r.createdAt.slice(0, 10) < options.cutoff);
      const rows = trainingRows(records).map((r) => ({ features: Array.from(r.features), label: r.label }));
      if (!rows.some((r) => r.label === 1) || !rows.some((r) => r.label === 0)) {
        throw new InputError(`payment matcher: ${records.length} answered suggestion(s) before ${options.cutoff} hold no confirmed and rejected candidates to learn from`, 'training');
      }
      const r = await trainMatcherInWorker(ctx.worker, rows, options.onProgress, options.signal);
      return { artifact: r.artifact, trainingRows: r.trainingRows, selection: { examples: records.length, confirmed: records.filter((x) => x.outcome.invoiceIds.length > 0 && x.prediction.candidates.some((c) => sameInvoices(c.invoiceIds, x.outcome.invoiceIds))).length } };
    },
    evaluate(ctx, artifact, holdout) {
      const records = parseRows(new MatcherFeedbackRepository(ctx.database.sqlite, PAYMENT_MATCHER).byIds(holdout.entityIds));
      return Promise.resolve(score(loadMatcher(artifact, 'candidate'), records));
    },
    evaluateBaseline(ctx, holdout) {
      const records = parseRows(new MatcherFeedbackRepository(ctx.database.sqlite, PAYMENT_MATCHER).byIds(holdout.entityIds));
      return Promise.resolve(score(ruleScorer(), records));
    },
  };
}
