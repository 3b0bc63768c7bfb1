// Builds the resolved settings of a process from flags, the environment, an env file and the store.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { dataPaths, type DataPaths } from './paths';
import { resolveSettings, SETTING_KEYS, SettingsError, type ResolvedSettings, type SettingKey, type SettingsLayers } from './settings';
import { confSettingsStore, type SettingsStore } from './settings-store';

export interface LoadSettingsOptions {
  flags?: Partial<Record<SettingKey, unknown>>;
  env?: Record<string, string | undefined>;
  /** Explicit --env-file; otherwise `.env` in cwd is read when present. */
  envFile?: string;
  cwd?: string;
  /** Override the store (tests, Electron). Default: conf in the data dir. */
  store?: (dataDir: string) => SettingsStore;
}

export interface LoadedSettings extends ResolvedSettings {
  paths: DataPaths;
  store: SettingsStore;
  envFile: string | null;
}

export function readEnvFile(file: string): Record<string, string> {
  try {
    return parseDotenv(fs.readFileSync(file));
  } catch (e) {
    throw new SettingsError(`--env-file ${file} cannot be read: ${(e as Error).message}`, 'ENV_FILE');
  }
}

export function loadSettings(options: LoadSettingsOptions = {}): LoadedSettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let envFile: string | null = null;
  let envFileValues: Record<string, string> | undefined;
  if (options.envFile) {
    envFile = path.resolve(cwd, options.envFile);
    envFileValues = readEnvFile(envFile);
  } else if (fs.existsSync(path.join(cwd, '.env'))) {
    envFile = path.join(cwd, '.env');
    envFileValues = readEnvFile(envFile);
  }
  const layers: SettingsLayers = { flags: options.flags, env, envFile: envFileValues };
  // First pass without the store: the data dir (where the store lives) is bootstrap-only.
  const boot = resolveSettings(layers);
  const paths = dataPaths(boot.values.DATA_DIR, boot.values.RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH);
  const store = (options.store ?? confSettingsStore)(paths.dataDir);
  const resolved = resolveSettings({ ...layers, store: store.all() });
  return {
    ...resolved,
    paths: dataPaths(resolved.values.DATA_DIR, resolved.values.RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH),
    store,
    envFile,
  };
}

/**
 * The same process's settings after its store file was replaced underneath (a restored backup):
 * values fixed by a flag, the environment or the env file keep their value and source; every other
 * setting comes from the store as it is now, or its default. Throws like loadSettings on a bad value.
 */
export function reloadSettingsStore(loaded: LoadedSettings): LoadedSettings {
  const fixed = SETTING_KEYS.filter((k) => loaded.sources[k] === 'flag' || loaded.sources[k] === 'env' || loaded.sources[k] === 'env-file');
  const resolved = resolveSettings({ flags: Object.fromEntries(fixed.map((k) => [k, loaded.values[k]])), store: loaded.store.all() });
  for (const k of fixed) resolved.sources[k] = loaded.sources[k];
  return { ...loaded, ...resolved, paths: dataPaths(resolved.values.DATA_DIR, resolved.values.RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH) };
}
