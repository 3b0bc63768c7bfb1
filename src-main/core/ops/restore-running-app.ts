// Restore into a running app (Settings → Data): the host's own App holds the database, so files
// cannot be swapped under it. The archive is verified while the app still runs (a bad archive, or
// another process holding the data dir, changes nothing); then the app stops in its usual order
// (queue persisted, scheduler, worker, database closed), the same restore step as `openfatture
// restore` swaps the files, and the same composition root opens the restored data — migrations,
// queue snapshot re-import and the vector index check happen as on any start.
import path from 'node:path';
import { App, ownsDataDir } from '../app';
import { reloadSettingsStore } from '../config/load';
import { AppError, errorMessage } from '../errors';
import { InstanceLock } from '../lifespan/instance-lock';
import { applyVerifiedBackup, discardVerified, refuseIfAppRunning, rowCounts, verifyBackup, type OpsProgress, type RestoreResult } from './backup';

export interface RunningAppRestore {
  /** The app now running on the restored data. */
  app: App;
  result: RestoreResult;
  /** Row counts of the reopened database. */
  rowCounts: Record<string, number>;
}

/**
 * A restore that failed after the app was stopped. `app` is the app running again (on the data as it
 * was, when the files could not be swapped), or null when no app could be started: the caller must
 * tell the user, who restarts OpenFatture.
 */
export class RestoreAfterStopError extends AppError {
  constructor(
    code: 'RESTORE_FAILED' | 'REOPEN_FAILED',
    message: string,
    readonly app: App | null,
  ) {
    super(code, message);
    this.name = 'RestoreAfterStopError';
  }
}

function reopen(app: App): Promise<App> {
  // The store file may have been replaced: re-read it; flags and the environment still win.
  return App.open({ ...app.options, settings: reloadSettingsStore(app.options.settings), logger: app.logger });
}

/**
 * Restores `file` into the data dir `app` runs on and returns the app reopened on it. Errors before
 * the app stops (bad archive: BAD_INPUT naming `file`; another app on the data dir: APP_RUNNING) leave
 * `app` running and untouched; errors after it are a RestoreAfterStopError.
 */
export async function restoreRunningApp(app: App, file: string, progress: OpsProgress = () => undefined): Promise<RunningAppRestore> {
  const paths = app.paths;
  const host = app.options.host;
  refuseIfAppRunning(paths);
  const verified = await verifyBackup(path.resolve(file), paths, progress);
  try {
    progress('stop', 0, 1);
    await app.close();
    // A database whose close timed out must not stay open on files that are about to move.
    if (app.database.sqlite.open) app.database.sqlite.close();
    progress('stop', 1, 1);
    let result: RestoreResult;
    // Between stop and reopen this process keeps the data dir, so no other app starts on it meanwhile.
    let hold: InstanceLock | null = null;
    try {
      if (ownsDataDir(host)) hold = InstanceLock.acquire(paths.dataDir, host);
      else refuseIfAppRunning(paths);
      result = applyVerifiedBackup(verified, paths, { progress, keepSafetyCopies: app.settings.BACKUP_PRE_RESTORE_KEEP });
    } catch (e) {
      app.logger.error({ err: e }, `Restore of ${file} failed: ${errorMessage(e)}`);
      const again = await reopen(app).catch((reopenError: unknown) => {
        hold?.release();
        app.logger.error({ err: reopenError }, `OpenFatture could not start again after the failed restore: ${errorMessage(reopenError)}`);
        return null;
      });
      throw new RestoreAfterStopError('RESTORE_FAILED', again ? errorMessage(e) : `${errorMessage(e)}. OpenFatture could not start again; restart it.`, again);
    }
    progress('reopen', 0, 1);
    try {
      // The new app takes over the lock this process already holds (same pid).
      const next = await reopen(app);
      progress('reopen', 1, 1);
      next.logger.info(`Restored ${result.restoredFiles} files from ${file} (backup of ${result.manifest.createdAt}); previous data kept in ${result.safetyCopy}`);
      if (result.removedSafetyCopies.length) next.logger.info(`Removed ${result.removedSafetyCopies.length} older safety copies (keeping ${app.settings.BACKUP_PRE_RESTORE_KEEP}): ${result.removedSafetyCopies.join(', ')}`);
      return { app: next, result, rowCounts: rowCounts(next.database.sqlite) };
    } catch (e) {
      hold?.release();
      app.logger.error({ err: e }, `OpenFatture could not start on the restored data: ${errorMessage(e)}`);
      throw new RestoreAfterStopError(
        'REOPEN_FAILED',
        `The backup was restored, but OpenFatture could not start on it: ${errorMessage(e)}. Your previous data is kept in ${result.safetyCopy}. Restart OpenFatture, or restore that copy.`,
        null,
      );
    }
  } finally {
    discardVerified(verified);
  }
}
