// Looks up catalog messages and fills their {placeholders}; the language comes from the UI store
// (UI_LANGUAGE), so every component re-renders when the user switches language. A count that
// changes the words is written as `{count, plural, one {# correzione} other {# correzioni}}`: the
// form is chosen by Intl.PluralRules for the UI's language and # is the count, grouped.
import { MESSAGES, type Language, type MessageKey } from './catalog';
import { useUiStore } from '../stores/ui-store';

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;
const LOCALES: Record<Language, string> = { it: 'it-IT', en: 'en-GB' };
const rules = new Map<Language, Intl.PluralRules>();
const counts = new Map<Language, Intl.NumberFormat>();

/** "1 correzione" / "2 correzioni": the form of a plural block Intl.PluralRules picks for `n`. */
export function pluralForm(lang: Language, n: number, one: string, other: string): string {
  let r = rules.get(lang);
  if (!r) rules.set(lang, (r = new Intl.PluralRules(LOCALES[lang])));
  let f = counts.get(lang);
  if (!f) counts.set(lang, (f = new Intl.NumberFormat(LOCALES[lang], { useGrouping: 'always', maximumFractionDigits: 2 })));
  return (r.select(n) === 'one' ? one : other).replace(/#/g, f.format(n));
}

/** Placeholders whose numbers are names rather than quantities (a record id, a line number): never grouped. */
const IDENTIFIERS = new Set(['id', 'n', 'rank', 'checkRunId', 'year']);

/** A placeholder's value: quantities grouped in the UI's language ("1.234" / "1,234"), anything else as given. */
function fill(lang: Language, name: string, value: string | number): string {
  if (typeof value !== 'number' || IDENTIFIERS.has(name) || !Number.isFinite(value)) return String(value);
  let f = counts.get(lang);
  if (!f) counts.set(lang, (f = new Intl.NumberFormat(LOCALES[lang], { useGrouping: 'always', maximumFractionDigits: 2 })));
  return f.format(value);
}

export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  const text = MESSAGES[key][lang];
  if (!vars) return text;
  return text
    .replace(PLURAL, (whole, name: string, one: string, other: string) => (name in vars && Number.isFinite(Number(vars[name])) ? pluralForm(lang, Number(vars[name]), one, other) : whole))
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? fill(lang, name, vars[name]!) : whole));
}

/** The placeholders a message uses, e.g. ["count", "max"]; both languages must use the same set. */
export function placeholders(text: string): string[] {
  return [...text.replace(PLURAL, '{$1}').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export function useT(): { t: Translate; lang: Language } {
  const lang = useUiStore((s) => s.language);
  return { t: (key, vars) => translate(lang, key, vars), lang };
}
