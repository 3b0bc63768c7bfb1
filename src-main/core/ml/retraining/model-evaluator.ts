// Champion/challenger (DESIGN §4): where to cut time so that the candidate, the active model and the
// baseline are scored on the same rows none of them was trained on, and whether the candidate earns
// deployment (relative MAE improvement ≥ MIN_IMPROVEMENT_PERCENTAGE). Pure functions: the
// retrainer does the I/O. A candidate that wins is refit on every outcome known today before it is
// deployed (the retrainer), so the most recent behaviour is never left out of the live model.
import type { Evaluation, LabelledExample } from '../model-spec';
import { englishText, type RetrainingMessage } from './retraining-message';

/** Fewer holdout rows than this and a comparison says nothing. */
export const MIN_HOLDOUT_ROWS = 10;
/** Share of all labelled examples held out (the most recent ones). */
export const HOLDOUT_SHARE = 0.2;
/** Fewer training rows than this before the cutoff and there is no model to speak of. */
export const MIN_CANDIDATE_TRAINING_ROWS = 10;

export type HoldoutPlan =
  | { ok: true; cutoff: string; holdoutIds: number[]; trainingRows: number }
  | { ok: false; reason: string; message: RetrainingMessage; insufficientTraining: boolean };

/**
 * Time decides what each model saw: a model trained "at cutoff C" learnt only outcomes known before
 * C. The holdout is the most recent outcomes — HOLDOUT_SHARE of all examples, but never more than
 * half of those that arrived after the active model's cutoff, so the candidate also learns from part
 * of the new data — and it starts no earlier than the active model's cutoff, so neither model was
 * trained on any holdout row. Features are dated at each row's own feature date, so scoring them
 * leaks nothing.
 */
export function planHoldout(examples: readonly LabelledExample[], activeCutoff: string | null): HoldoutPlan {
  const sorted = [...examples].sort((a, b) => (a.outcomeDate < b.outcomeDate ? -1 : a.outcomeDate > b.outcomeDate ? 1 : a.entityId - b.entityId));
  const eligible = activeCutoff ? sorted.filter((e) => e.outcomeDate >= activeCutoff) : sorted;
  if (eligible.length < MIN_HOLDOUT_ROWS) {
    const message: RetrainingMessage = { code: 'holdout-too-small', params: { count: eligible.length, cutoff: activeCutoff, needed: MIN_HOLDOUT_ROWS } };
    return { ok: false, insufficientTraining: false, reason: englishText(message), message };
  }
  const share = Math.ceil(sorted.length * HOLDOUT_SHARE);
  const size = Math.max(MIN_HOLDOUT_ROWS, activeCutoff ? Math.min(share, Math.floor(eligible.length / 2)) : share);
  let cutoff = eligible[Math.max(0, eligible.length - size)]!.outcomeDate;
  if (activeCutoff && cutoff < activeCutoff) cutoff = activeCutoff;
  const holdoutIds = sorted.filter((e) => e.outcomeDate >= cutoff).map((e) => e.entityId);
  const trainingRows = sorted.length - holdoutIds.length;
  if (trainingRows < MIN_CANDIDATE_TRAINING_ROWS) {
    const message: RetrainingMessage = { code: 'training-too-small', params: { count: trainingRows, cutoff, needed: MIN_CANDIDATE_TRAINING_ROWS } };
    return { ok: false, insufficientTraining: true, reason: englishText(message), message };
  }
  return { ok: true, cutoff, holdoutIds, trainingRows };
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
