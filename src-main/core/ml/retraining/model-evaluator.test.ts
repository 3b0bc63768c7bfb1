import { describe, expect, it } from 'vitest';
import { addDays } from '../../dates';
import { evaluationFrom, type LabelledExample } from '../model-spec';
import { decide, HOLDOUT_SHARE, MIN_CANDIDATE_TRAINING_ROWS, MIN_HOLDOUT_ROWS, MIN_SINCE_ACTIVE_HOLDOUT_ROWS, planHoldout } from './model-evaluator';

/** One example per day from 2024-01-01, each paid `delay` days after its feature date. */
function examples(n: number, delay = 30): LabelledExample[] {
  return Array.from({ length: n }, (_, i) => ({ entityId: i + 1, featureDate: addDays('2024-01-01', i), outcomeDate: addDays('2024-01-01', i + delay) }));
}

const evalWithMae = (mae: number) => evaluationFrom(Array.from({ length: 20 }, (_, i) => ({ entityId: i, predicted: mae, actual: 0 })), 7);

describe('champion/challenger holdout', () => {
  it('without an active version, holds out the latest paid invoices by issue date; the candidate learns the outcomes known before the first of them', () => {
    const ex = examples(100);
    const plan = planHoldout(ex, null);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.kind).toBe('latest-issued');
    expect(plan.holdoutIds).toEqual(Array.from({ length: Math.ceil(100 * HOLDOUT_SHARE) }, (_, i) => 81 + i));
    expect(plan.from).toBe(addDays('2024-01-01', 80));
    expect(plan.cutoff).toBe(plan.from);
    // Examples 1..50 were paid before day 80 (30 days after their issue).
    expect(plan.trainingRows).toBe(50);
  });

  it('for the first model, scores quick and slow payers alike: the latest invoices old enough to be mostly paid, not only the quick ones', () => {
    // One invoice a day for 200 days, every other one paid after 60 days instead of 10; on day 200
    // only the payments made so far are known, so the last 50 days' paid invoices are nearly all quick.
    const today = addDays('2024-01-01', 200);
    const ex = Array.from({ length: 200 }, (_, i) => ({ entityId: i + 1, featureDate: addDays('2024-01-01', i), outcomeDate: addDays('2024-01-01', i + (i % 2 ? 60 : 10)) })).filter((e) => e.outcomeDate < today);
    const slowShare = (ids: number[]) => ids.filter((id) => (id - 1) % 2 === 1).length / ids.length;
    const first = planHoldout(ex, null);
    if (!first.ok) throw new Error(first.reason);
    expect(first.holdoutIds.length).toBe(Math.ceil(ex.length * HOLDOUT_SHARE));
    expect(slowShare(first.holdoutIds)).toBeGreaterThanOrEqual(0.45);
    // Every holdout invoice was issued at least the follow-up (60 days) before the last payment.
    const lastPaid = ex.map((e) => e.outcomeDate).sort().at(-1)!;
    for (const id of first.holdoutIds) expect(ex.find((e) => e.entityId === id)!.featureDate <= addDays(lastPaid, -60)).toBe(true);
    // With a live version both sides are forests trained the same way: the latest issues are scored as they are.
    const later = planHoldout(ex, lastPaid);
    if (!later.ok) throw new Error(later.reason);
    expect(later.holdoutIds).toContain(ex.at(-1)!.entityId);
    expect(slowShare(later.holdoutIds)).toBeLessThan(0.3);
  });

  it('with enough outcomes since the active version, holds out the later half of them: neither model saw a holdout row, the candidate learnt the earlier half', () => {
    const ex = examples(300);
    const activeCutoff = addDays('2024-01-01', 30 + 200); // it knew the outcomes of examples 1..200
    const plan = planHoldout(ex, activeCutoff);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.kind).toBe('since-active');
    expect(plan.holdoutIds).toEqual(Array.from({ length: 50 }, (_, i) => 251 + i));
    expect(plan.cutoff).toBe(addDays('2024-01-01', 30 + 250));
    expect(plan.cutoff > activeCutoff).toBe(true);
    expect(plan.trainingRows).toBe(250);
  });

  it('still has a holdout on the day of the first deployment, when no outcome came after the active version\'s cutoff', () => {
    const plan = planHoldout(examples(200), addDays('2024-01-01', 400));
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.kind).toBe('latest-issued');
    expect(plan.holdoutIds).toHaveLength(40);
    // …and with fewer new outcomes than twice the minimum for such a comparison, too.
    const few = planHoldout(examples(200), addDays('2024-01-01', 30 + 200 - 2 * MIN_SINCE_ACTIVE_HOLDOUT_ROWS + 1));
    expect(few.ok && few.kind).toBe('latest-issued');
  });

  it('keeps at least the minimum holdout and refuses to train on too little, saying why', () => {
    const small = planHoldout(examples(30, 1), null);
    if (!small.ok) throw new Error(small.reason);
    expect(small.holdoutIds).toHaveLength(MIN_HOLDOUT_ROWS);
    const plan = planHoldout(examples(40, 35), null);
    expect(plan.ok).toBe(false);
    if (!plan.ok) {
      expect(plan.insufficientTraining).toBe(true);
      expect(plan.reason).toBe(`only 0 outcome(s) known before the holdout cutoff ${addDays('2024-01-01', 30)}; at least ${MIN_CANDIDATE_TRAINING_ROWS} are needed to train`);
      expect(plan.message).toEqual({ code: 'training-too-small', params: { count: 0, cutoff: addDays('2024-01-01', 30), needed: MIN_CANDIDATE_TRAINING_ROWS } });
    }
  });
});

describe('deployment decision', () => {
  const base = { baseline: evalWithMae(30), baselineLabel: 'due-date baseline', model: 'cash_flow', metric: 'mae' as const, activeVersion: '1.0.0', minImprovement: 0.02 };

  it('deploys when MAE improves by at least the minimum, relative to the active model', () => {
    const d = decide({ ...base, candidate: evalWithMae(9.7), active: evalWithMae(10) });
    expect(d.outcome).toBe('deploy');
    expect(d.improvement).toBeCloseTo(0.03, 10);
    expect(d.message).toEqual({ code: 'improvement-met', params: { candidateMae: expect.closeTo(9.7, 9) as number, activeMae: 10, activeVersion: '1.0.0', improvement: d.improvement, required: 0.02, metric: 'mae' } });
    expect(d.reason).toBe('MAE 9.70 vs 10.00 of 1.0.0: improvement 3.0% ≥ 2.0% required');
  });

  it('keeps the current model below the minimum and records the figures in the reason', () => {
    const d = decide({ ...base, candidate: evalWithMae(9.9), active: evalWithMae(10) });
    expect(d.outcome).toBe('keep');
    expect(d.reason).toContain('improvement 1.0% < 2.0% required');
    expect(d.message).toMatchObject({ code: 'improvement-below-threshold', params: { candidateMae: expect.closeTo(9.9, 9) as number, activeMae: 10, activeVersion: '1.0.0', required: 0.02 } });
    const worse = decide({ ...base, candidate: evalWithMae(12), active: evalWithMae(10) });
    expect(worse.outcome).toBe('keep');
    expect(worse.improvement).toBeLessThan(0);
  });

  it('deploys a first model only if it beats the baseline', () => {
    expect(decide({ ...base, active: null, candidate: evalWithMae(20) }).outcome).toBe('deploy');
    const lose = decide({ ...base, active: null, candidate: evalWithMae(31) });
    expect(lose.outcome).toBe('keep');
    expect(lose.reason).toContain('does not beat the due-date baseline');
    expect(lose.message).toEqual({ code: 'first-model-keep', params: { candidateMae: 31, baselineMae: 30, model: 'cash_flow', baseline: 'due-date baseline', metric: 'mae' } });
  });

  it('words the matcher’s decision in its top-1 error rate', () => {
    const matcher = { ...base, baseline: evalWithMae(0.05), baselineLabel: 'rule-based version 0', model: 'payment_matcher', metric: 'top1Error' as const, minImprovement: 0.1 };
    const d = decide({ ...matcher, candidate: evalWithMae(0.024), active: evalWithMae(0.031) });
    expect(d.outcome).toBe('deploy');
    expect(d.reason).toBe('top-1 error rate 2.4% vs 3.1% of 1.0.0: improvement 22.6% ≥ 10.0% required');
    expect(decide({ ...matcher, active: null, candidate: evalWithMae(0.024) }).reason).toBe('first model: top-1 error rate 2.4% beats the rule-based version 0 (5.0%) by 52.0%');
  });
});
