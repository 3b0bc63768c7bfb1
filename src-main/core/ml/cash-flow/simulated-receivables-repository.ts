// The generated receivables histories of receivables-simulator.ts written into the app's tables:
// clients, invoices with one line each (numbers continue the year's plain sequence) and their
// payment rows. Tests and benchmarks use it to build histories the app then reads as a user's.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { InvoiceStatus } from '../../../../src-shared/invoice';
import { qb, SqlRunner } from '../../db/sql-runner';

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

export class SimulatedReceivablesRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  insertClient(name: string, termsDays: number, eom: boolean): number {
    return this.sql.run(qb.insertInto('clients').values({ denominazione: name, payment_terms_days: termsDays, payment_terms_eom: eom ? 1 : 0 })).lastInsertRowid;
  }

  /** Inserts the invoice with the next number of its year's plain sequence, and its one line. */
  insertInvoice(inv: SimulatedInvoice): number {
    const next = this.sql.first(
      qb
        .selectFrom('invoices')
        .select(sql<number>`COALESCE(MAX(seq), 0) + 1`.as('n'))
        .where('year', '=', inv.year)
        .where('series', '=', ''),
    )!.n;
    const id = this.sql.run(
      qb.insertInto('invoices').values({
        number: String(next),
        seq: next,
        year: inv.year,
        client_id: inv.clientId,
        document_type: inv.documentType,
        issue_date: inv.issueDate,
        due_date: inv.dueDate,
        payment_terms_days: inv.termsDays,
        payment_terms_eom: inv.eom ? 1 : 0,
        net_cents: inv.netCents,
        vat_cents: inv.vatCents,
        total_cents: inv.totalCents,
        status: inv.status,
        disputed: inv.disputed ? 1 : 0,
      }),
    ).lastInsertRowid;
    this.sql.run(
      qb.insertInto('invoice_lines').values({
        invoice_id: id,
        line_no: 1,
        description: 'Servizi professionali',
        quantity: 1,
        unit_price_cents: inv.netCents,
        vat_rate: 22,
        net_cents: inv.netCents,
        vat_cents: inv.vatCents,
        total_cents: inv.totalCents,
      }),
    );
    return id;
  }

  /** A payment row: paid on `paidDate` in full, or open (paidDate null). */
  insertPayment(invoiceId: number, dueDate: string, cents: number, paidDate: string | null, method: string | null): void {
    this.sql.run(qb.insertInto('payments').values({ invoice_id: invoiceId, due_date: dueDate, amount_cents: cents, paid_date: paidDate, paid_amount_cents: paidDate ? cents : 0, method }));
  }
}
