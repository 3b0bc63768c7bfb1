import { describe, expect, it } from 'vitest';
import { centsToInput, formatCents, formatNumber, lineTotals, parseAmountInput, sumTotals } from './money';

// Intl uses a narrow no-break space before the euro sign; compare on normal spaces.
const plain = (s: string) => s.replace(/\s/g, ' ');

describe('money formatting', () => {
  it('formats integer cents as euro in the UI language, always grouped', () => {
    expect(plain(formatCents(653507, 'it'))).toBe('6.535,07 €');
    expect(plain(formatCents(1234567, 'it'))).toBe('12.345,67 €');
    expect(plain(formatCents(5, 'it'))).toBe('0,05 €');
    expect(plain(formatCents(-2500, 'it'))).toBe('-25,00 €');
    expect(formatCents(653507, 'en')).toBe('€6,535.07');
    expect(formatCents(1307013230, 'en')).toBe('€13,070,132.30');
    expect(formatCents(-2500, 'en')).toBe('-€25.00');
  });

  it('groups plain numbers in both languages', () => {
    expect(formatNumber(1234, 'it')).toBe('1.234');
    expect(formatNumber(1234.56, 'en', 2)).toBe('1,234.56');
  });

  it('parses what people type in Italian and English notation', () => {
    expect(parseAmountInput('1234.56')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmountInput('1.234,56')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmountInput('1,234.56')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmountInput('1234,5')).toEqual({ ok: true, cents: 123450 });
    expect(parseAmountInput('€ 12')).toEqual({ ok: true, cents: 1200 });
    expect(parseAmountInput('0,1')).toEqual({ ok: true, cents: 10 });
  });

  it('says why an amount is rejected instead of guessing', () => {
    expect(parseAmountInput('  ')).toEqual({ ok: false, reason: 'empty' });
    expect(parseAmountInput('12,345')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmountInput('1.2.3')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmountInput('12.345,678')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmountInput('abc')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmountInput('-5')).toEqual({ ok: false, reason: 'negative' });
    expect(parseAmountInput('-5', { allowNegative: true })).toEqual({ ok: true, cents: -500 });
  });

  it('round-trips cents through the input text', () => {
    for (const c of [0, 1, 99, 100, 123456, 100000000]) {
      const parsed = parseAmountInput(centsToInput(c));
      expect(parsed).toEqual({ ok: true, cents: c });
    }
  });

  it('computes line and invoice totals in cents with VAT rounded per line', () => {
    expect(lineTotals(3, 3333, 22)).toEqual({ net: 9999, vat: 2200, total: 12199 });
    expect(lineTotals(1.5, 1000, 10)).toEqual({ net: 1500, vat: 150, total: 1650 });
    expect(sumTotals([lineTotals(3, 3333, 22), lineTotals(1, 100, 0)])).toEqual({ net: 10099, vat: 2200, total: 12299 });
  });
});
