// init-db, config show, ai status.
import type { Command } from 'commander';
import { SETTING_DEFS, SETTING_KEYS, envName } from '../../core/config/settings';
import { currentSchemaVersion, latestSchemaVersion } from '../../core/db/migrator';
import { systemStatus } from '../../core/status';
import { cliSettings, printJson, printTable, withApp } from '../context';

export function registerSystemCommands(program: Command, ai: Command): void {
  program
    .command('init-db')
    .description('create the database (or apply pending migrations) in the data dir')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const result = {
          database: app.database.path,
          applied: app.database.migration.applied,
          schemaVersion: currentSchemaVersion(app.database.sqlite),
          latest: latestSchemaVersion(),
        };
        if (opts.json) printJson(result);
        else
          process.stdout.write(
            `Database ready: ${result.database}\n` +
              (result.applied.length ? `Applied migrations: ${result.applied.join(', ')}\n` : 'Schema already up to date.\n') +
              `Schema version ${result.schemaVersion}/${result.latest}\n`,
          );
      });
    });

  const config = program.command('config').description('settings (OPENFATTURE_* variables)');
  config
    .command('show')
    .description('list every setting with its value and where it comes from (flag, env, env-file, store, default)')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const s = cliSettings(cmd);
      const rows = SETTING_KEYS.map((key) => {
        const d = SETTING_DEFS[key];
        const value = 'secret' in d && d.secret && s.values[key] ? '••••••' : s.values[key];
        return { key, variable: envName(key), value, source: s.sources[key], group: d.group, description: d.description };
      });
      if (opts.json) printJson({ dataDir: s.paths.dataDir, envFile: s.envFile, settings: rows });
      else {
        process.stdout.write(`Data dir: ${s.paths.dataDir}${s.envFile ? `\nEnv file: ${s.envFile}` : ''}\n\n`);
        printTable(rows, [
          { header: 'Variable', value: (r) => r.variable },
          { header: 'Value', value: (r) => String(r.value) },
          { header: 'Source', value: (r) => r.source },
        ]);
      }
    });

  ai.command('status')
    .description('what is enabled and running: feedback, retraining, auto-update, RAG, worker')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const status = await systemStatus(app);
        if (opts.json) printJson(status);
        else {
          for (const section of status.sections) {
            process.stdout.write(`\n${section.title}\n`);
            printTable(section.rows, [
              { header: 'Metric', value: (r) => r.label },
              { header: 'Value', value: (r) => String(r.value ?? '') },
            ]);
          }
        }
      });
    });
}
