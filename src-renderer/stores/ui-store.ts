// UI state that is not business data: the current page, language and theme (mirrors of the
// UI_LANGUAGE / UI_THEME settings, applied instantly and persisted through the settings store), and
// transient toasts.
import { create } from 'zustand';
import type { Language } from '../i18n/catalog';

export const PAGES = ['home', 'assistant', 'forecast', 'models', 'knowledge', 'feedback', 'data', 'settings'] as const;
export type PageId = (typeof PAGES)[number];
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Toast = { id: number; kind: 'success' | 'error' | 'info'; text: string };

export function isPageId(s: string): s is PageId {
  return (PAGES as readonly string[]).includes(s);
}

/** The page named by the location hash (#/models), so a reload or a deep link lands on it. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return isPageId(id) ? id : 'home';
}

/** Which theme to paint: an explicit choice wins, "system" follows the OS preference. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

interface UiState {
  page: PageId;
  language: Language;
  theme: ThemeChoice;
  toasts: Toast[];
  /** Which Data tab to show; set by links from other pages (e.g. an assistant source chip). */
  dataTab: 'invoices' | 'clients' | 'products' | 'import' | 'bank';
  setDataTab: (tab: UiState['dataTab']) => void;
  setPage: (page: PageId) => void;
  setLanguage: (language: Language) => void;
  setTheme: (theme: ThemeChoice) => void;
  toast: (kind: Toast['kind'], text: string) => void;
  dismissToast: (id: number) => void;
}

let nextToast = 1;

export const useUiStore = create<UiState>((set) => ({
  page: typeof location === 'undefined' ? 'home' : pageFromHash(location.hash),
  language: 'it',
  theme: 'system',
  toasts: [],
  dataTab: 'invoices',
  setDataTab: (dataTab) => set({ dataTab }),
  setPage: (page) => {
    if (typeof location !== 'undefined' && pageFromHash(location.hash) !== page) location.hash = `#/${page}`;
    set({ page });
  },
  setLanguage: (language) => set({ language }),
  setTheme: (theme) => set({ theme }),
  toast: (kind, text) => {
    const id = nextToast++;
    set((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text }] }));
    setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === 'error' ? 8000 : 4000);
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));
