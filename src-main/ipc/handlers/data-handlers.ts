// invoices/clients/products/payments channels → the domain services (src-main/core/domain). Rows are
// mapped to the contract's UI shapes (camelCase, booleans, labels); validation of business rules
// (P.IVA, VAT rates, dates after issue, amounts not above what is open) stays in the services.
import type { App } from '../../core/app';
import type { Client } from '../../core/domain/client-service';
import type { InvoiceSummary as InvoiceRow } from '../../core/domain/invoice-service';
import type { Product } from '../../core/domain/product-service';
import type { ClientSummary, InvoiceSummary, ProductSummary } from '../../../src-preload/contract/data-channels';
import type { PartialHandlers } from '../ipc-router';
import { invoiceLabel } from '../../core/domain/invoice-number';
import { latestTodayIso } from '../../core/dates';
import { InputError } from '../../core/errors';

export function toInvoiceSummary(r: InvoiceRow): InvoiceSummary {
  return {
    id: r.id,
    number: r.number,
    year: r.year,
    label: invoiceLabel(r.number, r.year),
    clientId: r.client_id,
    clientName: r.client_name,
    documentType: r.document_type,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    totalCents: r.total_cents,
    paidCents: r.paid_cents,
    outstandingCents: r.outstanding_cents,
    status: r.status,
    disputed: r.disputed === 1,
    createdAt: r.created_at,
  };
}

function toClientSummary(c: Client, stats: { count: number; outstanding: number } | undefined): ClientSummary {
  return {
    id: c.id,
    denominazione: c.denominazione,
    partitaIva: c.partita_iva,
    codiceFiscale: c.codice_fiscale,
    email: c.email,
    city: c.city,
    province: c.province,
    paymentTermsDays: c.payment_terms_days,
    paymentTermsEom: c.payment_terms_eom === 1,
    invoiceCount: stats?.count ?? 0,
    outstandingCents: stats?.outstanding ?? 0,
  };
}

function toProductSummary(p: Product): ProductSummary {
  return {
    id: p.id,
    code: p.code,
    description: p.description,
    unitPriceCents: p.unit_price_cents,
    vatRate: p.vat_rate,
    unit: p.unit,
    category: p.category,
    isService: p.is_service === 1,
  };
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Free-text match on what the Data page shows: number/year, client name, P.IVA, notes. */
function invoiceMatches(r: InvoiceRow, q: string): boolean {
  const hay = fold([invoiceLabel(r.number, r.year), r.client_name, r.client_partita_iva ?? '', r.notes ?? '', r.document_type].join(' '));
  return fold(q)
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

type DataChannel = 'invoices:list' | 'invoices:create' | 'payments:record' | 'clients:list' | 'products:list';

export function dataHandlers(app: App): PartialHandlers<DataChannel> {
  return {
    'invoices:list': ({ search, status, clientId, from, to, limit, offset }) => {
      const filter = { status, clientId, from, to };
      if (!search) {
        const items = app.invoices.list({ ...filter, limit, offset }).map(toInvoiceSummary);
        const total = offset === 0 && items.length < limit ? items.length : app.invoices.list(filter).length;
        return { items, total };
      }
      const all = app.invoices.list(filter).filter((r) => invoiceMatches(r, search));
      return { items: all.slice(offset, offset + limit).map(toInvoiceSummary), total: all.length };
    },
    'invoices:create': (args) => {
      const detail = app.invoices.create(args);
      return toInvoiceSummary(detail.invoice);
    },
    'payments:record': ({ invoiceId, amountCents, paidDate, method, reference }) => {
      // A payment is recorded once it has arrived: a date after today is a typo (or a guess) that
      // would resolve the invoice's prediction with an outcome that has not happened.
      const today = latestTodayIso();
      if (paidDate > today) throw new InputError(`paidDate: ${paidDate} is after today (${today}); record a payment once it has arrived`, 'paidDate');
      const r = app.payments.record({ invoiceId, amountCents, date: paidDate, ...(method ? { method } : {}), ...(reference ? { reference } : {}) });
      return { invoice: toInvoiceSummary(r.invoice), appliedCents: r.appliedCents };
    },
    'clients:list': ({ search, limit, offset }) => {
      const page = app.clients.list({ search, limit, offset });
      const total = search ? app.clients.list({ search }).length : app.clients.count();
      const ids = new Set(page.map((c) => c.id));
      const stats = new Map<number, { count: number; outstanding: number }>();
      // One pass over the invoice summaries rather than a query per client row.
      for (const inv of ids.size ? app.invoices.list() : []) {
        if (!ids.has(inv.client_id)) continue;
        const s = stats.get(inv.client_id) ?? { count: 0, outstanding: 0 };
        s.count++;
        if (inv.status !== 'cancelled' && inv.status !== 'draft') s.outstanding += inv.outstanding_cents;
        stats.set(inv.client_id, s);
      }
      return { items: page.map((c) => toClientSummary(c, stats.get(c.id))), total };
    },
    'products:list': ({ search, limit, offset }) => {
      const items = app.products.list({ search, limit, offset }).map(toProductSummary);
      const total = offset === 0 && items.length < limit ? items.length : app.products.list({ search }).length;
      return { items, total };
    },
  };
}
