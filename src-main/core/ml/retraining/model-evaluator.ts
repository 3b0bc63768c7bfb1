// Champion/challenger (DESIGN §4): where to cut time so that the candidate, the active model and the
// baseline are scored on the same rows none of them was trained on, and whether the candidate earns
// deployment (relative MAE improvement ≥ MIN_IMPROVEMENT_PERCENTAGE). Pure functions: the
// retrainer does the I/O. A candidate that wins is refit on every outcome known today before it is
// deployed (the retrainer), so the most recent behaviour is never left out of the live model.
import type { Evaluation, LabelledExample } from '../model-spec';
import { pct } from './trigger-evaluator';

/** Fewer holdout rows than this and a comparison says nothing. */
export const MIN_HOLDOUT_ROWS = 10;
/** Share of all labelled examples held out (the most recent ones). */
export const HOLDOUT_SHARE = 0.2;
/** Fewer training rows than this before the cutoff and there is no model to speak of. */
export const MIN_CANDIDATE_TRAINING_ROWS = 10;

export type HoldoutPlan =
  | { ok: true; cutoff: string; holdoutIds: number[]; trainingRows: number }
  | { ok: false; reason: string; insufficientTraining: boolean };

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
    return {
      ok: false,
      insufficientTraining: false,
      reason: `only ${eligible.length} outcome(s) known since the active model's cutoff ${activeCutoff}; ${MIN_HOLDOUT_ROWS} are needed to compare models on unseen data`,
    };
  }
  const share = Math.ceil(sorted.length * HOLDOUT_SHARE);
  const size = Math.max(MIN_HOLDOUT_ROWS, activeCutoff ? Math.min(share, Math.floor(eligible.length / 2)) : share);
  let cutoff = eligible[Math.max(0, eligible.length - size)]!.outcomeDate;
  if (activeCutoff && cutoff < activeCutoff) cutoff = activeCutoff;
  const holdoutIds = sorted.filter((e) => e.outcomeDate >= cutoff).map((e) => e.entityId);
  const trainingRows = sorted.length - holdoutIds.length;
  if (trainingRows < MIN_CANDIDATE_TRAINING_ROWS) {
    return { ok: false, insufficientTraining: true, reason: `only ${trainingRows} outcome(s) known before the holdout cutoff ${cutoff}; at least ${MIN_CANDIDATE_TRAINING_ROWS} are needed to train` };
  }
  return { ok: true, cutoff, holdoutIds, trainingRows };
}

export type Decision =
  | { outcome: 'deploy'; improvement: number; reason: string }
  | { outcome: 'keep'; improvement: number; reason: string };

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
  minImprovement: number;
}): Decision {
  const c = input.candidate.metrics.mae;
  if (!input.active) {
    const b = input.baseline.metrics.mae;
    const improvement = improvementOver(b, c);
    if (c < b) return { outcome: 'deploy', improvement, reason: `first model: MAE ${c.toFixed(2)} beats the ${input.baselineLabel} (${b.toFixed(2)}) by ${pct(improvement)}` };
    return { outcome: 'keep', improvement, reason: `first model does not beat the ${input.baselineLabel}: MAE ${c.toFixed(2)} vs ${b.toFixed(2)}` };
  }
  const a = input.active.metrics.mae;
  const improvement = improvementOver(a, c);
  if (improvement >= input.minImprovement) {
    return { outcome: 'deploy', improvement, reason: `MAE ${c.toFixed(2)} vs ${a.toFixed(2)} of ${input.activeVersion}: improvement ${pct(improvement)} ≥ ${pct(input.minImprovement)} required` };
  }
  return {
    outcome: 'keep',
    improvement,
    reason: `MAE ${c.toFixed(2)} vs ${a.toFixed(2)} of ${input.activeVersion} on the same ${input.candidate.metrics.n} unseen rows: improvement ${pct(improvement)} < ${pct(input.minImprovement)} required`,
  };
}
