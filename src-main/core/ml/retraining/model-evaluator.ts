// Champion/challenger (DESIGN §4): which rows to hold out so that the candidate, the active model and
// the baseline are scored on rows the compared models were not trained on, and whether the candidate
// earns deployment (relative MAE improvement ≥ MIN_IMPROVEMENT_PERCENTAGE). Pure functions: the
// retrainer does the I/O. A candidate that wins is refit on every outcome known today before it is
// deployed (the retrainer), so the most recent behaviour is never left out of the live model.
import type { Evaluation, LabelledExample } from '../model-spec';
import { englishText, type RetrainingMessage } from './retraining-message';

/** Fewer holdout rows than this and a comparison says nothing. */
export const MIN_HOLDOUT_ROWS = 10;
/** Share of all labelled examples held out (the most recent ones by issue date). */
export const HOLDOUT_SHARE = 0.2;
/** Fewer training rows than this before the cutoff and there is no model to speak of. */
export const MIN_CANDIDATE_TRAINING_ROWS = 10;

export type HoldoutPlan =
  | {
      ok: true;
      /** Issue date of the first holdout row: the candidate trains on outcomes known before it. */
      from: string;
      holdoutIds: number[];
      trainingRows: number;
      /** Holdout rows whose outcome came after the active version's cutoff (it never saw them); null without an active version. */
      unseenIds: number[] | null;
    }
  | { ok: false; reason: string; message: RetrainingMessage; insufficientTraining: boolean };

/**
 * The holdout is chosen from the data: the latest HOLDOUT_SHARE of the paid invoices by issue date
 * (at least MIN_HOLDOUT_ROWS). The candidate is trained on the outcomes known before the first of
 * them, so it never saw any holdout row, and a second retrain on the day of the first has rows to
 * compare on. The active version may have been trained on some of them: `unseenIds` are those it was
 * not (their outcome came on or after its cutoff) — the retrainer compares on those when there are
 * enough, else through the active version's settings retrained on the candidate's data.
 */
export function planHoldout(examples: readonly LabelledExample[], activeCutoff: string | null): HoldoutPlan {
  const sorted = [...examples].sort((a, b) => (a.featureDate < b.featureDate ? -1 : a.featureDate > b.featureDate ? 1 : a.entityId - b.entityId));
  const size = Math.max(MIN_HOLDOUT_ROWS, Math.ceil(sorted.length * HOLDOUT_SHARE));
  if (sorted.length < size + MIN_CANDIDATE_TRAINING_ROWS) {
    const message: RetrainingMessage = { code: 'training-too-small', params: { count: Math.max(0, sorted.length - size), cutoff: sorted.at(-size)?.featureDate ?? '', needed: MIN_CANDIDATE_TRAINING_ROWS } };
    return { ok: false, insufficientTraining: true, reason: englishText(message), message };
  }
  const from = sorted[sorted.length - size]!.featureDate;
  const holdout = sorted.filter((e) => e.featureDate >= from);
  const trainingRows = sorted.filter((e) => e.outcomeDate < from).length;
  if (trainingRows < MIN_CANDIDATE_TRAINING_ROWS) {
    const message: RetrainingMessage = { code: 'training-too-small', params: { count: trainingRows, cutoff: from, needed: MIN_CANDIDATE_TRAINING_ROWS } };
    return { ok: false, insufficientTraining: true, reason: englishText(message), message };
  }
  return {
    ok: true,
    from,
    holdoutIds: holdout.map((e) => e.entityId),
    trainingRows,
    unseenIds: activeCutoff === null ? null : holdout.filter((e) => e.outcomeDate >= activeCutoff).map((e) => e.entityId),
  };
}

/** `reason` is the English sentence of `message`. */
export type Decision = { outcome: 'deploy' | 'keep'; improvement: number; reason: string; message: RetrainingMessage };

function decision(outcome: Decision['outcome'], improvement: number, message: RetrainingMessage): Decision {
  return { outcome, improvement, reason: englishText(message), message };
}

/** Relative MAE improvement of `candidate` over `reference` (positive = better). */
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
  minImprovement: number;
}): Decision {
  const c = input.candidate.metrics.mae;
  if (!input.active) {
    const b = input.baseline.metrics.mae;
    const improvement = improvementOver(b, c);
    const named = { model: input.model, baseline: input.baselineLabel };
    if (c < b) return decision('deploy', improvement, { code: 'first-model-deploy', params: { candidateMae: c, baselineMae: b, improvement, ...named } });
    return decision('keep', improvement, { code: 'first-model-keep', params: { candidateMae: c, baselineMae: b, ...named } });
  }
  const a = input.active.metrics.mae;
  const improvement = improvementOver(a, c);
  const figures = { candidateMae: c, activeMae: a, activeVersion: input.activeVersion ?? '', improvement, required: input.minImprovement };
  if (improvement >= input.minImprovement) return decision('deploy', improvement, { code: 'improvement-met', params: figures });
  return decision('keep', improvement, { code: 'improvement-below-threshold', params: { ...figures, n: input.candidate.metrics.n } });
}
