// Every setting with its source and lock (settings:get), changed one at a time through settings:set
// so main validates and applies it live. A rejected value stays in `errors` next to its field and
// is not saved. UI_LANGUAGE and UI_THEME are mirrored into the UI store as soon as they load/change.
import { create } from 'zustand';
import type { SettingInfo, SettingValue, SettingsSnapshot } from '../../src-preload/contract/settings-channels';
import { SETTING_GROUP_IDS } from '../../src-shared/setting-groups';
import { call, errorText, subscribe } from './call';
import { useUiStore, type ThemeChoice } from './ui-store';

export type SettingGroup = SettingInfo['group'];
export const SETTING_GROUPS: readonly SettingGroup[] = SETTING_GROUP_IDS;

export type DraftCheck = { ok: true; value: SettingValue } | { ok: false; reason: 'bool' | 'number' | 'integer' | 'min' | 'max' | 'enum' | 'length' };

/**
 * Client-side pre-check of a draft value with the setting's own definition, so the field can say
 * what is wrong before a round trip. Main validates again; its message wins when it disagrees.
 */
export function checkDraft(info: Pick<SettingInfo, 'kind' | 'min' | 'max' | 'values'>, raw: string | boolean): DraftCheck {
  if (info.kind === 'bool') {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    return { ok: false, reason: 'bool' };
  }
  const text = String(raw);
  if (info.kind === 'int' || info.kind === 'float') {
    const s = text.trim().replace(',', '.');
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { ok: false, reason: 'number' };
    const n = Number(s);
    if (info.kind === 'int' && !Number.isInteger(n)) return { ok: false, reason: 'integer' };
    if (info.min !== undefined && n < info.min) return { ok: false, reason: 'min' };
    if (info.max !== undefined && n > info.max) return { ok: false, reason: 'max' };
    return { ok: true, value: n };
  }
  if (info.kind === 'enum') {
    if (!info.values?.includes(text)) return { ok: false, reason: 'enum' };
    return { ok: true, value: text };
  }
  if (text.length > 4096) return { ok: false, reason: 'length' };
  return { ok: true, value: text };
}

/** Settings held as a ratio (0.1) that people read and type as a percentage (10 %). */
export const PERCENT_SETTINGS: ReadonlySet<string> = new Set([
  'ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD',
  'ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE',
  'BANK_AUTO_ACCEPT_THRESHOLD',
  'BANK_MATCHER_ACCURACY_DROP_THRESHOLD',
  'BANK_MATCHER_MIN_IMPROVEMENT',
]);

export function isPercentSetting(info: Pick<SettingInfo, 'key'>): boolean {
  return PERCENT_SETTINGS.has(info.key);
}

/** Rounds away binary noise (0.07 × 100 = 7.000000000000001). */
const clean = (n: number) => Number(n.toFixed(6));

/** What the setting's text box shows: a ratio as its percentage ("10" for 0.1), anything else as is. */
export function settingInputText(info: Pick<SettingInfo, 'key'>, value: SettingValue): string {
  return isPercentSetting(info) && typeof value === 'number' ? String(clean(value * 100)) : String(value);
}

/** The setting's bounds as the user types them (percent settings in percent). */
export function settingBounds(info: Pick<SettingInfo, 'key' | 'min' | 'max'>): { min?: number; max?: number } {
  const scale = isPercentSetting(info) ? 100 : 1;
  return { min: info.min === undefined ? undefined : clean(info.min * scale), max: info.max === undefined ? undefined : clean(info.max * scale) };
}

/** checkDraft on what the user typed: a percentage ("10", "10 %", "2,5") becomes its ratio. */
export function checkSettingDraft(info: Pick<SettingInfo, 'key' | 'kind' | 'min' | 'max' | 'values'>, raw: string | boolean): DraftCheck {
  if (!isPercentSetting(info) || typeof raw !== 'string') return checkDraft(info, raw);
  const checked = checkDraft({ ...info, ...settingBounds(info) }, raw.replace(/\s*%\s*$/, ''));
  return checked.ok && typeof checked.value === 'number' ? { ok: true, value: clean(checked.value / 100) } : checked;
}

/** Case- and accent-insensitive match of a search box against a setting's texts. */
export function settingMatches(query: string, texts: readonly string[]): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold(texts.join(' '));
  return words.every((w) => hay.includes(w));
}

export function groupSettings(settings: SettingInfo[]): Record<SettingGroup, SettingInfo[]> {
  const out = Object.fromEntries(SETTING_GROUPS.map((g) => [g, [] as SettingInfo[]])) as Record<SettingGroup, SettingInfo[]>;
  for (const s of settings) out[s.group].push(s);
  return out;
}

interface SettingsState {
  snapshot: SettingsSnapshot | null;
  loading: boolean;
  loadError: string | null;
  /** Per key: the server's or the pre-check's message for the last rejected value. */
  errors: Record<string, string>;
  saving: Record<string, boolean>;
  savedAt: Record<string, number>;
  load: () => Promise<void>;
  save: (key: string, value: SettingValue) => Promise<boolean>;
  reset: (key: string) => Promise<boolean>;
  setError: (key: string, message: string | null) => void;
  value: (key: string) => SettingValue | undefined;
}

function mirrorUi(snapshot: SettingsSnapshot): void {
  const ui = useUiStore.getState();
  const lang = snapshot.settings.find((s) => s.key === 'UI_LANGUAGE')?.value;
  const theme = snapshot.settings.find((s) => s.key === 'UI_THEME')?.value;
  if (lang === 'it' || lang === 'en') ui.setLanguage(lang);
  if (theme === 'system' || theme === 'light' || theme === 'dark') ui.setTheme(theme as ThemeChoice);
}

export const useSettingsStore = create<SettingsState>((set, get) => ({
  snapshot: null,
  loading: false,
  loadError: null,
  errors: {},
  saving: {},
  savedAt: {},
  load: async () => {
    set({ loading: true });
    try {
      const snapshot = await call('settings:get', {});
      mirrorUi(snapshot);
      set({ snapshot, loading: false, loadError: null });
    } catch (e) {
      set({ loading: false, loadError: errorText(e) });
    }
  },
  save: async (key, value) => {
    set((s) => ({ saving: { ...s.saving, [key]: true } }));
    try {
      const snapshot = await call('settings:set', { key, value });
      mirrorUi(snapshot);
      set((s) => ({ snapshot, errors: omit(s.errors, key), saving: { ...s.saving, [key]: false }, savedAt: { ...s.savedAt, [key]: Date.now() } }));
      return true;
    } catch (e) {
      set((s) => ({ errors: { ...s.errors, [key]: errorText(e) }, saving: { ...s.saving, [key]: false } }));
      return false;
    }
  },
  reset: async (key) => {
    set((s) => ({ saving: { ...s.saving, [key]: true } }));
    try {
      const snapshot = await call('settings:reset', { key });
      mirrorUi(snapshot);
      set((s) => ({ snapshot, errors: omit(s.errors, key), saving: { ...s.saving, [key]: false }, savedAt: { ...s.savedAt, [key]: Date.now() } }));
      return true;
    } catch (e) {
      set((s) => ({ errors: { ...s.errors, [key]: errorText(e) }, saving: { ...s.saving, [key]: false } }));
      return false;
    }
  },
  setError: (key, message) => set((s) => ({ errors: message === null ? omit(s.errors, key) : { ...s.errors, [key]: message } })),
  value: (key) => get().snapshot?.settings.find((s) => s.key === key)?.value,
}));

function omit(obj: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _drop, ...rest } = obj;
  return rest;
}

/** Keeps the panel in step with changes made elsewhere (another window, the CLI through the host). */
export function watchSettings(): () => void {
  return subscribe('settings:changed', () => void useSettingsStore.getState().load());
}
