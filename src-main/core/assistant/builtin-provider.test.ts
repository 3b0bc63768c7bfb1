import { describe, expect, it } from 'vitest';
import type { AnswerFacts } from './assistant-types';
import { cleanDocumentText, money, plural, writeAnswer, writeFacts } from './builtin-provider';

const average = (cents: number, count: number): AnswerFacts => ({
  intent: 'average_invoice',
  period: null,
  client: null,
  basis: 'gross',
  invoiceCount: count,
  averageCents: cents,
  medianCents: cents,
  minCents: cents,
  maxCents: 1_307_013_230,
  totalCents: 1_307_013_230,
});

describe('built-in prose', () => {
  it('groups every amount in both languages, four-digit ones included', () => {
    expect(money(653_507, 'it')).toMatch(/^6\.535,07\s€$/);
    expect(money(653_507, 'en')).toBe('€6,535.07');
    const it = writeFacts(average(653_507, 2000), 'it');
    expect(it).toContain(money(653_507, 'it'));
    expect(it).toContain(money(1_307_013_230, 'it'));
    expect(it).not.toMatch(/\d{4},\d{2}/);
    expect(it).toContain('2.000 fatture');
  });

  it('agrees counts with their nouns through the plural rules', () => {
    expect(plural(1, 'it', ['correzione', 'correzioni'], ['correction', 'corrections'])).toBe('1 correzione');
    expect(plural(2, 'it', ['correzione', 'correzioni'], ['correction', 'corrections'])).toBe('2 correzioni');
    expect(plural(1, 'en', ['correzione', 'correzioni'], ['correction', 'corrections'])).toBe('1 correction');
    expect(plural(0, 'en', ['fattura', 'fatture'], ['invoice', 'invoices'])).toBe('0 invoices');
    expect(writeFacts(average(10_000, 1), 'it')).toContain('su 1 fattura,');
  });

  it('never sends the user to a command line when no model is trained', () => {
    const f: AnswerFacts = { intent: 'forecast', horizonDays: 30, asOf: '2026-11-26', basis: 'due-dates', modelMissing: true, modelVersion: null, modelNote: null, expectedCents: 123_456, invoiceCount: 1, byWeek: [{ weekStart: '2026-11-23', cents: 123_456 }], invoices: [] };
    for (const lang of ['it', 'en'] as const) {
      const text = writeFacts(f, lang);
      expect(text).not.toMatch(/openfatture|--retrain|`/);
      expect(text).toMatch(lang === 'it' ? /non è ancora addestrato/ : /isn't trained yet/);
    }
  });

  it('leads with a fact the data cannot check, and says which restriction it applied', () => {
    const base = { feedbackId: 1, question: 'q', createdAt: '2026-11-20T10:00:00.000Z' };
    const fact = writeAnswer({ facts: average(500_000, 3), lang: 'en', applied: { ...base, correction: 'It is €6,500', kind: 'fact', description: null } });
    expect(fact.startsWith('According to your correction of 20 Nov 2026: It is €6,500')).toBe(true);
    expect(fact.indexOf('The recorded data, which does not include it, shows:')).toBeLessThan(fact.indexOf(money(500_000, 'en')));
    const restriction = writeAnswer({ facts: average(500_000, 3), lang: 'it', applied: { ...base, correction: 'Solo il 2026', kind: 'restriction', description: 'solo le fatture emesse nel 2026' } });
    expect(restriction.startsWith('Applico la tua correzione del 20/11/2026 (“Solo il 2026”): solo le fatture emesse nel 2026.')).toBe(true);
  });

  it('shows an indexed document in the answer language only', () => {
    const doc = 'Fattura 358/2024\nStato: pagata (paid), contestata (disputed)\nStato: emessa, da incassare (issued, unpaid)';
    expect(cleanDocumentText(doc, 'it')).toBe('Fattura 358/2024\nStato: pagata, contestata\nStato: emessa, da incassare');
    expect(cleanDocumentText(doc, 'en')).toBe('Fattura 358/2024\nStato: paid, disputed\nStato: issued, unpaid');
  });
});
