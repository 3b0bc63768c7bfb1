// Date display for the renderer. Dates travel as ISO `YYYY-MM-DD` and timestamps as ISO UTC
// (DESIGN §3); Italian shows dd/mm/yyyy, English "5 Mar 2025". Calendar dates are formatted in UTC
// so a date never shifts by a day with the viewer's time zone.

import type { Language } from '../i18n/catalog';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateFormats: Record<Language, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }),
};
const shortFormats: Record<Language, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { timeZone: 'UTC', day: '2-digit', month: '2-digit' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' }),
};
const timestampFormats: Record<Language, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
};

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === s;
}

/** "2025-03-05" → "05/03/2025" (it) / "5 Mar 2025" (en). Anything unparseable is shown as given. */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '—';
  const day = iso.slice(0, 10);
  if (!isIsoDate(day)) return iso;
  return dateFormats[lang].format(new Date(day + 'T00:00:00Z'));
}

/** Day and month only, for chart axes. */
export function formatShortDate(iso: string, lang: Language): string {
  if (!isIsoDate(iso.slice(0, 10))) return iso;
  return shortFormats[lang].format(new Date(iso.slice(0, 10) + 'T00:00:00Z'));
}

/** An ISO UTC timestamp in the viewer's local time. */
export function formatTimestamp(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '—';
  // SQLite's datetime('now') has no zone designator but is UTC.
  const normalised = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : iso.replace(' ', 'T') + 'Z';
  const t = Date.parse(normalised);
  if (Number.isNaN(t)) return iso;
  return timestampFormats[lang].format(new Date(t));
}

/** Whole days from `a` to `b` (ISO dates), positive when b is later. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10) + 'T00:00:00Z') - Date.parse(a.slice(0, 10) + 'T00:00:00Z')) / 86_400_000);
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}

/** Today's calendar date in the viewer's zone, as ISO. */
export function localTodayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** "3 min ago" style relative time for live panels. */
export function formatRelative(iso: string | null | undefined, lang: Language, now: number = Date.now()): string {
  if (!iso) return '—';
  const normalised = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : iso.replace(' ', 'T') + 'Z';
  const t = Date.parse(normalised);
  if (Number.isNaN(t)) return iso;
  const rtf = new Intl.RelativeTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', { numeric: 'auto' });
  const sec = Math.round((t - now) / 1000);
  const abs = Math.abs(sec);
  if (abs < 60) return rtf.format(sec, 'second');
  if (abs < 3600) return rtf.format(Math.round(sec / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(sec / 3600), 'hour');
  return rtf.format(Math.round(sec / 86_400), 'day');
}
