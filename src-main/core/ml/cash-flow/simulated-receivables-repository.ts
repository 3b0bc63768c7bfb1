// The generated receivables histories of receivables-simulator.ts and synthetic-history.ts written
// into the app's tables: clients, invoices with one line each (numbers continue the year's plain
// sequence, or are given) and their payment rows. Tests and benchmarks use it to build histories the
// app then reads as a user's. Templates: a history is tens of thousands of rows.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { InvoiceStatus } from '../../../../src-shared/invoice';
import { qb, SqlRunner, template } from '../../db/sql-runner';

export interface SimulatedInvoice {
  year: number;
  clientId: number;
  documentType: string;
  issueDate: string;
  dueDate: string;
  termsDays: number;
  eom: boolean;
  netCents: number;
  vatCents: number;
  totalCents: number;
  status: InvoiceStatus;
  disputed: boolean;
}

interface InvoiceRow {
  seq: number;
  number: string;
  year: number;
  clientId: number;
  documentType: string;
  issueDate: string;
  dueDate: string;
  termsDays: number;
  eom: 0 | 1;
  netCents: number;
  vatCents: number;
  totalCents: number;
  status: InvoiceStatus;
  disputed: 0 | 1;
}

const Q = {
  insertClient: template((p: { name: string; termsDays: number; eom: 0 | 1 }) =>
    qb.insertInto('clients').values({ denominazione: p.name, payment_terms_days: p.termsDays, payment_terms_eom: p.eom }),
  ),
  nextSeq: template((p: { year: number }) =>
    qb
      .selectFrom('invoices')
      .select(sql<number>`COALESCE(MAX(seq), 0) + 1`.as('n'))
      .where('year', '=', p.year)
      .where('series', '=', ''),
  ),
  insertInvoice: template((p: InvoiceRow) =>
    qb.insertInto('invoices').values({
      number: p.number,
      seq: p.seq,
      year: p.year,
      client_id: p.clientId,
      document_type: p.documentType,
      issue_date: p.issueDate,
      due_date: p.dueDate,
      payment_terms_days: p.termsDays,
      payment_terms_eom: p.eom,
      net_cents: p.netCents,
      vat_cents: p.vatCents,
      total_cents: p.totalCents,
      status: p.status,
      disputed: p.disputed,
    }),
  ),
  insertLine: template((p: { invoiceId: number; description: string; netCents: number; vatCents: number; totalCents: number }) =>
    qb.insertInto('invoice_lines').values({
      invoice_id: p.invoiceId,
      line_no: 1,
      description: p.description,
      quantity: 1,
      unit_price_cents: p.netCents,
      vat_rate: 22,
      net_cents: p.netCents,
      vat_cents: p.vatCents,
      total_cents: p.totalCents,
    }),
  ),
  insertPayment: template((p: { invoiceId: number; dueDate: string; cents: number; paidDate: string | null; paidCents: number; method: string | null }) =>
    qb.insertInto('payments').values({ invoice_id: p.invoiceId, due_date: p.dueDate, amount_cents: p.cents, paid_date: p.paidDate, paid_amount_cents: p.paidCents, method: p.method }),
  ),
};

export class SimulatedReceivablesRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  insertClient(name: string, termsDays: number, eom: boolean): number {
    return this.sql.run(Q.insertClient, { name, termsDays, eom: eom ? 1 : 0 }).lastInsertRowid;
  }

  /**
   * Inserts the invoice and its one line (`lineDescription`), numbered `seq` in its year's plain
   * sequence, or by default the next number of that sequence.
   */
  insertInvoice(inv: SimulatedInvoice, options: { seq?: number; lineDescription?: string } = {}): number {
    const seq = options.seq ?? this.sql.first(Q.nextSeq, { year: inv.year })!.n;
    const id = this.sql.run(Q.insertInvoice, { ...inv, seq, number: String(seq), eom: inv.eom ? 1 : 0, disputed: inv.disputed ? 1 : 0 }).lastInsertRowid;
    this.sql.run(Q.insertLine, { invoiceId: id, description: options.lineDescription ?? 'Servizi professionali', netCents: inv.netCents, vatCents: inv.vatCents, totalCents: inv.totalCents });
    return id;
  }

  /** A payment row: paid on `paidDate` in full, or open (paidDate null). */
  insertPayment(invoiceId: number, dueDate: string, cents: number, paidDate: string | null, method: string | null): void {
    this.sql.run(Q.insertPayment, { invoiceId, dueDate, cents, paidDate, paidCents: paidDate ? cents : 0, method });
  }
}
