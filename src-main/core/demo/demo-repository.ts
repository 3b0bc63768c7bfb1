// What the demo generator reads and writes: rows dated in the past as if they had been entered over
// the years (explicit client ids and created/updated timestamps), and the figures the consistency
// check compares (each invoice's stored totals next to the sums of its lines and instalments).
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { placeholders, qb, SqlRunner, template } from '../db/sql-runner';

export interface HistoricalClient {
  id: number;
  denominazione: string;
  /** The demo's companies use their P.IVA as codice fiscale too. */
  partita_iva: string;
  email: string;
  pec: string;
  codice_destinatario: string;
  address: string;
  city: string;
  province: string;
  cap: string;
  payment_terms_days: number;
  payment_terms_eom: 0 | 1;
  at: string;
}

export interface HistoricalProduct {
  code: string;
  description: string;
  unit_price_cents: number;
  vat_rate: number;
  unit: string;
  category: string | null;
  is_service: 0 | 1;
  at: string;
}

export interface HistoricalInvoice {
  number: string;
  year: number;
  seq: number;
  client_id: number;
  issue_date: string;
  due_date: string;
  payment_terms_days: number;
  payment_terms_eom: 0 | 1;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
  bollo_cents: number;
  status: 'issued' | 'partially_paid' | 'paid';
  disputed: 0 | 1;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface HistoricalLine {
  invoice_id: number;
  line_no: number;
  description: string;
  product_id: number | null;
  quantity: number;
  unit_price_cents: number;
  vat_rate: number;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
}

export interface HistoricalPayment {
  invoice_id: number;
  due_date: string;
  amount_cents: number;
  paid_date: string | null;
  paid_amount_cents: number;
  method: string | null;
  reference: string | null;
  created_at: string;
  updated_at: string;
}

/** An invoice's stored figures next to the sums of its lines and instalments. */
export interface InvoiceFigures {
  id: number;
  number: string;
  year: number;
  status: string;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
  bollo_cents: number;
  ritenuta_cents: number;
  line_count: number;
  lines_net: number;
  lines_vat: number;
  payment_count: number;
  scheduled: number;
  paid: number;
}

const INVOICE_COLUMNS = [
  'number', 'year', 'seq', 'client_id', 'issue_date', 'due_date', 'payment_terms_days', 'payment_terms_eom', 'net_cents', 'vat_cents',
  'total_cents', 'bollo_cents', 'status', 'disputed', 'notes', 'created_at', 'updated_at',
] as const satisfies readonly (keyof HistoricalInvoice)[];
const LINE_COLUMNS = ['invoice_id', 'line_no', 'description', 'product_id', 'quantity', 'unit_price_cents', 'vat_rate', 'net_cents', 'vat_cents', 'total_cents'] as const;
const PAYMENT_COLUMNS = ['invoice_id', 'due_date', 'amount_cents', 'paid_date', 'paid_amount_cents', 'method', 'reference', 'created_at', 'updated_at'] as const;

const Q = {
  maxClientId: template(() => qb.selectFrom('clients').select(sql<number>`COALESCE(MAX(id), 0)`.as('n'))),
  pivas: template(() => qb.selectFrom('clients').select('partita_iva').where('partita_iva', 'is not', null).$narrowType<{ partita_iva: string }>()),
  names: template(() => qb.selectFrom('clients').select('denominazione')),
  plainSequences: template(() => qb.selectFrom('invoices').select((eb) => ['year', eb.fn.max<number | null>('seq').as('n')]).where('series', '=', '').groupBy('year')),
  insertClient: template((p: HistoricalClient) =>
    qb.insertInto('clients').values({
      id: p.id,
      denominazione: p.denominazione,
      partita_iva: p.partita_iva,
      codice_fiscale: p.partita_iva,
      email: p.email,
      pec: p.pec,
      codice_destinatario: p.codice_destinatario,
      address: p.address,
      city: p.city,
      province: p.province,
      cap: p.cap,
      country: 'IT',
      payment_terms_days: p.payment_terms_days,
      payment_terms_eom: p.payment_terms_eom,
      created_at: p.at,
      updated_at: p.at,
    }),
  ),
  insertProduct: template((p: HistoricalProduct) =>
    qb
      .insertInto('products')
      .orIgnore()
      .values({ code: p.code, description: p.description, unit_price_cents: p.unit_price_cents, vat_rate: p.vat_rate, unit: p.unit, category: p.category, is_service: p.is_service, created_at: p.at, updated_at: p.at }),
  ),
  productIds: template(() => qb.selectFrom('products').select(['id', 'code'])),
  insertInvoice: template((p: HistoricalInvoice) => qb.insertInto('invoices').values({ ...placeholders(p, INVOICE_COLUMNS), series: '', document_type: 'TD01', ritenuta_cents: 0 })),
  insertLine: template((p: HistoricalLine) => qb.insertInto('invoice_lines').values(placeholders(p, LINE_COLUMNS))),
  insertPayment: template((p: HistoricalPayment) => qb.insertInto('payments').values(placeholders(p, PAYMENT_COLUMNS))),
  figures: template(() =>
    qb.selectFrom('invoices as i').select((eb) => [
      'i.id',
      'i.number',
      'i.year',
      'i.status',
      'i.net_cents',
      'i.vat_cents',
      'i.total_cents',
      'i.bollo_cents',
      'i.ritenuta_cents',
      eb.selectFrom('invoice_lines as l').select(eb.fn.countAll<number>().as('n')).whereRef('l.invoice_id', '=', 'i.id').as('line_count'),
      eb.selectFrom('invoice_lines as l').select(sql<number>`COALESCE(SUM(l.net_cents), 0)`.as('n')).whereRef('l.invoice_id', '=', 'i.id').as('lines_net'),
      eb.selectFrom('invoice_lines as l').select(sql<number>`COALESCE(SUM(l.vat_cents), 0)`.as('n')).whereRef('l.invoice_id', '=', 'i.id').as('lines_vat'),
      eb.selectFrom('payments as p').select(eb.fn.countAll<number>().as('n')).whereRef('p.invoice_id', '=', 'i.id').as('payment_count'),
      eb.selectFrom('payments as p').select(sql<number>`COALESCE(SUM(p.amount_cents), 0)`.as('n')).whereRef('p.invoice_id', '=', 'i.id').as('scheduled'),
      eb.selectFrom('payments as p').select(sql<number>`COALESCE(SUM(p.paid_amount_cents), 0)`.as('n')).whereRef('p.invoice_id', '=', 'i.id').as('paid'),
    ]),
  ),
};

export class DemoRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** What new clients must not collide with: the highest id, the P.IVAs and names in use. */
  takenClientIdentities(): { maxId: number; pivas: Set<string>; names: Set<string> } {
    return {
      maxId: this.sql.first(Q.maxClientId, {})!.n,
      pivas: new Set(this.sql.all(Q.pivas, {}).map((r) => r.partita_iva)),
      names: new Set(this.sql.all(Q.names, {}).map((r) => r.denominazione)),
    };
  }

  /** The next number of the plain yearly sequence (series ''), by year, for the years that have one. */
  nextPlainNumbers(): Map<number, number> {
    return new Map(this.sql.all(Q.plainSequences, {}).map((r) => [r.year, (r.n ?? 0) + 1]));
  }

  insertClient(c: HistoricalClient): void {
    this.sql.run(Q.insertClient, c);
  }

  /** Adds a product unless its code exists; true when added. */
  insertProduct(p: HistoricalProduct): boolean {
    return this.sql.run(Q.insertProduct, p).changes > 0;
  }

  productIdsByCode(): Map<string, number> {
    return new Map(this.sql.all(Q.productIds, {}).map((r) => [r.code, r.id]));
  }

  insertInvoice(inv: HistoricalInvoice): number {
    return this.sql.run(Q.insertInvoice, inv).lastInsertRowid;
  }

  insertLine(l: HistoricalLine): void {
    this.sql.run(Q.insertLine, l);
  }

  insertPayment(p: HistoricalPayment): void {
    this.sql.run(Q.insertPayment, p);
  }

  invoiceFigures(): InvoiceFigures[] {
    return this.sql.all(Q.figures, {}) as InvoiceFigures[];
  }
}
