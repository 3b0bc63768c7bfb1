// `openfatture import invoices FILE.csv --map field=Column,… [--date-format F] [--delimiter C]
// [--strict] [--json]`: brings invoice and payment history from another system.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { IMPORT_FIELDS, importInvoicesCsv, parseMapSpec, type ImportReject, type ImportResult } from '../../core/import/invoice-csv-import';
import { EXIT_BAD_INPUT, ExitError, printJsonStreamed, printTable, withApp } from '../context';
import { stderrProgress } from '../progress';

interface ImportFlags {
  map: string[];
  dateFormat: string;
  delimiter?: string;
  strict?: boolean;
  json?: boolean;
}

/** How many rejected rows a terminal gets; `--json` lists them all. */
const REJECTS_PRINTED = 50;

/** The field, and its CSV column when it is named otherwise. */
const rejectField = (x: ImportReject): string => (x.column && x.column !== x.field ? `${x.field} (${x.column})` : x.field);

/** "issue_date (Data) 119998, total (Importo) 2": counts per field, most frequent first. */
function rejectSummary(rejects: readonly ImportReject[]): string {
  const byField = new Map<string, number>();
  for (const x of rejects) byField.set(rejectField(x), (byField.get(rejectField(x)) ?? 0) + 1);
  return [...byField]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([field, n]) => `${field} ${n}`)
    .join(', ');
}

function printResult(file: string, r: ImportResult, strict: boolean): void {
  if (r.nothingWritten) {
    process.stdout.write(
      strict && r.rejected < r.rows
        ? `Nothing imported from ${file}: --strict and ${r.rejected} of ${r.rows} row(s) rejected.\n`
        : `Nothing imported from ${file}: every row was rejected.\n`,
    );
  } else {
    process.stdout.write(
      `Imported ${r.imported} of ${r.rows} invoice(s) from ${file}: ${r.clientsCreated} new client(s), ${r.paymentsRecorded} payment(s); ${r.rejected} row(s) rejected.\n`,
    );
  }
  if (r.rejects.length) {
    const shown = Math.min(r.rejects.length, REJECTS_PRINTED);
    process.stdout.write(shown < r.rejects.length ? `\nRejected rows (the first ${shown} of ${r.rejects.length}):\n` : '\nRejected rows:\n');
    printTable(
      r.rejects,
      [
        { header: 'Line', value: (x) => x.line, align: 'right' },
        { header: 'Field', value: rejectField },
        { header: 'Reason', value: (x) => x.reason },
      ],
      '(none)',
      REJECTS_PRINTED,
    );
    if (shown < r.rejects.length) {
      process.stdout.write(`Rejected rows by field: ${rejectSummary(r.rejects)}. Run with --json for every rejected row.\n`);
    }
  }
}

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('import data from other systems');
  imp
    .command('invoices <file>')
    .description('import invoices and payments from a CSV file (clients are created on the fly)')
    .option('--map <pairs>', `field=Column pairs, comma separated (fields: ${IMPORT_FIELDS.join(', ')}); repeatable`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--date-format <format>', 'how dates are written, e.g. DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD', 'YYYY-MM-DD')
    .option('--delimiter <char>', 'column separator: , ; or tab (default: detected from the header)')
    .option('--strict', 'reject the whole file if any row is invalid (nothing is written)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: ImportFlags, cmd: Command) => {
      const map = parseMapSpec(opts.map);
      const delimiter = opts.delimiter === undefined ? undefined : ['tab', '\\t'].includes(opts.delimiter) ? '\t' : opts.delimiter;
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new InputError(`file: cannot read "${file}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'file');
      }
      const result = await withApp(cmd, async (app) => {
        const progress = opts.json ? () => undefined : stderrProgress();
        return importInvoicesCsv(
          { sqlite: app.database.sqlite, clients: app.clients, invoices: app.invoices, payments: app.payments },
          text,
          { map, dateFormat: opts.dateFormat, delimiter, strict: !!opts.strict, source: path.basename(file), onProgress: (d, t) => progress('importing', d, t) },
        );
      });
      // Streamed: a file with hundreds of thousands of rejected rows must not become one string.
      if (opts.json) await printJsonStreamed({ ...result });
      else printResult(file, result, !!opts.strict);
      if (result.nothingWritten) throw new ExitError(EXIT_BAD_INPUT);
    });
}
