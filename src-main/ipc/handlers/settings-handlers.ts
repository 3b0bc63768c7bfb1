// settings:get|set|reset — the settings panel's view of DESIGN §6. A change is validated by the shared
// schema, refused when a flag/env/env file fixes the setting, written to the settings store (atomic),
// then applied to the running app and announced on `app.events` so services pick it up live.
import type { App } from '../../core/app';
import {
  SETTING_DEFS,
  SETTING_KEYS,
  describeExpected,
  envName,
  isSettingKey,
  parseSettingValue,
  SettingsError,
  type SettingDef,
  type SettingKey,
  type Settings,
} from '../../core/config/settings';
import { dataPaths } from '../../core/config/paths';
import { AppError, InputError } from '../../core/errors';
import { queueSnapshotPathProblem } from '../../core/fs/output-path';
import type { SettingsSnapshot } from '../../../src-preload/contract/settings-channels';
import type { DomainHandlers } from '../ipc-router';

const LOCKING_SOURCES = new Set(['flag', 'env', 'env-file']);

export function settingsSnapshot(app: App): SettingsSnapshot {
  const loaded = app.options.settings;
  return {
    dataDir: loaded.paths.dataDir,
    envFile: loaded.envFile,
    settings: SETTING_KEYS.map((key) => {
      const d: SettingDef = SETTING_DEFS[key];
      const secret = d.secret ?? false;
      const raw = loaded.values[key];
      return {
        key,
        variable: envName(key),
        group: d.group,
        kind: d.kind,
        description: d.description,
        // Secrets never leave main: the panel shows that one is set, not what it is.
        value: secret && raw ? '••••••' : raw,
        defaultValue: d.default,
        source: loaded.sources[key],
        locked: LOCKING_SOURCES.has(loaded.sources[key]) || (d.bootstrap ?? false),
        bootstrap: d.bootstrap ?? false,
        secret,
        ...(d.min !== undefined ? { min: d.min } : {}),
        ...(d.max !== undefined ? { max: d.max } : {}),
        ...(d.values ? { values: [...d.values] } : {}),
        expected: describeExpected(d),
      };
    }),
  };
}

function knownKey(key: string): SettingKey {
  if (!isSettingKey(key)) throw new InputError(`key: unknown setting ${key}`, 'key');
  return key;
}

function assertEditable(app: App, key: SettingKey): void {
  const d: SettingDef = SETTING_DEFS[key];
  if (d.bootstrap) throw new AppError('LOCKED', `${key}: can only be set with a flag or the environment at startup`);
  const source = app.options.settings.sources[key];
  if (LOCKING_SOURCES.has(source)) {
    throw new AppError('LOCKED', `${key}: fixed by the ${source === 'env-file' ? 'env file' : source === 'flag' ? 'command line' : 'environment'} (${envName(key)}); change it there`);
  }
}

/** Applies a change to the running app: values and sources mutate in place, then listeners re-read. */
function applyLive(app: App, key: SettingKey, value: Settings[SettingKey], source: 'store' | 'default'): void {
  const loaded = app.options.settings;
  (loaded.values as Record<SettingKey, unknown>)[key] = value;
  loaded.sources[key] = source;
  app.events.emit('settings:changed', [key]);
}

export function setSetting(app: App, rawKey: string, raw: unknown): void {
  const key = knownKey(rawKey);
  assertEditable(app, key);
  let value: Settings[SettingKey];
  try {
    value = parseSettingValue(key, raw, 'from the settings panel');
  } catch (e) {
    if (e instanceof SettingsError) throw new InputError(`value: ${e.message}`, 'value');
    throw e;
  }
  // Secrets are shown masked; writing the mask back would replace the real key with dots.
  if ((SETTING_DEFS[key] as SettingDef).secret && value === '••••••') return;
  // The queue snapshot is written on shutdown: a page must not point it at the database or another managed file.
  if (key === 'RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH') {
    const problem = queueSnapshotPathProblem(dataPaths(app.paths.dataDir, String(value)));
    if (problem) throw new InputError(`value: ${envName(key)}: ${problem}; the snapshot must be a .json file of its own`, 'value');
  }
  app.options.settings.store.set(key, value);
  applyLive(app, key, value, 'store');
}

export function resetSetting(app: App, rawKey: string): void {
  const key = knownKey(rawKey);
  assertEditable(app, key);
  app.options.settings.store.delete(key);
  applyLive(app, key, SETTING_DEFS[key].default as Settings[SettingKey], 'default');
}

export function settingsHandlers(app: App): DomainHandlers<'settings'> {
  return {
    'settings:get': () => settingsSnapshot(app),
    'settings:set': ({ key, value }) => {
      setSetting(app, key, value);
      return settingsSnapshot(app);
    },
    'settings:reset': ({ key }) => {
      if (key) resetSetting(app, key);
      else for (const k of SETTING_KEYS) if (app.options.settings.sources[k] === 'store') resetSetting(app, k);
      return settingsSnapshot(app);
    },
  };
}
