import { describe, expect, it } from 'vitest';
import { LANGUAGES, MESSAGES, type MessageKey } from './catalog';
import { placeholders, translate } from './translate';
import { PAGES } from '../stores/ui-store';
import { PAYMENT_METHODS } from '../stores/data-store';
import { SETTING_GROUPS } from '../stores/settings-store';
import { EXPORT_FORMATS } from '../stores/feedback-store';
import { RETRAINING_MESSAGE_CODES } from '../../src-shared/retraining-message';

const keys = Object.keys(MESSAGES) as MessageKey[];

describe('i18n catalog', () => {
  it('has every message in both languages, non-empty', () => {
    for (const key of keys) {
      for (const lang of LANGUAGES) {
        expect(MESSAGES[key][lang], `${key} [${lang}]`).toBeTypeOf('string');
        expect(MESSAGES[key][lang].trim().length, `${key} [${lang}] is empty`).toBeGreaterThan(0);
      }
    }
  });

  it('uses the same placeholders in Italian and English', () => {
    for (const key of keys) {
      expect(placeholders(MESSAGES[key].it), key).toEqual(placeholders(MESSAGES[key].en));
    }
  });

  it('groups quantities in both languages and picks the plural form with Intl.PluralRules', () => {
    expect(translate('it', 'ind.index.pending', { count: 1234 })).toBe('Indice: 1.234 in coda');
    expect(translate('en', 'ind.index.pending', { count: 1234 })).toBe('Index: 1,234 pending');
    expect(translate('it', 'forecast.invoicesCount', { count: 1 })).toBe('da 1 fattura aperta');
    expect(translate('it', 'forecast.invoicesCount', { count: 12345 })).toBe('da 12.345 fatture aperte');
    expect(translate('en', 'fb.stars', { n: 1 })).toBe('1 star');
    // A line number or a record id is a name, not a quantity: never grouped.
    expect(translate('it', 'data.lineDescription', { n: 1234 })).toBe('Descrizione riga 1234');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('it', 'ind.index.pending', { count: 4 })).toBe('Indice: 4 in coda');
    expect(translate('en', 'ind.index.pending', { count: 4 })).toBe('Index: 4 pending');
    expect(translate('en', 'ind.index.pending')).toBe('Index: {count} pending');
  });

  it('translates the interface (Italian differs from English except for names and formats)', () => {
    const same = keys.filter((k) => MESSAGES[k].it === MESSAGES[k].en);
    expect(same.length / keys.length).toBeLessThan(0.08);
  });

  // Literal keys are checked by the compiler (t() takes a MessageKey); these families are built at
  // run time from data, so each member must exist.
  it('defines every key built from data', () => {
    const families: string[] = [
      ...PAGES.flatMap((p) => [`nav.${p}`, `page.${p}.subtitle`]),
      ...['draft', 'issued', 'sent', 'partially_paid', 'paid', 'cancelled'].map((s) => `data.status.${s}`),
      ...PAYMENT_METHODS.map((m) => `data.method.${m}`),
      ...SETTING_GROUPS.flatMap((g) => [`settings.group.${g}`, `settings.groupHint.${g}`]),
      ...['flag', 'env', 'env-file', 'store', 'default'].map((s) => `settings.source.${s}`),
      ...['invoice', 'client', 'product'].map((s) => `kb.type.${s}`),
      ...['active', 'candidate', 'retired', 'rejected'].map((s) => `models.status.${s}`),
      ...EXPORT_FORMATS.map((f) => `fb.format.${f}`),
      ...RETRAINING_MESSAGE_CODES.map((c) => `models.msg.${c}`),
      ...['min_feedback_count', 'max_days_since_training', 'performance_degradation', 'no_active_model'].flatMap((id) => [`models.trigger.${id}`, `models.reason.${id}`]),
    ];
    expect(families.filter((k) => !(k in MESSAGES))).toEqual([]);
  });

  it('labels every setting of the settings schema in both languages', () => {
    const settingKeys = keys.filter((k) => k.startsWith('setting.')).map((k) => k.slice('setting.'.length));
    expect(settingKeys.length).toBeGreaterThanOrEqual(38);
    expect(settingKeys.filter((k) => !(`settingHelp.${k}` in MESSAGES))).toEqual([]);
  });
});

describe('plurals', () => {
  it('picks the form through Intl.PluralRules and groups the count', () => {
    expect(translate('it', 'fb.correctionsHint', { count: 1 })).toBe('1 correzione');
    expect(translate('it', 'fb.correctionsHint', { count: 2 })).toBe('2 correzioni');
    expect(translate('en', 'fb.correctionsHint', { count: 1 })).toBe('1 correction');
    expect(translate('en', 'fb.correctionsHint', { count: 0 })).toBe('0 corrections');
    expect(translate('it', 'common.days', { count: 1234 })).toBe('1.234 giorni');
    expect(translate('en', 'chat.action.rebuilt', { count: 1, failed: 0 })).toBe('Index built: 1 record added or updated, 0 failed.');
    // Without the count the message stays readable as written.
    expect(translate('it', 'fb.correctionsHint')).toContain('plural');
    expect(placeholders(MESSAGES['chat.action.rebuilt'].it)).toEqual(['count', 'failed']);
    // Several counts in one message, each with its own form.
    expect(translate('en', 'import.summary.detail', { files: 1, documents: 2, clients: 1 })).toBe('1 file, 2 documents, 1 new client.');
    expect(translate('it', 'import.summary.detail', { files: 3, documents: 1, clients: 1200 })).toBe('3 file, 1 documento, 1.200 nuovi clienti.');
    expect(translate('it', 'import.count.rejected', { count: 1 })).toBe('1 rifiutata');
  });
});

describe('the Import button with invoices and bank entries', () => {
  it('says both counts with their own plural forms', () => {
    expect(translate('it', 'import.runMixed', { invoices: 1, entries: 24 })).toBe('Importa 1 fattura e 24 movimenti');
    expect(translate('en', 'import.runMixed', { invoices: 3, entries: 1 })).toBe('Import 3 invoices and 1 entry');
  });
});
