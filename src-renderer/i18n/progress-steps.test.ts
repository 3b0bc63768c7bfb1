import { describe, expect, it } from 'vitest';
import { progressStepLabel } from './progress-steps';
import { translate } from './translate';

describe('progress step names', () => {
  it('names every step the retrainer and the indexer report, in both languages, never as the code', () => {
    for (const step of ['collect', 'train', 'evaluate', 'refit', 'save', 'reindex']) {
      for (const lang of ['it', 'en'] as const) {
        const label = progressStepLabel((k, v) => translate(lang, k, v), step);
        expect(label, `${step} ${lang}`).not.toMatch(new RegExp(`\\b${step}\\b`));
        expect(label.length).toBeGreaterThan(3);
      }
    }
    expect(progressStepLabel((k, v) => translate('it', k, v), 'refit')).toBe('Riaddestramento su tutti i dati');
  });

  it('an unknown step reads as generic work rather than its code', () => {
    expect(progressStepLabel((k, v) => translate('en', k, v), 'some-new-step')).toBe('Working');
  });
});
