// Data channels (the Data page): invoices, clients, products and payments. Shapes are what the UI
// shows, in cents and ISO dates; the router maps the domain services onto them.
import { z } from 'zod';
import { DOCUMENT_TYPES, hasQuantityPrecision, INVOICE_LIMITS, INVOICE_STATUSES, isVatRate, PAYMENT_METHODS, VAT_RATES } from '../../src-shared/invoice';
import { Cents, Id, IsoDate, IsoTimestamp, Limit, LimitedText, Offset, Page } from './common';

export { PAYMENT_METHODS } from '../../src-shared/invoice';
export const InvoiceStatus = z.enum(INVOICE_STATUSES);
export const DocumentType = z.enum(DOCUMENT_TYPES);
export const PaymentMethod = z.enum(PAYMENT_METHODS);

export const InvoiceSummary = z.object({
  id: Id,
  /** The number as printed on the invoice, up to 20 characters ("12", "FPR 12/2025", "2025/A/0007"). */
  number: z.string().min(1).max(20),
  year: z.number().int(),
  /** How the UI names it: the number, with "/year" when the number does not carry it ("12/2025"). */
  label: z.string(),
  clientId: Id,
  clientName: z.string(),
  documentType: z.string(),
  issueDate: IsoDate,
  dueDate: IsoDate,
  totalCents: Cents,
  paidCents: Cents,
  outstandingCents: Cents,
  status: InvoiceStatus,
  disputed: z.boolean(),
  createdAt: IsoTimestamp,
});
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

export const ClientSummary = z.object({
  id: Id,
  denominazione: z.string(),
  partitaIva: z.string().nullable(),
  codiceFiscale: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  paymentTermsDays: z.number().int(),
  paymentTermsEom: z.boolean(),
  invoiceCount: z.number().int().min(0),
  outstandingCents: Cents,
});
export type ClientSummary = z.infer<typeof ClientSummary>;

export const ProductSummary = z.object({
  id: Id,
  code: z.string(),
  description: z.string(),
  unitPriceCents: Cents,
  vatRate: z.number(),
  unit: z.string(),
  category: z.string().nullable(),
  isService: z.boolean(),
});
export type ProductSummary = z.infer<typeof ProductSummary>;

const Search = LimitedText('name').trim();

/**
 * Made by the page once per form, sent again with a retry: if the first request committed but its
 * answer was lost, the retry returns what it made instead of making a second invoice or payment.
 */
export const RequestKey = LimitedText('name').regex(/^[A-Za-z0-9-]{16,64}$/, '16 to 64 letters, digits or "-"');

export const InvoiceLineInput = z
  .object({
    description: LimitedText('invoiceLine').trim().min(1),
    quantity: z.number().finite().positive().max(INVOICE_LIMITS.quantity).refine(hasQuantityPrecision, `at most ${INVOICE_LIMITS.quantityDecimals} decimals`),
    unitPriceCents: z.number().int().min(0).max(INVOICE_LIMITS.unitPriceCents),
    vatRate: z.number().refine(isVatRate, `must be one of ${VAT_RATES.join(', ')} (%)`),
    productId: Id.optional(),
  })
  .strict();

export const CreateInvoiceArgs = z
  .object({
    clientId: Id,
    /** Default: today. */
    issueDate: IsoDate.optional(),
    /** Default: from the client's payment terms. */
    dueDate: IsoDate.optional(),
    documentType: DocumentType.optional(),
    notes: LimitedText('shortText').optional(),
    lines: z.array(InvoiceLineInput).min(1, 'an invoice needs at least one line').max(INVOICE_LIMITS.lines),
    requestKey: RequestKey.optional(),
  })
  .strict();
export type CreateInvoiceArgs = z.infer<typeof CreateInvoiceArgs>;

export const dataChannels = {
  'invoices:list': {
    args: z
      .object({
        search: Search.optional(),
        status: InvoiceStatus.optional(),
        clientId: Id.optional(),
        from: IsoDate.optional(),
        to: IsoDate.optional(),
        limit: Limit(1000, 100),
        offset: Offset,
      })
      .strict(),
    result: Page(InvoiceSummary),
  },
  'invoices:create': { args: CreateInvoiceArgs, result: InvoiceSummary },
  'payments:record': {
    args: z
      .object({
        invoiceId: Id,
        amountCents: z.number().int().positive().max(1e11),
        paidDate: IsoDate,
        method: PaymentMethod.optional(),
        reference: LimitedText('name').trim().optional(),
        requestKey: RequestKey.optional(),
      })
      .strict(),
    result: z.object({ invoice: InvoiceSummary, appliedCents: Cents }),
  },
  'clients:list': {
    args: z.object({ search: Search.optional(), limit: Limit(1000, 100), offset: Offset }).strict(),
    result: Page(ClientSummary),
  },
  'products:list': {
    args: z.object({ search: Search.optional(), limit: Limit(1000, 100), offset: Offset }).strict(),
    result: Page(ProductSummary),
  },
} as const;
