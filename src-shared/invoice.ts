// The invoice's vocabulary and limits, one definition for every layer: the domain validates new
// invoices with them, the contract checks IPC arguments with them, the renderer's invoice form
// checks a draft with them — so the three agree on what a valid invoice is.

/** Invoice statuses; paid and partially paid follow from the payments. */
export const INVOICE_STATUSES = ['draft', 'issued', 'sent', 'partially_paid', 'paid', 'cancelled'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** How a receipt was paid. */
export const PAYMENT_METHODS = ['bonifico', 'riba', 'rid', 'contanti', 'assegno', 'carta', 'altro'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Italian VAT rates (%) an invoice line or a product may carry. */
export const VAT_RATES = [0, 4, 5, 10, 22] as const;
export type VatRate = (typeof VAT_RATES)[number];

export function isVatRate(v: number): v is VatRate {
  return (VAT_RATES as readonly number[]).includes(v);
}

/** FatturaPA document types the app creates (imports keep whatever TDnn their file has). */
export const DOCUMENT_TYPES = ['TD01', 'TD02', 'TD04', 'TD05', 'TD06', 'TD24', 'TD25'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** What one invoice may hold. */
export const INVOICE_LIMITS = {
  lines: 500,
  /** Characters of a line's description. */
  lineDescription: 1_000,
  /** Characters of the notes. */
  notes: 2_000,
  quantity: 10_000_000,
  quantityDecimals: 4,
  unitPriceCents: 100_000_000_000,
  /** Instalments the amount due is split into. */
  instalments: 12,
} as const;

/** At most INVOICE_LIMITS.quantityDecimals decimals (1.2345 yes, 1.23456 no). */
export function hasQuantityPrecision(q: number): boolean {
  const scale = 10 ** INVOICE_LIMITS.quantityDecimals;
  return Math.abs(q * scale - Math.round(q * scale)) < 1e-6;
}
