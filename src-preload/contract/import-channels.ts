// Import channels (Data → Import): files come from the renderer as bytes, in Base64 chunks of at most
// IMPORT_CHUNK_BYTES per call, into an upload session held by main; then a dry run (`import:analyze`)
// and the import itself (`import:run`), both reporting progress with `import:progress` pushes and
// answering with the same summary. CSV files get a preview with the columns guessed from the header
// (remembered per file shape); FatturaPA imports need the user's firm, asked once.
import { z } from 'zod';
import { LimitedText, NoArgs } from './common';
import { ImportMessage } from './import-messages';

export { IMPORT_CHUNK_BYTES } from './common';
/** Bytes per upload session (all its files). */
export const IMPORT_SESSION_BYTES = 512 * 1024 * 1024;

export const CSV_FIELDS = [
  'number', 'year', 'client', 'client_id', 'client_piva', 'client_name', 'issue_date', 'due_date', 'total', 'paid_date', 'paid_amount', 'description', 'disputed', 'document_type',
] as const;
export const CsvField = z.enum(CSV_FIELDS);
export type CsvField = z.infer<typeof CsvField>;

/** Columns of a bank's CSV export (the statement's own map; amounts signed, or credit and debit). */
export const STATEMENT_CSV_FIELDS = ['booking_date', 'value_date', 'amount', 'credit', 'debit', 'description', 'counterparty_name', 'counterparty_iban', 'reference', 'currency'] as const;
export const StatementCsvField = z.enum(STATEMENT_CSV_FIELDS);
export type StatementCsvField = z.infer<typeof StatementCsvField>;
/** What a dropped file is, read from its content: FatturaPA (or an archive of it), a CAMT.053 statement, a CSV, or something else. */
export const ImportFileKind = z.enum(['fatturapa', 'statement', 'csv', 'other']);
export type ImportFileKind = z.infer<typeof ImportFileKind>;
/** What a CSV holds: invoices, or a bank's statement entries. */
export const CsvKind = z.enum(['invoices', 'statement']);
export type CsvKind = z.infer<typeof CsvKind>;

const SessionId = z.string().length(32).regex(/^[a-f0-9]{32}$/, 'expected an upload session id');
/**
 * A file's name as the user's system gave it; only a label (never a path on this machine). Control
 * characters (line breaks, escapes) and bidirectional overrides are refused: the name is shown in the
 * summary, the logs and the downloadable CSV, where they would forge lines or disguise an extension.
 */
const FileName = LimitedText('fileName')
  .trim()
  .min(1)
  .refine((s) => !/[\\/\0]/.test(s) && s !== '.' && s !== '..', 'a file name without folders')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s), 'a file name without control or text-direction characters');

export const Firm = z.object({ name: z.string(), partitaIva: z.string().nullable(), codiceFiscale: z.string().nullable() });
export type Firm = z.infer<typeof Firm>;
export const FirmCandidate = Firm.extend({ documents: z.number().int(), asIssuer: z.number().int(), asCustomer: z.number().int() });

export const ImportOutcome = z.enum(['added', 'updated', 'skipped', 'rejected', 'ignored']);
export const ImportItem = z.object({
  source: z.string(),
  ref: z.string().nullable(),
  outcome: ImportOutcome,
  direction: z.enum(['issued', 'received']).nullable(),
  reason: z.string().nullable(),
  notes: z.array(z.string()),
  /** `reason` as a code with its figures, for the UI's language (absent or null: show `reason`). */
  reasonMessage: ImportMessage.nullable().optional(),
  /** One per note: its code, or null (show the note's text). */
  noteMessages: z.array(ImportMessage.nullable()).optional(),
  /** A CSV row's reasons one by one (`reason` joins their texts with "; "), each with its code or null. */
  reasonParts: z.array(z.object({ text: z.string(), message: ImportMessage.nullable() })).optional(),
});
export type ImportItem = z.infer<typeof ImportItem>;

const Count = z.number().int().min(0);
export const ImportSummary = z.object({
  kind: z.enum(['fatturapa', 'csv']),
  dryRun: z.boolean(),
  files: Count,
  documents: Count,
  added: Count,
  updated: Count,
  skipped: Count,
  rejected: Count,
  ignored: Count,
  received: Count,
  clientsCreated: Count,
  paymentsRecorded: Count,
  firm: Firm.nullable(),
  needsFirm: z.boolean(),
  firmCandidates: z.array(FirmCandidate),
  items: z.array(ImportItem),
  invoiceIds: z.array(z.number().int()),
  durationMs: z.number().min(0),
  /** CSV: the date format used (given or detected). */
  dateFormat: z.string().nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

const CsvOptions = z
  .object({
    map: z.record(CsvField, LimitedText('name')).default({}),
    /** Omitted: detected from the file. */
    dateFormat: LimitedText('name').trim().min(1).optional(),
  })
  .strict();

const Outcome = z.object({ autoAccepted: Count, payments: Count, suggested: Count, withoutCandidates: Count });
/** A statement's dry run or import: what is in the file, what is new, and what the new credits become at the auto-accept threshold. */
export const StatementImport = z.object({
  ok: z.literal(true),
  file: z.string(),
  format: z.string(),
  account: z.string(),
  entries: Count,
  credits: Count,
  debits: Count,
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  added: Count,
  skipped: Count,
  newCredits: Count,
  newDebits: Count,
  rejects: z.array(z.object({ line: z.number().int(), field: z.string(), column: z.string().nullable(), reason: z.string() })),
  notes: z.array(z.string()),
  dryRun: z.boolean(),
  reconcile: Outcome.extend({ credits: Count, modelVersion: z.string(), threshold: z.number(), added: Outcome }).nullable(),
  openAfter: Count.nullable(),
});
export type StatementImport = z.infer<typeof StatementImport>;
/** A statement file that was refused: nothing of it was written. */
export const StatementRefusal = z.object({ ok: z.literal(false), file: z.string(), reason: z.string(), reasonMessage: ImportMessage.nullable() });
export type StatementRefusal = z.infer<typeof StatementRefusal>;

const RunArgs = z
  .object({
    sessionId: SessionId,
    kind: z.enum(['fatturapa', 'csv']),
    /** CSV: which uploaded file. */
    file: FileName.optional(),
    csv: CsvOptions.optional(),
  })
  .strict();

export const importChannels = {
  'import:begin': { args: NoArgs, result: z.object({ sessionId: SessionId, chunkBytes: z.number().int(), sessionBytes: z.number().int() }) },
  'import:upload': {
    args: z
      .object({
        sessionId: SessionId,
        name: FileName,
        offset: z.number().int().min(0).max(IMPORT_SESSION_BYTES),
        data: LimitedText('uploadChunk').regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected Base64'),
      })
      .strict(),
    result: z.object({ name: z.string(), bytes: Count }),
  },
  'import:discard': { args: z.object({ sessionId: SessionId }).strict(), result: z.object({ discarded: z.boolean() }) },
  'import:firm': { args: NoArgs, result: z.object({ firm: Firm.nullable() }) },
  'import:setFirm': {
    args: z.object({ name: LimitedText('name').trim().min(1), partitaIva: LimitedText('name').trim().nullable().optional(), codiceFiscale: LimitedText('name').trim().nullable().optional() }).strict(),
    result: z.object({ firm: Firm, warnings: z.array(z.string()) }),
  },
  /** What each uploaded file is, from its content (a CAMT.053 statement is told from FatturaPA by its namespace and elements, not its name). */
  'import:classify': {
    args: z.object({ sessionId: SessionId }).strict(),
    result: z.object({ files: z.array(z.object({ name: z.string(), kind: ImportFileKind })) }),
  },
  'import:csvPreview': {
    args: z.object({ sessionId: SessionId, file: FileName }).strict(),
    result: z.object({
      header: z.array(z.string()),
      rows: z.array(z.array(z.string())),
      delimiter: z.string(),
      map: z.record(CsvField, z.string()),
      /** The map was remembered from an earlier import of a file with this header. */
      remembered: z.boolean(),
      /** What the header reads as: invoices or a bank statement. */
      kind: CsvKind,
      statementMap: z.record(StatementCsvField, z.string()),
      statementRemembered: z.boolean(),
    }),
  },
  /** A bank statement (CAMT.053, or a CSV of statement entries) of the upload: dry run or import with matching; a refused file is an answer, not an error. */
  'import:statement': {
    args: z
      .object({
        sessionId: SessionId,
        file: FileName,
        dryRun: z.boolean(),
        csv: z
          .object({
            /** The account (IBAN) the export is for; a CAMT.053 names its own. */
            account: LimitedText('name').trim().max(64).optional(),
            map: z.record(StatementCsvField, LimitedText('name')).default({}),
            dateFormat: LimitedText('name').trim().min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    result: z.discriminatedUnion('ok', [StatementImport, StatementRefusal]),
  },
  'import:analyze': { args: RunArgs, result: ImportSummary },
  'import:run': { args: RunArgs, result: ImportSummary },
} as const;

/** The summary as CSV for a spreadsheet: one row per item; cells that a spreadsheet would run as formulas are neutralised. */
export function importSummaryCsv(summary: Pick<ImportSummary, 'items'>): string {
  const cell = (v: string) => {
    const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = [['source', 'invoice', 'outcome', 'direction', 'reason', 'notes']];
  for (const i of summary.items) rows.push([i.source, i.ref ?? '', i.outcome, i.direction ?? '', i.reason ?? '', i.notes.join(' | ')]);
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
