// The Import page's CSV step: the columns guessed from a header (Italian and English names, as
// exports of other invoicing tools write them), a map remembered per file shape (the same header →
// the same map next time), and an import result turned into the shared summary.
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { IMPORT_FIELDS, type ImportField, type ImportResult } from './invoice-csv-import';
import { emptySummary, type ImportSummary } from './import-summary';
import { AppStateRepository } from '../db/app-state-repository';

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Header words for each field, most specific first (a header matches the first field whose word list has it). */
const SYNONYMS: [ImportField, string[]][] = [
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

export function guessCsvMap(header: readonly string[]): Partial<Record<ImportField, string>> {
  const map: Partial<Record<ImportField, string>> = {};
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

const shapeKey = (header: readonly string[]) => `import.csv-map.${crypto.createHash('sha256').update(header.map(fold).join('\u0001')).digest('hex').slice(0, 32)}`;

export function rememberedCsvMap(sqlite: BetterSqlite3.Database, header: readonly string[]): Partial<Record<ImportField, string>> | null {
  const value = new AppStateRepository(sqlite).get(shapeKey(header));
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as Record<string, string>;
    const map: Partial<Record<ImportField, string>> = {};
    for (const [k, v] of Object.entries(parsed)) if ((IMPORT_FIELDS as readonly string[]).includes(k) && header.includes(v)) map[k as ImportField] = v;
    return map;
  } catch {
    return null;
  }
}

export function rememberCsvMap(sqlite: BetterSqlite3.Database, header: readonly string[], map: Partial<Record<ImportField, string>>): void {
  new AppStateRepository(sqlite).setJson(shapeKey(header), map);
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
