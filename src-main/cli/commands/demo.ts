// `demo seed`: fills the database with realistic Italian demo data (see core/demo/generate-demo.ts),
// with progress on stderr and a summary on stdout.
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { DEMO_DEFAULTS, generateDemo, type DemoOptions, type DemoProgress } from '../../core/demo/generate-demo';
import { formatEuro } from '../../core/money';
import { parse, printJson, printTable, withApp } from '../context';
import { stderrProgress } from '../progress';
import { writeDemoStatements } from '../../core/bank/demo-statements';
import path from 'node:path';

const DEMO_FLAGS: Record<string, string> = {
  clients: '--clients',
  invoices: '--invoices',
  seed: '--seed',
  today: '--today',
  years: '--years',
  driftClient: '--drift-client',
  driftDays: '--drift-days',
  driftFrom: '--drift-from',
  batchSize: '--batch-size',
};

interface DemoFlags {
  clients: number;
  invoices: number;
  seed: number;
  today?: string;
  years: number;
  driftClient?: string;
  driftDays?: number;
  driftFrom?: string;
  batchSize: number;
  statements?: string | boolean;
  statementDays: number;
  json?: boolean;
}

/** Progress: a bar on a terminal; otherwise a line about every 10% so logs show it is moving. */
function progressReporter(): (p: DemoProgress) => void {
  if (process.stderr.isTTY) {
    const bar = stderrProgress();
    return (p) => bar('Fatture demo', p.done, p.total);
  }
  let lastShown = -1;
  return (p) => {
    if (p.done === 0 && p.total > 0) return;
    if (p.done === p.total || lastShown < 0 || p.done - lastShown >= p.total / 10) {
      process.stderr.write(`demo seed: ${p.done}/${p.total} invoices written\n`);
      lastShown = p.done;
    }
  };
}

export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('demo data');
  demo
    .command('seed')
    .description('generate realistic Italian clients, products and years of invoices and payments (deterministic for a seed)')
    .option('--clients <n>', 'number of clients', parse.int('--clients', 1, 5000), DEMO_DEFAULTS.clients)
    .option('--invoices <n>', 'number of invoices', parse.int('--invoices', 0, 500_000), DEMO_DEFAULTS.invoices)
    .option('--seed <s>', 'random seed (same seed, same data)', parse.int('--seed', 0, 2 ** 32 - 1), DEMO_DEFAULTS.seed)
    .option('--today <YYYY-MM-DD>', 'the date the history ends at (default: today or OPENFATTURE_TODAY)', parse.date('--today'))
    .option('--years <n>', 'years of history', parse.int('--years', 1, 15), DEMO_DEFAULTS.years)
    .option('--drift-client <cliente>', 'a generated client (id, part of the name, or "largest") that starts paying later')
    .option('--drift-days <n>', 'how many days later the drift client pays', parse.int('--drift-days', -365, 365))
    .option('--drift-from <YYYY-MM-DD>', 'invoices issued from this date are affected (default: the last quarter of the history)', parse.date('--drift-from'))
    .option('--batch-size <n>', 'invoices per transaction', parse.int('--batch-size', 1, 100_000), DEMO_DEFAULTS.batchSize)
    .option('--statements [dir]', 'also write bank statements (CAMT.053 and CSV, with a truth file) for the payments of the last --statement-days days, which are taken back out of the book so importing the statements reconciles them (default folder: <data dir>/statements)')
    .option('--statement-days <n>', 'days of payments moved to the statements', parse.int('--statement-days', 1, 3650), 90)
    .option('--json', 'print the summary as JSON')
    .action(async (o: DemoFlags, cmd: Command) => {
      const options: DemoOptions = {
        clients: o.clients,
        invoices: o.invoices,
        seed: o.seed,
        years: o.years,
        batchSize: o.batchSize,
        ...(o.today ? { today: o.today } : {}),
        ...(o.driftClient !== undefined ? { driftClient: o.driftClient } : {}),
        ...(o.driftDays !== undefined ? { driftDays: o.driftDays } : {}),
        ...(o.driftFrom ? { driftFrom: o.driftFrom } : {}),
      };
      await withApp(cmd, async (app) => {
        const started = performance.now();
        let summary: ReturnType<typeof generateDemo>;
        try {
          summary = generateDemo(app.database.sqlite, options, progressReporter());
        } catch (e) {
          if (e instanceof InputError && e.field && DEMO_FLAGS[e.field]) {
            const flag = DEMO_FLAGS[e.field]!;
            throw new InputError(`${flag}: ${e.message.slice(e.field.length + 1).trim()}`, flag);
          }
          throw e;
        }
        const statements = o.statements
          ? writeDemoStatements(app.database.sqlite, { dir: typeof o.statements === 'string' ? path.resolve(o.statements) : path.join(app.paths.dataDir, 'statements'), today: summary.today, days: o.statementDays, seed: summary.seed })
          : null;
        const seconds = (performance.now() - started) / 1000;
        app.logger.info(`Demo data generated: ${summary.invoices} invoices for ${summary.clients} clients in ${seconds.toFixed(1)}s (seed ${summary.seed})`);
        if (o.json) return printJson({ ...summary, seconds, ...(statements ? { statements } : {}) });
        if (statements) {
          process.stdout.write(
            `Bank statements for ${statements.from} → ${statements.to}: ${statements.credits} credit(s), ${statements.debits} debit(s); ${statements.receiptsReopened} receipt(s) of ${statements.invoicesReopened} invoice(s) taken back out of the book to be reconciled by importing them:\n${statements.files.map((f) => `  ${f}`).join('\n')}\n\n`,
          );
        }
        process.stdout.write(
          `Demo data generated in ${seconds.toFixed(1)}s (seed ${summary.seed}, today ${summary.today}).\n` +
            `Invoices ${summary.firstIssueDate ?? '—'} → ${summary.lastIssueDate ?? '—'}\n\n`,
        );
        const rows: [string, string | number][] = [
          ['Clients', `${summary.clients} (punctual ${summary.profiles.punctual}, slow ${summary.profiles.slow}, erratic ${summary.profiles.erratic}, deteriorating ${summary.profiles.deteriorating})`],
          ['Products added', summary.productsAdded],
          ['Invoices', summary.invoices],
          ['Invoice lines', summary.lines],
          ['Payment rows', summary.payments],
          ['Paid', summary.paid],
          ['Partially paid', summary.partiallyPaid],
          ['Open at today', summary.open],
          ['Overdue at today', summary.overdue],
          ['Disputed', summary.disputed],
          ['Invoiced', formatEuro(summary.totalCents)],
          ['Outstanding', formatEuro(summary.outstandingCents)],
        ];
        if (summary.drift) {
          const d = summary.drift;
          rows.push(['Drift', `${d.clientName} (id ${d.clientId}) pays ${d.days} days later from ${d.from}: ${d.invoicesAffected} invoices`]);
        }
        printTable(rows, [
          { header: 'Item', value: (r) => r[0] },
          { header: 'Value', value: (r) => r[1] },
        ]);
      });
    });
}
