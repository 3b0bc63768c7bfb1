// invoices/clients/products/payments channels → the domain services and their read models
// (src-main/core/domain: search and paging in SQL, clients with their totals from one aggregate
// query). Rows are mapped to the contract's UI shapes (camelCase, booleans, labels); business rules
// (P.IVA, VAT rates, dates after issue, amounts not above what is open) stay in the services.
import type { App } from '../../core/app';
import type { ClientWithStats } from '../../core/domain/client-repository';
import type { InvoiceSummary as InvoiceRow } from '../../core/domain/invoice-service';
import type { Product } from '../../core/domain/product-service';
import type { ClientSummary, InvoiceSummary, ProductSummary } from '../../../src-preload/contract/data-channels';
import type { DomainHandlers } from '../ipc-router';
import { invoiceLabel } from '../../core/domain/invoice-number';
import { InputError } from '../../core/errors';
import { formatEuro } from '../../core/money';

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

function toClientSummary(c: ClientWithStats): ClientSummary {
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
    invoiceCount: c.invoice_count,
    outstandingCents: c.outstanding_cents,
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

export function dataHandlers(app: App): DomainHandlers<'data'> {
  return {
    'invoices:list': (query) => {
      const r = app.invoices.search(query);
      return { items: r.items.map(toInvoiceSummary), total: r.total };
    },
    'invoices:create': ({ requestKey, ...input }) =>
      app.requestKeys.once(
        requestKey,
        'invoice',
        input,
        () => {
          const { invoice } = app.invoices.create(input);
          return { entityId: invoice.id, value: toInvoiceSummary(invoice) };
        },
        (prior) => toInvoiceSummary(app.invoices.get(prior.entity_id)),
        (prior) => `invoice ${toInvoiceSummary(app.invoices.get(prior.entity_id)).label}`,
      ),
    'payments:record': ({ requestKey, invoiceId, amountCents, paidDate, method, reference }) =>
      app.requestKeys.once(
        requestKey,
        'payment',
        { invoiceId, amountCents, paidDate, method, reference },
        () => {
          const r = asPaidDate(() => app.payments.record({ invoiceId, amountCents, date: paidDate, ...(method ? { method } : {}), ...(reference ? { reference } : {}) }));
          return { entityId: r.invoice.id, appliedCents: r.appliedCents, value: { invoice: toInvoiceSummary(r.invoice), appliedCents: r.appliedCents } };
        },
        (prior) => ({ invoice: toInvoiceSummary(app.invoices.get(prior.entity_id)), appliedCents: prior.applied_cents ?? 0 }),
        (prior) => `a payment of ${formatEuro(prior.applied_cents ?? 0)} on invoice ${toInvoiceSummary(app.invoices.get(prior.entity_id)).label}`,
      ),
    'clients:list': (query) => {
      const r = app.clients.listWithStats(query);
      return { items: r.items.map(toClientSummary), total: r.total };
    },
    'products:list': (query) => {
      const r = app.products.page(query);
      return { items: r.items.map(toProductSummary), total: r.total };
    },
  };
}

/** The payment service names the date `date`; the contract calls it `paidDate`. */
function asPaidDate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError && e.field === 'date') throw new InputError(`paidDate:${e.message.slice('date:'.length)}`, 'paidDate');
    throw e;
  }
}
