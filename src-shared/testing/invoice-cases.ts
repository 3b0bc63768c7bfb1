// Invoices at and past every limit of src-shared/invoice.ts, as the form's draft and as the
// invoices:create arguments the same invoice makes: the form (src-renderer), the contract and the
// domain are each tested against this one table, so the three accept and refuse the same invoices.
import { INVOICE_LIMITS } from '../invoice';

export interface LineCase {
  description: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
}

export interface InvoiceCase {
  name: string;
  valid: boolean;
  draft: { clientId: string; issueDate: string; dueDate: string; documentType: string; notes: string; lines: LineCase[] };
}

const line = (o: Partial<LineCase> = {}): LineCase => ({ description: 'Consulenza', quantity: '1', unitPrice: '100', vatRate: '22', ...o });
const invoice = (name: string, valid: boolean, lines: LineCase[], notes = ''): InvoiceCase => ({
  name,
  valid,
  draft: { clientId: '3', issueDate: '2025-03-01', dueDate: '', documentType: 'TD01', notes, lines },
});

export const INVOICE_CASES: InvoiceCase[] = [
  invoice('an ordinary invoice', true, [line()]),
  invoice(`${INVOICE_LIMITS.lines} lines`, true, Array.from({ length: INVOICE_LIMITS.lines }, () => line())),
  invoice(`${INVOICE_LIMITS.lines + 1} lines`, false, Array.from({ length: INVOICE_LIMITS.lines + 1 }, () => line())),
  invoice('a VAT rate Italy does not have (7%)', false, [line({ vatRate: '7' })]),
  invoice('every Italian VAT rate', true, ['0', '4', '5', '10', '22'].map((vatRate) => line({ vatRate }))),
  invoice('4 decimals of quantity', true, [line({ quantity: '1.2345' })]),
  invoice('5 decimals of quantity', false, [line({ quantity: '1.23456' })]),
  invoice('the largest quantity', true, [line({ quantity: String(INVOICE_LIMITS.quantity) })]),
  invoice('a quantity over the limit', false, [line({ quantity: String(INVOICE_LIMITS.quantity + 1) })]),
  invoice('a description at the limit', true, [line({ description: 'x'.repeat(INVOICE_LIMITS.lineDescription) })]),
  invoice('a description over the limit', false, [line({ description: 'x'.repeat(INVOICE_LIMITS.lineDescription + 1) })]),
  invoice('notes at the limit', true, [line()], 'n'.repeat(INVOICE_LIMITS.notes)),
  invoice('notes over the limit', false, [line()], 'n'.repeat(INVOICE_LIMITS.notes + 1)),
];

/** The invoices:create arguments of a case, built without any check so every gate judges the same invoice. */
export function argsOf(c: InvoiceCase) {
  return {
    clientId: Number(c.draft.clientId),
    issueDate: c.draft.issueDate,
    ...(c.draft.notes ? { notes: c.draft.notes } : {}),
    lines: c.draft.lines.map((l) => ({ description: l.description, quantity: Number(l.quantity), unitPriceCents: Math.round(Number(l.unitPrice) * 100), vatRate: Number(l.vatRate) })),
  };
}
