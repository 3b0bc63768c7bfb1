// ops:* channels → backup and restore of src-main/core/ops (Settings → Data). Backups go to the data
// dir's backups/ folder unless a path is given; the listing reads each file's manifest, and a file
// that is not a usable backup is listed with the reason. Restoring needs the host that owns the App
// (it stops, swaps and reopens it): the router gets that as `restore`; without it the channel refuses.
// A path from the renderer is untrusted: it is used only when it lies in the backups folder or the
// user chose it in the host's own file dialog (ops:chooseBackupFile / ops:chooseRestoreFile grant it
// for one use); anything else is FORBIDDEN before the file system is touched. Only the desktop host
// has dialogs (`dialogs`); elsewhere the choose channels answer UNSUPPORTED.
import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../../core/app';
import { AppError, InputError } from '../../core/errors';
import { liesIn, PathGrants, type GrantMode } from '../../core/fs/path-grants';
import { backupsDir, createBackup, listBackups, nextBackupFile, type BackupListing, type BackupManifest, type OpsProgress } from '../../core/ops/backup';
import type { RunningAppRestore } from '../../core/ops/restore-running-app';
import type { BackupCounts, BackupEntry, RestoreReport } from '../../../src-preload/contract/ops-channels';
import type { EmitEvent, DomainHandlers } from '../ipc-router';


/** Restores a backup into the host's running App and swaps in the reopened one. */
export type RestoreIntoHost = (file: string, progress: OpsProgress) => Promise<Omit<RunningAppRestore, 'app'>>;

export interface FileDialogOptions {
  title: string;
  /** Where the dialog opens (a folder, or a suggested file for a save dialog). */
  defaultPath: string;
  /** The file filter's name and extensions without the dot (`tar.gz`). */
  filterName: string;
  extensions: string[];
}

/** The host's native file dialogs (the desktop host); each resolves to the chosen absolute path, or null when cancelled. */
export interface HostDialogs {
  chooseSaveFile(options: FileDialogOptions): Promise<string | null>;
  chooseOpenFile(options: FileDialogOptions): Promise<string | null>;
}

export interface OpsOptions {
  version: string;
  restore?: RestoreIntoHost;
  dialogs?: HostDialogs;
  /** The paths granted by the dialogs; shared by the routers of a session so a grant survives a router swap. */
  grants?: PathGrants;
}

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

function checkBackupFile(file: string): void {
  if (!fs.existsSync(file)) throw new InputError(`file: backup file ${file} does not exist`, 'file');
  if (!fs.statSync(file).isFile()) throw new InputError(`file: ${file} is not a file`, 'file');
}

const BACKUP_EXTENSIONS = ['tar.gz', 'tgz'];

export function opsHandlers(app: App, emit: EmitEvent, options: OpsOptions): DomainHandlers<'ops'> {
  const grants = options.grants ?? new PathGrants();
  const progressOf =
    (operation: 'backup' | 'restore'): OpsProgress =>
    (step, current, total) =>
      emit('ops:progress', { operation, step, current, total });
  const italian = () => app.settings.UI_LANGUAGE === 'it';

  /** A renderer-given path: in the backups folder, or granted by a dialog (taken: one use). */
  const accept = (file: string, field: string, mode: GrantMode): { replace: boolean } => {
    const folder = backupsDir(app.paths);
    if (liesIn(folder, file)) return { replace: false };
    const grant = grants.take(file, mode);
    if (grant) return { replace: grant.replace };
    throw new AppError(
      'FORBIDDEN',
      `${field}: ${file} is not in the backups folder ${folder} and was not chosen in this app's file dialog; ` +
        (options.dialogs ? 'choose it with "Choose file…"' : 'copy it into the backups folder, where the list shows it'),
    );
  };

  const dialogs = (): HostDialogs => {
    if (!options.dialogs) {
      throw new AppError('UNSUPPORTED', `This host has no file dialog: backups are created in and restored from the backups folder ${backupsDir(app.paths)}.`);
    }
    return options.dialogs;
  };

  return {
    'ops:backup': async ({ output }) => {
      const force = output === undefined ? false : accept(output, 'output', 'save').replace;
      const t0 = performance.now();
      const r = await createBackup(app.database.sqlite, app.paths, { output, force, field: 'output', appVersion: options.version, progress: progressOf('backup') });
      return { ...entry(r.file, r.bytes, r.manifest, r.manifest.createdAt, null), files: r.manifest.files.length, durationMs: performance.now() - t0 };
    },
    'ops:listBackups': async () => {
      const folder = backupsDir(app.paths);
      return { folder, items: (await listBackups(folder)).map(toEntry) };
    },
    'ops:restore': async ({ file }): Promise<RestoreReport> => {
      accept(file, 'file', 'open');
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
    'ops:chooseBackupFile': async () => {
      const host = dialogs();
      const folder = backupsDir(app.paths);
      fs.mkdirSync(folder, { recursive: true });
      const chosen = await host.chooseSaveFile({
        title: italian() ? 'Salva il backup come' : 'Save the backup as',
        defaultPath: nextBackupFile(folder),
        filterName: italian() ? 'Backup di OpenFatture' : 'OpenFatture backup',
        extensions: BACKUP_EXTENSIONS,
      });
      if (!chosen) return { file: null };
      const file = path.resolve(chosen);
      // The native save dialog asked before returning a file that exists: that is the user's confirmation.
      grants.grant(file, 'save', { replace: fs.existsSync(file) });
      return { file };
    },
    'ops:chooseRestoreFile': async () => {
      const host = dialogs();
      const chosen = await host.chooseOpenFile({
        title: italian() ? 'Scegli il backup da ripristinare' : 'Choose the backup to restore',
        defaultPath: backupsDir(app.paths),
        filterName: italian() ? 'Backup di OpenFatture' : 'OpenFatture backup',
        extensions: BACKUP_EXTENSIONS,
      });
      if (!chosen) return { file: null };
      const file = path.resolve(chosen);
      grants.grant(file, 'open');
      return { file };
    },
  };
}
