// Read-only business figures the assistant answers from: invoices with their payment state
// (due, paid, outstanding, overdue as of a day), clients, and the aggregates built on them. Nothing
// here writes. "Issued" means every invoice that is not a draft or cancelled; credit notes (TD04)
// count negatively in revenue.
import { sql, type Kysely } from 'kysely';
import { daysBetween } from '../dates';
import type { DB, InvoiceStatus } from '../db/schema';

export const CREDIT_NOTE_TYPE = 'TD04';
const NOT_ISSUED: InvoiceStatus[] = ['draft', 'cancelled'];

export interface InvoiceFigures {
  id: number;
  number: number;
  year: number;
  clientId: number;
  clientName: string;
  partitaIva: string | null;
  documentType: string;
  status: InvoiceStatus;
  issueDate: string;
  dueDate: string;
  /** Creation day (UTC) of the row. */
  createdDay: string;
  netCents: number;
  vatCents: number;
  totalCents: number;
  ritenutaCents: number;
  /** What the client owes: the instalments' sum, or total − ritenuta when there are none. */
  dueAmountCents: number;
  paidCents: number;
  outstandingCents: number;
  /** Part of the outstanding amount whose instalment due date is before `asOf`. */
  overdueCents: number;
  /** Days since the oldest unpaid instalment fell due (0 when nothing is overdue). */
  daysOverdue: number;
  /** Date of the last receipt, when fully paid. */
  paidDate: string | null;
}

export interface InvoiceFilter {
  /** Inclusive ISO bounds on issue_date. */
  issuedFrom?: string;
  issuedTo?: string;
  clientId?: number;
  /** Only issued invoices (not drafts or cancelled). */
  issuedOnly?: boolean;
}

interface PaymentAgg {
  invoice_id: number;
  n: number;
  amount: number;
  paid: number;
  last_paid: string | null;
}

interface OpenInstalmentRow {
  invoice_id: number;
  due_date: string;
  open: number;
}

/** Read-only queries over invoices, payments and clients. */
export class BusinessQueries {
  constructor(private readonly db: Kysely<DB>) {}

  /** Every invoice matching the filter with its payment state as of `asOf`, newest first. */
  async invoices(filter: InvoiceFilter, asOf: string): Promise<InvoiceFigures[]> {
    let q = this.db
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select([
        'i.id', 'i.number', 'i.year', 'i.client_id', 'c.denominazione', 'c.partita_iva', 'i.document_type', 'i.status',
        'i.issue_date', 'i.due_date', 'i.created_at', 'i.net_cents', 'i.vat_cents', 'i.total_cents', 'i.ritenuta_cents',
      ]);
    if (filter.issuedFrom) q = q.where('i.issue_date', '>=', filter.issuedFrom);
    if (filter.issuedTo) q = q.where('i.issue_date', '<=', filter.issuedTo);
    if (filter.clientId !== undefined) q = q.where('i.client_id', '=', filter.clientId);
    if (filter.issuedOnly) q = q.where('i.status', 'not in', NOT_ISSUED);
    const rows = await q.orderBy('i.issue_date', 'desc').orderBy('i.id', 'desc').execute();
    return this.withPayments(rows, asOf);
  }

  /** Invoices created (created_at day) or issued (issue_date) within [from, to], drafts included. */
  async invoicesCreatedOrIssued(from: string, to: string, asOf: string): Promise<(InvoiceFigures & { matchedBy: 'created' | 'issued' | 'both' })[]> {
    const rows = await this.db
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select([
        'i.id', 'i.number', 'i.year', 'i.client_id', 'c.denominazione', 'c.partita_iva', 'i.document_type', 'i.status',
        'i.issue_date', 'i.due_date', 'i.created_at', 'i.net_cents', 'i.vat_cents', 'i.total_cents', 'i.ritenuta_cents',
      ])
      .where((eb) =>
        eb.or([
          eb.and([eb(sql<string>`substr(i.created_at, 1, 10)`, '>=', from), eb(sql<string>`substr(i.created_at, 1, 10)`, '<=', to)]),
          eb.and([eb('i.issue_date', '>=', from), eb('i.issue_date', '<=', to)]),
        ]),
      )
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .execute();
    const figures = await this.withPayments(rows, asOf);
    return figures.map((f) => {
      const created = f.createdDay >= from && f.createdDay <= to;
      const issued = f.issueDate >= from && f.issueDate <= to;
      return { ...f, matchedBy: created && issued ? 'both' : created ? 'created' : 'issued' };
    });
  }

  /** The given invoices with their payment state as of `asOf` (unknown ids are skipped). */
  async invoicesByIds(ids: readonly number[], asOf: string): Promise<InvoiceFigures[]> {
    const rows = [];
    for (let i = 0; i < ids.length; i += 500) {
      // A loop, not push(...chunk): spreading a data-sized array overflows the call stack.
      for (const row of await this.db
          .selectFrom('invoices as i')
          .innerJoin('clients as c', 'c.id', 'i.client_id')
          .select([
            'i.id', 'i.number', 'i.year', 'i.client_id', 'c.denominazione', 'c.partita_iva', 'i.document_type', 'i.status',
            'i.issue_date', 'i.due_date', 'i.created_at', 'i.net_cents', 'i.vat_cents', 'i.total_cents', 'i.ritenuta_cents',
          ])
          .where('i.id', 'in', ids.slice(i, i + 500))
          .execute()) {
        rows.push(row);
      }
    }
    return this.withPayments(rows, asOf);
  }

  /** Open (unpaid or partly paid) issued invoices as of `asOf`, optionally of one client. */
  async openInvoices(asOf: string, clientId?: number): Promise<InvoiceFigures[]> {
    let q = this.db
      .selectFrom('invoices as i')
      .innerJoin('clients as c', 'c.id', 'i.client_id')
      .select([
        'i.id', 'i.number', 'i.year', 'i.client_id', 'c.denominazione', 'c.partita_iva', 'i.document_type', 'i.status',
        'i.issue_date', 'i.due_date', 'i.created_at', 'i.net_cents', 'i.vat_cents', 'i.total_cents', 'i.ritenuta_cents',
      ])
      .where('i.status', 'not in', [...NOT_ISSUED, 'paid'])
      .where('i.document_type', '!=', CREDIT_NOTE_TYPE);
    if (clientId !== undefined) q = q.where('i.client_id', '=', clientId);
    const rows = await q.orderBy('i.due_date').orderBy('i.id').execute();
    return (await this.withPayments(rows, asOf)).filter((f) => f.outstandingCents > 0);
  }

  /** Receipts (paid instalments) whose paid_date falls within [from, to]. */
  async collected(from: string, to: string): Promise<{ cents: number; count: number }> {
    const r = await this.db
      .selectFrom('payments as p')
      .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select([sql<number>`coalesce(sum(p.paid_amount_cents), 0)`.as('cents'), sql<number>`count(*)`.as('count')])
      .where('p.paid_date', '>=', from)
      .where('p.paid_date', '<=', to)
      .where('p.paid_amount_cents', '>', 0)
      .where('i.status', 'not in', NOT_ISSUED)
      .executeTakeFirstOrThrow();
    return { cents: Number(r.cents), count: Number(r.count) };
  }

  async counts(): Promise<{ invoices: number; clients: number; products: number; drafts: number }> {
    const one = async (table: 'invoices' | 'clients' | 'products') =>
      Number((await this.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const drafts = Number(
      (await this.db.selectFrom('invoices').select(sql<number>`count(*)`.as('n')).where('status', '=', 'draft').executeTakeFirstOrThrow()).n,
    );
    return { invoices: await one('invoices'), clients: await one('clients'), products: await one('products'), drafts };
  }

  async clientsCreatedBetween(from: string, to: string): Promise<number> {
    const r = await this.db
      .selectFrom('clients')
      .select(sql<number>`count(*)`.as('n'))
      .where(sql<string>`substr(created_at, 1, 10)`, '>=', from)
      .where(sql<string>`substr(created_at, 1, 10)`, '<=', to)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async clients(): Promise<{ id: number; denominazione: string; partita_iva: string | null; codice_fiscale: string | null; city: string | null }[]> {
    return this.db.selectFrom('clients').select(['id', 'denominazione', 'partita_iva', 'codice_fiscale', 'city']).orderBy('id').execute();
  }

  async client(id: number) {
    return this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  private async withPayments(
    rows: {
      id: number; number: number; year: number; client_id: number; denominazione: string; partita_iva: string | null;
      document_type: string; status: InvoiceStatus; issue_date: string; due_date: string; created_at: string;
      net_cents: number; vat_cents: number; total_cents: number; ritenuta_cents: number;
    }[],
    asOf: string,
  ): Promise<InvoiceFigures[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const aggs = new Map<number, PaymentAgg>();
    const open = new Map<number, OpenInstalmentRow[]>();
    // Chunked IN lists keep each statement under SQLite's variable limit.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const agg = await this.db
        .selectFrom('payments')
        .select([
          'invoice_id',
          sql<number>`count(*)`.as('n'),
          sql<number>`sum(amount_cents)`.as('amount'),
          sql<number>`sum(paid_amount_cents)`.as('paid'),
          sql<string | null>`max(paid_date)`.as('last_paid'),
        ])
        .where('invoice_id', 'in', chunk)
        .groupBy('invoice_id')
        .execute();
      for (const a of agg) aggs.set(a.invoice_id, { ...a, n: Number(a.n), amount: Number(a.amount), paid: Number(a.paid) });
      const openRows = await this.db
        .selectFrom('payments')
        .select(['invoice_id', 'due_date', sql<number>`amount_cents - paid_amount_cents`.as('open')])
        .where('invoice_id', 'in', chunk)
        .where(sql<number>`amount_cents - paid_amount_cents`, '>', 0)
        .execute();
      for (const r of openRows) {
        const list = open.get(r.invoice_id) ?? [];
        list.push({ ...r, open: Number(r.open) });
        open.set(r.invoice_id, list);
      }
    }
    return rows.map((r) => {
      const agg = aggs.get(r.id);
      const issued = !NOT_ISSUED.includes(r.status);
      const credit = r.document_type === CREDIT_NOTE_TYPE;
      const dueAmountCents = agg ? agg.amount : r.total_cents - r.ritenuta_cents;
      const paidCents = agg ? agg.paid : r.status === 'paid' ? dueAmountCents : 0;
      let outstandingCents = 0;
      let overdueCents = 0;
      let oldestOverdue: string | null = null;
      if (issued && !credit && r.status !== 'paid') {
        const instalments = agg ? (open.get(r.id) ?? []) : [{ invoice_id: r.id, due_date: r.due_date, open: dueAmountCents - paidCents }];
        for (const inst of instalments) {
          if (inst.open <= 0) continue;
          outstandingCents += inst.open;
          if (inst.due_date < asOf) {
            overdueCents += inst.open;
            if (!oldestOverdue || inst.due_date < oldestOverdue) oldestOverdue = inst.due_date;
          }
        }
      }
      return {
        id: r.id,
        number: r.number,
        year: r.year,
        clientId: r.client_id,
        clientName: r.denominazione,
        partitaIva: r.partita_iva,
        documentType: r.document_type,
        status: r.status,
        issueDate: r.issue_date,
        dueDate: r.due_date,
        createdDay: r.created_at.slice(0, 10),
        netCents: r.net_cents,
        vatCents: r.vat_cents,
        totalCents: r.total_cents,
        ritenutaCents: r.ritenuta_cents,
        dueAmountCents,
        paidCents,
        outstandingCents,
        overdueCents,
        daysOverdue: oldestOverdue ? daysBetween(oldestOverdue, asOf) : 0,
        paidDate: issued && outstandingCents === 0 && paidCents > 0 ? (agg?.last_paid ?? null) : null,
      };
    });
  }
}

/** Signed amount of an invoice for revenue: credit notes subtract. */
export function signedTotal(f: Pick<InvoiceFigures, 'documentType' | 'totalCents'>): number {
  return f.documentType === CREDIT_NOTE_TYPE ? -f.totalCents : f.totalCents;
}
