// backup, restore (and doctor): operating a data dir.
import type { Command } from 'commander';
import { createBackup, restoreBackup, rowCounts } from '../../core/ops/backup';
import { cliSettings, ExitError, EXIT_FAILURE, printJson, withApp } from '../context';
import { stderrProgress } from '../progress';

const APP_VERSION = '0.1.0';

export function registerOpsCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent .tar.gz of the database, models, vector index, queue snapshot and settings (safe while the app runs)')
    .option('-o, --output <file>', 'backup file (default: ./openfatture-backup-<date>.tar.gz)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { output?: string; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const result = await createBackup(app.database.sqlite, app.paths, {
          output: opts.output,
          appVersion: APP_VERSION,
          progress: opts.json ? undefined : stderrProgress(),
        });
        if (opts.json) printJson(result);
        else {
          const c = result.manifest.rowCounts;
          process.stdout.write(
            `Backup written: ${result.file} (${(result.bytes / 1024).toFixed(1)} KiB, ${result.manifest.files.length} files)\n` +
              `  ${c.invoices} invoices, ${c.clients} clients, ${c.user_feedback} feedback, ${c.model_versions} model versions, ${c.rag_documents} indexed documents\n`,
          );
        }
      });
    });

  program
    .command('restore')
    .description('restore a backup: verifies checksums, refuses while the app runs, keeps the current data as a safety copy')
    .argument('<file>', 'backup .tar.gz written by `openfatture backup`')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const settings = cliSettings(cmd);
      const result = await restoreBackup(file, settings.paths, opts.json ? undefined : stderrProgress());
      // Reopen: applies migrations if the backup is older, re-imports the persisted queue and checks the index.
      const after = await withApp(cmd, async (app) => rowCounts(app.database.sqlite));
      const mismatched = Object.entries(result.manifest.rowCounts).filter(([t, n]) => after[t] !== n);
      if (opts.json) printJson({ ...result, rowCounts: after, mismatched: mismatched.map(([t]) => t) });
      else {
        process.stdout.write(
          `Restored ${result.restoredFiles} files from ${file} (backup of ${result.manifest.createdAt}).\n` +
            `Previous data kept in ${result.safetyCopy}\n`,
        );
      }
      if (mismatched.length) throw new ExitError(EXIT_FAILURE, `Row counts differ after restore: ${mismatched.map(([t]) => t).join(', ')}`);
    });
}
