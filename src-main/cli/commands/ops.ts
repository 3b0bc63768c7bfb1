// backup, restore (and doctor): operating a data dir.
import type { Command } from 'commander';
import { createBackup, restoreBackup, rowCounts } from '../../core/ops/backup';
import { runDoctor } from '../../core/ops/doctor';
import { cliSettings, ExitError, EXIT_FAILURE, printJson, withApp } from '../context';
import { stderrProgress } from '../progress';

export function registerOpsCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent .tar.gz of the database, models, vector index, queue snapshot and settings (safe while the app runs)')
    .option('-o, --output <file>', 'new backup file, .tar.gz or .tgz (default: <data dir>/backups/openfatture-backup-<date>.tar.gz, listed in Settings → Data)')
    .option('--force', 'replace the output file if it exists (never one of the data folder’s own files)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { output?: string; force?: boolean; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const result = await createBackup(app.database.sqlite, app.paths, {
          output: opts.output,
          force: opts.force,
          field: '--output',
          forceHint: 'add --force to replace it',
          appVersion: cmd.parent?.version() ?? '0.0.0',
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
      const result = await restoreBackup(file, settings.paths, {
        progress: opts.json ? undefined : stderrProgress(),
        keepSafetyCopies: settings.values.BACKUP_PRE_RESTORE_KEEP,
      });
      // Reopen: applies migrations if the backup is older, re-imports the persisted queue and checks the index.
      const after = await withApp(cmd, async (app) => rowCounts(app.database.sqlite));
      const mismatched = Object.entries(result.manifest.rowCounts).filter(([t, n]) => after[t] !== n);
      if (opts.json) printJson({ ...result, rowCounts: after, mismatched: mismatched.map(([t]) => t) });
      else {
        process.stdout.write(
          `Restored ${result.restoredFiles} files from ${file} (backup of ${result.manifest.createdAt}).\n` +
            `Previous data kept in ${result.safetyCopy}\n` +
            (result.removedSafetyCopies.length
              ? `Removed ${result.removedSafetyCopies.length} older safety copies (OPENFATTURE_BACKUP_PRE_RESTORE_KEEP=${settings.values.BACKUP_PRE_RESTORE_KEEP})\n`
              : ''),
        );
      }
      if (mismatched.length) throw new ExitError(EXIT_FAILURE, `Row counts differ after restore: ${mismatched.map(([t]) => t).join(', ')}`);
    });
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the database, migrations, index, model artifacts, embedding model, worker, disk and settings')
    .option('--fix', 'repair what can be repaired safely')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { fix?: boolean; json?: boolean }, cmd: Command) => {
      let settingsProblem: string | null = null;
      try {
        cliSettings(cmd);
      } catch (e) {
        settingsProblem = (e as Error).message;
      }
      if (settingsProblem) {
        // Without valid settings nothing else can be opened; say so as a doctor finding.
        const results = [{ id: 'settings.environment', title: 'Settings', status: 'error', detail: settingsProblem, fix: 'Correct the variable in the environment or env file' }];
        if (opts.json) printJson({ ok: false, results });
        else process.stdout.write(`✗ Settings: ${settingsProblem}\n  → Correct the variable in the environment or env file\n`);
        throw new ExitError(EXIT_FAILURE);
      }
      await withApp(cmd, async (app) => {
        const results = await runDoctor(app, { fix: !!opts.fix });
        const ok = results.every((r) => r.status !== 'error');
        if (opts.json) printJson({ ok, results });
        else {
          for (const r of results) {
            const mark = r.status === 'ok' ? '✓' : r.status === 'warn' ? '!' : '✗';
            process.stdout.write(`${mark} ${r.title}: ${r.detail}${r.fixed ? ' (fixed)' : ''}\n`);
            if (r.status !== 'ok' && r.fix) process.stdout.write(`  → ${r.fix}\n`);
          }
          process.stdout.write(ok ? '\nNo problems that need action.\n' : '\nProblems found: see the → lines.\n');
        }
        if (!ok) throw new ExitError(EXIT_FAILURE);
      });
    });
}
