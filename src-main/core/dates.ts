// ISO date (YYYY-MM-DD) arithmetic in UTC, shared by every domain. Dates never carry a time zone:
// an invoice issued on 2025-03-31 is that calendar day everywhere.

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.toISOString().slice(0, 10) === s;
}

export function toDayNumber(iso: string): number {
  return Math.floor(Date.parse(iso + 'T00:00:00Z') / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromDayNumber(toDayNumber(iso) + Math.round(days));
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function endOfMonth(iso: string): string {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(iso: string): number {
  return new Date(iso + 'T00:00:00Z').getUTCDay();
}

/** Monday of the ISO week containing `iso`. */
export function startOfWeek(iso: string): string {
  return addDays(iso, -((weekday(iso) + 6) % 7));
}

/** Today's date; OPENFATTURE_TODAY pins it for reproducible demos and tests. */
export function todayIso(now: Date = new Date()): string {
  const pinned = process.env.OPENFATTURE_TODAY;
  if (pinned && isIsoDate(pinned)) return pinned;
  return now.toISOString().slice(0, 10);
}

/**
 * The latest date that is already today somewhere for this user: the later of the UTC date and the
 * machine's local date (east of UTC the local day starts first), or the pinned OPENFATTURE_TODAY.
 * What a date "after today" is measured against, so no one is refused today's date at midnight.
 */
export function latestTodayIso(now: Date = new Date()): string {
  const utc = todayIso(now);
  if (process.env.OPENFATTURE_TODAY && isIsoDate(process.env.OPENFATTURE_TODAY)) return utc;
  const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return local > utc ? local : utc;
}

/**
 * The app's clock as a timestamp: the wall clock, or — when OPENFATTURE_TODAY pins the date — that
 * date at the wall clock's time of day. Model ages, training and deployment times, retraining checks
 * and the scheduler's due times all use it, so a pinned date moves them consistently (and tests can
 * step through a simulated year).
 */
export function appNow(now: Date = new Date()): Date {
  const pinned = process.env.OPENFATTURE_TODAY;
  if (!pinned || !isIsoDate(pinned)) return now;
  return new Date(Date.parse(pinned + 'T00:00:00Z') + (now.getTime() % DAY_MS));
}

export function appNowIso(now: Date = new Date()): string {
  return appNow(now).toISOString();
}

/** Due date from payment terms: N days after issue, or the end of that month for "fine mese" terms. */
export function dueDateFor(issueDate: string, termsDays: number, endOfMonthTerms: boolean): string {
  const raw = addDays(issueDate, termsDays);
  return endOfMonthTerms ? endOfMonth(raw) : raw;
}
