// Operations channels (Settings → Data): create a backup, list the backups folder, restore one into
// the running app. Paths are absolute paths on the machine running main (the renderer has no cwd).
// Main accepts a path from the renderer only when it lies in the backups folder or was chosen by the
// user in the host's own file dialog (ops:chooseBackupFile / ops:chooseRestoreFile, which only the
// desktop host has; elsewhere they answer UNSUPPORTED and the page offers the backups folder only).
import { z } from 'zod';
import { IsoTimestamp, LimitedText, NoArgs } from './common';

const Count = z.number().int().min(0);

/** An absolute path: /… on POSIX, C:\… or \\server\… on Windows. */
const AbsolutePath = LimitedText('path')
  .min(1)
  .refine((s) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(s), 'expected an absolute path')
  .refine((s) => !s.includes('\0'), 'must not contain a NUL character');

/** A file the user picked in a host dialog (granted to the next operation that takes it), or null when cancelled. */
export const ChosenFile = z.object({ file: z.string().nullable() });
export type ChosenFile = z.infer<typeof ChosenFile>;

export const BackupCounts = z.object({ invoices: Count, clients: Count, feedback: Count });
export type BackupCounts = z.infer<typeof BackupCounts>;

export const BackupEntry = z.object({
  file: z.string(),
  name: z.string(),
  bytes: Count,
  /** When the backup was taken (from its manifest; the file's time when the manifest is unreadable). */
  createdAt: IsoTimestamp,
  appVersion: z.string().nullable(),
  schemaVersion: z.number().int().nullable(),
  counts: BackupCounts.nullable(),
  /** Why the file is not a usable backup (not ours, corrupt, from a newer version); null when it is. */
  unreadable: z.string().nullable(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const RestoreReport = z.object({
  file: z.string(),
  backupCreatedAt: IsoTimestamp,
  restoredFiles: Count,
  /** Where the data from before the restore is kept (<data>/.pre-restore/<time>). */
  safetyCopy: z.string(),
  /** Row counts of the reopened database. */
  counts: BackupCounts,
  rowCounts: z.record(z.string(), Count),
  /** Tables whose reopened count differs from the backup's manifest. */
  mismatched: z.array(z.string()),
  durationMs: z.number().min(0),
});
export type RestoreReport = z.infer<typeof RestoreReport>;

export const opsChannels = {
  'ops:backup': {
    args: z
      .object({
        /** Default: a timestamped file in the data dir's backups/ folder. */
        output: AbsolutePath.refine((s) => /\.(tar\.gz|tgz)$/.test(s), 'the backup file must end in .tar.gz or .tgz').optional(),
      })
      .strict(),
    result: BackupEntry.extend({ files: Count, durationMs: z.number().min(0) }),
  },
  'ops:listBackups': { args: NoArgs, result: z.object({ folder: z.string(), items: z.array(BackupEntry) }) },
  'ops:restore': { args: z.object({ file: AbsolutePath }).strict(), result: RestoreReport },
  /** The desktop host's native save dialog; the chosen file may then be given to ops:backup. null: cancelled. */
  'ops:chooseBackupFile': { args: NoArgs, result: ChosenFile },
  /** The desktop host's native open dialog; the chosen file may then be given to ops:restore. null: cancelled. */
  'ops:chooseRestoreFile': { args: NoArgs, result: ChosenFile },
} as const;
