// Settings channels: read every setting with its source and lock, change one (validated, applied
// live), reset to default. Definitions travel as data so the renderer builds the form from them.
import { z } from 'zod';
import { LimitedText, NoArgs, tooLongMessage } from './common';
import { SETTING_GROUP_IDS } from '../../src-shared/setting-groups';

// A path is the longest text a setting holds. A string fails the union only by its length, so that
// failure is worded with the limit instead of zod's "Invalid input".
export const SettingValue = z.union([LimitedText('path'), z.number().finite(), z.boolean()], {
  errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' && typeof ctx.data === 'string' ? tooLongMessage('path') : ctx.defaultError }),
});
export type SettingValue = z.infer<typeof SettingValue>;

export const SettingSource = z.enum(['flag', 'env', 'env-file', 'store', 'default']);

export const SettingInfo = z.object({
  key: z.string(),
  variable: z.string(),
  group: z.enum(SETTING_GROUP_IDS),
  kind: z.enum(['bool', 'int', 'float', 'string', 'enum', 'path']),
  description: z.string(),
  value: SettingValue,
  defaultValue: SettingValue,
  source: SettingSource,
  /** Fixed by a flag, the environment or the env file: the panel shows a lock and refuses changes. */
  locked: z.boolean(),
  /** Only settable at startup (e.g. the data dir). */
  bootstrap: z.boolean(),
  secret: z.boolean(),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).optional(),
  expected: z.string(),
});
export type SettingInfo = z.infer<typeof SettingInfo>;

export const SettingsSnapshot = z.object({
  dataDir: z.string(),
  envFile: z.string().nullable(),
  settings: z.array(SettingInfo),
});
export type SettingsSnapshot = z.infer<typeof SettingsSnapshot>;

const SettingKeyArg = LimitedText('name').trim().min(1).regex(/^[A-Z][A-Z0-9_]*$/, 'expected a setting name like RAG_AUTO_UPDATE_BATCH_SIZE');

export const settingsChannels = {
  'settings:get': { args: NoArgs, result: SettingsSnapshot },
  'settings:set': { args: z.object({ key: SettingKeyArg, value: SettingValue }).strict(), result: SettingsSnapshot },
  /** Without a key: resets every setting the store holds (locked ones are untouched). */
  'settings:reset': { args: z.object({ key: SettingKeyArg.optional() }).strict(), result: SettingsSnapshot },
} as const;
