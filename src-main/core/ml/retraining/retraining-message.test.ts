// The retraining messages the services build are the shared schema's messages: what the core writes
// the renderer reads back as known, with the same params, and the English text survives a figure
// that JSON turned into null.
import { describe, expect, it } from 'vitest';
import { knownRetrainingMessage, RetrainingMessages } from '../../../../src-shared/retraining-message';
import { englishText, englishTexts, type RetrainingMessage } from './retraining-message';

describe('retraining messages: one schema for core and contract', () => {
  it('reads what a retrain stores back as the same known messages', () => {
    const stored: RetrainingMessage[] = [
      { code: 'dry-run', params: { would: 'keep' } },
      { code: 'improvement-below-threshold', params: { candidateMae: 6.25, activeMae: 6.5, activeVersion: '1.2.0', improvement: 0.0385, required: 0.05, n: 40 } },
      { code: 'holdout-latest', params: { rows: 40, from: '2024-03-01', unseen: null } },
      { code: 'manual-rollback', params: {} },
    ];
    const wire = RetrainingMessages.parse(JSON.parse(JSON.stringify(stored)));
    expect(wire!.map((m) => knownRetrainingMessage(m))).toEqual(stored);
    expect(englishTexts(stored)).toBe(
      'dry run (would keep the current model): MAE 6.25 vs 6.50 of 1.2.0 on the same 40 unseen rows: improvement 3.9% < 5.0% required; holdout: the latest 40 paid invoices (issued from 2024-03-01); manual rollback',
    );
  });

  it('refuses a known code whose params do not fit, so the English text is shown instead', () => {
    expect(knownRetrainingMessage({ code: 'fired-by-check', params: { checkRunId: 'seven' } })).toBeNull();
    expect(knownRetrainingMessage({ code: 'no-such-code', params: {} })).toBeNull();
    expect(knownRetrainingMessage({ code: 'fired-by-check', params: { checkRunId: 7 } })).toEqual({ code: 'fired-by-check', params: { checkRunId: 7 } });
  });

  it('writes a figure stored as null (NaN in JSON) as n/a instead of failing', () => {
    const m = knownRetrainingMessage(JSON.parse(JSON.stringify({ code: 'first-model-deploy', params: { candidateMae: NaN, baselineMae: 9.5, improvement: NaN, model: 'm', baseline: 'due date' } })));
    expect(m).not.toBeNull();
    expect(englishText(m!)).toBe('first model: MAE n/a beats the due date (9.50) by n/a');
  });

  it('quotes each model’s primary error in its own terms: MAE for cash flow, top-1 error rate in percent for the matcher', () => {
    const figures = { candidateMae: 0.024, activeMae: 0.031, activeVersion: '1.0.0', improvement: 0.2258, required: 0.1 };
    expect(englishText({ code: 'improvement-met', params: { ...figures, metric: 'top1Error' } })).toBe('top-1 error rate 2.4% vs 3.1% of 1.0.0: improvement 22.6% ≥ 10.0% required');
    expect(englishText({ code: 'improvement-below-threshold', params: { ...figures, improvement: 0, n: 140, metric: 'top1Error' } })).toBe(
      'top-1 error rate 2.4% vs 3.1% of 1.0.0 on the same 140 unseen answers: improvement 0.0% < 10.0% required',
    );
    expect(englishText({ code: 'first-model-deploy', params: { candidateMae: 0.024, baselineMae: 0.031, improvement: 0.2258, model: 'payment_matcher', baseline: 'rule-based version 0', metric: 'top1Error' } })).toBe(
      'first model: top-1 error rate 2.4% beats the rule-based version 0 (3.1%) by 22.6%',
    );
    expect(englishText({ code: 'first-model-keep', params: { candidateMae: 0.04, baselineMae: 0.031, model: 'payment_matcher', baseline: 'rule-based version 0', metric: 'top1Error' } })).toBe(
      'first model does not beat the rule-based version 0: top-1 error rate 4.0% vs 3.1%',
    );
    expect(englishText({ code: 'improvement-met', params: { ...figures, candidateMae: 4.1, activeMae: 5.2, metric: 'mae' } })).toBe('MAE 4.10 vs 5.20 of 1.0.0: improvement 22.6% ≥ 10.0% required');
    // A row stored before messages named their metric reads as MAE, and the metric survives the wire.
    expect(englishText({ code: 'improvement-met', params: { ...figures, candidateMae: 4.1, activeMae: 5.2 } })).toBe('MAE 4.10 vs 5.20 of 1.0.0: improvement 22.6% ≥ 10.0% required');
    const wire = RetrainingMessages.parse(JSON.parse(JSON.stringify([{ code: 'improvement-met', params: { ...figures, metric: 'top1Error' } }])));
    expect(knownRetrainingMessage(wire![0]!)).toMatchObject({ params: { metric: 'top1Error' } });
    expect(knownRetrainingMessage({ code: 'improvement-met', params: { ...figures, metric: 'days' } })).toBeNull();
    // Holdout notes count the model's own examples; older notes (no label) were paid invoices.
    expect(englishText({ code: 'holdout-latest', params: { rows: 212, from: '2023-12-17', unseen: null, model: 'payment_matcher', label: 'answered suggestions' } })).toBe('holdout: the latest 212 answered suggestions (from 2023-12-17)');
    expect(englishText({ code: 'holdout-since-active', params: { rows: 30, cutoff: '2024-02-01', version: '1.0.0', model: 'payment_matcher', label: 'answered suggestions' } })).toBe(
      'holdout: the 30 answered suggestions from 2024-02-01, unseen by 1.0.0 and by the candidate (which learnt the ones before them)',
    );
    expect(englishText({ code: 'champion-refit', params: { version: '1.0.0', unseen: 3, needed: 50, model: 'payment_matcher', label: 'answered suggestions' } })).toMatch(/^only 3 answered suggestions since 1\.0\.0 was trained/);
  });
});
