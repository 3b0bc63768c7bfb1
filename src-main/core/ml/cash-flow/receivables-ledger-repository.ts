// What the cash-flow model learns from: every issued invoice (drafts and cancelled ones are not
// receivables) with its line count, and every payment row. Read whole and as arrays of values, not
// objects: features are computed over the entire history on each training and forecast.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { qb, SqlRunner, template } from '../../db/sql-runner';

export type LedgerInvoice = [
  id: number,
  clientId: number,
  issueDate: string,
  dueDate: string,
  totalCents: number,
  ritenutaCents: number,
  termsEom: number,
  disputed: number,
  documentType: string,
  lineCount: number,
];

export type LedgerPayment = [invoiceId: number, amountCents: number, paidDate: string | null, paidAmountCents: number, method: string | null];

const Q = {
  invoices: template(() =>
    qb
      .selectFrom('invoices as i')
      .leftJoin(
        (eb) => eb.selectFrom('invoice_lines').select(['invoice_id', (e) => e.fn.countAll<number>().as('n')]).groupBy('invoice_id').as('l'),
        (join) => join.onRef('l.invoice_id', '=', 'i.id'),
      )
      .select([
        'i.id',
        'i.client_id',
        'i.issue_date',
        'i.due_date',
        'i.total_cents',
        'i.ritenuta_cents',
        'i.payment_terms_eom',
        'i.disputed',
        'i.document_type',
        sql<number>`COALESCE(l.n, 0)`.as('line_count'),
      ])
      .where('i.status', 'not in', ['draft', 'cancelled'])
      .orderBy('i.issue_date')
      .orderBy('i.id'),
  ),
  payments: template(() =>
    qb.selectFrom('payments').select(['invoice_id', 'amount_cents', 'paid_date', 'paid_amount_cents', 'method']).orderBy('invoice_id').orderBy('paid_date').orderBy('id'),
  ),
};

export class ReceivablesLedgerRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Every issued invoice, by issue date then id. */
  invoices(): LedgerInvoice[] {
    return this.sql.tuples<LedgerInvoice, object>(Q.invoices, {});
  }

  /** Every payment row, by invoice, then paid date (open rows first), then id. */
  payments(): LedgerPayment[] {
    return this.sql.tuples<LedgerPayment, object>(Q.payments, {});
  }
}
