// Invoice arithmetic in integer cents: line net/VAT/total, invoice totals, withholding tax
// (ritenuta d'acconto) and stamp duty (bollo). Pure; the invoice service and the demo share it, so
// stored totals always equal the sum of the stored lines.

/** VAT rates accepted on a line (Italian ordinary, reduced and super-reduced rates; 0 = exempt/non-taxable). */
export { VAT_RATES, type VatRate } from '../../../src-shared/invoice';

/** Stamp duty applies when the exempt (VAT 0) part of an invoice exceeds €77.47. */
export const BOLLO_THRESHOLD_CENTS = 7_747;
export const BOLLO_CENTS = 200;

export interface LineAmounts {
  quantity: number;
  unitPriceCents: number;
  vatRate: number;
}

export interface LineTotals {
  netCents: number;
  vatCents: number;
  totalCents: number;
}

/** Half-up rounding that ignores binary noise (1.005 × 100 must give 101, not 100). */
export function roundCents(x: number): number {
  const cleaned = Number(x.toFixed(6));
  return Math.sign(cleaned) * Math.round(Math.abs(cleaned));
}

export function lineTotals(line: LineAmounts): LineTotals {
  const netCents = roundCents(line.quantity * line.unitPriceCents);
  const vatCents = roundCents((netCents * line.vatRate) / 100);
  return { netCents, vatCents, totalCents: netCents + vatCents };
}

export interface InvoiceTotalsOptions {
  /** Ritenuta d'acconto in percent of the net (e.g. 20); 0 = none. */
  ritenutaRate?: number;
  /** true/false forces stamp duty; 'auto' (default) applies it above the exempt threshold. */
  bollo?: boolean | 'auto';
}

export interface InvoiceTotals {
  lines: LineTotals[];
  netCents: number;
  vatCents: number;
  ritenutaCents: number;
  bolloCents: number;
  /** Document total: net + VAT + stamp duty. */
  totalCents: number;
  /** What the client pays: total − ritenuta (the withholding goes to the tax office). */
  dueCents: number;
}

export function invoiceTotals(lines: readonly LineAmounts[], options: InvoiceTotalsOptions = {}): InvoiceTotals {
  const perLine = lines.map(lineTotals);
  const netCents = perLine.reduce((s, l) => s + l.netCents, 0);
  const vatCents = perLine.reduce((s, l) => s + l.vatCents, 0);
  const exemptCents = lines.reduce((s, l, i) => (l.vatRate === 0 ? s + perLine[i]!.netCents : s), 0);
  const bollo = options.bollo ?? 'auto';
  const bolloCents = bollo === 'auto' ? (exemptCents > BOLLO_THRESHOLD_CENTS ? BOLLO_CENTS : 0) : bollo ? BOLLO_CENTS : 0;
  const ritenutaCents = roundCents((netCents * (options.ritenutaRate ?? 0)) / 100);
  const totalCents = netCents + vatCents + bolloCents;
  return { lines: perLine, netCents, vatCents, ritenutaCents, bolloCents, totalCents, dueCents: totalCents - ritenutaCents };
}

/** Splits an amount into `n` instalments; the remainder cents go to the last one so the sum is exact. */
export function splitInstalments(totalCents: number, n: number): number[] {
  const base = Math.floor(totalCents / n);
  const parts = Array.from({ length: n }, () => base);
  parts[n - 1] = totalCents - base * (n - 1);
  return parts;
}
