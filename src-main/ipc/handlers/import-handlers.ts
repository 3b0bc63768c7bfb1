// import:* channels → the FatturaPA and CSV imports of src-main/core/import (Data → Import). Files
// arrive as Base64 chunks into an upload session kept in memory by UploadSessions (never written to
// disk by name; budgets, ordering and expiry are enforced there). What the files contain is read once
// and kept with the session, so the dry run and the import that follows read the files once. One
// analyze/run at a time per session; progress goes out as pushes.
import type { App } from '../../core/app';
import { AppError, InputError } from '../../core/errors';
import { csvResultToSummary, guessCsvMap, rememberColumnMap, rememberCsvMap, rememberedColumnMap, rememberedCsvMap } from '../../core/import/csv-mapping';
import { classifyImportFile } from '../../core/import/classify-import-file';
import { CodedInputError } from '../../core/import/import-message';
import { guessCsvKind, guessStatementCsvMap } from '../../core/bank/parse-statement-csv';
import { importFatturaPa, readFatturaPaSources, type FatturaPaReading } from '../../core/import/fatturapa-import';
import { getFirm, setFirm } from '../../core/import/firm';
import type { ImportSummary as CoreSummary } from '../../core/import/import-summary';
import { importInvoicesCsv, readCsvHead, type ImportField } from '../../core/import/invoice-csv-import';
import { UploadSessions, type UploadLimits } from '../../core/import/upload-sessions';
import { IMPORT_CHUNK_BYTES, IMPORT_SESSION_BYTES, STATEMENT_CSV_FIELDS, type ImportSummary } from '../../../src-preload/contract/import-channels';
import type { EmitEvent, PartialHandlers } from '../ipc-router';

type ImportChannel = 'import:begin' | 'import:upload' | 'import:discard' | 'import:firm' | 'import:setFirm' | 'import:classify' | 'import:csvPreview' | 'import:analyze' | 'import:run' | 'import:statement';

export const IMPORT_UPLOAD_LIMITS: UploadLimits = {
  maxSessions: 4,
  sessionBytes: IMPORT_SESSION_BYTES,
  // Two full sessions at most, whatever the number of windows or browser tabs uploading.
  totalBytes: 2 * IMPORT_SESSION_BYTES,
  maxFiles: 100_000,
  chunkBytes: IMPORT_CHUNK_BYTES,
  idleMs: 60 * 60 * 1000,
  sweepEveryMs: 60 * 1000,
};

/** The upload sessions of one router; the router disposes them with itself. */
export type ImportUploads = UploadSessions<FatturaPaReading>;

export function createImportUploads(limits: UploadLimits = IMPORT_UPLOAD_LIMITS): ImportUploads {
  return new UploadSessions<FatturaPaReading>(limits);
}

const toContract = (s: CoreSummary): ImportSummary => ({ ...s, items: s.items.slice(0, 20_000) });

export function importHandlers(app: App, emit: EmitEvent, uploads: ImportUploads): PartialHandlers<ImportChannel> {
  const session = (id: string) => uploads.get(id);
  const bytesOf = (s: ReturnType<typeof session>, name: string) => uploads.bytesOf(s, name);

  const run = async (args: { sessionId: string; kind: 'fatturapa' | 'csv'; file?: string; csv?: { map: Partial<Record<ImportField, string>>; dateFormat?: string } }, dryRun: boolean): Promise<ImportSummary> => {
    const s = session(args.sessionId);
    if (s.busy) throw new AppError('BUSY', 'An import of these files is already running');
    s.busy = true;
    const operation = dryRun ? 'analyze' : 'run';
    const progress = (step: string, current: number, total: number) => emit('import:progress', { sessionId: args.sessionId, operation, step, current, total });
    try {
      if (args.kind === 'fatturapa') {
        // Statements and CSV files of the same drop have their own steps.
        const names = [...s.files.keys()].filter((n) => {
          const kind = classifyImportFile(n, bytesOf(s, n));
          return kind === 'fatturapa' || kind === 'other';
        });
        if (!names.length) throw new InputError('files: no .xml, .p7m or .zip file was added', 'files');
        const onProgress = (p: { step: string; current: number; total: number }) => progress(p.step, p.current, p.total);
        s.reading ??= await readFatturaPaSources(app.worker, names.map((name) => ({ kind: 'file' as const, name, bytes: new Uint8Array(bytesOf(s, name)) })), { onProgress });
        const summary = await importFatturaPa({ sqlite: app.database.sqlite, clients: app.clients, worker: app.worker, logger: app.logger }, s.reading, { dryRun, onProgress });
        return toContract(summary);
      }
      const file = args.file ?? [...s.files.keys()].find((n) => classifyImportFile(n, bytesOf(s, n)) === 'csv');
      if (!file || !s.files.has(file)) throw new InputError(`file: no CSV file ${args.file ?? ''} in this upload`, 'file');
      const text = bytesOf(s, file).toString('utf8');
      const map = args.csv?.map ?? {};
      const t0 = performance.now();
      const result = await importInvoicesCsv(
        { sqlite: app.database.sqlite, clients: app.clients, invoices: app.invoices, payments: app.payments },
        text,
        { map, dateFormat: args.csv?.dateFormat, strict: false, dryRun, source: file, onProgress: (d, t, step) => progress(step, d, t) },
      );
      if (!dryRun && result.imported > 0) rememberCsvMap(app.database.sqlite, result.header, map);
      return toContract(csvResultToSummary(file, result, performance.now() - t0));
    } finally {
      s.busy = false;
      uploads.touch(s);
    }
  };

  return {
    'import:begin': () => ({ sessionId: uploads.begin().id, chunkBytes: IMPORT_CHUNK_BYTES, sessionBytes: IMPORT_SESSION_BYTES }),
    'import:upload': ({ sessionId, name, offset, data }) => ({ name, bytes: uploads.append(sessionId, name, offset, Buffer.from(data, 'base64')) }),
    'import:discard': ({ sessionId }) => ({ discarded: uploads.discard(sessionId) }),
    'import:firm': () => ({ firm: getFirm(app.database.sqlite) }),
    'import:setFirm': (args) => setFirm(app.database.sqlite, args, true),
    'import:classify': ({ sessionId }) => {
      const s = session(sessionId);
      return { files: [...s.files.keys()].map((name) => ({ name, kind: classifyImportFile(name, bytesOf(s, name)) })) };
    },
    'import:csvPreview': ({ sessionId, file }) => {
      const s = session(sessionId);
      const { header, rows, delimiter } = readCsvHead(bytesOf(s, file).toString('utf8'), { source: file }, 10);
      const remembered = rememberedCsvMap(app.database.sqlite, header);
      const statementRemembered = rememberedColumnMap(app.database.sqlite, header, 'statement', STATEMENT_CSV_FIELDS);
      return {
        header,
        rows: rows.slice(0, 10).map((r) => r.record),
        delimiter: delimiter === '\t' ? 'tab' : delimiter,
        map: (remembered ?? guessCsvMap(header)) as Record<string, string>,
        remembered: remembered !== null,
        // A map remembered for one kind says what the file was last time; otherwise the header decides.
        kind: statementRemembered && !remembered ? 'statement' : remembered && !statementRemembered ? 'invoices' : guessCsvKind(header),
        statementMap: (statementRemembered ?? guessStatementCsvMap(header)) as Record<string, string>,
        statementRemembered: statementRemembered !== null,
      };
    },
    'import:analyze': (args) => run(args, true),
    'import:run': (args) => run(args, false),
    'import:statement': async (args) => {
      const s = session(args.sessionId);
      if (!s.files.has(args.file)) throw new InputError(`file: no file ${args.file} in this upload`, 'file');
      if (s.busy) throw new AppError('BUSY', 'An import of these files is already running');
      s.busy = true;
      const operation = args.dryRun ? 'analyze' : 'run';
      try {
        const bytes = new Uint8Array(bytesOf(s, args.file));
        const map = args.csv?.map ?? {};
        const result = await app.bank.importStatement(
          { name: args.file, bytes, account: args.csv?.account || undefined, map, exactMap: args.csv !== undefined, dateFormat: args.csv?.dateFormat, dryRun: args.dryRun },
          (p) => emit('import:progress', { sessionId: args.sessionId, operation, step: p.step === 'reading' ? 'statement-reading' : p.step, current: p.current, total: p.total }),
        );
        if (!args.dryRun && result.format === 'csv' && result.added > 0) {
          const { header } = readCsvHead(Buffer.from(bytes).toString('utf8'), { source: args.file }, 0);
          rememberColumnMap(app.database.sqlite, header, 'statement', map);
        }
        return { ok: true as const, ...result };
      } catch (e) {
        // A refused file is the answer for that file (the page lists it beside the others); nothing of it was written.
        if (e instanceof InputError) {
          const reasonMessage = e instanceof CodedInputError ? e.coded : { code: 'statement-invalid', params: { detail: e.message.replace(`${args.file}: `, '') } };
          return { ok: false as const, file: args.file, reason: e.message, reasonMessage };
        }
        throw e;
      } finally {
        s.busy = false;
        uploads.touch(s);
      }
    },
  };
}
