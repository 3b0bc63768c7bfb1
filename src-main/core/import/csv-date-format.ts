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
