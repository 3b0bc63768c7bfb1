// Looks up catalog messages and fills their {placeholders}; the language comes from the UI store
// (UI_LANGUAGE), so every component re-renders when the user switches language.
import { MESSAGES, type Language, type MessageKey } from './catalog';
import { useUiStore } from '../stores/ui-store';

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  const text = MESSAGES[key][lang];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The placeholders a message uses, e.g. ["count", "max"]; both languages must use the same set. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export function useT(): { t: Translate; lang: Language } {
  const lang = useUiStore((s) => s.language);
  return { t: (key, vars) => translate(lang, key, vars), lang };
}
