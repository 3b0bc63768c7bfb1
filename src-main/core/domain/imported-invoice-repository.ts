// Writes invoices that come from another system exactly as their source has them: the number, the
// totals and VAT summary of the document (not recomputed from the lines, which real files round
// differently), lines with their VAT nature, and the instalments of the payment terms. Issued
// invoices join `invoices` (so the knowledge index and, once paid, the cash-flow model use them like
// any other); received ones go to `received_invoices`, apart. Callers run these inside their
// transaction. Also the lookups and updates of a re-import (the CSV import updates what it wrote).
import type BetterSqlite3 from 'better-sqlite3';
import type { InvoiceStatus } from '../db/schema';
import { qb, SqlRunner, template } from '../db/sql-runner';
import { parseAppNumber } from './invoice-number';
import { InvoiceRepository } from './invoice-repository';

export interface ImportedLine {
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRate: number;
  natura: string | null;
  netCents: number;
  vatCents: number;
}

export interface ImportedInstalment {
  dueDate: string;
  amountCents: number;
  method: string | null;
  iban: string | null;
}

export interface ImportedInvoice {
  clientId: number;
  number: string;
  documentType: string;
  issueDate: string;
  dueDate: string;
  paymentTermsDays: number;
  netCents: number;
  vatCents: number;
  totalCents: number;
  ritenutaCents: number;
  bolloCents: number;
  notes: string | null;
  source: 'fatturapa' | 'csv';
  sourceHash: string;
  sourceName: string;
  lines: ImportedLine[];
  instalments: ImportedInstalment[];
}

export interface ExistingInvoice {
  id: number;
  issue_date: string;
  source: string;
  source_hash: string | null;
  client_id: number;
}

export interface ReceivedInvoiceRow {
  supplierName: string;
  supplierVat: string | null;
  supplierCf: string | null;
  supplierKey: string;
  documentType: string;
  number: string;
  issueDate: string;
  currency: string;
  netCents: number;
  vatCents: number;
  totalCents: number;
  ritenutaCents: number;
  bolloCents: number;
  dueDate: string | null;
  lines: unknown[];
  instalments: unknown[];
  notes: string | null;
  sourceHash: string;
  sourceName: string;
}

const EXISTING = ['id', 'issue_date', 'source', 'source_hash', 'client_id'] as const;

/** An invoice a CSV row may be a re-import of, with its client's name (for the message when it is someone else's). */
export interface ImportedMatch {
  id: number;
  client_id: number;
  issue_date: string;
  source: string;
  source_hash: string | null;
  client_name: string;
}

function matchesOf() {
  return qb
    .selectFrom('invoices as i')
    .innerJoin('clients as c', 'c.id', 'i.client_id')
    .select(['i.id', 'i.client_id', 'i.issue_date', 'i.source', 'i.source_hash', 'c.denominazione as client_name']);
}

const Q = {
  issuedByKey: template((p: { year: number; number: string; type: string }) =>
    qb.selectFrom('invoices').select(EXISTING).where('year', '=', p.year).where('number', '=', p.number).where('document_type', '=', p.type),
  ),
  issuedByNumber: template((p: { year: number; number: string }) =>
    qb.selectFrom('invoices').select([...EXISTING, 'document_type']).where('year', '=', p.year).where('number', '=', p.number).orderBy('id').limit(1),
  ),
  receivedByKey: template((p: { supplier: string; type: string; number: string; issueDate: string }) =>
    qb
      .selectFrom('received_invoices')
      .select(['id', 'source_hash'])
      .where('supplier_key', '=', p.supplier)
      .where('document_type', '=', p.type)
      .where('number', '=', p.number)
      .where('issue_date', '=', p.issueDate),
  ),
  insertReceived: template((p: Omit<ReceivedInvoiceRow, 'lines' | 'instalments'> & { year: number; lines: string; instalments: string }) =>
    qb.insertInto('received_invoices').values({
      supplier_name: p.supplierName,
      supplier_vat: p.supplierVat,
      supplier_cf: p.supplierCf,
      supplier_key: p.supplierKey,
      document_type: p.documentType,
      number: p.number,
      issue_date: p.issueDate,
      year: p.year,
      currency: p.currency,
      net_cents: p.netCents,
      vat_cents: p.vatCents,
      total_cents: p.totalCents,
      ritenuta_cents: p.ritenutaCents,
      bollo_cents: p.bolloCents,
      due_date: p.dueDate,
      lines: p.lines,
      instalments: p.instalments,
      notes: p.notes,
      source_hash: p.sourceHash,
      source_name: p.sourceName,
    }),
  ),
  matchByNumber: template((p: { year: number; number: string }) => matchesOf().where('i.year', '=', p.year).where('i.number', '=', p.number)),
  matchCsvByHash: template((p: { clientId: number; issueDate: string; hash: string }) =>
    matchesOf().where('i.client_id', '=', p.clientId).where('i.issue_date', '=', p.issueDate).where('i.source', '=', 'csv').where('i.source_hash', '=', p.hash),
  ),
  updateFigures: template((p: { id: number; dueDate: string; totalCents: number; disputed: 0 | 1; documentType: string; hash: string; now: string }) =>
    qb
      .updateTable('invoices')
      .set({ due_date: p.dueDate, net_cents: p.totalCents, vat_cents: 0, total_cents: p.totalCents, bollo_cents: 0, disputed: p.disputed, document_type: p.documentType, source_hash: p.hash, updated_at: p.now })
      .where('id', '=', p.id),
  ),
  updateFirstLine: template((p: { id: number; description: string | null; totalCents: number }) =>
    qb
      .updateTable('invoice_lines')
      .set((eb) => ({ description: eb.fn.coalesce(eb.val(p.description), eb.ref('description')), unit_price_cents: p.totalCents, net_cents: p.totalCents, vat_cents: 0, total_cents: p.totalCents }))
      .where('invoice_id', '=', p.id)
      .where('line_no', '=', 1),
  ),
  statusFromPayments: template((p: { id: number; status: InvoiceStatus }) => qb.updateTable('invoices').set({ status: p.status }).where('id', '=', p.id)),
};

export class ImportedInvoiceRepository {
  private readonly sql: SqlRunner;
  private readonly invoices: InvoiceRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
    this.invoices = new InvoiceRepository(connection);
  }

  /** The issued invoice with this natural key in the year (number and type), if any. */
  issued(year: number, number: string, documentType: string): ExistingInvoice | undefined {
    return this.sql.first(Q.issuedByKey, { year, number, type: documentType });
  }

  /** Any issued invoice of the year carrying this number, whatever its type. */
  issuedWithNumber(year: number, number: string): (ExistingInvoice & { document_type: string }) | undefined {
    return this.sql.first(Q.issuedByNumber, { year, number });
  }

  received(supplierKey: string, documentType: string, number: string, issueDate: string): { id: number; source_hash: string } | undefined {
    return this.sql.first(Q.receivedByKey, { supplier: supplierKey, type: documentType, number, issueDate });
  }

  insertIssued(inv: ImportedInvoice): number {
    const year = Number(inv.issueDate.slice(0, 4));
    const app = parseAppNumber(inv.number, year);
    const id = this.invoices.insert({
      number: inv.number,
      year,
      series: app?.series ?? '',
      seq: app?.seq ?? null,
      client_id: inv.clientId,
      document_type: inv.documentType,
      issue_date: inv.issueDate,
      due_date: inv.dueDate,
      payment_terms_days: inv.paymentTermsDays,
      payment_terms_eom: 0,
      net_cents: inv.netCents,
      vat_cents: inv.vatCents,
      total_cents: inv.totalCents,
      ritenuta_cents: inv.ritenutaCents,
      bollo_cents: inv.bolloCents,
      status: 'issued',
      disputed: 0,
      notes: inv.notes,
      source: inv.source,
      source_hash: inv.sourceHash,
      source_name: inv.sourceName,
    });
    inv.lines.forEach((l, i) =>
      this.invoices.insertLine({
        invoice_id: id,
        line_no: i + 1,
        description: l.description,
        product_id: null,
        quantity: l.quantity,
        unit_price_cents: l.unitPriceCents,
        vat_rate: l.vatRate,
        natura: l.natura,
        net_cents: l.netCents,
        vat_cents: l.vatCents,
        total_cents: l.netCents + l.vatCents,
      }),
    );
    for (const p of inv.instalments) if (p.amountCents > 0) this.invoices.insertInstalment({ invoice_id: id, due_date: p.dueDate, amount_cents: p.amountCents, method: p.method, iban: p.iban });
    return id;
  }

  insertReceived(row: ReceivedInvoiceRow): number {
    return this.sql.run(Q.insertReceived, {
      ...row,
      year: Number(row.issueDate.slice(0, 4)),
      lines: JSON.stringify(row.lines),
      instalments: JSON.stringify(row.instalments),
    }).lastInsertRowid;
  }

  /** The invoice of the year with this number (a CSV row naming its number). */
  matchByNumber(year: number, number: string): ImportedMatch | undefined {
    return this.sql.first(Q.matchByNumber, { year, number });
  }

  /** The invoice an earlier CSV import wrote for this client, date and row fingerprint (a row without a number). */
  matchCsvRow(clientId: number, issueDate: string, hash: string): ImportedMatch | undefined {
    return this.sql.first(Q.matchCsvByHash, { clientId, issueDate, hash });
  }

  /** A re-imported row's figures: one line, no VAT split, no stamp duty (the source's total is what is owed). */
  updateFigures(id: number, f: { dueDate: string; totalCents: number; disputed: boolean; documentType: string; hash: string; description: string | null; now: string }): void {
    this.sql.run(Q.updateFigures, { id, dueDate: f.dueDate, totalCents: f.totalCents, disputed: f.disputed ? 1 : 0, documentType: f.documentType, hash: f.hash, now: f.now });
    this.sql.run(Q.updateFirstLine, { id, description: f.description, totalCents: f.totalCents });
  }

  /** The status the payments give: paid when nothing is open, partially paid when something was received, else issued. */
  setStatusFromPayments(id: number, openCents: number, paidCents: number): void {
    this.sql.run(Q.statusFromPayments, { id, status: openCents === 0 ? 'paid' : paidCents > 0 ? 'partially_paid' : 'issued' });
  }
}
