// Imports invoice and payment history from another system's CSV export (`openfatture import
// invoices`, the Import page): a column map, dates in ISO, D/M/YYYY or M/D/YYYY (detected from the
// whole column when no format is given; ambiguous columns stop with a question), euro amounts with
// Italian or dot decimals, the source's invoice numbers as text, clients matched by the app's id,
// another system's client id (`client`), P.IVA or exact name, and created on the fly. Idempotent:
// the natural key (client, number, issue date) updates a changed row and skips an unchanged one,
// never duplicates. A row reports every problem it has; a blank due date is defaulted and said so.
// Rows go through the domain services. The file is parsed and checked in slices and the rows are
// written in transactions of a few milliseconds, yielding to the event loop between them, so a large
// file never blocks the app; a killed import keeps the rows it committed and a re-run skips them.
// Strict mode is all-or-nothing: every row in one transaction, rolled back on any rejected row.
import { parse as parseCsvStream } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError, errorMessage, InputError } from '../errors';
import { parseEuroToCents } from '../money';
import type { ClientService } from '../domain/client-service';
import type { InvoiceService } from '../domain/invoice-service';
import type { PaymentService } from '../domain/payment-service';
import { normalizePartitaIva } from '../domain/italian-ids';
import { dueDateFor } from '../dates';
import { invoiceLabel, invoiceNumberProblem } from '../domain/invoice-number';
import { compileDateFormat, detectDateFormat, suggestDateFormat, type DateFormat } from './csv-date-format';
import crypto from 'node:crypto';
import { coded, type CodedText, type ImportMessage } from './import-message';
import { SqlRunner } from '../db/sql-runner';
import { ClientRepository } from '../domain/client-repository';
import { ImportedInvoiceRepository } from '../domain/imported-invoice-repository';
import { PaymentRepository } from '../domain/payment-repository';

export const IMPORT_FIELDS = [
  'number',
  'year',
  'client',
  'client_id',
  'client_piva',
  'client_name',
  'issue_date',
  'due_date',
  'total',
  'paid_date',
  'paid_amount',
  'description',
  'disputed',
  'document_type',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export interface ImportOptions {
  /** field → CSV column header. Fields not mapped are looked up by a header of the same name. */
  map: Partial<Record<ImportField, string>>;
  /** How dates are written; undefined = detect from every date in the file. */
  dateFormat?: string;
  /** Check and report everything, write nothing. */
  dryRun?: boolean;
  /** One character; undefined = detect from the header (`,` `;` or tab). */
  delimiter?: string;
  /** All or nothing: one transaction for the whole file, rolled back if any row is rejected. */
  strict: boolean;
  /** Label for line descriptions and messages (the file name). */
  source: string;
  onProgress?: (done: number, total: number, step: 'reading' | 'importing') => void;
  /** Milliseconds of work between yields to the event loop (parsing, checking, one write transaction). */
  sliceMs?: number;
}

/** Work between yields: well under the 50 ms a UI can wait for an answer. */
export const DEFAULT_SLICE_MS = 8;
const CSV_SLICE_CHARS = 64 * 1024;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ImportReject {
  line: number;
  field: ImportField | 'row';
  column: string | null;
  reason: string;
  /** The reason as a code with its figures (absent: only the English text is known). */
  message?: ImportMessage;
}

export interface ImportNote {
  line: number;
  field: ImportField;
  message: string;
  /** The message's code and figures (the Import page says it in the UI's language). */
  code?: ImportMessage;
}

export interface ImportResult {
  rows: number;
  /** Rows written (added + updated). */
  imported: number;
  added: number;
  updated: number;
  /** Rows already imported with the same content. */
  skipped: number;
  /** Rows with at least one problem (each problem is one entry of `rejects`). */
  rejected: number;
  dryRun: boolean;
  /** The date format used (given or detected). */
  dateFormat: string;
  /** Defaults and other things the user should know about rows that were imported. */
  notes: ImportNote[];
  clientsCreated: number;
  paymentsRecorded: number;
  /** True when nothing was written (strict mode with rejects, every row rejected, or a dry run). */
  nothingWritten: boolean;
  /** One per row: what happened to it (for the Import page's summary). */
  outcomes: { line: number; ref: string | null; outcome: 'added' | 'updated' | 'skipped' | 'rejected' }[];
  rejects: ImportReject[];
  invoiceIds: number[];
  /** The file's header row (the Import page remembers the column map per header). */
  header: string[];
}

export interface ImportServices {
  sqlite: BetterSqlite3.Database;
  clients: ClientService;
  invoices: InvoiceService;
  payments: PaymentService;
}

/** An invalid row: which field, and why (a row may have several). */
class RowError extends Error {
  readonly coded: ImportMessage | null;

  constructor(
    readonly field: ImportField | 'row',
    reason: CodedText | string,
  ) {
    super(typeof reason === 'string' ? reason : reason.text);
    this.coded = typeof reason === 'string' ? null : reason.message;
  }
}

/** Every problem of one row. */
class RowErrors extends Error {
  constructor(readonly errors: RowError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

/** Rolls the whole import back in strict mode once every row has been checked. */
class StrictAbort extends Error {}

/** Service field names (domain inputs) → the CSV field the user mapped. */
const SERVICE_FIELD: Record<string, ImportField> = {
  partitaIva: 'client_piva',
  denominazione: 'client_name',
  clientId: 'client_id',
  number: 'number',
  series: 'number',
  issueDate: 'issue_date',
  dueDate: 'due_date',
  documentType: 'document_type',
  date: 'paid_date',
  amount: 'paid_amount',
  amountCents: 'paid_amount',
  'lines.0.unitPriceCents': 'total',
  'lines.0.description': 'description',
};

export function parseMapSpec(specs: readonly string[]): Partial<Record<ImportField, string>> {
  const map: Partial<Record<ImportField, string>> = {};
  for (const spec of specs) {
    for (const pair of spec.split(',')) {
      if (!pair.trim()) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) throw new InputError(`--map: expected field=Column pairs like issue_date=InvoiceDate, got "${pair.trim()}"`, '--map');
      const field = pair.slice(0, eq).trim() as ImportField;
      if (!IMPORT_FIELDS.includes(field)) throw new InputError(`--map: unknown field "${field}" (fields: ${IMPORT_FIELDS.join(', ')})`, '--map');
      if (map[field] !== undefined) throw new InputError(`--map: field "${field}" is mapped twice`, '--map');
      map[field] = pair.slice(eq + 1).trim();
    }
  }
  return map;
}

function detectDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, header.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

function parseBool(value: string): boolean | null {
  const s = value.trim().toLowerCase();
  if (['', '0', 'false', 'no', 'n', 'f'].includes(s)) return false;
  if (['1', 'true', 'yes', 'y', 'si', 'sì', 's', 't', 'x'].includes(s)) return true;
  return null;
}

interface ParsedRow {
  line: number;
  number?: string;
  year?: number;
  clientRef?: string;
  clientId?: number;
  clientPiva?: string;
  clientName?: string;
  issueDate: string;
  dueDate?: string;
  totalCents: number;
  paidDate?: string;
  paidCents?: number;
  description?: string;
  disputed: boolean;
  documentType?: string;
  /** Fingerprint of what the row says, to skip an unchanged re-import. */
  hash: string;
}


const DATE_FIELDS = ['issue_date', 'due_date', 'paid_date'] as const;

type CsvRecords = { header: string[]; rows: { record: string[]; line: number }[]; delimiter: string };

function csvOptions(text: string, options: Pick<ImportOptions, 'delimiter'>) {
  if (options.delimiter !== undefined && options.delimiter.length !== 1) {
    throw new InputError(`--delimiter: expected one character (or "tab"), got "${options.delimiter}"`, '--delimiter');
  }
  const delimiter = options.delimiter ?? detectDelimiter(text);
  return { delimiter, parse: { delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true } as const };
}

type ParsedRecord = { record: string[]; info: { lines: number } };

function toRecords(records: ParsedRecord[], delimiter: string, source: string): CsvRecords {
  if (!records.length) throw new InputError(`${source}: the file is empty (expected a header row)`, 'file');
  const rows = records.slice(1).map(({ record, info }) => ({ record, line: info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0) }));
  return { header: records[0]!.record, rows, delimiter };
}

/** Reads the CSV text into header + records with their line numbers, at once. */
export function readCsvRecords(text: string, options: Pick<ImportOptions, 'delimiter' | 'source'>): CsvRecords {
  const { delimiter, parse } = csvOptions(text, options);
  let records: ParsedRecord[];
  try {
    records = parseCsv(text, parse) as unknown as ParsedRecord[];
  } catch (e) {
    throw new InputError(`${options.source}: not a readable CSV file (${errorMessage(e)})`, 'file');
  }
  return toRecords(records, delimiter, options.source);
}

/** The header and the first `maxRows` rows, reading only the start of the file (a preview). */
export function readCsvHead(text: string, options: Pick<ImportOptions, 'delimiter' | 'source'>, maxRows: number): CsvRecords {
  const { delimiter, parse } = csvOptions(text, options);
  let records: ParsedRecord[];
  try {
    records = parseCsv(text, { ...parse, to: maxRows + 1 }) as unknown as ParsedRecord[];
  } catch (e) {
    throw new InputError(`${options.source}: not a readable CSV file (${errorMessage(e)})`, 'file');
  }
  return toRecords(records, delimiter, options.source);
}

/** Like readCsvRecords, parsing CSV_SLICE_CHARS at a time and yielding to the event loop in between. */
export async function readCsvRecordsInSlices(text: string, options: Pick<ImportOptions, 'delimiter' | 'source' | 'onProgress'>): Promise<CsvRecords> {
  const { delimiter, parse } = csvOptions(text, options);
  const parser = parseCsvStream(parse);
  const records: ParsedRecord[] = [];
  let failure: unknown = null;
  parser.on('readable', () => {
    let r: ParsedRecord | null;
    while ((r = parser.read() as ParsedRecord | null) !== null) records.push(r);
  });
  const ended = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (e) => {
      failure = e;
      resolve();
    });
  });
  for (let i = 0; i < text.length && failure === null; i += CSV_SLICE_CHARS) {
    parser.write(text.slice(i, i + CSV_SLICE_CHARS));
    options.onProgress?.(Math.min(i + CSV_SLICE_CHARS, text.length), text.length, 'reading');
    await tick();
  }
  if (failure === null) parser.end();
  await ended;
  if (failure !== null) throw new InputError(`${options.source}: not a readable CSV file (${errorMessage(failure)})`, 'file');
  return toRecords(records, delimiter, options.source);
}

/** Which header column each field reads: the map, else a header named like the field. */
export function resolveColumns(header: readonly string[], map: ImportOptions['map']): Map<ImportField, number> {
  const columnIndex = new Map<ImportField, number>();
  for (const field of IMPORT_FIELDS) {
    const wanted = map[field];
    const idx = wanted !== undefined ? header.indexOf(wanted) : header.findIndex((h) => h.toLowerCase() === field);
    if (wanted !== undefined && idx < 0) {
      throw new InputError(`--map: column "${wanted}" (for ${field}) is not in the CSV header (columns: ${header.join(', ')})`, '--map');
    }
    if (idx >= 0) columnIndex.set(field, idx);
  }
  for (const required of ['issue_date', 'total'] as const) {
    if (!columnIndex.has(required)) throw new InputError(`--map: no column for ${required}; map it with --map ${required}=<Column>`, '--map');
  }
  if (!columnIndex.has('client_id') && !columnIndex.has('client_piva') && !columnIndex.has('client_name') && !columnIndex.has('client')) {
    throw new InputError('--map: no client column; map client (any id of yours), client_name, client_piva or client_id', '--map');
  }
  return columnIndex;
}

/** The date format: the one given, or the one that reads every date of the file. Asks (InputError) when the dates are ambiguous. */
export function chooseDateFormat(rows: { record: string[] }[], columns: Map<ImportField, number>, header: readonly string[], given: string | undefined): DateFormat {
  if (given !== undefined) return compileDateFormat(given);
  const values: string[] = [];
  for (const f of DATE_FIELDS) {
    const i = columns.get(f);
    if (i !== undefined) for (const r of rows) values.push(r.record[i] ?? '');
  }
  const found = detectDateFormat(values);
  if (found.kind === 'found') return compileDateFormat(found.format);
  const cols = DATE_FIELDS.map((f) => columns.get(f)).filter((i): i is number => i !== undefined).map((i) => header[i]).join(', ');
  if (found.kind === 'ambiguous') {
    throw new InputError(
      `--date-format: the dates in ${cols} read as day/month and as month/day (every day is 12 or less, e.g. "${found.example}"); which is it? Rerun with ${found.formats.map((f) => `--date-format ${f}`).join(' or ')}`,
      '--date-format',
    );
  }
  return compileDateFormat(found.best ?? 'YYYY-MM-DD');
}

export async function importInvoicesCsv(services: ImportServices, text: string, options: ImportOptions): Promise<ImportResult> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const { header, rows } = await readCsvRecordsInSlices(text, options);
  const columnIndex = resolveColumns(header, options.map);
  const columnName = new Map<ImportField, string>([...columnIndex].map(([f, i]) => [f, header[i]!]));
  const dateFormat = chooseDateFormat(rows, columnIndex, header, options.dateFormat);
  const total = rows.length;
  if (!total) throw new InputError(`${options.source}: no data rows after the header`, 'file');

  const rejects: ImportReject[] = [];
  const reject = (line: number, field: ImportField | 'row', reason: string, message: ImportMessage | null = null) =>
    rejects.push({ line, field, column: field === 'row' ? null : (columnName.get(field) ?? null), reason, ...(message ? { message } : {}) });
  const rejectAll = (line: number, e: unknown) => {
    if (e instanceof RowErrors) for (const x of e.errors) reject(line, x.field, x.message, x.coded);
    else if (e instanceof RowError) reject(line, e.field, e.message, e.coded);
    else if (e instanceof InputError) reject(line, (e.field && SERVICE_FIELD[e.field]) || 'row', e.message.replace(/^[\w.]+: /, ''));
    else throw e;
  };

  const parsed: ParsedRow[] = [];
  for (let i = 0; i < rows.length; ) {
    const started = performance.now();
    do {
      const { record, line } = rows[i++]!;
      try {
        parsed.push(parseRow(record, line, header, columnIndex, dateFormat));
      } catch (e) {
        rejectAll(line, e);
      }
    } while (i < rows.length && performance.now() - started < sliceMs);
    await tick();
  }

  const result: ImportResult = {
    rows: total, imported: 0, added: 0, updated: 0, skipped: 0, rejected: 0, dryRun: !!options.dryRun, dateFormat: dateFormat.text,
    notes: [], clientsCreated: 0, paymentsRecorded: 0, nothingWritten: false, rejects, invoiceIds: [], outcomes: [], header,
  };
  const sql = SqlRunner.of(services.sqlite);
  const repos = { clients: new ClientRepository(services.sqlite), imported: new ImportedInvoiceRepository(services.sqlite), payments: new PaymentRepository(services.sqlite) };
  const seen = new Map<string, ParsedRow>();
  // A dry run rolls every transaction back, so a client "created" by one is created again by the
  // next: known and counted by what names it in the file.
  const fresh: NewClients = { counted: new Set(), keyOfId: new Map(), row: [] };
  let done = 0;
  const writeOne = (row: ParsedRow) => {
    const before = { clientsCreated: result.clientsCreated, paymentsRecorded: result.paymentsRecorded, notes: result.notes.length, ids: result.invoiceIds.length };
    fresh.row = [];
    try {
      // Each row in its own savepoint: a row failing half-way leaves nothing behind.
      const outcome = sql.transaction(() => writeRow(services, repos, row, options.source, result, seen, fresh));
      result.outcomes.push({ line: row.line, ref: row.number ? invoiceLabel(row.number, Number(row.issueDate.slice(0, 4))) : null, outcome });
    } catch (e) {
      Object.assign(result, { clientsCreated: before.clientsCreated, paymentsRecorded: before.paymentsRecorded });
      result.notes.length = before.notes;
      result.invoiceIds.length = before.ids;
      for (const key of fresh.row) fresh.counted.delete(key);
      rejectAll(row.line, e);
    }
    done++;
    if (done % 100 === 0 || done === parsed.length) options.onProgress?.(done, parsed.length, 'importing');
  };

  if (options.strict) {
    // All or nothing: one transaction, rolled back once every row has been checked if any was rejected.
    try {
      sql.transaction(() => {
        parsed.forEach(writeOne);
        if (rejects.length || options.dryRun) throw new StrictAbort();
      });
    } catch (e) {
      if (!(e instanceof StrictAbort)) throw e;
      result.nothingWritten = true;
      if (!options.dryRun) {
        result.added = result.updated = result.skipped = 0;
        result.clientsCreated = 0;
        result.paymentsRecorded = 0;
        result.outcomes = [];
      }
      result.invoiceIds = [];
    }
  } else {
    // Row by row in short transactions, yielding between them; a dry run rolls each one back.
    let i = 0;
    const writeSome = (started: number) =>
      sql.transaction(() => {
        do writeOne(parsed[i++]!);
        while (i < parsed.length && performance.now() - started < sliceMs);
        if (options.dryRun) throw new StrictAbort();
      }, 'immediate');
    while (i < parsed.length) {
      try {
        writeSome(performance.now());
      } catch (e) {
        if (!(e instanceof StrictAbort)) throw e;
        // Rolled back: the ids of its new clients will be given again.
        fresh.keyOfId.clear();
      }
      await tick();
    }
    if (options.dryRun) {
      result.nothingWritten = true;
      result.invoiceIds = [];
    }
  }
  rejects.sort((a, b) => a.line - b.line);
  const badLines = [...new Set(rejects.map((r) => r.line))];
  for (const line of badLines) result.outcomes.push({ line, ref: null, outcome: 'rejected' });
  result.outcomes.sort((a, b) => a.line - b.line);
  result.rejected = badLines.length;
  result.imported = result.nothingWritten ? 0 : result.added + result.updated;
  if (!result.nothingWritten && result.imported === 0 && result.rejected === total) result.nothingWritten = true;
  return result;
}

function parseRow(record: string[], line: number, header: readonly string[], columns: Map<ImportField, number>, format: DateFormat): ParsedRow {
  const errors: RowError[] = [];
  const fail = (f: ImportField | 'row', msg: CodedText | string) => {
    errors.push(new RowError(f, msg));
    return undefined;
  };
  const truncated = record.length < header.length;
  if (truncated) fail('row', coded('csv-truncated', { got: record.length, expected: header.length, missing: header.slice(record.length).join(', ') }));
  const missingColumn = (f: ImportField) => (columns.get(f) ?? -1) >= record.length;
  const get = (f: ImportField): string | undefined => {
    const i = columns.get(f);
    const v = i === undefined ? undefined : record[i];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const date = (f: ImportField, required: boolean): string | undefined => {
    const v = get(f);
    if (v === undefined) return required && !missingColumn(f) ? fail(f, coded('csv-required')) : undefined;
    const iso = format.parse(v);
    if (!iso) {
      const hint = suggestDateFormat(v, format.text);
      return fail(f, hint ? coded('csv-bad-date-hint', { value: v, format: format.text, other: hint.format, date: hint.date }) : coded('csv-bad-date', { value: v, format: format.text }));
    }
    return iso;
  };
  const cents = (f: ImportField, required: boolean): number | undefined => {
    const v = get(f);
    if (v === undefined) return required && !missingColumn(f) ? fail(f, coded('csv-required')) : undefined;
    let c: number;
    try {
      c = parseEuroToCents(v, f);
    } catch {
      return fail(f, coded('csv-bad-amount', { value: v }));
    }
    if (c <= 0) return fail(f, coded('csv-not-positive', { value: v }));
    return c;
  };
  const int = (f: ImportField, min: number, max: number): number | undefined => {
    const v = get(f);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) return fail(f, coded('csv-bad-whole-number', { min: String(min), max: String(max), value: v }));
    return Number(v);
  };

  const issueDate = date('issue_date', true);
  const dueDate = date('due_date', false);
  if (dueDate && issueDate && dueDate < issueDate) fail('due_date', coded('csv-before-issue', { date: dueDate, issue: issueDate }));
  const totalCents = cents('total', true);
  const paidDate = date('paid_date', false);
  let paidCents = cents('paid_amount', false);
  if (paidCents !== undefined && !paidDate && get('paid_date') === undefined) fail('paid_date', coded('csv-paid-date-required'));
  if (paidDate && issueDate && paidDate < issueDate) fail('paid_date', coded('csv-before-issue', { date: paidDate, issue: issueDate }));
  if (paidDate && paidCents === undefined) paidCents = totalCents;
  if (paidCents !== undefined && totalCents !== undefined && paidCents > totalCents) fail('paid_amount', coded('csv-paid-over-total', { paid: get('paid_amount') ?? '', total: get('total') ?? '' }));
  const year = int('year', 1900, 2999);
  if (year !== undefined && issueDate && year !== Number(issueDate.slice(0, 4))) fail('year', coded('csv-year-mismatch', { year: String(year), issue: issueDate }));
  const disputedText = get('disputed') ?? '';
  const disputed = parseBool(disputedText);
  if (disputed === null) fail('disputed', coded('csv-bad-yes-no', { value: disputedText }));
  const clientPiva = get('client_piva');
  const clientName = get('client_name');
  const clientRef = get('client');
  if (clientRef !== undefined && clientRef.length > 100) fail('client', coded('csv-too-long', { max: 100, length: clientRef.length }));
  const clientId = int('client_id', 1, 2 ** 31);
  if (clientId === undefined && !clientPiva && !clientName && !clientRef && !truncated) fail('client_name', coded('csv-client-required'));
  const documentType = get('document_type');
  if (documentType !== undefined && !/^TD\d{2}$/.test(documentType)) fail('document_type', coded('csv-bad-document-type', { value: documentType }));
  const number = get('number');
  const numberProblem = number === undefined ? null : invoiceNumberProblem(number);
  if (numberProblem) fail('number', numberProblem);
  if (errors.length) throw new RowErrors(errors);
  const content = { number, clientRef, clientId, clientPiva, clientName, issueDate, dueDate, totalCents, paidDate, paidCents, description: get('description'), disputed, documentType };
  return { line, year, ...content, issueDate: issueDate!, totalCents: totalCents!, disputed: disputed!, hash: crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex') };
}

/** The repositories the import writes and looks up through (one set per import, inside its transaction). */
interface ImportRepos {
  clients: ClientRepository;
  imported: ImportedInvoiceRepository;
  payments: PaymentRepository;
}

/**
 * Clients this import created, by what names them in the file (the ids of a dry run's rolled-back
 * transactions are reused, so they cannot tell two new clients apart). `keyOfId` holds the ids of the
 * current transaction's new clients; `counted` counts each new client once.
 */
interface NewClients {
  counted: Set<string>;
  keyOfId: Map<number, string>;
  /** Keys counted by the row being written (uncounted again if it fails). */
  row: string[];
}

function newClientKey(row: ParsedRow): string {
  if (row.clientRef) return `ref:${row.clientRef}`;
  if (row.clientPiva) return `piva:${normalizePartitaIva(row.clientPiva)}`;
  return `name:${(row.clientName ?? '').toLowerCase()}`;
}

function resolveClient(s: ImportServices, r: ImportRepos, row: ParsedRow, result: ImportResult, fresh: NewClients): number {
  if (row.clientId !== undefined) {
    if (!r.clients.byId(row.clientId)) throw new RowError('client_id', coded('csv-no-client', { id: String(row.clientId) }));
    return row.clientId;
  }
  if (row.clientRef) {
    const byRef = r.clients.idByExternalRef(row.clientRef);
    if (byRef !== undefined) return byRef;
  }
  if (row.clientPiva) {
    const byPiva = r.clients.byPartitaIva(normalizePartitaIva(row.clientPiva));
    if (byPiva) return byPiva.id;
  }
  const name = row.clientName ?? row.clientRef;
  if (name) {
    // A same-named client with a different P.IVA (or another system's id) is another company: do not merge them.
    const match = r.clients.byName(name).find((c) => (!row.clientPiva || c.partita_iva === null) && (!row.clientRef || c.external_ref === null || c.external_ref === row.clientRef));
    if (match) {
      if (row.clientRef) r.clients.setExternalRef(match.id, row.clientRef, { onlyIfUnset: true });
      return match.id;
    }
  }
  if (!name) throw new RowError('client_name', coded('csv-client-name-required', { piva: row.clientPiva ?? '' }));
  const created = s.clients.create({ denominazione: name, ...(row.clientPiva ? { partitaIva: row.clientPiva } : {}) });
  if (row.clientRef) r.clients.setExternalRef(created.id, row.clientRef);
  const key = newClientKey(row);
  fresh.keyOfId.set(created.id, key);
  if (!fresh.counted.has(key)) {
    fresh.counted.add(key);
    fresh.row.push(key);
    result.clientsCreated++;
  }
  return created.id;
}

type RowOutcome = 'added' | 'updated' | 'skipped';

function writeRow(s: ImportServices, r: ImportRepos, row: ParsedRow, source: string, result: ImportResult, seen: Map<string, ParsedRow>, fresh: NewClients): RowOutcome {
  const clientId = resolveClient(s, r, row, result, fresh);
  const year = Number(row.issueDate.slice(0, 4));
  const who = fresh.keyOfId.get(clientId) ?? `id:${clientId}`;
  const key = row.number !== undefined ? `${who}|${row.number}|${row.issueDate}` : `${who}|${row.issueDate}|${row.hash}`;
  const earlier = seen.get(key);
  if (earlier) {
    if (earlier.hash === row.hash) {
      result.skipped++;
      return 'skipped';
    }
    throw new RowError('row', coded('csv-same-row-differs', { line: String(earlier.line) }));
  }
  seen.set(key, row);
  const existing = row.number !== undefined ? r.imported.matchByNumber(year, row.number) : r.imported.matchCsvRow(clientId, row.issueDate, row.hash);
  if (existing) {
    if (existing.client_id !== clientId || existing.issue_date !== row.issueDate) {
      throw new RowError('number', coded('csv-number-used', { ref: invoiceLabel(row.number!, year), date: existing.issue_date, client: existing.client_name }));
    }
    if (existing.source_hash === row.hash) {
      result.skipped++;
      return 'skipped';
    }
    if (existing.source !== 'csv') throw new RowError('number', coded(existing.source === 'app' ? 'csv-exists-from-app' : 'csv-exists-from-fatturapa', { ref: invoiceLabel(row.number!, year) }));
    updateRow(s, r, existing.id, row, result);
    result.updated++;
    result.invoiceIds.push(existing.id);
    return 'updated';
  }
  const client = s.clients.get(clientId);
  if (!row.dueDate) {
    const due = dueDateFor(row.issueDate, client.payment_terms_days, client.payment_terms_eom === 1);
    const c = coded(client.payment_terms_eom ? 'due-defaulted-eom' : 'due-defaulted', { date: due, days: client.payment_terms_days });
    result.notes.push({ line: row.line, field: 'due_date', message: c.text, code: c.message });
  }
  const detail = s.invoices.create(
    {
      clientId,
      issueDate: row.issueDate,
      ...(row.number !== undefined ? { number: row.number } : {}),
      ...(row.dueDate ? { dueDate: row.dueDate } : {}),
      ...(row.documentType ? { documentType: row.documentType } : {}),
      disputed: row.disputed,
      // The source system's total is what the client owes: one line, no VAT split, no stamp duty added.
      bollo: false,
      lines: [{ description: row.description ?? `Importata da ${source}`, quantity: 1, unitPriceCents: row.totalCents, vatRate: 0 }],
    },
    { source: 'csv', hash: row.hash, name: source },
  );
  if (detail.invoice.total_cents !== row.totalCents) {
    throw new AppError('IMPORT_TOTAL_MISMATCH', `line ${row.line}: stored total ${detail.invoice.total_cents} differs from ${row.totalCents}`);
  }
  if (row.paidDate && row.paidCents) {
    s.payments.record({ invoiceId: detail.invoice.id, amountCents: row.paidCents, date: row.paidDate });
    result.paymentsRecorded++;
  }
  result.added++;
  result.invoiceIds.push(detail.invoice.id);
  return 'added';
}

/** A changed row of an invoice this import wrote before: its figures follow the file; payments recorded since are kept. */
function updateRow(s: ImportServices, r: ImportRepos, id: number, row: ParsedRow, result: ImportResult): void {
  const paid = r.payments.paidCents(id);
  if (paid > row.totalCents) throw new RowError('total', coded('csv-total-below-paid', { total: (row.totalCents / 100).toFixed(2), paid: (paid / 100).toFixed(2) }));
  const inv = s.invoices.get(id);
  const client = s.clients.get(row.clientId ?? inv.client_id);
  const dueDate = row.dueDate ?? dueDateFor(row.issueDate, client.payment_terms_days, client.payment_terms_eom === 1);
  const now = new Date().toISOString();
  r.imported.updateFigures(id, { dueDate, totalCents: row.totalCents, disputed: row.disputed, documentType: row.documentType ?? inv.document_type, hash: row.hash, description: row.description ?? null, now });
  r.payments.keepOnlyPaid(id);
  const open = row.totalCents - paid;
  if (open > 0) r.payments.addInstalment(id, dueDate, open);
  r.imported.setStatusFromPayments(id, open, paid);
  const wanted = row.paidCents ?? 0;
  if (wanted > paid && row.paidDate) {
    s.payments.record({ invoiceId: id, amountCents: Math.min(wanted - paid, open), date: row.paidDate });
    result.paymentsRecorded++;
  } else if (wanted < paid) {
    const c = coded('payments-kept', { paid: (paid / 100).toFixed(2), file: (wanted / 100).toFixed(2) });
    result.notes.push({ line: row.line, field: 'paid_amount', message: c.text, code: c.message });
  }
}
