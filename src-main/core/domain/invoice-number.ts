// Invoice numbers as Italian law and FatturaPA have them: `Numero` is text of up to 20 characters
// with at least one digit ("123", "FPR 12/2025", "2025/A/0007"). Invoices created here take the next
// number of a per-year, per-series sequence: the default series '' gives plain numbers ("7", shown
// as "7/2025"); a named series S gives "YYYY/S/NNNN" ("2025/A/0007"). Imported invoices keep the
// number of their source; one in this app's format also advances its sequence.

export const MAX_NUMBER_LENGTH = 20;
export const MAX_SERIES_LENGTH = 10;

/** Why a number cannot be stored, or null when it can (FatturaPA's String20 of basic Latin, a digit in it). */
export function invoiceNumberProblem(number: string): string | null {
  if (number.length === 0) return 'must not be empty';
  if (number !== number.trim()) return 'must not start or end with spaces';
  if (number.length > MAX_NUMBER_LENGTH) return `at most ${MAX_NUMBER_LENGTH} characters, got ${number.length} ("${number}")`;
  for (const ch of number) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e) return `must use basic Latin characters only, got "${ch}" in "${number}"`;
  }
  if (![...number].some((ch) => ch >= '0' && ch <= '9')) return `must contain at least one digit, got "${number}"`;
  return null;
}

/** Why a series name cannot be used, or null: letters, digits and '-', up to 10 characters. */
export function seriesProblem(series: string): string | null {
  if (series.length > MAX_SERIES_LENGTH) return `at most ${MAX_SERIES_LENGTH} characters, got "${series}"`;
  if (![...series].every((ch) => /[A-Za-z0-9-]/.test(ch))) return `letters, digits and '-' only, got "${series}"`;
  return null;
}

export function formatInvoiceNumber(series: string, seq: number, year: number): string {
  return series === '' ? String(seq) : `${year}/${series}/${String(seq).padStart(4, '0')}`;
}

/** The series and sequence of a number written in this app's format for `year`, or null for any other format. */
export function parseAppNumber(number: string, year: number): { series: string; seq: number } | null {
  const n = (s: string) => (/^\d{1,9}$/.test(s) && Number(s) > 0 ? Number(s) : null);
  const plain = n(number);
  if (plain !== null) return { series: '', seq: plain };
  const parts = number.split('/');
  if (parts.length === 3 && parts[0] === String(year) && parts[1] !== '' && seriesProblem(parts[1]!) === null) {
    const seq = n(parts[2]!);
    if (seq !== null) return { series: parts[1]!, seq };
  }
  return null;
}

/**
 * How an invoice is named to a person: its number as issued, with "/year" added when the number does
 * not already carry the year ("12" of 2025 → "12/2025"; "FPR 12/2025" and "2025/A/0007" stay as they are).
 */
export function invoiceLabel(number: string | number, year: number): string {
  const text = String(number);
  return text.includes(String(year)) ? text : `${text}/${year}`;
}

const REF_KEYWORD = /\b(?:fattura|fatture|invoice|invoices|ft|nota di credito|credit note|documento|document)\s*(?:n\.|nr\.?|no\.|n°|numero|number|#)?\s*-?\s*/giu;

/**
 * The invoice numbers a question may name, most specific first: the one or two tokens after
 * "fattura"/"invoice"/"FT-" ("fattura 2025/A/0007", "invoice FPR 12/2025", "FT-12/2025"), and any
 * token holding a digit and a "/" ("12/2025"). Candidates are looked up exactly; nothing is guessed.
 */
export function invoiceNumberCandidates(question: string): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    const t = s.replace(/[?!,;:)"“”]+$/u, '').replace(/\.$/, '').trim();
    if (t && /\d/.test(t) && t.length <= 40 && !out.includes(t)) out.push(t);
  };
  for (const m of question.matchAll(REF_KEYWORD)) {
    const rest = question.slice(m.index + m[0].length).split(/\s+/).filter(Boolean);
    if (rest.length >= 2 && /\d/.test(rest[1]!) && !/\d/.test(rest[0]!) && rest[0]!.length <= 6) add(`${rest[0]} ${rest[1]}`);
    if (rest[0]) add(rest[0]);
  }
  for (const token of question.split(/\s+/)) if (token.includes('/') && /\d/.test(token)) add(token);
  return out;
}
