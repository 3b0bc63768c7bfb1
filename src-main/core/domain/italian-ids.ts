// Italian identifiers and contact formats: partita IVA (with its check digit), codice fiscale
// (persons: 16 chars with check letter; companies: the 11-digit P.IVA form), e-mail/PEC, CAP,
// province and SDI codice destinatario. Pure functions, shared by the services and the demo generator.

/** Check digit of the first 10 digits of a partita IVA (the Luhn-like algorithm of the Agenzia delle Entrate). */
export function partitaIvaCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) throw new RangeError(`expected 10 digits, got "${first10}"`);
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = first10.charCodeAt(i) - 48;
    if (i % 2 === 0) sum += d;
    else {
      const doubled = d * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/** Strips spaces and an optional "IT" country prefix: "IT 0123…" → "0123…". */
export function normalizePartitaIva(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase().replace(/^IT/, '');
}

/** A failed check says why in English (`problem`) and in structured form: the value's shape is wrong, or its check character is (with the one expected). */
export type IdCheck = { ok: true } | { ok: false; problem: string; fault: 'format' } | { ok: false; problem: string; fault: 'check'; expected: string };

/** Validates a (normalised) partita IVA: 11 digits, not all zero, correct check digit. */
export function checkPartitaIva(piva: string): IdCheck {
  if (!/^\d{11}$/.test(piva)) return { ok: false, problem: `must be 11 digits, got "${piva}"`, fault: 'format' };
  if (/^0{7}/.test(piva)) return { ok: false, problem: `"${piva}" has an all-zero registration number`, fault: 'format' };
  const expected = partitaIvaCheckDigit(piva.slice(0, 10));
  if (expected !== Number(piva[10])) {
    return { ok: false, problem: `"${piva}" fails the check digit (expected last digit ${expected})`, fault: 'check', expected: String(expected) };
  }
  return { ok: true };
}

export function isValidPartitaIva(piva: string): boolean {
  return checkPartitaIva(normalizePartitaIva(piva)).ok;
}

// Values of characters in odd (1st, 3rd, …) positions of a codice fiscale, digits sharing the letters' values.
const CF_ODD: Record<string, number> = {
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};
const CF_ODD_DIGIT = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const CF_PERSON = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

/** Check letter of the first 15 characters of a person's codice fiscale. */
export function codiceFiscaleCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i]!;
    const isDigit = c >= '0' && c <= '9';
    if (i % 2 === 0) sum += isDigit ? CF_ODD_DIGIT[Number(c)]! : CF_ODD[c]!;
    else sum += isDigit ? Number(c) : c.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** A person's 16-character code (with check letter) or a company's 11-digit code (P.IVA rules). */
export function checkCodiceFiscale(raw: string): IdCheck {
  const cf = raw.replace(/\s+/g, '').toUpperCase();
  if (/^\d{11}$/.test(cf)) return checkPartitaIva(cf);
  if (cf.length !== 16) return { ok: false, problem: `must be 16 characters (or 11 digits for a company), got "${raw}"`, fault: 'format' };
  if (!CF_PERSON.test(cf)) return { ok: false, problem: `"${raw}" is not in the codice fiscale format (e.g. RSSMRA85T10A562S)`, fault: 'format' };
  const expected = codiceFiscaleCheckChar(cf.slice(0, 15));
  if (cf[15] !== expected) return { ok: false, problem: `"${raw}" fails the check character (expected ${expected})`, fault: 'check', expected };
  return { ok: true };
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s) && !s.includes('..');
}

export function isValidCap(s: string): boolean {
  return /^\d{5}$/.test(s);
}

export function isValidProvince(s: string): boolean {
  return /^[A-Z]{2}$/.test(s);
}

/** SDI recipient code: 7 characters for businesses ("0000000" when delivery goes to the PEC). */
export function isValidCodiceDestinatario(s: string): boolean {
  return /^[A-Z0-9]{7}$/.test(s);
}
