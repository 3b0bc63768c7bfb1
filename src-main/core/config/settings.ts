// Every OPENFATTURE_* setting (DESIGN §6): one table of definitions, one zod schema built from it,
// and the precedence flags > env > env file > settings store > default. Keys are the variable
// names without the OPENFATTURE_ prefix, so code, docs and the environment read the same.
import { z } from 'zod';
import type { SettingGroupId } from '../../../src-shared/setting-groups';

export type SettingKind = 'bool' | 'int' | 'float' | 'string' | 'enum' | 'path';
export type SettingGroup = SettingGroupId;

export interface SettingDef {
  kind: SettingKind;
  default: boolean | number | string;
  group: SettingGroup;
  description: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Secret values are masked in `config show` and the GUI. */
  secret?: boolean;
  /** Can only come from flags/env (the settings store lives inside the data dir). */
  bootstrap?: boolean;
}

const def = <T extends SettingDef>(d: T) => d;

export const SETTING_DEFS = {
  // ours: general
  DATA_DIR: def({ kind: 'path', default: '', group: 'general', bootstrap: true, description: 'Data folder (database, models, index, logs). Empty = ~/.openfatture' }),
  LOG_LEVEL: def({ kind: 'enum', default: 'info', values: ['trace', 'debug', 'info', 'warn', 'error', 'silent'], group: 'general', description: 'Log level for the console and the log file' }),
  UI_LANGUAGE: def({ kind: 'enum', default: 'it', values: ['it', 'en'], group: 'general', description: 'Language of the desktop UI' }),
  UI_THEME: def({ kind: 'enum', default: 'system', values: ['system', 'light', 'dark'], group: 'general', description: 'Colour theme of the desktop UI' }),
  BACKUP_PRE_RESTORE_KEEP: def({ kind: 'int', default: 5, min: 1, max: 100, group: 'general', description: 'Safety copies of the data from before a restore kept in .pre-restore/ (older ones are deleted)' }),
  // seed: feedback
  AI_FEEDBACK_ENABLED: def({ kind: 'bool', default: true, group: 'feedback', description: 'Collect feedback after AI answers and predictions' }),
  AI_FEEDBACK_PROMPT_TIMEOUT: def({ kind: 'int', default: 3, min: 0, max: 600, group: 'feedback', description: 'Seconds the feedback prompt waits for an answer' }),
  AI_FEEDBACK_RETENTION_DAYS: def({ kind: 'int', default: 365, min: 0, max: 36500, group: 'feedback', description: 'Delete feedback older than this many days (0 = keep forever)' }),
  // seed: retraining (the thresholds apply to the cash-flow model; the payment matcher has its own under bank)
  ML_RETRAINING_ENABLED: def({ kind: 'bool', default: false, group: 'retraining', description: 'Run the retraining scheduler (every model)' }),
  ML_RETRAINING_CHECK_INTERVAL_HOURS: def({ kind: 'float', default: 24, min: 0.001, max: 8760, group: 'retraining', description: 'Hours between trigger checks' }),
  ML_RETRAINING_MIN_FEEDBACK_COUNT: def({ kind: 'int', default: 25, min: 1, max: 1_000_000, group: 'retraining', description: 'New feedback/outcomes since the last evaluation that trigger a cash-flow retrain' }),
  ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: def({ kind: 'float', default: 7, min: 0, max: 3650, group: 'retraining', description: 'Days since training that trigger a cash-flow retrain' }),
  ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD: def({ kind: 'float', default: 0.1, min: 0, max: 1, group: 'retraining', description: 'Relative drop of the cash-flow model\'s live accuracy from its baseline that triggers a retrain' }),
  ML_RETRAINING_MAX_VERSIONS: def({ kind: 'int', default: 10, min: 1, max: 1000, group: 'retraining', description: 'Versions kept per model (the active one is never pruned)' }),
  ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: def({ kind: 'float', default: 0.02, min: 0, max: 1, group: 'retraining', description: 'Relative MAE improvement a cash-flow candidate needs to be deployed' }),
  ML_RETRAINING_DRY_RUN: def({ kind: 'bool', default: false, group: 'retraining', description: 'Train and evaluate, never deploy (every model)' }),
  ML_TOLERANCE_DAYS: def({ kind: 'int', default: 7, min: 0, max: 365, group: 'retraining', description: 'A payment prediction is accurate when within this many days' }),
  // ours: bank reconciliation (the payment matcher)
  BANK_AUTO_ACCEPT_THRESHOLD: def({ kind: 'float', default: 0.98, min: 0.5, max: 1, group: 'bank', description: 'A bank credit matched with at least this confidence is recorded as a payment automatically (undoable)' }),
  BANK_FEE_TOLERANCE_CENTS: def({ kind: 'int', default: 1000, min: 0, max: 100_000, group: 'bank', description: 'A credit short of the invoice by at most this many cents settles it (the bank kept a fee)' }),
  BANK_MATCHER_MIN_NEW_ANSWERS: def({
    kind: 'int',
    default: 50,
    min: 1,
    max: 1_000_000,
    group: 'bank',
    description:
      'Answered suggestions (confirmed, corrected or rejected) since the last evaluation that trigger a payment-matcher retrain. 50: half of them can be held out (25) to compare the candidate with the live version on answers neither saw; about a month of statements for a small firm',
  }),
  BANK_MATCHER_MAX_DAYS_SINCE_TRAINING: def({
    kind: 'float',
    default: 30,
    min: 0,
    max: 3650,
    group: 'bank',
    description: 'Days since training that trigger a payment-matcher retrain. 30: statements usually come monthly, so a month picks up answers below the count; with no new answer the retrain waits anyway',
  }),
  BANK_MATCHER_ACCURACY_DROP_THRESHOLD: def({
    kind: 'float',
    default: 0.05,
    min: 0,
    max: 1,
    group: 'bank',
    description:
      'Relative drop of the payment matcher\'s live top-1 accuracy on recent answers from its baseline that triggers a retrain. 5%: top-1 accuracy sits near 97%, so a 5% drop already means the wrong first suggestions more than doubled',
  }),
  BANK_MATCHER_MIN_IMPROVEMENT: def({
    kind: 'float',
    default: 0.1,
    min: 0,
    max: 1,
    group: 'bank',
    description:
      'Relative top-1 error improvement a payment-matcher candidate needs to be deployed. 10%: the error rate is a few percent and moves in whole misses, so the candidate must avoid at least one in ten of the live version\'s misses on the same answers',
  }),
  // seed: RAG auto-update
  RAG_AUTO_UPDATE_ENABLED: def({ kind: 'bool', default: false, group: 'autoUpdate', description: 'Keep the assistant index updated automatically' }),
  RAG_AUTO_UPDATE_BATCH_SIZE: def({ kind: 'int', default: 50, min: 1, max: 10_000, group: 'autoUpdate', description: 'Entities per reindex batch' }),
  RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: def({ kind: 'float', default: 5, min: 0, max: 3600, group: 'autoUpdate', description: 'Quiet time before a batch starts' }),
  RAG_AUTO_UPDATE_MAX_WAIT_SECONDS: def({ kind: 'float', default: 30, min: 0, max: 86_400, group: 'autoUpdate', description: 'Longest a change waits under a steady stream of changes' }),
  RAG_AUTO_UPDATE_MAX_QUEUE_SIZE: def({ kind: 'int', default: 1000, min: 1, max: 10_000_000, group: 'autoUpdate', description: 'Pending entities before switching to a reconcile pass' }),
  RAG_AUTO_UPDATE_TRACK_INVOICES: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Index invoices' }),
  RAG_AUTO_UPDATE_TRACK_CLIENTS: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Index clients' }),
  RAG_AUTO_UPDATE_TRACK_PRODUCTS: def({ kind: 'bool', default: false, group: 'autoUpdate', description: 'Index products' }),
  RAG_AUTO_UPDATE_INCREMENTAL_UPDATES: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Reindex only changed entities (false = rebuild affected types)' }),
  RAG_AUTO_UPDATE_DELETE_ON_REMOVAL: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Remove deleted entities from the index' }),
  RAG_AUTO_UPDATE_ASYNC_PROCESSING: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Process batches in the background (false = synchronously on flush)' }),
  RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES: def({ kind: 'int', default: 3, min: 1, max: 64, group: 'autoUpdate', description: 'Batches in flight at once' }),
  RAG_AUTO_UPDATE_PERSIST_QUEUE_ON_SHUTDOWN: def({ kind: 'bool', default: true, group: 'autoUpdate', description: 'Write pending changes to a JSON file on shutdown' }),
  RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH: def({ kind: 'path', default: '.cache/rag_update_queue.json', group: 'autoUpdate', description: 'Queue snapshot file, relative to the data dir' }),
  // seed: RAG
  RAG_EMBEDDING_PROVIDER: def({ kind: 'enum', default: 'sentence-transformers', values: ['sentence-transformers'], group: 'rag', description: 'Embedding provider' }),
  RAG_EMBEDDING_MODEL: def({ kind: 'string', default: 'all-MiniLM-L6-v2', group: 'rag', description: 'Embedding model name' }),
  RAG_ENABLE_CACHING: def({ kind: 'bool', default: true, group: 'rag', description: 'Cache embeddings by content hash' }),
  RAG_EMBEDDING_MODEL_PATH: def({ kind: 'path', default: '', group: 'rag', description: 'Local folder holding the embedding model (transformers.js layout)' }),
  // ours: assistant provider
  AI_PROVIDER: def({ kind: 'enum', default: 'builtin', values: ['builtin', 'openai'], group: 'assistant', description: 'Who writes the assistant prose: built-in (offline) or an OpenAI-compatible server' }),
  AI_BASE_URL: def({ kind: 'string', default: 'http://127.0.0.1:11434/v1', group: 'assistant', description: 'OpenAI-compatible base URL (Ollama, LM Studio, OpenAI)' }),
  AI_MODEL: def({ kind: 'string', default: 'llama3.1', group: 'assistant', description: 'Model name on the provider' }),
  AI_API_KEY: def({ kind: 'string', default: '', group: 'assistant', secret: true, description: 'API key for the provider (if it needs one)' }),
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTING_DEFS;
type ValueOf<D extends SettingDef> = D['kind'] extends 'bool' ? boolean : D['kind'] extends 'int' | 'float' ? number : string;
export type Settings = { [K in SettingKey]: ValueOf<(typeof SETTING_DEFS)[K]> };
export type SettingSource = 'flag' | 'env' | 'env-file' | 'store' | 'default';
export type SettingSources = Record<SettingKey, SettingSource>;

export const SETTING_KEYS = Object.keys(SETTING_DEFS) as SettingKey[];
export const ENV_PREFIX = 'OPENFATTURE_';
export const envName = (key: SettingKey): string => `${ENV_PREFIX}${key}`;

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_DEFS, key);
}

/** A bad setting value; `exitCode` 2 on the CLI. The message names the variable, the expectation and the value. */
export class SettingsError extends Error {
  readonly code = 'BAD_SETTING';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function describeExpected(d: SettingDef): string {
  switch (d.kind) {
    case 'bool':
      return 'a boolean (true/false, 1/0, yes/no)';
    case 'int':
      return `an integer between ${d.min} and ${d.max}`;
    case 'float':
      return `a number between ${d.min} and ${d.max}`;
    case 'enum':
      return `one of ${d.values!.join(', ')}`;
    default:
      return 'a string';
  }
}

const BOOL_TRUE = new Set(['true', '1', 'yes', 'on']);
const BOOL_FALSE = new Set(['false', '0', 'no', 'off']);

/** zod schema for one setting's value, accepting the raw string forms of the environment. */
export function settingSchema(key: SettingKey): z.ZodType<Settings[SettingKey]> {
  const d: SettingDef = SETTING_DEFS[key];
  switch (d.kind) {
    case 'bool':
      return z.union([
        z.boolean(),
        z.string().transform((s, ctx) => {
          const v = s.trim().toLowerCase();
          if (BOOL_TRUE.has(v)) return true;
          if (BOOL_FALSE.has(v)) return false;
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a boolean' });
          return z.NEVER;
        }),
      ]);
    case 'int':
    case 'float': {
      const num = z
        .union([z.number(), z.string().trim().regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/).transform(Number)])
        .pipe(z.number().finite().min(d.min!).max(d.max!));
      return d.kind === 'int' ? num.pipe(z.number().int()) : num;
    }
    case 'enum':
      return z.string().trim().pipe(z.enum(d.values as [string, ...string[]]));
    default:
      return z.string().max(4096);
  }
}

/** The whole settings object: every key present with its typed value. */
export const SettingsSchema = z.object(
  Object.fromEntries(SETTING_KEYS.map((k) => [k, settingSchema(k)])) as Record<SettingKey, z.ZodType<Settings[SettingKey]>>,
) as unknown as z.ZodType<Settings>;

export function parseSettingValue<K extends SettingKey>(key: K, raw: unknown, origin: string): Settings[K] {
  const r = settingSchema(key).safeParse(raw);
  if (!r.success) {
    const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
    throw new SettingsError(
      `${envName(key)}=${shown} is invalid (${origin}): expected ${describeExpected(SETTING_DEFS[key])}`,
      key,
    );
  }
  return r.data as Settings[K];
}

export function defaultSettings(): Settings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTING_DEFS[k].default])) as Settings;
}

export interface SettingsLayers {
  /** CLI flags, already keyed by setting. */
  flags?: Partial<Record<SettingKey, unknown>>;
  /** Process environment (OPENFATTURE_* names). */
  env?: Record<string, string | undefined>;
  /** Parsed --env-file / .env content (OPENFATTURE_* names). */
  envFile?: Record<string, string | undefined>;
  /** Settings store (GUI), keyed by setting. */
  store?: Partial<Record<string, unknown>>;
}

export interface ResolvedSettings {
  values: Settings;
  sources: SettingSources;
}

/** Applies the precedence; the first bad value throws a SettingsError naming it. Unknown store keys are ignored. */
export function resolveSettings(layers: SettingsLayers): ResolvedSettings {
  const values = defaultSettings() as Record<SettingKey, unknown>;
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as SettingSources;
  for (const key of SETTING_KEYS) {
    const name = envName(key);
    const candidates: [SettingSource, unknown, string][] = [
      ['flag', layers.flags?.[key], 'from the command line'],
      ['env', layers.env?.[name], 'from the environment'],
      ['env-file', layers.envFile?.[name], 'from the env file'],
      ['store', (SETTING_DEFS[key] as SettingDef).bootstrap ? undefined : layers.store?.[key], 'from the settings store'],
    ];
    for (const [source, raw, origin] of candidates) {
      if (raw === undefined || raw === null) continue;
      if (typeof raw === 'string' && raw === '' && SETTING_DEFS[key].kind !== 'string' && SETTING_DEFS[key].kind !== 'path') continue;
      values[key] = parseSettingValue(key, raw, origin);
      sources[key] = source;
      break;
    }
  }
  return { values: values as Settings, sources };
}

/** Unknown OPENFATTURE_* variables are most likely typos: report them instead of silently ignoring. */
export function unknownEnvNames(env: Record<string, string | undefined>): string[] {
  // Variables that are not settings: a pinned "today" for demos/tests, fault injection, diagnostics,
  // how the CLI and its worker run (bin/openfatture.js, node-worker.ts).
  const ours = new Set([
    'OPENFATTURE_ENV_FILE', 'OPENFATTURE_TODAY', 'OPENFATTURE_FAULT', 'OPENFATTURE_CASE_TABLE', 'OPENFATTURE_DEBUG_STACK',
    'OPENFATTURE_FUZZ_RUNS', 'OPENFATTURE_PROGRESS', 'OPENFATTURE_CHROMIUM', 'OPENFATTURE_CLI_FROM_SOURCE', 'OPENFATTURE_WORKER_BUNDLE',
  ]);
  return Object.keys(env).filter(
    (n) => n.startsWith(ENV_PREFIX) && !ours.has(n) && !isSettingKey(n.slice(ENV_PREFIX.length)),
  );
}
