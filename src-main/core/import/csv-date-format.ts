// Dates as other systems export them ("DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YY"…),
// parsed strictly by a user-given format into ISO YYYY-MM-DD.
import { isIsoDate } from '../dates';
import { InputError } from '../errors';

export interface DateFormat {
  text: string;
  parse(value: string): string | null;
}

const TOKEN = /YYYY|YY|MM|DD|M|D/g;

/** Compiles a format made of YYYY/YY, MM/M, DD/D and any separators. Throws an InputError naming `field`. */
export function compileDateFormat(format: string, field = '--date-format'): DateFormat {
  const tokens = format.match(TOKEN) ?? [];
  const has = (t: string[]) => tokens.filter((x) => t.includes(x)).length === 1;
  if (!has(['YYYY', 'YY']) || !has(['MM', 'M']) || !has(['DD', 'D'])) {
    throw new InputError(`${field}: expected a format with one day (DD), month (MM) and year (YYYY) part, like DD/MM/YYYY, got "${format}"`, field);
  }
  const order: string[] = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN, (t) => {
    order.push(t);
    return t === 'YYYY' ? '(\\d{4})' : t.length === 2 ? '(\\d{2})' : '(\\d{1,2})';
  });
  const re = new RegExp(`^${source}$`);
  return {
    text: format,
    parse(value: string): string | null {
      const m = re.exec(value.trim());
      if (!m) return null;
      let y = 0;
      let mo = 0;
      let d = 0;
      order.forEach((t, i) => {
        const n = Number(m[i + 1]);
        if (t === 'YYYY') y = n;
        // Two-digit years: 00–69 → 2000s, 70–99 → 1900s (the usual spreadsheet pivot).
        else if (t === 'YY') y = n < 70 ? 2000 + n : 1900 + n;
        else if (t.startsWith('M')) mo = n;
        else d = n;
      });
      const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      return isIsoDate(iso) ? iso : null;
    },
  };
}

/** The formats tried when none is given, in the order they are preferred on a tie. */
export const DETECTABLE_DATE_FORMATS = ['YYYY-MM-DD', 'D/M/YYYY', 'M/D/YYYY', 'D.M.YYYY', 'D-M-YYYY'] as const;

export type DateDetection =
  | { kind: 'found'; format: string }
  | { kind: 'ambiguous'; formats: string[]; example: string }
  | { kind: 'none'; best: string | null };

/**
 * Finds the one format that reads every date of the column(s). Day-first and month-first both
 * reading everything (every day ≤ 12) is ambiguous: the caller asks instead of guessing.
 */
export function detectDateFormat(values: readonly string[]): DateDetection {
  const present = values.map((v) => v.trim()).filter(Boolean);
  if (present.length === 0) return { kind: 'found', format: 'YYYY-MM-DD' };
  const scores = DETECTABLE_DATE_FORMATS.map((f) => {
    const c = compileDateFormat(f);
    return { format: f, ok: present.filter((v) => c.parse(v) !== null).length };
  });
  const full = scores.filter((s) => s.ok === present.length).map((s) => s.format);
  if (full.length === 1) return { kind: 'found', format: full[0]! };
  if (full.length > 1) {
    if (full.includes('YYYY-MM-DD')) return { kind: 'found', format: 'YYYY-MM-DD' };
    return { kind: 'ambiguous', formats: full, example: present[0]! };
  }
  const best = [...scores].sort((a, b) => b.ok - a.ok)[0]!;
  return { kind: 'none', best: best.ok > 0 ? best.format : null };
}

/** Another format the value would be read with, and the date it gives: { format: 'M/D/YYYY', date: '2024-01-13' }. */
export function suggestDateFormat(value: string, except: string): { format: string; date: string } | null {
  for (const f of DETECTABLE_DATE_FORMATS) {
    if (f === except) continue;
    const iso = compileDateFormat(f).parse(value);
    if (iso) return { format: f, date: iso };
  }
  return null;
}
