// `openfatture import invoices FILE.csv --map field=Column,… [--date-format F] [--delimiter C]
// [--strict] [--json]`: brings invoice and payment history from another system.
// `openfatture import fatturapa PATH… [--firm P.IVA] [--dry-run] [--json]`: FatturaPA files, folders
// and zip archives. `openfatture import statement FILE [--account IBAN] [--map …] [--dry-run]
// [--no-match] [--json]`: a bank statement (CAMT.053 or a CSV export) whose credits are matched to
// open invoices (automatic above BANK_AUTO_ACCEPT_THRESHOLD, the rest waits in Data → Bank). Exit codes: 0 everything imported (or already there), 2 nothing imported (bad
// input), 3 imported with rejected documents or rows.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { IMPORT_FIELDS, importInvoicesCsv, parseMapSpec, type ImportReject, type ImportResult } from '../../core/import/invoice-csv-import';
import { importFatturaPa } from '../../core/import/fatturapa-import';
import type { ImportSummary } from '../../core/import/import-summary';
import { EXIT_BAD_INPUT, EXIT_PARTIAL, ExitError, printJson, printJsonStreamed, printTable, withApp } from '../context';
import { stderrProgress } from '../progress';
import { parseStatementMapSpec, STATEMENT_CSV_FIELDS } from '../../core/bank/parse-statement-csv';
import { STATEMENT_LIMITS } from '../../core/bank/statement-types';

interface ImportFlags {
  map: string[];
  dateFormat?: string;
  delimiter?: string;
  strict?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** Rows of a table printed in full before the rest is summarised (`--json` lists them all). */
const MAX_PRINTED = 50;

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
  const counts = `${r.added} added, ${r.updated} updated, ${r.skipped} skipped (already imported), ${r.rejected} rejected`;
  if (r.dryRun) {
    process.stdout.write(`Dry run of ${file} (${r.rows} row(s), dates as ${r.dateFormat}): would be ${counts}; ${r.clientsCreated} new client(s). Nothing was written.\n`);
  } else if (r.nothingWritten) {
    process.stdout.write(
      strict && r.rejected < r.rows
        ? `Nothing imported from ${file}: --strict and ${r.rejected} of ${r.rows} row(s) rejected.\n`
        : `Nothing imported from ${file}: every row was rejected.\n`,
    );
  } else {
    process.stdout.write(
      `Imported ${r.imported} of ${r.rows} invoice(s) from ${file} (dates as ${r.dateFormat}): ${counts}; ${r.clientsCreated} new client(s), ${r.paymentsRecorded} payment(s).\n`,
    );
    if (r.imported === 0 && r.skipped > 0) process.stdout.write('Nothing new: every row was already imported.\n');
  }
  if (r.notes.length) {
    process.stdout.write('\nNotes:\n');
    printTable(r.notes.slice(0, MAX_PRINTED), [
      { header: 'Line', value: (x) => x.line, align: 'right' },
      { header: 'Field', value: (x) => x.field },
      { header: 'Note', value: (x) => x.message },
    ]);
    if (r.notes.length > MAX_PRINTED) process.stdout.write(`… and ${r.notes.length - MAX_PRINTED} more (see --json).\n`);
  }
  if (r.rejects.length) {
    const shown = Math.min(r.rejects.length, MAX_PRINTED);
    process.stdout.write(shown < r.rejects.length ? `\nRejected rows (the first ${shown} of ${r.rejects.length}):\n` : '\nRejected rows:\n');
    printTable(
      r.rejects,
      [
        { header: 'Line', value: (x) => x.line, align: 'right' },
        { header: 'Field', value: rejectField },
        { header: 'Reason', value: (x) => x.reason },
      ],
      '(none)',
      MAX_PRINTED,
    );
    if (shown < r.rejects.length) {
      process.stdout.write(`Rejected rows by field: ${rejectSummary(r.rejects)}. Run with --json for every rejected row.\n`);
    }
  }
}

function printSummary(s: ImportSummary): void {
  const verb = s.dryRun ? 'Dry run — would add' : 'Added';
  process.stdout.write(
    `${verb} ${s.added} invoice(s)${s.received ? ` (${s.received} received, kept apart)` : ''}, updated ${s.updated}, skipped ${s.skipped}, rejected ${s.rejected}` +
      `${s.ignored ? `, ignored ${s.ignored} other file(s)` : ''}; ${s.clientsCreated} new client(s). ${s.files} file(s), ${s.documents} document(s) in ${(s.durationMs / 1000).toFixed(1)} s.\n`,
  );
  if (s.firm) process.stdout.write(`Your firm: ${s.firm.name}${s.firm.partitaIva ? ` (P.IVA ${s.firm.partitaIva})` : ''}.\n`);
  if (s.added === 0 && s.skipped > 0 && s.rejected === 0 && !s.dryRun) process.stdout.write('Nothing new: everything was already imported.\n');
  const show = (title: string, rows: ImportSummary['items']) => {
    if (!rows.length) return;
    process.stdout.write(`\n${title}:\n`);
    printTable(rows.slice(0, MAX_PRINTED), [
      { header: 'File', value: (x) => x.source },
      { header: 'Invoice', value: (x) => x.ref ?? '' },
      { header: 'Reason', value: (x) => x.reason ?? x.notes.join('; ') },
    ]);
    if (rows.length > MAX_PRINTED) process.stdout.write(`… and ${rows.length - MAX_PRINTED} more (see --json).\n`);
  };
  show('Rejected', s.items.filter((i) => i.outcome === 'rejected'));
  show('Tolerated (imported as the meaning was clear)', s.items.filter((i) => i.outcome === 'added' && i.notes.length));
}

/** 0 all in (or already there), 2 nothing imported and something rejected, 3 partly imported. */
export function importExitCode(s: Pick<ImportSummary, 'added' | 'updated' | 'rejected' | 'needsFirm'>): number {
  if (s.needsFirm) return EXIT_BAD_INPUT;
  if (s.rejected === 0) return 0;
  return s.added + s.updated > 0 ? EXIT_PARTIAL : EXIT_BAD_INPUT;
}

interface FatturaPaFlags {
  firm?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('import data from other systems');
  imp
    .command('fatturapa <paths...>')
    .description('import FatturaPA e-invoices: .xml (any declared encoding), signed .xml.p7m (DER or Base64), folders and .zip archives; issued invoices join your history, received ones are kept apart')
    .option('--firm <piva>', "your firm's P.IVA or codice fiscale: invoices it issued are yours, those it received are kept apart (asked once, then remembered)")
    .option('--dry-run', 'read and check everything, print what would be added, skipped and rejected, write nothing')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nRe-importing the same files adds nothing: a document is known by issuer, type, number and date.\nExit codes: 0 all imported, 2 nothing imported (bad input), 3 imported with rejected documents.')
    .action(async (paths: string[], opts: FatturaPaFlags, cmd: Command) => {
      const summary = await withApp(cmd, async (app) => {
        const progress = opts.json ? () => undefined : stderrProgress();
        return importFatturaPa(
          { sqlite: app.database.sqlite, clients: app.clients, worker: app.worker, logger: app.logger },
          paths.map((p) => ({ kind: 'path' as const, path: path.resolve(p) })),
          { dryRun: !!opts.dryRun, firm: opts.firm, onProgress: (p) => progress(p.step, p.current, p.total) },
        );
      });
      if (opts.json) printJson(summary);
      else if (summary.needsFirm) {
        process.stdout.write('Which of these is your firm? Rerun with --firm and its P.IVA (remembered from then on):\n');
        printTable(summary.firmCandidates, [
          { header: 'Name', value: (c) => c.name },
          { header: 'P.IVA / C.F.', value: (c) => c.partitaIva ?? c.codiceFiscale ?? '' },
          { header: 'Issuer in', value: (c) => c.asIssuer, align: 'right' },
          { header: 'Customer in', value: (c) => c.asCustomer, align: 'right' },
        ]);
        const best = summary.firmCandidates[0];
        if (best) process.stdout.write(`\ne.g. openfatture import fatturapa ${paths.join(' ')} --firm ${best.partitaIva ?? best.codiceFiscale}\n`);
      } else printSummary(summary);
      const code = importExitCode(summary);
      if (code !== 0) throw new ExitError(code);
    });
  imp
    .command('invoices <file>')
    .description('import invoices and payments from a CSV file (clients are created on the fly)')
    .option('--map <pairs>', `field=Column pairs, comma separated (fields: ${IMPORT_FIELDS.join(', ')}); repeatable`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option(
      '--date-format <format>',
      'how dates are written: YYYY-MM-DD (ISO), D/M/YYYY (Italian), M/D/YYYY (US), or any mix of DD/D, MM/M, YYYY/YY and separators (default: detected from every date in the file; asks when day and month cannot be told apart)',
    )
    .option('--delimiter <char>', 'column separator: , ; or tab (default: detected from the header)')
    .option('--strict', 'reject the whole file if any row is invalid (nothing is written)')
    .option('--dry-run', 'check every row and print what would be added, updated, skipped and rejected; write nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRe-importing a file adds nothing: a row is known by its client, number and issue date; a changed row updates its invoice.\n`client` may be any id of your other system (e.g. 6627-ELFBK); `client_id` is this app\'s client id.\nExit codes: 0 all imported, 2 nothing imported (bad input), 3 imported with rejected rows.',
    )
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
          { map, dateFormat: opts.dateFormat, delimiter, strict: !!opts.strict, dryRun: !!opts.dryRun, source: path.basename(file), onProgress: (d, t, step) => progress(step, d, t) },
        );
      });
      // Streamed: a file with hundreds of thousands of rejected rows must not become one string.
      if (opts.json) await printJsonStreamed({ ...result });
      else printResult(file, result, !!opts.strict);
      const code = opts.strict && result.rejected ? EXIT_BAD_INPUT : importExitCode({ added: result.added, updated: result.updated, rejected: result.rejected, needsFirm: false });
      if (code !== 0) throw new ExitError(code);
    });
  imp
    .command('statement <file>')
    .description('import a bank statement (CAMT.053 001.02–001.08 XML, or a CSV export) and match its credits to open invoices')
    .option('--account <iban>', 'the account a CSV export is for (CAMT.053 names its own)')
    .option('--map <pairs>', `CSV only: field=Column pairs, comma separated (fields: ${STATEMENT_CSV_FIELDS.join(', ')}); repeatable`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--date-format <format>', 'CSV only: how dates are written, e.g. D/M/YYYY (default: detected; asks when day and month cannot be told apart)')
    .option('--dry-run', 'read the file and print what would be added; write nothing')
    .option('--no-match', 'import the entries without matching them now')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRe-importing a statement adds nothing: an entry is known by the bank\'s reference (or a hash of account, date, amount and text).\nDebits are kept but not matched. Credits matched with a confidence of at least BANK_AUTO_ACCEPT_THRESHOLD (default 0.98) are recorded as payments automatically and can be undone in Data → Bank; the others wait there to be confirmed or corrected.\nExit codes: 0 imported, 2 nothing imported (bad input), 3 imported with rejected CSV rows.',
    )
    .action(async (file: string, opts: { account?: string; map: string[]; dateFormat?: string; dryRun?: boolean; match: boolean; json?: boolean }, cmd: Command) => {
      const map = parseStatementMapSpec(opts.map);
      let bytes: Uint8Array;
      try {
        const size = fs.statSync(file).size;
        if (size > STATEMENT_LIMITS.maxFileBytes) throw new InputError(`file: "${file}" is ${size} bytes; a statement file may have at most ${STATEMENT_LIMITS.maxFileBytes}`, 'file');
        bytes = fs.readFileSync(file);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`file: cannot read "${file}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'file');
      }
      const result = await withApp(cmd, (app) =>
        app.bank.importStatement({ name: path.basename(file), bytes, account: opts.account, map, dateFormat: opts.dateFormat, dryRun: !!opts.dryRun, reconcile: opts.match }),
      );
      if (opts.json) printJson(result);
      else {
        const what = `${result.entries} entr${result.entries === 1 ? 'y' : 'ies'} (${result.credits} credit(s), ${result.debits} debit(s)) from ${file} (${result.format}, account ${result.account})`;
        if (result.dryRun) process.stdout.write(`Dry run of ${what}: would add ${result.added}, ${result.skipped} already imported. Nothing was written.\n`);
        else process.stdout.write(`Read ${what}: ${result.added} added, ${result.skipped} already imported.\n`);
        const r = result.reconcile;
        if (r) {
          process.stdout.write(
            result.dryRun
              ? `Would match with payment matcher ${r.modelVersion}: ${r.autoAccepted} would be recorded automatically (confidence ≥ ${r.threshold}), ${r.suggested} would wait in Data → Bank's To reconcile, ${r.withoutCandidates} without any candidate invoice.\n`
              : `Matched with payment matcher ${r.modelVersion}: ${r.autoAccepted} recorded automatically (confidence ≥ ${r.threshold}), ${r.suggested} to reconcile in Data → Bank, ${r.withoutCandidates} without any candidate invoice.\n`,
          );
        }
        if (result.notes.length) process.stdout.write(`\nNotes:\n${result.notes.slice(0, MAX_PRINTED).map((n) => `  ${n}`).join('\n')}\n`);
        if (result.rejects.length) {
          process.stdout.write(`\nRejected rows (${result.rejects.length}):\n`);
          printTable(result.rejects.slice(0, MAX_PRINTED), [
            { header: 'Line', value: (x) => x.line, align: 'right' },
            { header: 'Field', value: (x) => (x.column && x.column !== x.field ? `${x.field} (${x.column})` : x.field) },
            { header: 'Problem', value: (x) => x.reason },
          ]);
        }
        if (result.added === 0 && !result.dryRun && result.entries > 0) process.stdout.write('Nothing new: every entry was already imported; no payment was recorded twice.\n');
      }
      if (result.rejects.length) throw new ExitError(result.entries ? EXIT_PARTIAL : EXIT_BAD_INPUT);
    });
}
