// Bank channels (Data → Bank): statements come in through the Import page (`import:statement`); here
// the "To reconcile" list and the other states (`bank:list`); confirming the first suggestion or correcting it with chosen invoices
// (`bank:confirm`), marking a credit as paying no invoice (`bank:reject`), undoing an automatic match
// (`bank:undo`); and the open invoices for the correction picker (`bank:openInvoices`).
import { z } from 'zod';
import { Id, LimitedText } from './common';

export const BANK_STATUSES = ['open', 'auto', 'matched', 'ignored', 'debit'] as const;
export const BankStatus = z.enum(BANK_STATUSES);
export type BankStatus = z.infer<typeof BankStatus>;

const Count = z.number().int().min(0);

export const BankInvoiceRef = z.object({ id: Id, label: z.string(), clientName: z.string(), outstandingCents: z.number().int().nullable() });
export const BankSuggestion = z.object({ kind: z.enum(['single', 'combined', 'partial']), score: z.number(), clientName: z.string(), invoices: z.array(BankInvoiceRef) });
export const BankEntryView = z.object({
  id: Id,
  bookingDate: z.string(),
  valueDate: z.string().nullable(),
  direction: z.enum(['credit', 'debit']),
  amountCents: z.number().int(),
  remittance: z.string(),
  counterpartyName: z.string().nullable(),
  counterpartyIban: z.string().nullable(),
  bankRef: z.string().nullable(),
  status: BankStatus,
  confidence: z.number().nullable(),
  modelVersion: z.string().nullable(),
  suggestions: z.array(BankSuggestion),
  matches: z.array(z.object({ invoiceId: Id, label: z.string(), clientName: z.string(), amountCents: z.number().int(), feeCents: z.number().int(), automatic: z.boolean() })),
});
export type BankEntryView = z.infer<typeof BankEntryView>;
export const BankCounts = z.object({ open: Count, matched: Count, auto: Count, ignored: Count, debit: Count });
export type BankCounts = z.infer<typeof BankCounts>;

const ActionResult = z.object({ action: z.enum(['confirmed', 'corrected', 'rejected', 'auto', 'undone']), payments: z.number().int(), entry: BankEntryView, feedbackId: Id });

export const bankChannels = {
  'bank:list': {
    args: z.object({ status: BankStatus.default('open'), limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).max(10_000_000).default(0) }).strict(),
    result: z.object({ items: z.array(BankEntryView), counts: BankCounts }),
  },
  'bank:confirm': { args: z.object({ entryId: Id, invoiceIds: z.array(Id).min(1).max(50).optional() }).strict(), result: ActionResult },
  'bank:reject': { args: z.object({ entryId: Id }).strict(), result: ActionResult },
  'bank:undo': { args: z.object({ entryId: Id }).strict(), result: ActionResult },
  'bank:openInvoices': {
    args: z.object({ search: LimitedText('name').trim().max(200).default('') }).strict(),
    result: z.object({ items: z.array(z.object({ id: Id, label: z.string(), clientName: z.string(), outstandingCents: z.number().int(), dueDate: z.string() })) }),
  },
};
