// Bank channels (Data → Bank): a statement uploaded through the import upload session (import:begin /
// import:upload) is imported and matched (`bank:import`); the "To reconcile" list and the other
// states (`bank:list`); confirming the first suggestion or correcting it with chosen invoices
// (`bank:confirm`), marking a credit as paying no invoice (`bank:reject`), undoing an automatic match
// (`bank:undo`); and the open invoices for the correction picker (`bank:openInvoices`).
import { z } from 'zod';
import { Id, LimitedText } from './common';

export const BANK_STATUSES = ['open', 'auto', 'matched', 'ignored', 'debit'] as const;
export const BankStatus = z.enum(BANK_STATUSES);
export type BankStatus = z.infer<typeof BankStatus>;

const SessionId = z.string().length(32).regex(/^[a-f0-9]{32}$/, 'expected an upload session id');

const Count = z.number().int().min(0);
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FileName = LimitedText('fileName').trim().min(1).refine((s) => !/[\\/\0\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s), 'a file name without folders or control characters');

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
  'bank:import': {
    args: z
      .object({
        sessionId: SessionId,
        file: FileName,
        /** The account (IBAN) of a CSV export. */
        account: LimitedText('name').trim().min(1).optional(),
        dateFormat: LimitedText('name').trim().min(1).optional(),
      })
      .strict(),
    result: z.object({
      file: z.string(),
      format: z.string(),
      account: z.string(),
      entries: Count,
      credits: Count,
      debits: Count,
      added: Count,
      skipped: Count,
      rejects: z.array(z.object({ line: z.number().int(), field: z.string(), column: z.string().nullable(), reason: z.string() })),
      notes: z.array(z.string()),
      dryRun: z.boolean(),
      reconcile: z.object({ credits: Count, suggested: Count, autoAccepted: Count, withoutCandidates: Count, modelVersion: z.string(), threshold: z.number() }).nullable(),
    }),
  },
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
