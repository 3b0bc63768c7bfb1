// Deterministic period parsing for assistant questions, in Italian and English: "today"/"oggi",
// "this month"/"questo mese", "last month"/"il mese scorso", "this year"/"quest'anno", "marzo 2025"/
// "March 2025", "Q1 2025"/"primo trimestre 2025", "ultimi 30 giorni"/"last 30 days", "2024", ISO
// ranges. Pure: the reference day is passed in, so answers are reproducible.
import { addDays, endOfMonth, startOfWeek } from '../dates';

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'range';

export interface Period {
  kind: PeriodKind;
  /** First day, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last day, inclusive (YYYY-MM-DD). */
  to: string;
  /** The words of the question that named the period, as written. */
  matched: string;
}

const MONTHS: Record<string, number> = {
  gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6, luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
  gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, sett: 9, ott: 10, nov: 11, dic: 12,
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, december: 12,
  jan: 1, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, dec: 12,
};
// Short forms that are also common words ("mar" is fine, "may"/"set"/"dec" only count next to a year).
const AMBIGUOUS_MONTHS = new Set(['may', 'set', 'mar', 'ago', 'dic', 'gen', 'giu', 'lug', 'ott', 'nov', 'feb', 'apr', 'mag', 'jan', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'dec', 'sett']);

const ORDINAL_QUARTERS: Record<string, number> = {
  primo: 1, secondo: 2, terzo: 3, quarto: 4, first: 1, second: 2, third: 3, fourth: 4, '1st': 1, '2nd': 2, '3rd': 3, '4th': 4,
  '1°': 1, '2°': 2, '3°': 3, '4°': 4, '1o': 1, '2o': 2, '3o': 3, '4o': 4,
};

const NUMBER_WORDS: Record<string, number> = {
  un: 1, uno: 1, una: 1, due: 2, tre: 3, quattro: 4, cinque: 5, sei: 6, sette: 7, otto: 8, nove: 9, dieci: 10, dodici: 12, trenta: 30, novanta: 90,
  a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, thirty: 30, ninety: 90,
};

const pad = (n: number) => String(n).padStart(2, '0');
const monthStart = (y: number, m: number) => `${y}-${pad(m)}-01`;
const monthPeriod = (y: number, m: number, matched: string): Period => ({
  kind: 'month',
  from: monthStart(y, m),
  to: endOfMonth(monthStart(y, m)),
  matched,
});
const yearPeriod = (y: number, matched: string): Period => ({ kind: 'year', from: `${y}-01-01`, to: `${y}-12-31`, matched });
const quarterPeriod = (y: number, q: number, matched: string): Period => ({
  kind: 'quarter',
  from: monthStart(y, q * 3 - 2),
  to: endOfMonth(monthStart(y, q * 3)),
  matched,
});

/** Lower-cases and folds typographic apostrophes so patterns stay simple. */
export function normalizeQuestion(text: string): string {
  return text.toLowerCase().replace(/[’`´]/g, "'").replace(/\s+/g, ' ').trim();
}

function shiftMonth(y: number, m: number, delta: number): [number, number] {
  const idx = y * 12 + (m - 1) + delta;
  return [Math.floor(idx / 12), (idx % 12) + 1];
}

function countWord(w: string): number | null {
  if (/^\d+$/.test(w)) return Number(w);
  return NUMBER_WORDS[w] ?? null;
}

const YEAR = '((?:19|20)\\d{2})';

/**
 * Finds the period a question refers to, relative to `today`. Returns null when the question names
 * none (callers pick the intent's default, e.g. "all time" for averages).
 */
export function parsePeriod(question: string, today: string): Period | null {
  const q = normalizeQuestion(question);
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  let m: RegExpMatchArray | null;

  // Explicit ISO ranges: "dal 2025-01-01 al 2025-03-31", "from 2025-01-01 to 2025-03-31", "between … and …".
  if ((m = q.match(/(\d{4}-\d{2}-\d{2})\s*(?:-|–|to|until|al|a|fino al|and|e)\s*(\d{4}-\d{2}-\d{2})/))) {
    const [a, b] = [m[1]!, m[2]!].sort();
    return { kind: 'range', from: a!, to: b!, matched: m[0] };
  }
  if ((m = q.match(/\b(\d{4}-\d{2}-\d{2})\b/))) return { kind: 'day', from: m[1]!, to: m[1]!, matched: m[0] };

  // Rolling windows: "ultimi 30 giorni", "last 30 days", "past 2 weeks", "ultime due settimane", "last 3 months".
  if ((m = q.match(/\b(?:ultim[ie]|last|past|previous|scors[ie]|passat[ie])\s+(\d+|[a-z]+)\s+(giorni|days|settimane|weeks|mesi|months|anni|years)\b/))) {
    const n = countWord(m[1]!);
    if (n && n > 0) return rollingWindow(n, m[2]!, today, m[0]);
  }
  if ((m = q.match(/\b(\d+|[a-z]+)\s+(giorni|days|settimane|weeks|mesi|months)\s+(?:scorsi|passati|fa|ago)\b/))) {
    const n = countWord(m[1]!);
    if (n && n > 0) return rollingWindow(n, m[2]!, today, m[0]);
  }

  // Quarters: "Q1 2025", "q3", "primo trimestre 2025", "1° trimestre", "first quarter of 2024".
  if ((m = q.match(new RegExp(`\\bq([1-4])(?:\\s*(?:del|of|/|-)?\\s*${YEAR})?\\b`)))) {
    return quarterPeriod(m[2] ? Number(m[2]) : ty, Number(m[1]), m[0]);
  }
  if ((m = q.match(new RegExp(`(primo|secondo|terzo|quarto|first|second|third|fourth|[1-4](?:st|nd|rd|th|°|o))\\s+(?:trimestre|quarter)(?:\\s*(?:del|dell'anno|of|in)?\\s*${YEAR})?`)))) {
    return quarterPeriod(m[2] ? Number(m[2]) : ty, ORDINAL_QUARTERS[m[1]!]!, m[0]);
  }
  if ((m = q.match(/\b(?:questo trimestre|this quarter|trimestre (?:corrente|in corso)|current quarter)\b/))) {
    return quarterPeriod(ty, Math.ceil(tm / 3), m[0]);
  }
  if ((m = q.match(/\b(?:(?:il |lo )?scorso trimestre|trimestre (?:scorso|precedente)|last quarter|previous quarter)\b/))) {
    const [y, mm] = shiftMonth(ty, (Math.ceil(tm / 3) - 1) * 3 + 1, -3);
    return quarterPeriod(y, Math.ceil(mm / 3), m[0]);
  }

  // Relative days and weeks.
  if ((m = q.match(/\b(?:oggi|today|odierne|di oggi)\b/))) return { kind: 'day', from: today, to: today, matched: m[0] };
  if ((m = q.match(/\b(?:ieri|yesterday)\b/))) {
    const d = addDays(today, -1);
    return { kind: 'day', from: d, to: d, matched: m[0] };
  }
  if ((m = q.match(/\b(?:questa settimana|this week|settimana corrente|settimana in corso)\b/))) {
    const from = startOfWeek(today);
    return { kind: 'week', from, to: addDays(from, 6), matched: m[0] };
  }
  if ((m = q.match(/\b(?:(?:la )?settimana scorsa|(?:la )?scorsa settimana|settimana precedente|last week|previous week)\b/))) {
    const from = addDays(startOfWeek(today), -7);
    return { kind: 'week', from, to: addDays(from, 6), matched: m[0] };
  }

  // Relative months and years.
  if ((m = q.match(/\b(?:(?:il |lo )?mese scorso|(?:lo )?scorso mese|mese precedente|last month|previous month|past month)\b/))) {
    const [y, mm] = shiftMonth(ty, tm, -1);
    return monthPeriod(y, mm, m[0]);
  }
  if ((m = q.match(/\b(?:questo mese|this month|mese corrente|mese in corso|current month|del mese)\b/))) return monthPeriod(ty, tm, m[0]);
  if ((m = q.match(/(?:quest'anno|questo anno|anno corrente|anno in corso|this year|current year|year to date|\bytd\b)/))) return yearPeriod(ty, m[0]);
  if ((m = q.match(/\b(?:(?:l')?anno scorso|(?:lo )?scorso anno|anno precedente|last year|previous year|past year)|l'anno scorso/))) return yearPeriod(ty - 1, m[0]);

  // Named months: "marzo 2025", "March 2025", "mar 2025", "di marzo", "in March".
  for (const match of q.matchAll(new RegExp(`\\b([a-z]+)\\.?\\s*(?:del |of |,\\s*)?${YEAR}?\\b`, 'g'))) {
    const word = match[1]!;
    const month = MONTHS[word];
    if (!month) continue;
    if (match[2]) return monthPeriod(Number(match[2]), month, match[0].trim());
    if (AMBIGUOUS_MONTHS.has(word)) continue;
    // A month without a year is the latest such month up to today.
    return monthPeriod(month <= tm ? ty : ty - 1, month, match[0].trim());
  }

  // A bare year: "nel 2024", "in 2024", "fatturato 2024".
  if ((m = q.match(new RegExp(`\\b${YEAR}\\b`)))) return yearPeriod(Number(m[1]), m[0]);
  return null;
}

function rollingWindow(n: number, unit: string, today: string, matched: string): Period {
  let from: string;
  if (unit.startsWith('giorn') || unit.startsWith('day')) from = addDays(today, -(n - 1));
  else if (unit.startsWith('settiman') || unit.startsWith('week')) from = addDays(today, -(n * 7 - 1));
  else if (unit.startsWith('mes') || unit.startsWith('month')) {
    const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
    const [y, mm] = shiftMonth(ty, tm, -n);
    const day = Math.min(td, Number(endOfMonth(monthStart(y, mm)).slice(8)));
    from = addDays(`${y}-${pad(mm)}-${pad(day)}`, 1);
  } else {
    const [ty] = today.split('-').map(Number) as [number];
    from = addDays(`${ty - n}${today.slice(4)}`, 1);
  }
  return { kind: 'range', from, to: today, matched };
}

/** Human description of a period in the answer's language. */
export function describePeriod(p: Period, lang: 'it' | 'en'): string {
  const [y, mo] = p.from.split('-').map(Number) as [number, number];
  const monthName = new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, 1)));
  switch (p.kind) {
    case 'day':
      return lang === 'it' ? `il ${formatDay(p.from, lang)}` : `on ${formatDay(p.from, lang)}`;
    case 'month':
      return lang === 'it' ? `a ${monthName} ${y}` : `in ${monthName} ${y}`;
    case 'quarter':
      return lang === 'it' ? `nel ${Math.ceil(mo / 3)}° trimestre ${y}` : `in Q${Math.ceil(mo / 3)} ${y}`;
    case 'year':
      return lang === 'it' ? `nel ${y}` : `in ${y}`;
    default:
      return lang === 'it' ? `dal ${formatDay(p.from, lang)} al ${formatDay(p.to, lang)}` : `from ${formatDay(p.from, lang)} to ${formatDay(p.to, lang)}`;
  }
}

/** 2025-03-07 → "07/03/2025" (it) or "7 Mar 2025" (en). */
export function formatDay(iso: string, lang: 'it' | 'en'): string {
  const [y, m, d] = iso.split('-');
  if (lang === 'it') return `${d}/${m}/${y}`;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
}
