// A bank's CSV export → entries, with a column map like the invoice CSV import (and its reader: the
// delimiter detected from the header, BOM, quoted cells, line numbers). Amounts are one signed column
// or a credit and a debit column (Italian exports: "Avere"/"Dare", "Entrate"/"Uscite"), with Italian
// or dot decimals; dates in any format the invoice import reads (detected from the whole file when
// not given). A row with a problem is reported with its line, field and column, never guessed.
import { InputError } from '../errors';
import { parseEuroToCents } from '../money';
import { compileDateFormat, detectDateFormat } from '../import/csv-date-format';
import { readCsvRecords, type ImportField } from '../import/invoice-csv-import';
import { guessColumnMap, guessCsvMap, mappedColumns, type CsvImportKind } from '../import/csv-mapping';
import { CodedInputError } from '../import/import-message';
import { EntryKeys, STATEMENT_LIMITS, StatementFileError, type BankEntry, type EntryDirection, type ParsedStatement } from './statement-types';

import { STATEMENT_CSV_FIELDS, type StatementCsvField } from '../../../src-preload/contract/import-channels';

export { STATEMENT_CSV_FIELDS, type StatementCsvField };
export type StatementCsvMap = Partial<Record<StatementCsvField, string>>;

export interface StatementCsvOptions {
  map?: StatementCsvMap;
  /** The map is the whole map (the Import page sends what the user chose): no column is guessed beside it. */
  exactMap?: boolean;
  /** The account the export is for (IBAN); part of every entry's key. */
  account: string;
  dateFormat?: string;
  delimiter?: string;
  /** The file name, for messages. */
  source: string;
}

export interface StatementCsvReject {
  line: number;
  field: StatementCsvField | 'row';
  column: string | null;
  reason: string;
}

export interface ParsedStatementCsv extends ParsedStatement {
  rows: number;
  rejects: StatementCsvReject[];
  dateFormat: string;
  map: StatementCsvMap;
}

/** Header words per field, most specific first, as Italian and English bank exports write them. */
const SYNONYMS: readonly (readonly [StatementCsvField, readonly string[]])[] = [
  ['value_date', ['data valuta', 'valuta', 'value date']],
  ['booking_date', ['data contabile', 'data operazione', 'data contabilizzazione', 'booking date', 'data', 'date', 'transaction date']],
  ['credit', ['avere', 'entrate', 'accrediti', 'credit', 'credits', 'money in']],
  ['debit', ['dare', 'uscite', 'addebiti', 'debit', 'debits', 'money out']],
  ['amount', ['importo', 'amount', 'importo eur', 'importo euro']],
  ['counterparty_iban', ['iban ordinante', 'iban controparte', 'iban', 'counterparty iban', 'payer iban']],
  ['counterparty_name', ['ordinante', 'controparte', 'beneficiario', 'nome ordinante', 'payer', 'counterparty', 'counterparty name', 'name']],
  ['description', ['descrizione', 'causale', 'descrizione operazione', 'dettagli', 'description', 'details', 'remittance', 'memo']],
  ['reference', ['riferimento', 'rif', 'id operazione', 'cro', 'trn', 'reference', 'transaction id']],
  ['currency', ['divisa', 'valuta divisa', 'currency']],
];

export function guessStatementCsvMap(header: readonly string[]): StatementCsvMap {
  return guessColumnMap(header, SYNONYMS);
}

/** Columns only a bank export has, and columns only an invoice list has (date, amount and description are in both). */
const STATEMENT_ONLY: readonly StatementCsvField[] = ['value_date', 'credit', 'debit', 'counterparty_iban', 'counterparty_name', 'reference'];
const INVOICE_ONLY: readonly ImportField[] = ['number', 'year', 'client', 'client_id', 'client_piva', 'client_name', 'due_date', 'paid_date', 'paid_amount', 'disputed', 'document_type'];

/** Whether a CSV header reads as a bank export or as an invoice list: the kind with more columns of its own (ties: invoices). */
export function guessCsvKind(header: readonly string[]): CsvImportKind {
  const statement = guessStatementCsvMap(header);
  const invoices = guessCsvMap(header);
  const own = STATEMENT_ONLY.filter((f) => statement[f] !== undefined).length;
  const other = INVOICE_ONLY.filter((f) => invoices[f] !== undefined && !Object.values(statement).includes(invoices[f])).length;
  const readable = statement.booking_date !== undefined && (statement.amount !== undefined || statement.credit !== undefined || statement.debit !== undefined);
  return readable && own > other ? 'statement' : 'invoices';
}

export function parseStatementMapSpec(specs: readonly string[]): StatementCsvMap {
  const map: StatementCsvMap = {};
  for (const spec of specs) {
    for (const pair of spec.split(',')) {
      if (!pair.trim()) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) throw new InputError(`--map: expected field=Column pairs like booking_date=Data, got "${pair.trim()}"`, '--map');
      const field = pair.slice(0, eq).trim() as StatementCsvField;
      if (!STATEMENT_CSV_FIELDS.includes(field)) throw new InputError(`--map: unknown field "${field}" (fields: ${STATEMENT_CSV_FIELDS.join(', ')})`, '--map');
      if (map[field] !== undefined) throw new InputError(`--map: field "${field}" is mapped twice`, '--map');
      map[field] = pair.slice(eq + 1).trim();
    }
  }
  return map;
}

class RowProblem extends Error {
  constructor(
    readonly field: StatementCsvField,
    message: string,
  ) {
    super(message);
  }
}

function parseAmount(value: string, field: StatementCsvField): number {
  const v = value.trim().replace(/^\+/, '');
  try {
    return parseEuroToCents(v, field);
  } catch {
    throw new RowProblem(field, `expected an amount in euro like 1.234,56 or 1234.56, got "${value}"`);
  }
}

export function parseStatementCsv(text: string, options: StatementCsvOptions): ParsedStatementCsv {
  if (text.length > STATEMENT_LIMITS.maxFileBytes) throw new StatementFileError(`has ${text.length} characters; a statement file may have at most ${STATEMENT_LIMITS.maxFileBytes}`);
  const { header, rows } = readCsvRecords(text, { delimiter: options.delimiter, source: options.source });
  if (rows.length > STATEMENT_LIMITS.maxEntries) throw new StatementFileError(`has more than ${STATEMENT_LIMITS.maxEntries} rows`);
  const map: StatementCsvMap = options.exactMap ? { ...(options.map ?? {}) } : { ...guessStatementCsvMap(header), ...(options.map ?? {}) };
  const col = mappedColumns(header, STATEMENT_CSV_FIELDS, map);
  if (!col.has('booking_date')) throw new CodedInputError('--map: no column for booking_date; map it with --map booking_date=<Column>', '--map', { code: 'csv-no-date-column', params: {} });
  if (!col.has('amount') && !col.has('credit') && !col.has('debit')) throw new CodedInputError('--map: no amount column; map amount (signed) or credit and debit', '--map', { code: 'csv-no-amount-column', params: {} });
  if (!col.has('description') && !col.has('counterparty_name')) {
    throw new CodedInputError('--map: no description or counterparty_name column; the matcher needs the transfer text', '--map', { code: 'csv-no-text-column', params: {} });
  }
  const account = options.account.replace(/\s+/g, '').toUpperCase();
  if (!account) throw new CodedInputError('--account: the account (IBAN) the CSV export is for is required', '--account', { code: 'statement-account-required', params: {} });

  const cell = (record: string[], f: StatementCsvField) => {
    const i = col.get(f);
    return i === undefined ? '' : (record[i] ?? '').trim();
  };
  let dateFormat: string;
  if (options.dateFormat !== undefined) dateFormat = compileDateFormat(options.dateFormat).text;
  else {
    const found = detectDateFormat(rows.flatMap((r) => [cell(r.record, 'booking_date'), cell(r.record, 'value_date')]));
    if (found.kind === 'ambiguous') {
      throw new CodedInputError(`--date-format: the dates read as day/month and as month/day (e.g. "${found.example}"); rerun with ${found.formats.map((f) => `--date-format ${f}`).join(' or ')}`, '--date-format', {
        code: 'csv-dates-ambiguous',
        params: { example: found.example },
      });
    }
    dateFormat = found.kind === 'found' ? found.format : (found.best ?? 'YYYY-MM-DD');
  }
  const dates = compileDateFormat(dateFormat);

  const entries: BankEntry[] = [];
  const rejects: StatementCsvReject[] = [];
  const notes: string[] = [];
  const keys = new EntryKeys();
  for (const { record, line } of rows) {
    const problems: RowProblem[] = [];
    const attempt = <T>(fn: () => T): T | null => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof RowProblem) problems.push(e);
        else throw e;
        return null;
      }
    };
    const date = (f: 'booking_date' | 'value_date', required: boolean) =>
      attempt(() => {
        const raw = cell(record, f);
        if (!raw) {
          if (required) throw new RowProblem(f, 'is empty');
          return null;
        }
        const iso = dates.parse(raw);
        if (!iso) throw new RowProblem(f, `expected a date as ${dateFormat}, got "${raw}"`);
        return iso;
      });
    const bookingDate = date('booking_date', true);
    const valueDate = date('value_date', false);
    const signed = attempt(() => {
      if (col.has('amount') && cell(record, 'amount')) return parseAmount(cell(record, 'amount'), 'amount');
      const credit = cell(record, 'credit');
      const debit = cell(record, 'debit');
      if (credit && debit) throw new RowProblem('credit', `both credit ("${credit}") and debit ("${debit}") are filled`);
      if (credit) return Math.abs(parseAmount(credit, 'credit'));
      if (debit) return -Math.abs(parseAmount(debit, 'debit'));
      throw new RowProblem(col.has('amount') ? 'amount' : 'credit', 'no amount on this row');
    });
    if (signed === 0) problems.push(new RowProblem(col.has('amount') ? 'amount' : 'credit', 'the amount is zero'));
    const currency = cell(record, 'currency').toUpperCase() || 'EUR';
    if (problems.length || bookingDate === null || signed === null || signed === 0) {
      for (const p of problems) rejects.push({ line, field: p.field, column: header[col.get(p.field) ?? -1] ?? null, reason: p.message });
      continue;
    }
    if (currency !== 'EUR') {
      notes.push(`line ${line}: amount in ${currency}, only EUR rows are imported`);
      continue;
    }
    const direction: EntryDirection = signed > 0 ? 'credit' : 'debit';
    const amountCents = Math.abs(signed);
    const remittance = cell(record, 'description').replace(/\s+/g, ' ').slice(0, STATEMENT_LIMITS.maxRemittanceChars);
    const ibanRaw = cell(record, 'counterparty_iban').replace(/\s+/g, '').toUpperCase();
    const counterpartyIban = /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(ibanRaw) ? ibanRaw : null;
    if (ibanRaw && !counterpartyIban) notes.push(`line ${line}: counterparty_iban "${ibanRaw.slice(0, 40)}" is not an IBAN: ignored`);
    const ref = cell(record, 'reference').slice(0, 200) || null;
    const base = { account, bookingDate, direction, amountCents, remittance, counterpartyIban };
    const key = keys.keyOf(base, ref);
    entries.push({
      ...base,
      key,
      bankRef: ref,
      currency,
      valueDate,
      structuredRefs: [],
      counterpartyName: cell(record, 'counterparty_name').slice(0, STATEMENT_LIMITS.maxNameChars) || null,
    });
  }
  return { format: 'csv', account, statementIds: [options.source], entries, notes, rows: rows.length, rejects, dateFormat, map };
}
