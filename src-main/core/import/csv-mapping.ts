// The Import page's CSV step: the columns guessed from a header (Italian and English names, as
// exports of other invoicing tools write them), a map remembered per file shape (the same header →
// the same map next time), and an import result turned into the shared summary.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { IMPORT_FIELDS, type ImportField, type ImportResult } from './invoice-csv-import';
import { emptySummary, type ImportSummary } from './import-summary';
import { AppStateRepository } from '../db/app-state-repository';
import { CodedInputError } from './import-message';

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Header words for each field, most specific first (a header matches the first field whose word list has it). */
const SYNONYMS: readonly (readonly [ImportField, readonly string[]])[] = [
  ['paid_amount', ['paid amount', 'importo pagato', 'pagato', 'incassato', 'amount paid']],
  ['paid_date', ['paid date', 'pagato il', 'data pagamento', 'data incasso', 'payment date', 'paid on']],
  ['due_date', ['due date', 'scadenza', 'data scadenza', 'due']],
  ['issue_date', ['issue date', 'data', 'data emissione', 'data fattura', 'date', 'invoice date']],
  ['client_piva', ['p iva', 'piva', 'partita iva', 'vat', 'vat number', 'client piva']],
  ['client_id', ['client id']],
  ['client', ['customer id', 'customerid', 'client code', 'codice cliente', 'id cliente', 'client']],
  ['client_name', ['client name', 'cliente', 'ragione sociale', 'denominazione', 'customer', 'customer name', 'nome cliente']],
  ['number', ['number', 'numero', 'numero fattura', 'invoice number', 'invoice', 'n', 'nr', 'fattura']],
  ['year', ['year', 'anno']],
  ['total', ['total', 'totale', 'importo', 'amount', 'importo totale', 'total amount']],
  ['description', ['description', 'descrizione', 'causale', 'oggetto']],
  ['disputed', ['disputed', 'contestata', 'contestazione']],
  ['document_type', ['document type', 'tipo documento', 'tipo']],
];

/**
 * The map guessed from a header: for each field in order, the first of its words that names a column
 * not taken yet (or the field's own name). Shared by the invoice CSV and the bank statement CSV.
 */
export function guessColumnMap<F extends string>(header: readonly string[], synonyms: readonly (readonly [F, readonly string[]])[]): Partial<Record<F, string>> {
  const map: Partial<Record<F, string>> = {};
  const used = new Set<string>();
  for (const [field, words] of synonyms) {
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

/** Keeps the pairs of a map that name a known field and a column of this header (a remembered or sent map may be stale). */
export function validColumnMap<F extends string>(header: readonly string[], fields: readonly F[], map: Readonly<Record<string, unknown>>): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const [k, v] of Object.entries(map)) if ((fields as readonly string[]).includes(k) && typeof v === 'string' && header.includes(v)) out[k as F] = v;
  return out;
}

/** Each mapped field's column index; a column the header does not have is refused naming the field and the column. */
export function mappedColumns<F extends string>(header: readonly string[], fields: readonly F[], map: Partial<Record<F, string>>): Map<F, number> {
  const col = new Map<F, number>();
  for (const field of fields) {
    const wanted = map[field];
    if (wanted === undefined) continue;
    const idx = header.indexOf(wanted);
    if (idx < 0) {
      const columns = header.join(', ');
      throw new CodedInputError(`--map: column "${wanted}" (for ${field}) is not in the CSV header (columns: ${columns})`, '--map', { code: 'csv-column-missing', params: { column: wanted, target: field, columns } });
    }
    col.set(field, idx);
  }
  return col;
}

export function guessCsvMap(header: readonly string[]): Partial<Record<ImportField, string>> {
  return guessColumnMap(header, SYNONYMS);
}

/** What a CSV file holds, chosen on the Import page: each kind remembers its own map per header. */
export type CsvImportKind = 'invoices' | 'statement';

const shapeKey = (header: readonly string[], kind: CsvImportKind) =>
  `import.${kind === 'invoices' ? 'csv-map' : 'statement-map'}.${crypto.createHash('sha256').update(header.map(fold).join('\u0001')).digest('hex').slice(0, 32)}`;

export function rememberedColumnMap<F extends string>(sqlite: BetterSqlite3.Database, header: readonly string[], kind: CsvImportKind, fields: readonly F[]): Partial<Record<F, string>> | null {
  const value = new AppStateRepository(sqlite).get(shapeKey(header, kind));
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' ? validColumnMap(header, fields, parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function rememberColumnMap(sqlite: BetterSqlite3.Database, header: readonly string[], kind: CsvImportKind, map: Readonly<Record<string, string>>): void {
  new AppStateRepository(sqlite).setJson(shapeKey(header, kind), map);
}

export function rememberedCsvMap(sqlite: BetterSqlite3.Database, header: readonly string[]): Partial<Record<ImportField, string>> | null {
  return rememberedColumnMap(sqlite, header, 'invoices', IMPORT_FIELDS);
}

export function rememberCsvMap(sqlite: BetterSqlite3.Database, header: readonly string[], map: Partial<Record<ImportField, string>>): void {
  rememberColumnMap(sqlite, header, 'invoices', map as Record<string, string>);
}

/** A CSV import's result as the summary the Import page shows and offers for download. */
export function csvResultToSummary(file: string, r: ImportResult, durationMs: number): ImportSummary {
  const s = emptySummary('csv', r.dryRun);
  s.files = 1;
  s.documents = r.rows;
  s.added = r.added;
  s.updated = r.updated;
  s.skipped = r.skipped;
  s.rejected = r.rejected;
  s.clientsCreated = r.clientsCreated;
  s.paymentsRecorded = r.paymentsRecorded;
  s.invoiceIds = r.invoiceIds;
  s.durationMs = durationMs;
  s.dateFormat = r.dateFormat;
  // By line once, not a scan of every reject and note per row (a large file has thousands of each).
  const byLine = <T extends { line: number }>(xs: readonly T[]) => {
    const m = new Map<number, T[]>();
    for (const x of xs) {
      const list = m.get(x.line);
      if (list) list.push(x);
      else m.set(x.line, [x]);
    }
    return m;
  };
  const rejectsOf = byLine(r.rejects);
  const notesOf = byLine(r.notes);
  for (const o of r.outcomes) {
    const reasonParts = (rejectsOf.get(o.line) ?? []).map((x) => ({
      text: x.column ? `${x.field} (${x.column}): ${x.reason}` : x.reason,
      message: x.message ? { code: x.message.code, params: { ...x.message.params, ...(x.column ? { field: x.field, csvColumn: x.column } : {}) } } : null,
    }));
    const reasons = reasonParts.map((p) => p.text);
    const lineNotes = notesOf.get(o.line) ?? [];
    const notes = lineNotes.map((n) => `${n.field}: ${n.message}`);
    const noteMessages = lineNotes.map((n) => (n.code ? { code: n.code.code, params: { ...n.code.params, field: n.field } } : null));
    s.items.push({ source: `${file}, line ${o.line}`, ref: o.ref, outcome: o.outcome, direction: o.outcome === 'rejected' ? null : 'issued', reason: reasons.join('; ') || null, notes, noteMessages, ...(reasonParts.length ? { reasonParts } : {}) });
  }
  return s;
}
