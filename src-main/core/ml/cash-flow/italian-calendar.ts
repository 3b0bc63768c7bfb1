// The Italian business calendar the cash-flow features need: national public holidays (incl.
// Easter Monday) and the proximity of a date to the next one. Payments slow down around them and
// during August and the Christmas weeks, so the model sees these as features.
import { fromDayNumber, toDayNumber } from '../../dates';

/** Gregorian Easter Sunday (anonymous Gregorian algorithm), as an ISO date. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const FIXED = ['01-01', '01-06', '04-25', '05-01', '06-02', '08-15', '11-01', '12-08', '12-25', '12-26'];

const cache = new Map<number, number[]>();

/** Day numbers (see dates.toDayNumber) of the national holidays of `year`, sorted. */
export function italianHolidays(year: number): number[] {
  let days = cache.get(year);
  if (!days) {
    days = FIXED.map((md) => toDayNumber(`${year}-${md}`));
    days.push(toDayNumber(easterSunday(year)) + 1); // Pasquetta
    days.sort((x, y) => x - y);
    cache.set(year, days);
  }
  return days;
}

export function isItalianHoliday(iso: string): boolean {
  return italianHolidays(Number(iso.slice(0, 4))).includes(toDayNumber(iso));
}

/** Days from `day` (a day number in `year`) to the next national holiday on or after it. */
export function daysToNextHoliday(day: number, year: number = Number(fromDayNumber(day).slice(0, 4))): number {
  for (const y of [year, year + 1]) {
    for (const h of italianHolidays(y)) if (h >= day) return h - day;
  }
  return 366;
}

/** Days from `day` (a day number) to the first business day on or after it: not a weekend, not a national holiday. */
export function daysToBusinessDay(day: number): number {
  for (let d = day; ; d++) {
    const weekday = (((d + 4) % 7) + 7) % 7;
    if (weekday !== 0 && weekday !== 6 && !italianHolidays(Number(fromDayNumber(d).slice(0, 4))).includes(d)) return d - day;
  }
}
