import { describe, expect, it } from 'vitest';
import { addDays } from '../../dates';
import { evaluationFrom, type LabelledExample } from '../model-spec';
import { decide, HOLDOUT_SHARE, MIN_HOLDOUT_ROWS, planHoldout } from './model-evaluator';

/** One example per day from 2024-01-01, each paid `delay` days after its feature date. */
function examples(n: number, delay = 30): LabelledExample[] {
  return Array.from({ length: n }, (_, i) => ({ entityId: i + 1, featureDate: addDays('2024-01-01', i), outcomeDate: addDays('2024-01-01', i + delay) }));
}

const evalWithMae = (mae: number) => evaluationFrom(Array.from({ length: 20 }, (_, i) => ({ entityId: i, predicted: mae, actual: 0 })), 7);

describe('champion/challenger holdout', () => {
  it('holds out the most recent outcomes; the candidate only learns outcomes known before the cutoff', () => {
    const ex = examples(100);
    const plan = planHoldout(ex, null);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.holdoutIds.length).toBe(Math.ceil(100 * HOLDOUT_SHARE));
    expect(plan.cutoff).toBe(addDays('2024-01-01', 80 + 30));
    expect(plan.trainingRows).toBe(80);
    for (const id of plan.holdoutIds) expect(ex[id - 1]!.outcomeDate >= plan.cutoff).toBe(true);
  });

  it('never holds out outcomes the active model learnt, and leaves half of the new outcomes to the candidate', () => {
    const ex = examples(200);
    const activeCutoff = addDays('2024-01-01', 30 + 170); // the active model knew outcomes of examples 1..170
    const plan = planHoldout(ex, activeCutoff);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cutoff >= activeCutoff).toBe(true);
    expect(plan.holdoutIds).toEqual(Array.from({ length: 15 }, (_, i) => 186 + i));
    expect(plan.trainingRows).toBe(185);
  });

  it('refuses to compare on fewer than the minimum unseen outcomes, saying why', () => {
    const plan = planHoldout(examples(200), addDays('2024-01-01', 30 + 195));
    expect(plan.ok).toBe(false);
    if (!plan.ok) {
      expect(plan.insufficientTraining).toBe(false);
      expect(plan.reason).toContain('only 5 outcome(s) known since');
      expect(plan.reason).toContain(`${MIN_HOLDOUT_ROWS} are needed`);
      expect(plan.message).toEqual({ code: 'holdout-too-small', params: { count: 5, cutoff: addDays('2024-01-01', 30 + 195), needed: MIN_HOLDOUT_ROWS } });
    }
  });
});

describe('deployment decision', () => {
  const base = { baseline: evalWithMae(30), baselineLabel: 'due-date baseline', model: 'cash_flow', activeVersion: '1.0.0', minImprovement: 0.02 };

  it('deploys when MAE improves by at least the minimum, relative to the active model', () => {
    const d = decide({ ...base, candidate: evalWithMae(9.7), active: evalWithMae(10) });
    expect(d.outcome).toBe('deploy');
    expect(d.improvement).toBeCloseTo(0.03, 10);
    expect(d.message).toEqual({ code: 'improvement-met', params: { candidateMae: expect.closeTo(9.7, 9) as number, activeMae: 10, activeVersion: '1.0.0', improvement: d.improvement, required: 0.02 } });
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
    expect(lose.message).toEqual({ code: 'first-model-keep', params: { candidateMae: 31, baselineMae: 30, model: 'cash_flow', baseline: 'due-date baseline' } });
  });
});
