import { describe, expect, it } from 'vitest';
import { checkSettingDraft, settingBounds, settingInputText, settingMatches } from './settings-store';

const degradation = { key: 'ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD', kind: 'float' as const, min: 0, max: 1 };
const batch = { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', kind: 'int' as const, min: 1, max: 10_000 };

describe('settings shown as people read them', () => {
  it('a ratio reads and is typed as a percentage, and is saved as the ratio', () => {
    expect(settingInputText(degradation, 0.1)).toBe('10');
    expect(settingInputText(degradation, 0.07)).toBe('7');
    expect(settingInputText({ key: 'ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE' }, 0.025)).toBe('2.5');
    expect(checkSettingDraft(degradation, '15')).toEqual({ ok: true, value: 0.15 });
    expect(checkSettingDraft(degradation, '2,5 %')).toEqual({ ok: true, value: 0.025 });
    expect(checkSettingDraft(degradation, '7')).toEqual({ ok: true, value: 0.07 });
  });

  it('a percentage out of range is refused with bounds in percent', () => {
    expect(settingBounds(degradation)).toEqual({ min: 0, max: 100 });
    expect(checkSettingDraft(degradation, '150')).toEqual({ ok: false, reason: 'max' });
    expect(checkSettingDraft(degradation, 'ten')).toEqual({ ok: false, reason: 'number' });
  });

  it('the bank reconciliation ratios read as percentages too: auto-accept confidence, the matcher’s accuracy drop and minimum improvement', () => {
    const autoAccept = { key: 'BANK_AUTO_ACCEPT_THRESHOLD', kind: 'float' as const, min: 0.5, max: 1 };
    expect(settingInputText(autoAccept, 0.98)).toBe('98');
    expect(settingBounds(autoAccept)).toEqual({ min: 50, max: 100 });
    expect(checkSettingDraft(autoAccept, '99,5')).toEqual({ ok: true, value: 0.995 });
    expect(checkSettingDraft(autoAccept, '40')).toEqual({ ok: false, reason: 'min' });
    expect(settingInputText({ key: 'BANK_MATCHER_ACCURACY_DROP_THRESHOLD' }, 0.05)).toBe('5');
    expect(checkSettingDraft({ key: 'BANK_MATCHER_MIN_IMPROVEMENT', kind: 'float', min: 0, max: 1 }, '10 %')).toEqual({ ok: true, value: 0.1 });
    // A count is not a ratio.
    expect(settingInputText({ key: 'BANK_MATCHER_MIN_NEW_ANSWERS' }, 50)).toBe('50');
  });

  it('other settings are unchanged', () => {
    expect(settingInputText(batch, 50)).toBe('50');
    expect(settingBounds(batch)).toEqual({ min: 1, max: 10_000 });
    expect(checkSettingDraft(batch, '20')).toEqual({ ok: true, value: 20 });
    expect(checkSettingDraft(batch, '0')).toEqual({ ok: false, reason: 'min' });
  });

  it('the search box matches every word, ignoring case and accents', () => {
    const texts = ['Dimensione lotto', 'Entità per lotto di reindicizzazione', 'OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE'];
    expect(settingMatches('lotto', texts)).toBe(true);
    expect(settingMatches('ENTITA reindic', texts)).toBe(true);
    expect(settingMatches('batch_size', texts)).toBe(true);
    expect(settingMatches('lotto soglia', texts)).toBe(false);
    expect(settingMatches('  ', texts)).toBe(true);
  });
});
