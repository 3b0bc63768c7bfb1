// The settings store (the GUI's layer of the precedence). Node hosts use `conf`; the Electron adapter
// may pass an electron-store, which has the same API. Writes are atomic (conf writes temp + rename).
import Conf from 'conf';
import { isSettingKey, parseSettingValue, type SettingKey, type Settings } from './settings';

export interface SettingsStore {
  all(): Partial<Record<string, unknown>>;
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
  delete(key: SettingKey): void;
}

/** The subset of conf/electron-store this module uses. */
export interface ConfLike {
  store: Record<string, unknown>;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export function confSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings', projectName: 'openfatture' });
  return settingsStoreFrom(conf);
}

export function settingsStoreFrom(conf: ConfLike): SettingsStore {
  return {
    all: () => ({ ...conf.store }),
    set(key, value) {
      if (!isSettingKey(key)) throw new Error(`unknown setting ${String(key)}`);
      // Validate before writing: a bad value is never stored.
      conf.set(key, parseSettingValue(key, value, 'from the settings panel'));
    },
    delete: (key) => conf.delete(key),
  };
}

/** In-memory store, for tests and for read-only diagnostics. */
export function memorySettingsStore(initial: Partial<Record<string, unknown>> = {}): SettingsStore {
  const data: Record<string, unknown> = { ...initial };
  return settingsStoreFrom({
    get store() {
      return data;
    },
    set: (k, v) => void (data[k] = v),
    delete: (k) => void delete data[k],
  });
}
