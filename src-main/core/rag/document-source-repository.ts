// What the index's documents are built from: invoices with their client, lines and payments,
// clients with their invoice history, products; plus the lookups that find entities named exactly
// in a question (invoice numbers, VAT numbers, client names). Lists are bound as one JSON parameter.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type SqlBool } from 'kysely';
import type { RagEntityType } from '../db/schema';
import { inJson } from '../db/sql-helpers';
import { qb, SqlRunner, template, type Template } from '../db/sql-runner';

const Q = {
  invoices: template((p: { ids: string }) =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select([
        'i.id',
        'i.number',
        'i.year',
        'i.document_type',
        'i.issue_date',
        'i.due_date',
        'i.net_cents',
        'i.vat_cents',
        'i.total_cents',
        'i.ritenuta_cents',
        'i.bollo_cents',
        'i.status',
        'i.disputed',
        'i.notes',
        'i.client_id',
        'c.denominazione',
        'c.partita_iva',
        'c.codice_fiscale',
        'c.city',
      ])
      .where('i.id', 'in', inJson<number>(p.ids)),
  ),
  lines: template((p: { ids: string }) =>
    qb
      .selectFrom('invoice_lines')
      .select(['invoice_id', 'description', 'quantity', 'total_cents'])
      .where('invoice_id', 'in', inJson<number>(p.ids))
      .orderBy('invoice_id')
      .orderBy('line_no')
      .orderBy('id'),
  ),
  payments: template((p: { ids: string }) =>
    qb
      .selectFrom('payments')
      .select(['invoice_id', 'due_date', 'amount_cents', 'paid_date', 'paid_amount_cents'])
      .where('invoice_id', 'in', inJson<number>(p.ids))
      .orderBy('invoice_id')
      .orderBy('due_date')
      .orderBy('id'),
  ),
  clients: template((p: { ids: string }) => qb.selectFrom('clients').selectAll().where('id', 'in', inJson<number>(p.ids))),
  clientInvoices: template((p: { ids: string }) =>
    qb
      .selectFrom('invoices as i')
      .leftJoin('payments as p', 'p.invoice_id', 'i.id')
      .select((eb) => [
        'i.client_id',
        'i.total_cents',
        'i.document_type',
        'i.issue_date',
        'i.due_date',
        'i.status',
        eb.fn.sum<number | null>('p.paid_amount_cents').as('paid_cents'),
        eb.fn.max<string | null>('p.paid_date').as('last_paid'),
      ])
      .where('i.client_id', 'in', inJson<number>(p.ids))
      .where('i.status', 'not in', ['cancelled', 'draft'])
      .groupBy('i.id')
      .orderBy('i.client_id')
      .orderBy('i.issue_date'),
  ),
  products: template((p: { ids: string }) => qb.selectFrom('products').selectAll().where('id', 'in', inJson<number>(p.ids))),
  staleInvoices: template((p: { clientId: number; line: string }) =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('rag_documents as d', (j) => j.on('d.entity_type', '=', 'invoice').onRef('d.entity_id', '=', 'i.id'))
      .select('i.id')
      .where('i.client_id', '=', p.clientId)
      .where(sql`instr(d.text, ${p.line})`, '=', 0),
  ),
  clientsOfInvoices: template((p: { ids: string }) => qb.selectFrom('invoices').select('client_id').distinct().where('id', 'in', inJson<number>(p.ids))),
  idsAfter: {
    invoice: template((p: { after: number; limit: number }) => qb.selectFrom('invoices').select('id').where('id', '>', p.after).orderBy('id').limit(p.limit)),
    client: template((p: { after: number; limit: number }) => qb.selectFrom('clients').select('id').where('id', '>', p.after).orderBy('id').limit(p.limit)),
    product: template((p: { after: number; limit: number }) => qb.selectFrom('products').select('id').where('id', '>', p.after).orderBy('id').limit(p.limit)),
  },
  count: {
    invoice: template(() => qb.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n'))),
    client: template(() => qb.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n'))),
    product: template(() => qb.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n'))),
  },
  // A bare token compared as text: invoice numbers may be text ("2025/A/0007") as FatturaPA allows.
  invoicesNumbered: template((p: { number: string }) =>
    qb.selectFrom('invoices').select('id').where(sql<SqlBool>`number = ${p.number} COLLATE NOCASE`).orderBy('year', 'desc').orderBy('id', 'desc').limit(5),
  ),
  productsCoded: template((p: { code: string }) => qb.selectFrom('products').select('id').where(sql<SqlBool>`lower(code) = lower(${p.code})`).limit(5)),
  clientIdentities: template(() => qb.selectFrom('clients').select(['id', 'denominazione', 'partita_iva', 'codice_fiscale']).orderBy('id')),
  latestInvoicesOf: template((p: { clientId: number }) => qb.selectFrom('invoices').select('id').where('client_id', '=', p.clientId).orderBy('issue_date', 'desc').orderBy('id', 'desc').limit(20)),
  invoiceLabels: template((p: { ids: string }) =>
    qb
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select(['i.id', sql<string>`CAST(i.number AS TEXT) || '/' || i.year || ' — ' || c.denominazione`.as('label')])
      .where('i.id', 'in', inJson<number>(p.ids)),
  ),
  clientLabels: template((p: { ids: string }) => qb.selectFrom('clients').select(['id', 'denominazione as label']).where('id', 'in', inJson<number>(p.ids))),
  productLabels: template((p: { ids: string }) => qb.selectFrom('products').select(['id', sql<string>`code || ' — ' || description`.as('label')]).where('id', 'in', inJson<number>(p.ids))),
  clientsByTaxId: template((p: { vat: string; vatIt: string; cf: string }) =>
    qb
      .selectFrom('clients')
      .select('id')
      .where((eb) => eb.or([eb('partita_iva', 'in', [p.vat, p.vatIt]), eb(eb.fn('upper', ['codice_fiscale']), '=', p.cf)])),
  ),
  clientsNamedIn: template((p: { text: string }) =>
    qb
      .selectFrom('clients')
      .select('id')
      .where(sql`length(denominazione)`, '>=', 3)
      .where(sql`instr(${p.text}, lower(denominazione))`, '>', 0)
      .orderBy(sql`length(denominazione)`, 'desc')
      .limit(5),
  ),
};

type Queries = typeof Q;
type RowOf<T> = T extends Template<never, infer R> ? R : never;

export type InvoiceSourceRow = RowOf<Queries['invoices']>;
export type LineSourceRow = RowOf<Queries['lines']>;
export type PaymentSourceRow = RowOf<Queries['payments']>;
export type ClientSourceRow = RowOf<Queries['clients']>;
export type ClientInvoiceSourceRow = RowOf<Queries['clientInvoices']>;
export type ProductSourceRow = RowOf<Queries['products']>;

export class DocumentSourceRepository {

  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  invoices(ids: readonly number[]): InvoiceSourceRow[] {
    return this.sql.all(Q.invoices, { ids: JSON.stringify(ids) });
  }

  lines(invoiceIds: readonly number[]): LineSourceRow[] {
    return this.sql.all(Q.lines, { ids: JSON.stringify(invoiceIds) });
  }

  payments(invoiceIds: readonly number[]): PaymentSourceRow[] {
    return this.sql.all(Q.payments, { ids: JSON.stringify(invoiceIds) });
  }

  clients(ids: readonly number[]): ClientSourceRow[] {
    return this.sql.all(Q.clients, { ids: JSON.stringify(ids) });
  }

  /** Issued (not draft or cancelled) invoices of these clients with what was paid on each, by client and issue date. */
  clientInvoices(clientIds: readonly number[]): ClientInvoiceSourceRow[] {
    return this.sql.all(Q.clientInvoices, { ids: JSON.stringify(clientIds) });
  }

  products(ids: readonly number[]): ProductSourceRow[] {
    return this.sql.all(Q.products, { ids: JSON.stringify(ids) });
  }

  /** Invoices of a client whose indexed document lacks `clientLine` (the client's identity as invoices show it). */
  invoicesNotShowing(clientId: number, clientLine: string): number[] {
    return this.sql.all(Q.staleInvoices, { clientId, line: clientLine }).map((r) => r.id);
  }

  clientIdsOfInvoices(invoiceIds: readonly number[]): number[] {
    return this.sql.all(Q.clientsOfInvoices, { ids: JSON.stringify(invoiceIds) }).map((r) => r.client_id);
  }

  /** Keyset pagination over an entity table, for full reindexes. */
  idsAfter(type: RagEntityType, afterId: number, limit: number): number[] {
    return this.sql.all(Q.idsAfter[type], { after: afterId, limit }).map((r) => r.id);
  }

  count(type: RagEntityType): number {
    return this.sql.first(Q.count[type], {})!.n;
  }

  /** What records are called: "12/2025 — Rossi Srl", "Rossi Srl", "CONS-01 — Consulenza". Missing ids are absent. */
  labels(invoiceIds: readonly number[], clientIds: readonly number[], productIds: readonly number[]): { type: RagEntityType; id: number; label: string }[] {
    return [
      ...this.sql.all(Q.invoiceLabels, { ids: JSON.stringify(invoiceIds) }).map((r) => ({ type: 'invoice' as const, ...r })),
      ...this.sql.all(Q.clientLabels, { ids: JSON.stringify(clientIds) }).map((r) => ({ type: 'client' as const, ...r })),
      ...this.sql.all(Q.productLabels, { ids: JSON.stringify(productIds) }).map((r) => ({ type: 'product' as const, ...r })),
    ];
  }

  /** Up to five invoices with this number (case-insensitive), newest year first. */
  invoicesNumbered(number: string): number[] {
    return this.sql.all(Q.invoicesNumbered, { number }).map((r) => r.id);
  }

  /** Up to five products with this code (case-insensitive). */
  productsCoded(code: string): number[] {
    return this.sql.all(Q.productsCoded, { code }).map((r) => r.id);
  }

  /** Every client's name and tax ids, for matching a name written in a question. */
  clientIdentities(): { id: number; denominazione: string; partita_iva: string | null; codice_fiscale: string | null }[] {
    return this.sql.all(Q.clientIdentities, {});
  }

  /** A client's twenty latest invoices. */
  latestInvoicesOf(clientId: number): number[] {
    return this.sql.all(Q.latestInvoicesOf, { clientId }).map((r) => r.id);
  }

  /** Clients whose P.IVA is `vat` (with or without the IT prefix) or whose codice fiscale is `cf` (case-insensitive). */
  clientsByTaxId(vat: string, cf: string): number[] {
    return this.sql.all(Q.clientsByTaxId, { vat, vatIt: `IT${vat}`, cf }).map((r) => r.id);
  }

  /** Up to five clients whose name (3+ characters) occurs in `lowerText`, longest names first. */
  clientsNamedIn(lowerText: string): number[] {
    return this.sql.all(Q.clientsNamedIn, { text: lowerText }).map((r) => r.id);
  }
}
