// Champion/challenger (DESIGN §4): which rows to hold out so that the candidate, the active model and
// the baseline are scored on rows the compared models were not trained on, and whether the candidate
// earns deployment (relative improvement of the primary error — MAE, top-1 error rate — ≥ the model's
// minimum improvement). Pure functions: the
// retrainer does the I/O. A candidate that wins is refit on every outcome known today before it is
// deployed (the retrainer), so the most recent behaviour is never left out of the live model.
import type { Evaluation, LabelledExample } from '../model-spec';
import { daysBetween } from '../../dates';
import { englishText, type RetrainingMessage } from './retraining-message';
import type { ErrorMetric } from '../../../../src-shared/retraining-message';

/** Fewer holdout rows than this and a comparison says nothing. */
export const MIN_HOLDOUT_ROWS = 10;
/** Holdout rows needed to compare on outcomes that came after the active version's cutoff: on fewer,
 * a 2% difference in MAE is noise, and deploying on noise churns versions every week. */
export const MIN_SINCE_ACTIVE_HOLDOUT_ROWS = 25;
/** Share of all labelled examples held out (the most recent ones by issue date). */
export const HOLDOUT_SHARE = 0.2;
/** Fewer training rows than this before the cutoff and there is no model to speak of. */
export const MIN_CANDIDATE_TRAINING_ROWS = 10;

export type HoldoutPlan =
  | {
      ok: true;
      /**
       * 'since-active': the later outcomes among those that arrived since the active version's cutoff;
       * the candidate learns from the earlier ones, and both models are scored on rows neither saw.
       * 'latest-issued': the latest paid invoices by issue date (no active version, or too few new
       * outcomes yet — e.g. a second retrain on the day of the first).
       */
      kind: 'since-active' | 'latest-issued';
      /** The candidate trains on outcomes known before this date. */
      cutoff: string;
      /** First issue date in the holdout. */
      from: string;
      holdoutIds: number[];
      trainingRows: number;
    }
  | { ok: false; reason: string; message: RetrainingMessage; insufficientTraining: boolean };

/** 90th percentile of days from feature date to outcome, between 30 and 180: how long most outcomes take to arrive. */
export function followUpDays(examples: readonly LabelledExample[]): number {
  if (!examples.length) return 30;
  const days = examples.map((e) => daysBetween(e.featureDate, e.outcomeDate)).sort((a, b) => a - b);
  return Math.max(30, Math.min(180, days[Math.min(days.length - 1, Math.ceil(0.9 * days.length) - 1)]!));
}

const byOutcome = (a: LabelledExample, b: LabelledExample) => (a.outcomeDate < b.outcomeDate ? -1 : a.outcomeDate > b.outcomeDate ? 1 : a.entityId - b.entityId);
const byIssue = (a: LabelledExample, b: LabelledExample) => (a.featureDate < b.featureDate ? -1 : a.featureDate > b.featureDate ? 1 : a.entityId - b.entityId);

/**
 * Time decides what each model saw: a model trained "at cutoff C" learnt only outcomes known before
 * C. With an active version and at least 2 × MIN_SINCE_ACTIVE_HOLDOUT_ROWS outcomes since its cutoff, the holdout
 * is the later half of those (at most HOLDOUT_SHARE of all examples): the candidate learns from the
 * earlier new outcomes, and neither model saw a holdout row — the comparison measures what the new
 * data is worth. Otherwise (the first model, or a retrain soon after the last deployment, down to a
 * second retrain on the same day) the holdout is chosen from the data alone: the latest
 * HOLDOUT_SHARE of the paid invoices by issue date (at least MIN_HOLDOUT_ROWS), the candidate
 * learning the outcomes known before the first of them; the active version, which may have seen
 * those rows, is then compared through its settings retrained on the candidate's data. For the first
 * model, which is compared with the due date, only invoices issued a follow-up (the 90th percentile
 * of days to pay) before the last known payment count as "latest": the most recent issues already
 * paid are the quick payers, and scoring on them alone would favour the due date over any model.
 */
export function planHoldout(examples: readonly LabelledExample[], activeCutoff: string | null): HoldoutPlan {
  const sorted = [...examples].sort(byOutcome);
  const share = Math.ceil(sorted.length * HOLDOUT_SHARE);
  const fresh = activeCutoff ? sorted.filter((e) => e.outcomeDate >= activeCutoff) : [];
  if (fresh.length >= 2 * MIN_SINCE_ACTIVE_HOLDOUT_ROWS) {
    const size = Math.max(MIN_SINCE_ACTIVE_HOLDOUT_ROWS, Math.min(share, Math.floor(fresh.length / 2)));
    const cutoff = fresh[fresh.length - size]!.outcomeDate;
    const holdout = sorted.filter((e) => e.outcomeDate >= cutoff);
    const trainingRows = sorted.length - holdout.length;
    if (trainingRows >= MIN_CANDIDATE_TRAINING_ROWS) {
      return { ok: true, kind: 'since-active', cutoff, from: [...holdout].sort(byIssue)[0]!.featureDate, holdoutIds: holdout.map((e) => e.entityId), trainingRows };
    }
  }
  const all = [...examples].sort(byIssue);
  const size = Math.max(MIN_HOLDOUT_ROWS, share);
  let issued = all;
  if (activeCutoff === null && sorted.length) {
    const lastOutcome = sorted[sorted.length - 1]!.outcomeDate;
    const followUp = followUpDays(examples);
    const mature = all.filter((e) => daysBetween(e.featureDate, lastOutcome) >= followUp);
    if (mature.length >= size + MIN_CANDIDATE_TRAINING_ROWS) issued = mature;
  }
  if (issued.length < size + MIN_CANDIDATE_TRAINING_ROWS) {
    const message: RetrainingMessage = { code: 'training-too-small', params: { count: Math.max(0, issued.length - size), cutoff: issued.at(-size)?.featureDate ?? '', needed: MIN_CANDIDATE_TRAINING_ROWS } };
    return { ok: false, insufficientTraining: true, reason: englishText(message), message };
  }
  const from = issued[issued.length - size]!.featureDate;
  const holdout = issued.filter((e) => e.featureDate >= from);
  const trainingRows = all.filter((e) => e.outcomeDate < from).length;
  if (trainingRows < MIN_CANDIDATE_TRAINING_ROWS) {
    const message: RetrainingMessage = { code: 'training-too-small', params: { count: trainingRows, cutoff: from, needed: MIN_CANDIDATE_TRAINING_ROWS } };
    return { ok: false, insufficientTraining: true, reason: englishText(message), message };
  }
  return { ok: true, kind: 'latest-issued', cutoff: from, from, holdoutIds: holdout.map((e) => e.entityId), trainingRows };
}

/** `reason` is the English sentence of `message`. */
export type Decision = { outcome: 'deploy' | 'keep'; improvement: number; reason: string; message: RetrainingMessage };

function decision(outcome: Decision['outcome'], improvement: number, message: RetrainingMessage): Decision {
  return { outcome, improvement, reason: englishText(message), message };
}

/** Relative improvement of the primary error of `candidate` over `reference` (positive = better). */
export function improvementOver(reference: number, candidate: number): number {
  if (!Number.isFinite(reference) || !Number.isFinite(candidate)) return NaN;
  if (reference === 0) return candidate === 0 ? 0 : -Infinity;
  return (reference - candidate) / reference;
}

export function decide(input: {
  candidate: Evaluation;
  active: Evaluation | null;
  activeVersion: string | null;
  baseline: Evaluation;
  baselineLabel: string;
  /** The model's name, so the UI can name its baseline in its own language. */
  model: string;
  /** What the compared error measures (the spec's primaryMetric), so the messages word it. */
  metric: ErrorMetric;
  minImprovement: number;
}): Decision {
  const metric = input.metric;
  const c = input.candidate.metrics.mae;
  if (!input.active) {
    const b = input.baseline.metrics.mae;
    const improvement = improvementOver(b, c);
    const named = { model: input.model, baseline: input.baselineLabel, metric };
    if (c < b) return decision('deploy', improvement, { code: 'first-model-deploy', params: { candidateMae: c, baselineMae: b, improvement, ...named } });
    return decision('keep', improvement, { code: 'first-model-keep', params: { candidateMae: c, baselineMae: b, ...named } });
  }
  const a = input.active.metrics.mae;
  const improvement = improvementOver(a, c);
  const figures = { candidateMae: c, activeMae: a, activeVersion: input.activeVersion ?? '', improvement, required: input.minImprovement, metric };
  if (improvement >= input.minImprovement) return decision('deploy', improvement, { code: 'improvement-met', params: figures });
  return decision('keep', improvement, { code: 'improvement-below-threshold', params: { ...figures, n: input.candidate.metrics.n } });
}
