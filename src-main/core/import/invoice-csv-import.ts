// Imports invoice and payment history from another system's CSV export (`openfatture import
// invoices`): a column map, a date format, euro amounts with Italian or dot decimals, clients
// matched by id, then P.IVA, then exact name, and created on the fly. Rows go through the domain
// services (same validation as typed input). Each invalid row is reported with its line, field and
// reason; the valid rows are written in one transaction, or nothing at all in strict mode.
import { parse as parseCsv } from 'csv-parse/sync';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError, errorMessage, InputError } from '../errors';
import { parseEuroToCents } from '../money';
import type { ClientService } from '../domain/client-service';
import type { InvoiceService } from '../domain/invoice-service';
import type { PaymentService } from '../domain/payment-service';
import { normalizePartitaIva } from '../domain/italian-ids';
import { compileDateFormat } from './csv-date-format';

export const IMPORT_FIELDS = [
  'number',
  'year',
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
  dateFormat: string;
  /** One character; undefined = detect from the header (`,` `;` or tab). */
  delimiter?: string;
  strict: boolean;
  /** Label for line descriptions and messages (the file name). */
  source: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReject {
  line: number;
  field: ImportField | 'row';
  column: string | null;
  reason: string;
}

export interface ImportResult {
  rows: number;
  imported: number;
  rejected: number;
  clientsCreated: number;
  paymentsRecorded: number;
  /** True when nothing was written (strict mode with rejects, or every row rejected). */
  nothingWritten: boolean;
  rejects: ImportReject[];
  invoiceIds: number[];
}

export interface ImportServices {
  sqlite: BetterSqlite3.Database;
  clients: ClientService;
  invoices: InvoiceService;
  payments: PaymentService;
}

/** An invalid row: which field, and why. */
class RowError extends Error {
  constructor(
    readonly field: ImportField | 'row',
    message: string,
  ) {
    super(message);
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
  number?: number;
  year?: number;
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
}

export function importInvoicesCsv(services: ImportServices, text: string, options: ImportOptions): ImportResult {
  const dateFormat = compileDateFormat(options.dateFormat);
  if (options.delimiter !== undefined && options.delimiter.length !== 1) {
    throw new InputError(`--delimiter: expected one character (or "tab"), got "${options.delimiter}"`, '--delimiter');
  }
  const delimiter = options.delimiter ?? detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    throw new InputError(`${options.source}: not a readable CSV file (${errorMessage(e)})`, 'file');
  }
  if (!records.length) throw new InputError(`${options.source}: the file is empty (expected a header row)`, 'file');
  const header = records[0]!.record;
  const columnIndex = new Map<ImportField, number>();
  const columnName = new Map<ImportField, string>();
  for (const field of IMPORT_FIELDS) {
    const wanted = options.map[field];
    const idx = wanted !== undefined ? header.indexOf(wanted) : header.findIndex((h) => h.toLowerCase() === field);
    if (wanted !== undefined && idx < 0) {
      throw new InputError(`--map: column "${wanted}" (for ${field}) is not in the CSV header (columns: ${header.join(', ')})`, '--map');
    }
    if (idx >= 0) {
      columnIndex.set(field, idx);
      columnName.set(field, header[idx]!);
    }
  }
  for (const required of ['issue_date', 'total'] as const) {
    if (!columnIndex.has(required)) throw new InputError(`--map: no column for ${required}; map it with --map ${required}=<Column>`, '--map');
  }
  if (!columnIndex.has('client_id') && !columnIndex.has('client_piva') && !columnIndex.has('client_name')) {
    throw new InputError('--map: no client column; map client_name, client_piva or client_id', '--map');
  }

  const rejects: ImportReject[] = [];
  const reject = (line: number, field: ImportField | 'row', reason: string) =>
    rejects.push({ line, field, column: field === 'row' ? null : (columnName.get(field) ?? null), reason });

  const parsed: ParsedRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    try {
      parsed.push(parseRow(record, line, columnIndex, dateFormat.parse, dateFormat.text));
    } catch (e) {
      if (e instanceof RowError) reject(line, e.field, e.message);
      else throw e;
    }
  }
  const total = records.length - 1;
  if (!total) throw new InputError(`${options.source}: no data rows after the header`, 'file');

  const result: ImportResult = { rows: total, imported: 0, rejected: 0, clientsCreated: 0, paymentsRecorded: 0, nothingWritten: false, rejects, invoiceIds: [] };
  const { sqlite } = services;
  const run = sqlite.transaction(() => {
    parsed.forEach((row, i) => {
      const before = { clientsCreated: result.clientsCreated, paymentsRecorded: result.paymentsRecorded };
      try {
        // Each row in its own savepoint: a row failing half-way leaves nothing behind.
        sqlite.transaction(() => writeRow(services, row, options.source, result))();
      } catch (e) {
        Object.assign(result, before);
        if (e instanceof RowError) reject(row.line, e.field, e.message);
        else if (e instanceof InputError) {
          const field = (e.field && SERVICE_FIELD[e.field]) || 'row';
          reject(row.line, field, e.message.replace(/^[\w.]+: /, ''));
        } else throw e;
      }
      if ((i + 1) % 100 === 0 || i + 1 === parsed.length) options.onProgress?.(i + 1, parsed.length);
    });
    if (options.strict && rejects.length) throw new StrictAbort();
    if (rejects.length === total) throw new StrictAbort();
  });
  try {
    run();
  } catch (e) {
    if (!(e instanceof StrictAbort)) throw e;
    result.nothingWritten = true;
    result.imported = 0;
    result.clientsCreated = 0;
    result.paymentsRecorded = 0;
    result.invoiceIds = [];
  }
  rejects.sort((a, b) => a.line - b.line);
  result.rejected = rejects.length;
  return result;
}

function parseRow(
  record: string[],
  line: number,
  columns: Map<ImportField, number>,
  parseDate: (s: string) => string | null,
  dateFormat: string,
): ParsedRow {
  const get = (f: ImportField): string | undefined => {
    const i = columns.get(f);
    const v = i === undefined ? undefined : record[i];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const date = (f: ImportField, required: boolean): string | undefined => {
    const v = get(f);
    if (v === undefined) {
      if (required) throw new RowError(f, 'is required');
      return undefined;
    }
    const iso = parseDate(v);
    if (!iso) throw new RowError(f, `"${v}" is not a valid date in the format ${dateFormat}`);
    return iso;
  };
  const cents = (f: ImportField, required: boolean): number | undefined => {
    const v = get(f);
    if (v === undefined) {
      if (required) throw new RowError(f, 'is required');
      return undefined;
    }
    let c: number;
    try {
      c = parseEuroToCents(v, f);
    } catch {
      throw new RowError(f, `"${v}" is not an amount in euro (like 1234.56 or 1.234,56)`);
    }
    if (c <= 0) throw new RowError(f, `must be greater than 0, got "${v}"`);
    return c;
  };
  const int = (f: ImportField, min: number, max: number): number | undefined => {
    const v = get(f);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new RowError(f, `expected a whole number between ${min} and ${max}, got "${v}"`);
    return Number(v);
  };

  const issueDate = date('issue_date', true)!;
  const dueDate = date('due_date', false);
  if (dueDate && dueDate < issueDate) throw new RowError('due_date', `${dueDate} is before the issue date ${issueDate}`);
  const totalCents = cents('total', true)!;
  const paidDate = date('paid_date', false);
  let paidCents = cents('paid_amount', false);
  if (paidCents !== undefined && !paidDate) throw new RowError('paid_date', 'is required when paid_amount is given');
  if (paidDate && paidDate < issueDate) throw new RowError('paid_date', `${paidDate} is before the issue date ${issueDate}`);
  if (paidDate && paidCents === undefined) paidCents = totalCents;
  if (paidCents !== undefined && paidCents > totalCents) throw new RowError('paid_amount', `${get('paid_amount')} is more than the total ${get('total')}`);
  const year = int('year', 1900, 2999);
  if (year !== undefined && year !== Number(issueDate.slice(0, 4))) throw new RowError('year', `${year} does not match the issue date ${issueDate}`);
  const disputedText = get('disputed') ?? '';
  const disputed = parseBool(disputedText);
  if (disputed === null) throw new RowError('disputed', `expected yes/no, true/false or 1/0, got "${disputedText}"`);
  const clientPiva = get('client_piva');
  const clientName = get('client_name');
  const clientId = int('client_id', 1, 2 ** 31);
  if (clientId === undefined && !clientPiva && !clientName) throw new RowError('client_name', 'is required (or a client P.IVA or id)');
  const documentType = get('document_type');
  if (documentType !== undefined && !/^TD\d{2}$/.test(documentType)) throw new RowError('document_type', `must be a FatturaPA document type like TD01, got "${documentType}"`);
  return {
    line,
    number: int('number', 1, 9_999_999),
    year,
    clientId,
    clientPiva,
    clientName,
    issueDate,
    dueDate,
    totalCents,
    paidDate,
    paidCents,
    description: get('description'),
    disputed,
    documentType,
  };
}

function resolveClient(s: ImportServices, row: ParsedRow, result: ImportResult): number {
  if (row.clientId !== undefined) {
    const exists = s.sqlite.prepare('SELECT id FROM clients WHERE id = ?').get(row.clientId) as { id: number } | undefined;
    if (!exists) throw new RowError('client_id', `no client with id ${row.clientId}`);
    return exists.id;
  }
  if (row.clientPiva) {
    const piva = normalizePartitaIva(row.clientPiva);
    const byPiva = s.sqlite.prepare('SELECT id FROM clients WHERE partita_iva = ?').get(piva) as { id: number } | undefined;
    if (byPiva) return byPiva.id;
  }
  if (row.clientName) {
    const byName = s.sqlite.prepare('SELECT id, partita_iva FROM clients WHERE denominazione = ? COLLATE NOCASE ORDER BY id').all(row.clientName) as {
      id: number;
      partita_iva: string | null;
    }[];
    // A same-named client with a different P.IVA is another company: do not merge them.
    const match = byName.find((c) => !row.clientPiva || c.partita_iva === null);
    if (match) return match.id;
  }
  if (!row.clientName) throw new RowError('client_name', `is required to create the client with P.IVA ${row.clientPiva}`);
  const created = s.clients.create({ denominazione: row.clientName, ...(row.clientPiva ? { partitaIva: row.clientPiva } : {}) });
  result.clientsCreated++;
  return created.id;
}

function writeRow(s: ImportServices, row: ParsedRow, source: string, result: ImportResult): void {
  const clientId = resolveClient(s, row, result);
  const detail = s.invoices.create({
    clientId,
    issueDate: row.issueDate,
    ...(row.number !== undefined ? { number: row.number } : {}),
    ...(row.dueDate ? { dueDate: row.dueDate } : {}),
    ...(row.documentType ? { documentType: row.documentType } : {}),
    disputed: row.disputed,
    // The source system's total is what the client owes: one line, no VAT split, no stamp duty added.
    bollo: false,
    lines: [{ description: row.description ?? `Importata da ${source}`, quantity: 1, unitPriceCents: row.totalCents, vatRate: 0 }],
  });
  if (detail.invoice.total_cents !== row.totalCents) {
    throw new AppError('IMPORT_TOTAL_MISMATCH', `line ${row.line}: stored total ${detail.invoice.total_cents} differs from ${row.totalCents}`);
  }
  if (row.paidDate && row.paidCents) {
    s.payments.record({ invoiceId: detail.invoice.id, amountCents: row.paidCents, date: row.paidDate });
    result.paymentsRecorded++;
  }
  result.imported++;
  result.invoiceIds.push(detail.invoice.id);
}
