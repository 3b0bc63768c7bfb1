// Invoices, clients and products for the Data page, plus the invoice-creation and payment forms'
// validation. The validators return per-field message keys so the form shows each problem next to
// its input, and only a fully valid draft ever reaches invoices:create / payments:record.
import { create } from 'zustand';
import type { ChannelArgs } from '../../src-preload/contract/channels';
import type { ClientSummary, InvoiceSummary, ProductSummary } from '../../src-preload/contract/data-channels';
import { hasQuantityPrecision, INVOICE_LIMITS, isVatRate, type PaymentMethod } from '../../src-shared/invoice';
import { isIsoDate } from '../format/dates';
import { lineTotals, parseAmountInput, sumTotals } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { call, emptySlice, errorText, type Slice } from './call';

export type InvoiceStatusFilter = InvoiceSummary['status'] | '';

export interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
  productId?: number;
}
export interface InvoiceDraft {
  clientId: string;
  issueDate: string;
  dueDate: string;
  documentType: string;
  notes: string;
  lines: LineDraft[];
}

export const emptyLine = (): LineDraft => ({ description: '', quantity: '1', unitPrice: '', vatRate: '22' });

export type DraftErrors = Partial<Record<string, MessageKey>>;

function parseNumber(s: string): number | null {
  const t = s.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/** Live totals of a draft: lines that do not parse yet count as zero. */
export function draftTotals(lines: LineDraft[]): { net: number; vat: number; total: number; perLine: { net: number; vat: number; total: number }[] } {
  const perLine = lines.map((l) => {
    const q = parseNumber(l.quantity);
    const p = parseAmountInput(l.unitPrice);
    const v = parseNumber(l.vatRate);
    return q !== null && p.ok && v !== null ? lineTotals(q, p.cents, v) : { net: 0, vat: 0, total: 0 };
  });
  return { ...sumTotals(perLine), perLine };
}

/** Checks a draft; field keys are "clientId", "issueDate", "dueDate", "lines", "lines.N.field". */
export function validateInvoiceDraft(d: InvoiceDraft): { errors: DraftErrors; args: ChannelArgs<'invoices:create'> | null } {
  const errors: DraftErrors = {};
  const clientId = Number(d.clientId);
  if (!d.clientId || !Number.isInteger(clientId) || clientId <= 0) errors.clientId = 'data.err.client';
  if (d.issueDate && !isIsoDate(d.issueDate)) errors.issueDate = 'data.err.date';
  if (d.dueDate && !isIsoDate(d.dueDate)) errors.dueDate = 'data.err.date';
  if (d.dueDate && d.issueDate && isIsoDate(d.dueDate) && isIsoDate(d.issueDate) && d.dueDate < d.issueDate) errors.dueDate = 'data.err.dueBeforeIssue';
  if (d.lines.length === 0) errors.lines = 'data.err.noLines';
  const lines: ChannelArgs<'invoices:create'>['lines'] = [];
  d.lines.forEach((l, i) => {
    const q = parseNumber(l.quantity);
    const p = parseAmountInput(l.unitPrice);
    const v = parseNumber(l.vatRate);
    if (!l.description.trim()) errors[`lines.${i}.description`] = 'data.err.description';
    if (q === null || q <= 0 || q > INVOICE_LIMITS.quantity || !hasQuantityPrecision(q)) errors[`lines.${i}.quantity`] = 'data.err.quantity';
    if (!p.ok) errors[`lines.${i}.unitPrice`] = p.reason === 'empty' ? 'data.err.priceEmpty' : p.reason === 'negative' ? 'data.err.priceNegative' : 'data.err.price';
    if (p.ok && p.cents > INVOICE_LIMITS.unitPriceCents) errors[`lines.${i}.unitPrice`] = 'data.err.price';
    if (v === null || !isVatRate(v)) errors[`lines.${i}.vatRate`] = 'data.err.vat';
    if (l.description.trim().length > INVOICE_LIMITS.lineDescription) errors[`lines.${i}.description`] = 'data.err.descriptionLong';
    if (!errors[`lines.${i}.description`] && !errors[`lines.${i}.quantity`] && !errors[`lines.${i}.unitPrice`] && !errors[`lines.${i}.vatRate`] && q !== null && p.ok && v !== null) {
      lines.push({ description: l.description.trim(), quantity: q, unitPriceCents: p.cents, vatRate: v, ...(l.productId ? { productId: l.productId } : {}) });
    }
  });
  if (d.lines.length > INVOICE_LIMITS.lines) errors.lines = 'data.err.tooManyLines';
  if (d.notes.trim().length > INVOICE_LIMITS.notes) errors.notes = 'data.err.notesLong';
  if (Object.keys(errors).length > 0) return { errors, args: null };
  return {
    errors,
    args: {
      clientId,
      lines,
      ...(d.issueDate ? { issueDate: d.issueDate } : {}),
      ...(d.dueDate ? { dueDate: d.dueDate } : {}),
      ...(d.documentType ? { documentType: d.documentType as ChannelArgs<'invoices:create'>['documentType'] } : {}),
      ...(d.notes.trim() ? { notes: d.notes.trim() } : {}),
    },
  };
}

export { PAYMENT_METHODS, type PaymentMethod } from '../../src-shared/invoice';

export interface PaymentDraft {
  amount: string;
  paidDate: string;
  method: PaymentMethod | '';
  reference: string;
}

/** What the payment form needs to know about the invoice it pays. */
export interface PayableInvoice {
  id: number;
  label: string;
  clientName: string;
  issueDate: string;
  dueDate: string;
  outstandingCents: number;
}

/**
 * Checks the payment form: an amount above zero and not above what is open, a paid date on or after
 * the issue date and not after `today` (a payment is recorded once it has arrived).
 */
export function validatePaymentDraft(invoice: Pick<PayableInvoice, 'id' | 'outstandingCents' | 'issueDate'>, d: PaymentDraft, today: string): { errors: DraftErrors; args: ChannelArgs<'payments:record'> | null } {
  const errors: DraftErrors = {};
  const amount = parseAmountInput(d.amount);
  if (!amount.ok) errors.amount = amount.reason === 'empty' ? 'data.err.amountEmpty' : 'data.err.price';
  else if (amount.cents <= 0) errors.amount = 'data.err.amountPositive';
  else if (amount.cents > invoice.outstandingCents) errors.amount = 'data.err.amountTooHigh';
  if (!isIsoDate(d.paidDate)) errors.paidDate = 'data.err.date';
  else if (d.paidDate > today) errors.paidDate = 'data.err.paidInFuture';
  else if (d.paidDate < invoice.issueDate) errors.paidDate = 'data.err.paidBeforeIssue';
  if (Object.keys(errors).length > 0 || !amount.ok) return { errors, args: null };
  return {
    errors,
    args: {
      invoiceId: invoice.id,
      amountCents: amount.cents,
      paidDate: d.paidDate,
      ...(d.method ? { method: d.method } : {}),
      ...(d.reference.trim() ? { reference: d.reference.trim() } : {}),
    },
  };
}

export const PAGE_SIZE = 50;

interface DataState {
  invoices: Slice<{ items: InvoiceSummary[]; total: number }>;
  clients: Slice<{ items: ClientSummary[]; total: number }>;
  products: Slice<{ items: ProductSummary[]; total: number }>;
  invoiceFilter: { search: string; status: InvoiceStatusFilter; offset: number };
  clientSearch: string;
  productSearch: string;
  loadInvoices: () => Promise<void>;
  loadClients: () => Promise<void>;
  loadProducts: () => Promise<void>;
  setInvoiceFilter: (f: Partial<DataState['invoiceFilter']>) => void;
  setClientSearch: (s: string) => void;
  setProductSearch: (s: string) => void;
  createInvoice: (args: ChannelArgs<'invoices:create'>) => Promise<InvoiceSummary>;
  recordPayment: (args: ChannelArgs<'payments:record'>) => Promise<InvoiceSummary>;
}

export const useDataStore = create<DataState>((set, get) => ({
  invoices: emptySlice(),
  clients: emptySlice(),
  products: emptySlice(),
  invoiceFilter: { search: '', status: '', offset: 0 },
  clientSearch: '',
  productSearch: '',
  loadInvoices: async () => {
    const f = get().invoiceFilter;
    set((s) => ({ invoices: { ...s.invoices, loading: true } }));
    try {
      const data = await call('invoices:list', {
        limit: PAGE_SIZE,
        offset: f.offset,
        ...(f.search.trim() ? { search: f.search.trim() } : {}),
        ...(f.status ? { status: f.status } : {}),
      });
      set({ invoices: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ invoices: { ...s.invoices, loading: false, error: errorText(e) } }));
    }
  },
  loadClients: async () => {
    set((s) => ({ clients: { ...s.clients, loading: true } }));
    try {
      const q = get().clientSearch.trim();
      const data = await call('clients:list', { limit: 1000, ...(q ? { search: q } : {}) });
      set({ clients: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ clients: { ...s.clients, loading: false, error: errorText(e) } }));
    }
  },
  loadProducts: async () => {
    set((s) => ({ products: { ...s.products, loading: true } }));
    try {
      const q = get().productSearch.trim();
      const data = await call('products:list', { limit: 1000, ...(q ? { search: q } : {}) });
      set({ products: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ products: { ...s.products, loading: false, error: errorText(e) } }));
    }
  },
  setInvoiceFilter: (f) => {
    set((s) => ({ invoiceFilter: { ...s.invoiceFilter, offset: 0, ...f } }));
    void get().loadInvoices();
  },
  setClientSearch: (clientSearch) => {
    set({ clientSearch });
    void get().loadClients();
  },
  setProductSearch: (productSearch) => {
    set({ productSearch });
    void get().loadProducts();
  },
  createInvoice: async (args) => {
    const invoice = await call('invoices:create', args);
    void get().loadInvoices();
    void get().loadClients();
    return invoice;
  },
  recordPayment: async (args) => {
    const { invoice } = await call('payments:record', args);
    void get().loadInvoices();
    void get().loadClients();
    return invoice;
  },
}));
