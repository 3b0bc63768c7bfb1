// A model that serves untrained (the payment matcher's rule-based version 0) is shown as serving,
// with how far its first training is, and never as a model missing: not on its card, not in the
// header's indicator.
import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../../src-preload/contract/models-channels';
import { translate, type Translate } from '../i18n/translate';
import { untrainedText } from './models-store';
import { modelIndicator } from './system-store';

const t = (lang: 'it' | 'en'): Translate => (key, vars) => translate(lang, key, vars);
type Card = Pick<ModelCard, 'name' | 'activeVersion' | 'retraining' | 'servesUntrained'>;
const cash = (activeVersion: string | null, retraining = false): Card => ({ name: 'cash_flow', activeVersion, retraining, servesUntrained: null });
const matcher = (activeVersion: string | null, examples = 12): Card => ({ name: 'payment_matcher', activeVersion, retraining: false, servesUntrained: { examples, needed: 30 } });

describe('a model serving its untrained version 0', () => {
  it('says what serves and how many answers a first model needs, in Italian and English', () => {
    expect(untrainedText(t('it'), 'payment_matcher', { examples: 12, needed: 30 })).toBe('Regole (versione 0) in uso — servono 30 risposte ai suggerimenti per addestrare un modello (12 finora)');
    expect(untrainedText(t('en'), 'payment_matcher', { examples: 12, needed: 30 })).toBe('Rule-based version 0 in use — 30 answered suggestions needed to train a model (12 so far)');
    expect(untrainedText(t('en'), 'payment_matcher', { examples: 1234, needed: 30 })).toBe(
      'Rule-based version 0 in use — 1,234 answered suggestions are enough to train a model: use “Retrain now” or wait for the next check',
    );
    expect(untrainedText(t('it'), 'payment_matcher', { examples: 30, needed: 30 })).toMatch(/^Regole \(versione 0\) in uso — 30 risposte ai suggerimenti bastano/);
  });

  it('never lights the header’s warning for it; a model that serves nothing still does', () => {
    expect(modelIndicator([cash('1.2.0'), matcher(null)])).toEqual({ dot: 'ok', version: '1.2.0' });
    expect(modelIndicator([cash('1.2.0', true), matcher(null)])).toEqual({ dot: 'busy', version: '1.2.0' });
    expect(modelIndicator([cash('1.2.0'), matcher('1.0.0')])).toEqual({ dot: 'ok', version: '1.2.0' });
    expect(modelIndicator([cash(null), matcher(null)])).toEqual({ dot: 'warn', version: null });
    expect(modelIndicator(null)).toEqual({ dot: 'warn', version: null });
  });
});
