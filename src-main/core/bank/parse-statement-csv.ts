// A bank's CSV export → entries, with a column map like the invoice CSV import (and its reader: the
// delimiter detected from the header, BOM, quoted cells, line numbers). Amounts are one signed column
// or a credit and a debit column (Italian exports: "Avere"/"Dare", "Entrate"/"Uscite"), with Italian
// or dot decimals; dates in any format the invoice import reads (detected from the whole file when
// not given). A row with a problem is reported with its line, field and column, never guessed.
import { InputError } from '../errors';
import { parseEuroToCents } from '../money';
import { compileDateFormat, detectDateFormat } from '../import/csv-date-format';
import { readCsvRecords } from '../import/invoice-csv-import';
import { entryHashKey } from './parse-camt053';
import { STATEMENT_LIMITS, StatementFileError, type BankEntry, type EntryDirection, type ParsedStatement } from './statement-types';

export const STATEMENT_CSV_FIELDS = ['booking_date', 'value_date', 'amount', 'credit', 'debit', 'description', 'counterparty_name', 'counterparty_iban', 'reference', 'currency'] as const;
export type StatementCsvField = (typeof STATEMENT_CSV_FIELDS)[number];
export type StatementCsvMap = Partial<Record<StatementCsvField, string>>;

export interface StatementCsvOptions {
  map?: StatementCsvMap;
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

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Header words per field, most specific first, as Italian and English bank exports write them. */
const SYNONYMS: [StatementCsvField, string[]][] = [
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
  const map: StatementCsvMap = {};
  const used = new Set<string>();
  for (const [field, words] of SYNONYMS) {
    for (const word of words) {
      const hit = header.find((h) => !used.has(h) && (fold(h) === word || fold(h) === field.replace(/_/g, ' ')));
      if (hit) {
        map[field] = hit;
        used.add(hit);
        break;
      }
    }
  }
  return map;
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
  const map: StatementCsvMap = { ...guessStatementCsvMap(header), ...(options.map ?? {}) };
  const col = new Map<StatementCsvField, number>();
  for (const field of STATEMENT_CSV_FIELDS) {
    const wanted = map[field];
    if (wanted === undefined) continue;
    const idx = header.indexOf(wanted);
    if (idx < 0) throw new InputError(`--map: column "${wanted}" (for ${field}) is not in the CSV header (columns: ${header.join(', ')})`, '--map');
    col.set(field, idx);
  }
  if (!col.has('booking_date')) throw new InputError('--map: no column for booking_date; map it with --map booking_date=<Column>', '--map');
  if (!col.has('amount') && !col.has('credit') && !col.has('debit')) throw new InputError('--map: no amount column; map amount (signed) or credit and debit', '--map');
  if (!col.has('description') && !col.has('counterparty_name')) throw new InputError('--map: no description or counterparty_name column; the matcher needs the transfer text', '--map');
  const account = options.account.replace(/\s+/g, '').toUpperCase();
  if (!account) throw new InputError('--account: the account (IBAN) the CSV export is for is required', '--account');

  const cell = (record: string[], f: StatementCsvField) => {
    const i = col.get(f);
    return i === undefined ? '' : (record[i] ?? '').trim();
  };
  let dateFormat: string;
  if (options.dateFormat !== undefined) dateFormat = compileDateFormat(options.dateFormat).text;
  else {
    const found = detectDateFormat(rows.flatMap((r) => [cell(r.record, 'booking_date'), cell(r.record, 'value_date')]));
    if (found.kind === 'ambiguous') {
      throw new InputError(`--date-format: the dates read as day/month and as month/day (e.g. "${found.example}"); rerun with ${found.formats.map((f) => `--date-format ${f}`).join(' or ')}`, '--date-format');
    }
    dateFormat = found.kind === 'found' ? found.format : (found.best ?? 'YYYY-MM-DD');
  }
  const dates = compileDateFormat(dateFormat);

  const entries: BankEntry[] = [];
  const rejects: StatementCsvReject[] = [];
  const notes: string[] = [];
  const occurrences = new Map<string, number>();
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
    let key: string;
    if (ref) key = `ref:${account}:${ref}`;
    else {
      const id = entryHashKey(base, 0);
      const n = occurrences.get(id) ?? 0;
      occurrences.set(id, n + 1);
      key = n === 0 ? id : entryHashKey(base, n);
    }
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
