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
});
