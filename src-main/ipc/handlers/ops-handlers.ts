// ops:* channels → backup and restore of src-main/core/ops (Settings → Data). Backups go to the data
// dir's backups/ folder unless a path is given; the listing reads each file's manifest, and a file
// that is not a usable backup is listed with the reason. Restoring needs the host that owns the App
// (it stops, swaps and reopens it): the router gets that as `restore`; without it the channel refuses.
import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../../core/app';
import { AppError, InputError } from '../../core/errors';
import { backupsDir, createBackup, listBackups, type BackupListing, type BackupManifest, type OpsProgress } from '../../core/ops/backup';
import type { RunningAppRestore } from '../../core/ops/restore-running-app';
import type { BackupCounts, BackupEntry, RestoreReport } from '../../../src-preload/contract/ops-channels';
import type { EmitEvent, DomainHandlers } from '../ipc-router';


/** Restores a backup into the host's running App and swaps in the reopened one. */
export type RestoreIntoHost = (file: string, progress: OpsProgress) => Promise<Omit<RunningAppRestore, 'app'>>;

export function countsOf(rowCounts: Record<string, number>): BackupCounts {
  return { invoices: rowCounts.invoices ?? 0, clients: rowCounts.clients ?? 0, feedback: rowCounts.user_feedback ?? 0 };
}

function entry(file: string, bytes: number, manifest: BackupManifest | null, fallbackTime: string, unreadable: string | null): BackupEntry {
  return {
    file,
    name: path.basename(file),
    bytes,
    createdAt: manifest?.createdAt ?? fallbackTime,
    appVersion: manifest ? String(manifest.appVersion) : null,
    schemaVersion: manifest && Number.isInteger(manifest.schemaVersion) ? manifest.schemaVersion : null,
    counts: manifest ? countsOf(manifest.rowCounts) : null,
    unreadable,
  };
}

const toEntry = (b: BackupListing): BackupEntry => entry(b.file, b.bytes, b.manifest, b.modifiedAt, b.problem);

/** An explicit output must be a new file in an existing folder: a backup never overwrites anything. */
function checkOutput(output: string): string {
  const dir = path.dirname(output);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`output: folder ${dir} does not exist`, 'output');
  if (fs.existsSync(output)) throw new InputError(`output: ${output} already exists; choose another name`, 'output');
  return output;
}

function checkBackupFile(file: string): void {
  if (!fs.existsSync(file)) throw new InputError(`file: backup file ${file} does not exist`, 'file');
  if (!fs.statSync(file).isFile()) throw new InputError(`file: ${file} is not a file`, 'file');
}

export function opsHandlers(app: App, emit: EmitEvent, options: { version: string; restore?: RestoreIntoHost }): DomainHandlers<'ops'> {
  const progressOf =
    (operation: 'backup' | 'restore'): OpsProgress =>
    (step, current, total) =>
      emit('ops:progress', { operation, step, current, total });
  return {
    'ops:backup': async ({ output }) => {
      const t0 = performance.now();
      const r = await createBackup(app.database.sqlite, app.paths, { output: output && checkOutput(output), appVersion: options.version, progress: progressOf('backup') });
      return { ...entry(r.file, r.bytes, r.manifest, r.manifest.createdAt, null), files: r.manifest.files.length, durationMs: performance.now() - t0 };
    },
    'ops:listBackups': async () => {
      const folder = backupsDir(app.paths);
      return { folder, items: (await listBackups(folder)).map(toEntry) };
    },
    'ops:restore': async ({ file }): Promise<RestoreReport> => {
      checkBackupFile(file);
      if (!options.restore) throw new AppError('UNSUPPORTED', 'This host cannot restore while it runs: stop it and run `openfatture restore FILE`.');
      const t0 = performance.now();
      // Do not touch `app` from here on: the restore stops it and the host swaps in the reopened one.
      const { result, rowCounts } = await options.restore(file, progressOf('restore'));
      return {
        file,
        backupCreatedAt: result.manifest.createdAt,
        restoredFiles: result.restoredFiles,
        safetyCopy: result.safetyCopy,
        counts: countsOf(rowCounts),
        rowCounts,
        mismatched: Object.entries(result.manifest.rowCounts)
          .filter(([table, n]) => rowCounts[table] !== n)
          .map(([table]) => table),
        durationMs: performance.now() - t0,
      };
    },
  };
}
