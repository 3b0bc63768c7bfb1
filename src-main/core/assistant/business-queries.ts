// Read-only business figures the assistant answers from: invoices with their payment state
// (due, paid, outstanding, overdue as of a day), clients, and the aggregates built on them. Nothing
// here writes. "Issued" means every invoice that is not a draft or cancelled; credit notes (TD04,
// TD08) count negatively in revenue.
import type BetterSqlite3 from 'better-sqlite3';
import { daysBetween } from '../dates';
import type { InvoiceStatus } from '../db/schema';
import { isCreditNote, signedCents } from '../domain/document-types';
import { BusinessRepository, NOT_ISSUED, type InvoiceRow, type OpenInstalment, type PaymentAggregate } from './business-repository';


export interface InvoiceFigures {
  id: number;
  number: string;
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

/**
 * Read-only figures over invoices, payments and clients. Promise-returning, as a server database
 * would need; over SQLite each call runs synchronously inside.
 */
export class BusinessQueries {
  private readonly rows: BusinessRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.rows = new BusinessRepository(connection);
  }

  /** Every invoice matching the filter with its payment state as of `asOf`, newest first. */
  async invoices(filter: InvoiceFilter, asOf: string): Promise<InvoiceFigures[]> {
    return this.withPayments(this.rows.invoices(filter), asOf);
  }

  /** Invoices created (created_at day) or issued (issue_date) within [from, to], drafts included. */
  async invoicesCreatedOrIssued(from: string, to: string, asOf: string): Promise<(InvoiceFigures & { matchedBy: 'created' | 'issued' | 'both' })[]> {
    const figures = this.withPayments(this.rows.invoicesCreatedOrIssued(from, to), asOf);
    return figures.map((f) => {
      const created = f.createdDay >= from && f.createdDay <= to;
      const issued = f.issueDate >= from && f.issueDate <= to;
      return { ...f, matchedBy: created && issued ? 'both' : created ? 'created' : 'issued' };
    });
  }

  /** The given invoices with their payment state as of `asOf` (unknown ids are skipped). */
  async invoicesByIds(ids: readonly number[], asOf: string): Promise<InvoiceFigures[]> {
    return this.withPayments(this.rows.invoicesByIds(ids), asOf);
  }

  /** Open (unpaid or partly paid) issued invoices as of `asOf`, optionally of one client. */
  async openInvoices(asOf: string, clientId?: number): Promise<InvoiceFigures[]> {
    return this.withPayments(this.rows.openInvoices(clientId), asOf).filter((f) => f.outstandingCents > 0);
  }

  /** Receipts (paid instalments) whose paid_date falls within [from, to]. */
  async collected(from: string, to: string): Promise<{ cents: number; count: number }> {
    return this.rows.collected(from, to);
  }

  /** The same receipts one by one, with their invoice's client. */
  async receipts(from: string, to: string): Promise<{ client_id: number; paid_amount_cents: number }[]> {
    return this.rows.receipts(from, to);
  }

  async counts(): Promise<{ invoices: number; clients: number; products: number; drafts: number }> {
    return this.rows.counts();
  }

  async clientsCreatedBetween(from: string, to: string): Promise<number> {
    return this.rows.clientsCreatedBetween(from, to);
  }

  async clients(): Promise<{ id: number; denominazione: string; partita_iva: string | null; codice_fiscale: string | null; city: string | null }[]> {
    return this.rows.clients();
  }

  async client(id: number) {
    return this.rows.client(id);
  }

  /** Every instalment of these invoices. */
  async instalments(invoiceIds: readonly number[]): Promise<{ invoice_id: number; due_date: string; amount_cents: number; paid_amount_cents: number }[]> {
    return this.rows.instalments(invoiceIds);
  }

  /** An invoice's number, year and client name; undefined when it is gone. */
  async invoiceName(id: number): Promise<{ number: string; year: number; denominazione: string } | undefined> {
    return this.rows.invoiceName(id);
  }

  /** A product's code and description; undefined when it is gone. */
  async productName(id: number): Promise<{ code: string; description: string } | undefined> {
    return this.rows.productName(id);
  }

  async indexedDocuments(): Promise<number> {
    return this.rows.indexedDocuments();
  }

  private withPayments(rows: InvoiceRow[], asOf: string): InvoiceFigures[] {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const aggs = new Map<number, PaymentAggregate>();
    const open = new Map<number, OpenInstalment[]>();
    for (const a of this.rows.paymentAggregates(ids)) aggs.set(a.invoice_id, a);
    for (const r of this.rows.openInstalments(ids)) {
      const list = open.get(r.invoice_id) ?? [];
      list.push(r);
      open.set(r.invoice_id, list);
    }
    return rows.map((r) => {
      const agg = aggs.get(r.id);
      const issued = !NOT_ISSUED.includes(r.status);
      const credit = isCreditNote(r.document_type);
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
  return signedCents(f.documentType, f.totalCents);
}
