// Money display and input for the renderer. Amounts travel as integer cents (DESIGN §3); the UI
// shows them in euro the way its language writes money: "6.535,07 €" in Italian, "€6,535.07" in
// English.
import type { Language } from '../i18n/catalog';

const LOCALE: Record<Language, string> = { it: 'it-IT', en: 'en-GB' };
// Thousands always grouped (it-IT would leave 4-digit amounts ungrouped), like the CLI prints them.
const EUR: Record<Language, Intl.NumberFormat> = {
  it: new Intl.NumberFormat(LOCALE.it, { style: 'currency', currency: 'EUR', useGrouping: 'always' }),
  en: new Intl.NumberFormat(LOCALE.en, { style: 'currency', currency: 'EUR', useGrouping: 'always' }),
};
const EUR_COMPACT: Record<Language, Intl.NumberFormat> = {
  it: new Intl.NumberFormat(LOCALE.it, { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat(LOCALE.en, { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }),
};

export function formatCents(cents: number, lang: Language): string {
  return EUR[lang].format(cents / 100);
}

/** Short form for chart axes ("12,5 Mln €" / "€12.5M"), never for figures the user reads as exact. */
export function formatCentsCompact(cents: number, lang: Language): string {
  return EUR_COMPACT[lang].format(cents / 100);
}

export type ParsedAmount = { ok: true; cents: number } | { ok: false; reason: 'empty' | 'format' | 'negative' };

/**
 * Parses what a user types in an amount box: "1234.56", "1.234,56", "1234,5", "€ 12". Returns the
 * reason instead of guessing when the text is ambiguous or not an amount.
 */
export function parseAmountInput(text: string, { allowNegative = false } = {}): ParsedAmount {
  let s = text.trim().replace(/[€\s]/g, '');
  if (s === '') return { ok: false, reason: 'empty' };
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  // English grouping only with decimals: "12,345" alone is ambiguous (Italian decimal comma) and rejected.
  else if (/^\d{1,3}(,\d{3})+\.\d{1,2}$/.test(s)) s = s.replace(/,/g, '');
  else if (/^\d+,\d{1,2}$/.test(s)) s = s.replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return { ok: false, reason: 'format' };
  const [int, frac = ''] = s.split('.');
  const cents = Number(int) * 100 + Number(frac.padEnd(2, '0'));
  if (negative && cents !== 0 && !allowNegative) return { ok: false, reason: 'negative' };
  return { ok: true, cents: negative ? -cents : cents };
}

/** Cents → the plain text an amount box starts with ("1234,56"). */
export function centsToInput(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** Line and invoice totals in cents, rounding VAT per line the way the invoice service does. */
export function lineTotals(quantity: number, unitPriceCents: number, vatRate: number): { net: number; vat: number; total: number } {
  const net = Math.round(quantity * unitPriceCents);
  const vat = Math.round((net * vatRate) / 100);
  return { net, vat, total: net + vat };
}

export function sumTotals(lines: { net: number; vat: number; total: number }[]): { net: number; vat: number; total: number } {
  return lines.reduce((a, l) => ({ net: a.net + l.net, vat: a.vat + l.vat, total: a.total + l.total }), { net: 0, vat: 0, total: 0 });
}

export function formatPercent(ratio: number, lang: string, digits = 1): string {
  return new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { style: 'percent', maximumFractionDigits: digits }).format(ratio);
}

/** Numbers grouped in both languages ("1.234" / "1,234"; it-IT alone would leave 1234 ungrouped). */
export function formatNumber(n: number, lang: string, digits = 1): string {
  return new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: digits, useGrouping: 'always' }).format(n);
}
