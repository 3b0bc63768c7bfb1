// Writes invoices that come from another system exactly as their source has them: the number, the
// totals and VAT summary of the document (not recomputed from the lines, which real files round
// differently), lines with their VAT nature, and the instalments of the payment terms. Issued
// invoices join `invoices` (so the knowledge index and, once paid, the cash-flow model use them like
// any other); received ones go to `received_invoices`, apart. Callers run these inside their
// transaction; every statement is prepared once per connection.
import type BetterSqlite3 from 'better-sqlite3';
import { parseAppNumber } from './invoice-number';

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

/** Prepared statements over one connection for the importers. */
export class ImportedInvoiceStore {
  private readonly stmts;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.stmts = {
      issuedByKey: sqlite.prepare<[number, string, string], ExistingInvoice>(
        'SELECT id, issue_date, source, source_hash, client_id FROM invoices WHERE year = ? AND number = ? AND document_type = ?',
      ),
      issuedByNumber: sqlite.prepare<[number, string], ExistingInvoice & { document_type: string }>(
        'SELECT id, issue_date, source, source_hash, client_id, document_type FROM invoices WHERE year = ? AND number = ? ORDER BY id LIMIT 1',
      ),
      receivedByKey: sqlite.prepare<[string, string, string, string], { id: number; source_hash: string }>(
        'SELECT id, source_hash FROM received_invoices WHERE supplier_key = ? AND document_type = ? AND number = ? AND issue_date = ?',
      ),
      insertInvoice: sqlite.prepare(
        `INSERT INTO invoices (number, year, series, seq, client_id, document_type, issue_date, due_date, payment_terms_days, payment_terms_eom,
           net_cents, vat_cents, total_cents, ritenuta_cents, bollo_cents, status, disputed, notes, source, source_hash, source_name)
         VALUES (@number, @year, @series, @seq, @client, @type, @issue, @due, @terms, 0, @net, @vat, @total, @ritenuta, @bollo, 'issued', 0, @notes,
           @source, @hash, @name)`,
      ),
      insertLine: sqlite.prepare(
        `INSERT INTO invoice_lines (invoice_id, line_no, description, product_id, quantity, unit_price_cents, vat_rate, natura, net_cents, vat_cents, total_cents)
         VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertPayment: sqlite.prepare('INSERT INTO payments (invoice_id, due_date, amount_cents, method, iban) VALUES (?, ?, ?, ?, ?)'),
      insertReceived: sqlite.prepare(
        `INSERT INTO received_invoices (supplier_name, supplier_vat, supplier_cf, supplier_key, document_type, number, issue_date, year, currency,
           net_cents, vat_cents, total_cents, ritenuta_cents, bollo_cents, due_date, lines, instalments, notes, source_hash, source_name)
         VALUES (@supplierName, @supplierVat, @supplierCf, @supplierKey, @documentType, @number, @issueDate, @year, @currency,
           @netCents, @vatCents, @totalCents, @ritenutaCents, @bolloCents, @dueDate, @lines, @instalments, @notes, @sourceHash, @sourceName)`,
      ),
    };
  }

  /** The issued invoice with this natural key in the year (number and type), if any. */
  issued(year: number, number: string, documentType: string): ExistingInvoice | undefined {
    return this.stmts.issuedByKey.get(year, number, documentType);
  }

  /** Any issued invoice of the year carrying this number, whatever its type. */
  issuedWithNumber(year: number, number: string): (ExistingInvoice & { document_type: string }) | undefined {
    return this.stmts.issuedByNumber.get(year, number);
  }

  received(supplierKey: string, documentType: string, number: string, issueDate: string): { id: number; source_hash: string } | undefined {
    return this.stmts.receivedByKey.get(supplierKey, documentType, number, issueDate);
  }

  insertIssued(inv: ImportedInvoice): number {
    const year = Number(inv.issueDate.slice(0, 4));
    const app = parseAppNumber(inv.number, year);
    const id = Number(
      this.stmts.insertInvoice.run({
        number: inv.number,
        year,
        series: app?.series ?? '',
        seq: app?.seq ?? null,
        client: inv.clientId,
        type: inv.documentType,
        issue: inv.issueDate,
        due: inv.dueDate,
        terms: inv.paymentTermsDays,
        net: inv.netCents,
        vat: inv.vatCents,
        total: inv.totalCents,
        ritenuta: inv.ritenutaCents,
        bollo: inv.bolloCents,
        notes: inv.notes,
        source: inv.source,
        hash: inv.sourceHash,
        name: inv.sourceName,
      }).lastInsertRowid,
    );
    inv.lines.forEach((l, i) => this.stmts.insertLine.run(id, i + 1, l.description, l.quantity, l.unitPriceCents, l.vatRate, l.natura, l.netCents, l.vatCents, l.netCents + l.vatCents));
    for (const p of inv.instalments) if (p.amountCents > 0) this.stmts.insertPayment.run(id, p.dueDate, p.amountCents, p.method, p.iban);
    return id;
  }

  insertReceived(row: ReceivedInvoiceRow): number {
    return Number(
      this.stmts.insertReceived.run({
        ...row,
        year: Number(row.issueDate.slice(0, 4)),
        lines: JSON.stringify(row.lines),
        instalments: JSON.stringify(row.instalments),
      }).lastInsertRowid,
    );
  }
}
