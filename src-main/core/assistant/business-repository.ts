// What the assistant reads to answer business questions: invoices with their client, the sums of
// their instalments, receipts in a period, counts, clients, and the names of indexed records. Read
// only. Lists of ids are bound as one JSON parameter, so any number of ids is one statement.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type SqlBool } from 'kysely';
import type { InvoiceStatus } from '../db/schema';
import { inJson } from '../db/sql-helpers';
import { qb, SqlRunner, template } from '../db/sql-runner';
import { CREDIT_NOTE_TYPES } from '../domain/document-types';

export const NOT_ISSUED: InvoiceStatus[] = ['draft', 'cancelled'];

export interface InvoiceRow {
  id: number;
  number: string;
  year: number;
  client_id: number;
  denominazione: string;
  partita_iva: string | null;
  document_type: string;
  status: InvoiceStatus;
  issue_date: string;
  due_date: string;
  created_at: string;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
  ritenuta_cents: number;
}

export interface InvoiceRowFilter {
  /** Inclusive ISO bounds on issue_date. */
  issuedFrom?: string;
  issuedTo?: string;
  clientId?: number;
  /** Only issued invoices (not drafts or cancelled). */
  issuedOnly?: boolean;
}

export interface PaymentAggregate {
  invoice_id: number;
  n: number;
  amount: number;
  paid: number;
  last_paid: string | null;
}

export interface OpenInstalment {
  invoice_id: number;
  due_date: string;
  open: number;
}

function invoiceRows() {
  return qb
    .selectFrom('invoices as i')
    .innerJoin('clients as c', 'c.id', 'i.client_id')
    .select([
      'i.id', 'i.number', 'i.year', 'i.client_id', 'c.denominazione', 'c.partita_iva', 'i.document_type', 'i.status',
      'i.issue_date', 'i.due_date', 'i.created_at', 'i.net_cents', 'i.vat_cents', 'i.total_cents', 'i.ritenuta_cents',
    ]);
}

const createdDay = sql<string>`substr(i.created_at, 1, 10)`;

const Q = {
  createdOrIssued: template((p: { from: string; to: string }) =>
    invoiceRows()
      .where((eb) =>
        eb.or([eb.and([eb(createdDay, '>=', p.from), eb(createdDay, '<=', p.to)]), eb.and([eb('i.issue_date', '>=', p.from), eb('i.issue_date', '<=', p.to)])]),
      )
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc'),
  ),
  byIds: template((p: { ids: string }) => invoiceRows().where('i.id', 'in', inJson<number>(p.ids))),
  openOfAll: template(() =>
    invoiceRows().where('i.status', 'not in', [...NOT_ISSUED, 'paid']).where('i.document_type', 'not in', [...CREDIT_NOTE_TYPES]).orderBy('i.due_date').orderBy('i.id'),
  ),
  openOfClient: template((p: { clientId: number }) =>
    invoiceRows()
      .where('i.status', 'not in', [...NOT_ISSUED, 'paid'])
      .where('i.document_type', 'not in', [...CREDIT_NOTE_TYPES])
      .where('i.client_id', '=', p.clientId)
      .orderBy('i.due_date')
      .orderBy('i.id'),
  ),
  collected: template((p: { from: string; to: string }) =>
    qb
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select([sql<number>`coalesce(sum(p.paid_amount_cents), 0)`.as('cents'), sql<number>`count(*)`.as('count')])
      .where('p.paid_date', '>=', p.from)
      .where('p.paid_date', '<=', p.to)
      .where('p.paid_amount_cents', '>', 0)
      .where('i.status', 'not in', NOT_ISSUED),
  ),
  receipts: template((p: { from: string; to: string }) =>
    qb
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select(['i.client_id', 'p.paid_amount_cents'])
      .where('p.paid_date', '>=', p.from)
      .where('p.paid_date', '<=', p.to)
      .where('p.paid_amount_cents', '>', 0)
      .where('i.status', 'not in', NOT_ISSUED),
  ),
  counts: template(() =>
    qb.selectNoFrom((eb) => [
      eb.selectFrom('invoices').select(eb.fn.countAll<number>().as('n')).as('invoices'),
      eb.selectFrom('clients').select(eb.fn.countAll<number>().as('n')).as('clients'),
      eb.selectFrom('products').select(eb.fn.countAll<number>().as('n')).as('products'),
      eb.selectFrom('invoices').select(eb.fn.countAll<number>().as('n')).where('status', '=', 'draft').as('drafts'),
    ]),
  ),
  clientsCreated: template((p: { from: string; to: string }) =>
    qb
      .selectFrom('clients')
      .select(sql<number>`count(*)`.as('n'))
      .where(sql<string>`substr(created_at, 1, 10)`, '>=', p.from)
      .where(sql<string>`substr(created_at, 1, 10)`, '<=', p.to),
  ),
  clients: template(() => qb.selectFrom('clients').select(['id', 'denominazione', 'partita_iva', 'codice_fiscale', 'city']).orderBy('id')),
  client: template((p: { id: number }) => qb.selectFrom('clients').selectAll().where('id', '=', p.id)),
  paymentAggregates: template((p: { ids: string }) =>
    qb
      .selectFrom('payments')
      .select([
        'invoice_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(amount_cents)`.as('amount'),
        sql<number>`sum(paid_amount_cents)`.as('paid'),
        sql<string | null>`max(paid_date)`.as('last_paid'),
      ])
      .where('invoice_id', 'in', inJson<number>(p.ids))
      .groupBy('invoice_id'),
  ),
  openInstalments: template((p: { ids: string }) =>
    qb
      .selectFrom('payments')
      .select(['invoice_id', 'due_date', sql<number>`amount_cents - paid_amount_cents`.as('open')])
      .where('invoice_id', 'in', inJson<number>(p.ids))
      .where(sql<SqlBool>`amount_cents - paid_amount_cents > 0`),
  ),
  instalments: template((p: { ids: string }) =>
    qb.selectFrom('payments').select(['invoice_id', 'due_date', 'amount_cents', 'paid_amount_cents']).where('invoice_id', 'in', inJson<number>(p.ids)),
  ),
  invoiceName: template((p: { id: number }) =>
    qb.selectFrom('invoices as i').innerJoin('clients as c', 'c.id', 'i.client_id').select(['i.number', 'i.year', 'c.denominazione']).where('i.id', '=', p.id),
  ),
  productName: template((p: { id: number }) => qb.selectFrom('products').select(['code', 'description']).where('id', '=', p.id)),
  indexedDocuments: template(() => qb.selectFrom('rag_documents').select((eb) => eb.fn.countAll<number>().as('n'))),
};

export class BusinessRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Invoices matching the filter, newest first. */
  invoices(filter: InvoiceRowFilter): InvoiceRow[] {
    let q = invoiceRows();
    if (filter.issuedFrom) q = q.where('i.issue_date', '>=', filter.issuedFrom);
    if (filter.issuedTo) q = q.where('i.issue_date', '<=', filter.issuedTo);
    if (filter.clientId !== undefined) q = q.where('i.client_id', '=', filter.clientId);
    if (filter.issuedOnly) q = q.where('i.status', 'not in', NOT_ISSUED);
    return this.sql.all(q.orderBy('i.issue_date', 'desc').orderBy('i.id', 'desc'));
  }

  /** Invoices created (created_at day) or issued within [from, to], drafts included, newest created first. */
  invoicesCreatedOrIssued(from: string, to: string): InvoiceRow[] {
    return this.sql.all(Q.createdOrIssued, { from, to });
  }

  invoicesByIds(ids: readonly number[]): InvoiceRow[] {
    return this.sql.all(Q.byIds, { ids: JSON.stringify(ids) });
  }

  /** Issued, not paid, not credit-note invoices by due date, of every client or one. */
  openInvoices(clientId?: number): InvoiceRow[] {
    return clientId === undefined ? this.sql.all(Q.openOfAll, {}) : this.sql.all(Q.openOfClient, { clientId });
  }

  /** Receipts on issued invoices dated within [from, to]: the sum and how many. */
  collected(from: string, to: string): { cents: number; count: number } {
    return this.sql.first(Q.collected, { from, to })!;
  }

  /** The same receipts one by one, with their invoice's client. */
  receipts(from: string, to: string): { client_id: number; paid_amount_cents: number }[] {
    return this.sql.all(Q.receipts, { from, to });
  }

  counts(): { invoices: number; clients: number; products: number; drafts: number } {
    const r = this.sql.first(Q.counts, {})!;
    return { invoices: r.invoices ?? 0, clients: r.clients ?? 0, products: r.products ?? 0, drafts: r.drafts ?? 0 };
  }

  clientsCreatedBetween(from: string, to: string): number {
    return this.sql.first(Q.clientsCreated, { from, to })!.n;
  }

  clients(): { id: number; denominazione: string; partita_iva: string | null; codice_fiscale: string | null; city: string | null }[] {
    return this.sql.all(Q.clients, {});
  }

  client(id: number) {
    return this.sql.first(Q.client, { id });
  }

  /** Per invoice: its instalments' count, sums and last receipt date (invoices without instalments are absent). */
  paymentAggregates(invoiceIds: readonly number[]): PaymentAggregate[] {
    return this.sql.all(Q.paymentAggregates, { ids: JSON.stringify(invoiceIds) });
  }

  /** The instalments of these invoices with something still open, and how much. */
  openInstalments(invoiceIds: readonly number[]): OpenInstalment[] {
    return this.sql.all(Q.openInstalments, { ids: JSON.stringify(invoiceIds) });
  }

  instalments(invoiceIds: readonly number[]): { invoice_id: number; due_date: string; amount_cents: number; paid_amount_cents: number }[] {
    return this.sql.all(Q.instalments, { ids: JSON.stringify(invoiceIds) });
  }

  invoiceName(id: number): { number: string; year: number; denominazione: string } | undefined {
    return this.sql.first(Q.invoiceName, { id });
  }

  productName(id: number): { code: string; description: string } | undefined {
    return this.sql.first(Q.productName, { id });
  }

  indexedDocuments(): number {
    return this.sql.first(Q.indexedDocuments, {})!.n;
  }
}
