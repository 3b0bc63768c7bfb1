// Money is integer cents everywhere; these are the only conversions to and from text.
import { InputError } from './errors';

// Always group thousands: it-IT leaves 4-digit amounts ungrouped (5313,10 €), which misaligns columns.
const EUR = new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR', useGrouping: 'always' });

export function formatEuro(cents: number): string {
  return EUR.format(cents / 100);
}

/** Parses "1234.56", "1.234,56" or "1234,5" into cents; throws an InputError naming `field`. */
export function parseEuroToCents(text: string | number, field: string): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) throw new InputError(`${field}: expected an amount in euro, got ${text}`, field);
    return Math.round(text * 100);
  }
  let s = text.trim().replace(/[€\s]/g, '');
  if (/^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+,\d{1,2}$/.test(s)) s = s.replace(',', '.');
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) throw new InputError(`${field}: expected an amount in euro like 1234.56, got "${text}"`, field);
  const [int, frac = ''] = s.replace('-', '').split('.');
  const cents = Number(int) * 100 + Number(frac.padEnd(2, '0'));
  return s.startsWith('-') ? -cents : cents;
}
