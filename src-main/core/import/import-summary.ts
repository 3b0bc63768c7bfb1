// What an import did or, in a dry run, would do: the four counts of an idempotent import (added,
// updated, skipped, rejected) plus files that were not invoices, and one item per document or row
// with its reason and what was tolerated. Shared by the FatturaPA and CSV imports, the CLI and the
// Import page (which offers it as a download).
import type { Firm, FirmCandidate } from './firm';
import type { ImportMessage } from './import-message';

export type ImportOutcome = 'added' | 'updated' | 'skipped' | 'rejected' | 'ignored';

export interface ImportItem {
  /** The file (archive entry, body) or CSV line it concerns. */
  source: string;
  /** The invoice as people name it ("FPR 12/2025", "12/2025"), when known. */
  ref: string | null;
  outcome: ImportOutcome;
  direction: 'issued' | 'received' | null;
  reason: string | null;
  /** What was tolerated or defaulted. */
  notes: string[];
  /** `reason` with its stable code (the Import page says it in the UI's language). */
  reasonMessage?: ImportMessage | null;
  /** Beside `notes`, one each: the note's code, or null for a note without one (shown in English). */
  noteMessages?: (ImportMessage | null)[];
  /** A CSV row's reasons one by one (`reason` joins their texts with "; "), each with its code or null. */
  reasonParts?: { text: string; message: ImportMessage | null }[];
}

export interface ImportSummary {
  kind: 'fatturapa' | 'csv';
  dryRun: boolean;
  /** Files read (archive entries count one each). */
  files: number;
  /** Invoices found (a file with several bodies counts each). */
  documents: number;
  added: number;
  updated: number;
  skipped: number;
  rejected: number;
  ignored: number;
  /** Of the added, how many are received invoices (kept apart). */
  received: number;
  clientsCreated: number;
  paymentsRecorded: number;
  /** The firm used to tell issued from received (FatturaPA). */
  firm: Firm | null;
  /** FatturaPA: the firm is not known yet; nothing was written. Pick one of `firmCandidates`. */
  needsFirm: boolean;
  firmCandidates: FirmCandidate[];
  items: ImportItem[];
  invoiceIds: number[];
  durationMs: number;
  /** CSV: the date format used (given or detected). */
  dateFormat: string | null;
}

export function emptySummary(kind: ImportSummary['kind'], dryRun: boolean): ImportSummary {
  return {
    kind,
    dryRun,
    files: 0,
    documents: 0,
    added: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    ignored: 0,
    received: 0,
    clientsCreated: 0,
    paymentsRecorded: 0,
    firm: null,
    needsFirm: false,
    firmCandidates: [],
    items: [],
    invoiceIds: [],
    durationMs: 0,
    dateFormat: null,
  };
}

export function addItem(summary: ImportSummary, item: ImportItem): void {
  summary.items.push(item);
  summary[item.outcome]++;
}
