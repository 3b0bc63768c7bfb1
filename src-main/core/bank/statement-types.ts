// The bank-statement model shared by the CAMT.053 and CSV readers, the matcher and the bank
// repository: one entry per booked movement, amounts in integer cents (always positive, the direction
// says which way the money went), dates as ISO YYYY-MM-DD, and a key that makes a re-import add nothing.

import crypto from 'node:crypto';
import type { CodedText, ImportMessage } from '../import/import-message';

export type EntryDirection = 'credit' | 'debit';

export interface BankEntry {
  /** The account the statement is for (IBAN when the statement gives one). */
  account: string;
  /** Idempotency key: `ref:<bank reference>` or `hash:<sha256 of account, date, amount, text, occurrence>`. */
  key: string;
  /** The bank's own reference for the entry (AcctSvcrRef, NtryRef or the CSV's reference column), when given. */
  bankRef: string | null;
  direction: EntryDirection;
  /** Positive, in cents. */
  amountCents: number;
  currency: string;
  bookingDate: string;
  valueDate: string | null;
  /** Unstructured remittance text (RmtInf/Ustrd lines joined, else AddtlNtryInf; the CSV's description). */
  remittance: string;
  /** Structured references: creditor references (RF…), referred document numbers, end-to-end ids. */
  structuredRefs: string[];
  /** The payer (debtor) for a credit, the payee (creditor) for a debit. */
  counterpartyName: string | null;
  counterpartyIban: string | null;
}

export interface ParsedStatement {
  /** `camt.053.001.02` … `camt.053.001.08`, or `csv`. */
  format: string;
  account: string;
  /** The statement id(s) as the bank wrote them (Stmt/Id), for messages. */
  statementIds: string[];
  entries: BankEntry[];
  /** Entries not taken, with why (pending entries, other currencies…), and what was tolerated. */
  notes: string[];
}

/**
 * Errors in a statement file: the message names the element (or line and column) and the problem.
 * `coded` is the same refusal as a code with its figures, so the Import page can say it in the UI's
 * language (a refusal without a code quotes the element in `statement-invalid`).
 */
export class StatementFileError extends Error {
  readonly coded: ImportMessage;
  constructor(reason: string | CodedText) {
    super(typeof reason === 'string' ? reason : reason.text);
    this.name = 'StatementFileError';
    this.coded = typeof reason === 'string' ? { code: 'statement-invalid', params: { detail: reason } } : reason.message;
  }
}

/** Budgets for untrusted statement files. */
export const STATEMENT_LIMITS = {
  /** Bytes of one statement file (a year of a busy account in CAMT.053 is a few MiB). */
  maxFileBytes: 32 * 1024 * 1024,
  maxEntries: 200_000,
  /** Characters kept of the remittance text and of a name. */
  maxRemittanceChars: 2_000,
  maxNameChars: 200,
  maxRefs: 20,
} as const;

/** The idempotency key of an entry without a bank reference: account, date, direction, amount, text and the occurrence of that combination in the file. */
export function entryHashKey(parts: { account: string; bookingDate: string; direction: EntryDirection; amountCents: number; remittance: string; counterpartyIban: string | null }, occurrence: number): string {
  const h = crypto
    .createHash('sha256')
    .update([parts.account, parts.bookingDate, parts.direction, String(parts.amountCents), parts.remittance, parts.counterpartyIban ?? '', String(occurrence)].join('\u0001'))
    .digest('hex');
  return `hash:${h.slice(0, 40)}`;
}

/**
 * The keys of a file's entries, in file order: the bank's reference when it gives one, else the hash
 * of the entry with its occurrence of that combination in the file (two identical entries stay two).
 */
export class EntryKeys {
  private readonly seen = new Map<string, number>();

  keyOf(entry: Parameters<typeof entryHashKey>[0], bankRef: string | null): string {
    if (bankRef) return `ref:${entry.account}:${bankRef}`;
    const first = entryHashKey(entry, 0);
    const n = this.seen.get(first) ?? 0;
    this.seen.set(first, n + 1);
    return n === 0 ? first : entryHashKey(entry, n);
  }
}
