// invoices with their lines (invoice_lines) and instalments (payments): the summary read model
// (client name, paid, outstanding, next due date from one grouped query), the filtered and
// searched pages of the Data page and the CLI, numbering lookups, and the writes of creation.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Insertable, type Selectable, type SqlBool } from 'kysely';
import type { InvoiceLinesTable, InvoicesTable, InvoiceStatus, PaymentsTable } from '../db/schema';
import { foldText } from '../db/sql-functions';
import { inJson } from '../db/sql-helpers';
import { placeholders, qb, SqlRunner, template } from '../db/sql-runner';

export type Invoice = Selectable<InvoicesTable>;
export type InvoiceLine = Selectable<InvoiceLinesTable>;
export type Payment = Selectable<PaymentsTable>;

/** An invoice row plus its client's name and what has been paid of it. */
export interface InvoiceSummary extends Invoice {
  client_name: string;
  client_partita_iva: string | null;
  paid_cents: number;
  outstanding_cents: number;
  /** Earliest due date among open instalments (null when nothing is open). */
  next_due_date: string | null;
  /** Date of the latest receipt (null when nothing was paid). */
  last_paid_date: string | null;
}

export interface InvoiceQuery {
  year?: number;
  clientId?: number;
  status?: InvoiceStatus;
  /** Issue date on or after. */
  from?: string;
  /** Issue date on or before. */
  to?: string;
  /** Something is still to be paid (issued, not cancelled). */
  unpaid?: boolean;
  /** Unpaid with an instalment past its due date as of `today`. */
  overdue?: boolean;
  today?: string;
  /**
   * Words that must all occur (case- and accent-insensitive) in what the Data page shows of an
   * invoice: its number as printed, the client's name and P.IVA, the notes, the document type.
   */
  search?: string;
  order?: 'asc' | 'desc';
}

export type NewInvoice = Required<
  Pick<
    Insertable<InvoicesTable>,
    | 'number'
    | 'year'
    | 'series'
    | 'seq'
    | 'client_id'
    | 'document_type'
    | 'issue_date'
    | 'due_date'
    | 'payment_terms_days'
    | 'payment_terms_eom'
    | 'net_cents'
    | 'vat_cents'
    | 'total_cents'
    | 'ritenuta_cents'
    | 'bollo_cents'
    | 'status'
    | 'disputed'
    | 'notes'
    | 'source'
    | 'source_hash'
    | 'source_name'
  >
>;

export type NewInvoiceLine = Required<
  Pick<
    Insertable<InvoiceLinesTable>,
    'invoice_id' | 'line_no' | 'description' | 'product_id' | 'quantity' | 'unit_price_cents' | 'vat_rate' | 'natura' | 'net_cents' | 'vat_cents' | 'total_cents'
  >
>;

export interface NewInstalment {
  invoice_id: number;
  due_date: string;
  amount_cents: number;
  method: string | null;
  iban: string | null;
}

const INVOICE_COLUMNS = [
  'number',
  'year',
  'series',
  'seq',
  'client_id',
  'document_type',
  'issue_date',
  'due_date',
  'payment_terms_days',
  'payment_terms_eom',
  'net_cents',
  'vat_cents',
  'total_cents',
  'ritenuta_cents',
  'bollo_cents',
  'status',
  'disputed',
  'notes',
  'source',
  'source_hash',
  'source_name',
] as const satisfies readonly (keyof NewInvoice)[];

const LINE_COLUMNS = [
  'invoice_id',
  'line_no',
  'description',
  'product_id',
  'quantity',
  'unit_price_cents',
  'vat_rate',
  'natura',
  'net_cents',
  'vat_cents',
  'total_cents',
] as const satisfies readonly (keyof NewInvoiceLine)[];

/** The number as people read it: "12/2025" for a plain number, the number itself when it carries the year. */
const printedLabel = sql<string>`CASE WHEN instr(i.number, CAST(i.year AS TEXT)) > 0 THEN i.number ELSE i.number || '/' || i.year END`;

/** Invoices with their client and the sums over their instalments. */
function summaries() {
  return qb
    .selectFrom('invoices as i')
    .innerJoin('clients as c', 'c.id', 'i.client_id')
    .leftJoin('payments as p', 'p.invoice_id', 'i.id')
    .selectAll('i')
    .select((eb) => [
      'c.denominazione as client_name',
      'c.partita_iva as client_partita_iva',
      sql<number>`COALESCE(SUM(p.paid_amount_cents), 0)`.as('paid_cents'),
      sql<number>`COALESCE(SUM(p.amount_cents - p.paid_amount_cents), 0)`.as('outstanding_cents'),
      eb.fn.min<string | null>(sql`CASE WHEN p.amount_cents > p.paid_amount_cents THEN p.due_date END`).as('next_due_date'),
      eb.fn.max<string | null>('p.paid_date').as('last_paid_date'),
    ])
    .groupBy('i.id');
}

const Q = {
  summary: template((p: { id: number }) => summaries().where('i.id', '=', p.id)),
  exists: template((p: { id: number }) => qb.selectFrom('invoices').select('id').where('id', '=', p.id)),
  byNumberInYear: template((p: { number: string; year: number }) => qb.selectFrom('invoices').select(['id', 'issue_date']).where('number', '=', p.number).where('year', '=', p.year)),
  // Case-insensitive, as people type them ("fpr 12/2025"); the index on number is NOCASE too.
  byNumberNoCase: template((p: { number: string }) =>
    qb.selectFrom('invoices').select(['id', 'year']).where(sql<SqlBool>`number = ${p.number} COLLATE NOCASE`).orderBy('year', 'desc').orderBy('id'),
  ),
  byNumberNoCaseInYear: template((p: { number: string; year: number }) =>
    qb.selectFrom('invoices').select(['id', 'year']).where(sql<SqlBool>`number = ${p.number} COLLATE NOCASE`).where('year', '=', p.year).orderBy('id'),
  ),
  maxSeq: template((p: { year: number; series: string }) => qb.selectFrom('invoices').select((eb) => eb.fn.max<number | null>('seq').as('n')).where('year', '=', p.year).where('series', '=', p.series)),
  lines: template((p: { id: number }) => qb.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', p.id).orderBy('line_no')),
  instalments: template((p: { id: number }) =>
    qb.selectFrom('payments').selectAll().where('invoice_id', '=', p.id).orderBy('due_date').orderBy(sql`COALESCE(paid_date, '9999-12-31')`).orderBy('id'),
  ),
  clientTotals: template((p: { clientId: number }) =>
    qb
      .selectFrom(summaries().where('i.client_id', '=', p.clientId).as('s'))
      .select((eb) => [eb.fn.countAll<number>().as('invoices'), sql<number>`COALESCE(SUM(s.total_cents), 0)`.as('total_cents'), sql<number>`COALESCE(SUM(s.outstanding_cents), 0)`.as('outstanding_cents')]),
  ),
  numbersAndClients: template((p: { ids: string }) =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select(['i.id', 'i.number', 'i.year', 'c.denominazione'])
      .where('i.id', 'in', inJson<number>(p.ids)),
  ),
  count: template(() => qb.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n'))),
  insert: template((p: NewInvoice) => qb.insertInto('invoices').values(placeholders(p, INVOICE_COLUMNS))),
  insertLine: template((p: NewInvoiceLine) => qb.insertInto('invoice_lines').values(placeholders(p, LINE_COLUMNS))),
  insertInstalment: template((p: NewInstalment) =>
    qb.insertInto('payments').values({ invoice_id: p.invoice_id, due_date: p.due_date, amount_cents: p.amount_cents, method: p.method, iban: p.iban }),
  ),
  setStatus: template((p: { id: number; status: InvoiceStatus; now: string }) => qb.updateTable('invoices').set({ status: p.status, updated_at: p.now }).where('id', '=', p.id)),
  delete: template((p: { id: number }) => qb.deleteFrom('invoices').where('id', '=', p.id)),
};

export class InvoiceRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  summary(id: number): InvoiceSummary | undefined {
    return this.sql.first(Q.summary, { id });
  }

  exists(id: number): boolean {
    return this.sql.first(Q.exists, { id }) !== undefined;
  }

  /** The invoice of a year with exactly this number, if any. */
  byNumberInYear(number: string, year: number): { id: number; issue_date: string } | undefined {
    return this.sql.first(Q.byNumberInYear, { number, year });
  }

  /** Invoices with this number (case-insensitive), in any year (newest year first) or in one. */
  byNumber(number: string, year?: number): { id: number; year: number }[] {
    return year === undefined ? this.sql.all(Q.byNumberNoCase, { number }) : this.sql.all(Q.byNumberNoCaseInYear, { number, year });
  }

  /** The highest sequence number used by a series in a year (null when none). */
  maxSeq(year: number, series: string): number | null {
    return this.sql.first(Q.maxSeq, { year, series })!.n;
  }

  lines(invoiceId: number): InvoiceLine[] {
    return this.sql.all(Q.lines, { id: invoiceId });
  }

  /** The instalments of an invoice by due date (paid ones first on the same day). */
  instalments(invoiceId: number): Payment[] {
    return this.sql.all(Q.instalments, { id: invoiceId });
  }

  /** Number, year and client name of each of these invoices (those that exist), in no particular order. */
  numbersAndClients(ids: readonly number[]): { id: number; number: string; year: number; denominazione: string }[] {
    return this.sql.all(Q.numbersAndClients, { ids: JSON.stringify(ids) });
  }

  count(): number {
    return this.sql.first(Q.count, {})!.n;
  }

  /** A client's invoices (any status): how many, their total, and what is still open on them. */
  clientTotals(clientId: number): { invoices: number; total_cents: number; outstanding_cents: number } {
    return this.sql.first(Q.clientTotals, { clientId })!;
  }

  /** Summaries matching the query, newest first (or oldest with order 'asc'); a page when limit is given. */
  list(query: InvoiceQuery, page: { limit?: number; offset?: number } = {}): InvoiceSummary[] {
    const dir = query.order === 'asc' ? 'asc' : 'desc';
    return this.sql.all(
      this.matching(query)
        .orderBy('i.issue_date', dir)
        .orderBy('i.year', dir)
        .orderBy('i.series', dir)
        .orderBy('i.seq', dir)
        .orderBy('i.number', dir)
        .limit(page.limit ?? -1)
        .offset(page.offset ?? 0),
    );
  }

  /** How many invoices match the query. */
  countMatching(query: InvoiceQuery): number {
    return this.sql.first(qb.selectFrom(this.matching(query).as('s')).select((eb) => eb.fn.countAll<number>().as('n')))!.n;
  }

  insert(row: NewInvoice): number {
    return this.sql.run(Q.insert, row).lastInsertRowid;
  }

  insertLine(row: NewInvoiceLine): void {
    this.sql.run(Q.insertLine, row);
  }

  insertInstalment(row: NewInstalment): void {
    this.sql.run(Q.insertInstalment, row);
  }

  setStatus(id: number, status: InvoiceStatus, now: string): void {
    this.sql.run(Q.setStatus, { id, status, now });
  }

  /** Deletes an invoice; its lines and instalments go with it (ON DELETE CASCADE). */
  delete(id: number): void {
    this.sql.run(Q.delete, { id });
  }

  /** The summaries a query selects. */
  private matching(query: InvoiceQuery) {
    let q = summaries();
    if (query.year !== undefined) q = q.where('i.year', '=', query.year);
    if (query.clientId !== undefined) q = q.where('i.client_id', '=', query.clientId);
    if (query.status) q = q.where('i.status', '=', query.status);
    if (query.from) q = q.where('i.issue_date', '>=', query.from);
    if (query.to) q = q.where('i.issue_date', '<=', query.to);
    if (query.search) {
      const hay = sql<string>`fold_text(${printedLabel} || ' ' || c.denominazione || ' ' || COALESCE(c.partita_iva, '') || ' ' || COALESCE(i.notes, '') || ' ' || i.document_type)`;
      for (const word of foldText(query.search).split(/\s+/).filter(Boolean)) q = q.where(sql<SqlBool>`instr(${hay}, ${word}) > 0`);
    }
    if (query.unpaid || query.overdue) q = q.where('i.status', 'not in', ['draft', 'cancelled']).having(sql<SqlBool>`outstanding_cents > 0`);
    if (query.overdue) q = q.having(sql<SqlBool>`next_due_date < ${query.today}`);
    return q;
  }
}
