// import:* channels → the FatturaPA and CSV imports of src-main/core/import (Data → Import). Files
// arrive as Base64 chunks into an upload session kept in memory (never written to disk by name):
// at most MAX_SESSIONS sessions, IMPORT_SESSION_BYTES each, chunks appended in order; a session idle
// for an hour is dropped. One analyze/run at a time per session; progress goes out as pushes.
import crypto from 'node:crypto';
import type { App } from '../../core/app';
import { AppError, InputError, NotFoundError } from '../../core/errors';
import { csvResultToSummary, guessCsvMap, rememberCsvMap, rememberedCsvMap } from '../../core/import/csv-mapping';
import { importFatturaPa } from '../../core/import/fatturapa-import';
import { getFirm, setFirm } from '../../core/import/firm';
import type { ImportSummary as CoreSummary } from '../../core/import/import-summary';
import { kindOfName } from '../../core/import/import-sources';
import { importInvoicesCsv, readCsvRecords, type ImportField } from '../../core/import/invoice-csv-import';
import { IMPORT_CHUNK_BYTES, IMPORT_SESSION_BYTES, type ImportSummary } from '../../../src-preload/contract/import-channels';
import type { EmitEvent, PartialHandlers } from '../ipc-router';

type ImportChannel = 'import:begin' | 'import:upload' | 'import:discard' | 'import:firm' | 'import:setFirm' | 'import:csvPreview' | 'import:analyze' | 'import:run';

const MAX_SESSIONS = 4;
const IDLE_MS = 60 * 60 * 1000;

interface Session {
  files: Map<string, Buffer[]>;
  sizes: Map<string, number>;
  bytes: number;
  touched: number;
  busy: boolean;
}

const toContract = (s: CoreSummary): ImportSummary => ({ ...s, items: s.items.slice(0, 20_000) });

export function importHandlers(app: App, emit: EmitEvent): PartialHandlers<ImportChannel> {
  const sessions = new Map<string, Session>();
  const sweep = () => {
    const now = Date.now();
    for (const [id, s] of sessions) if (!s.busy && now - s.touched > IDLE_MS) sessions.delete(id);
  };
  const session = (id: string): Session => {
    sweep();
    const s = sessions.get(id);
    if (!s) throw new NotFoundError(`sessionId: no upload session ${id} (it may have expired; add the files again)`, 'sessionId');
    s.touched = Date.now();
    return s;
  };
  const bytesOf = (s: Session, name: string) => Buffer.concat(s.files.get(name) ?? []);

  const run = async (args: { sessionId: string; kind: 'fatturapa' | 'csv'; file?: string; csv?: { map: Partial<Record<ImportField, string>>; dateFormat?: string } }, dryRun: boolean): Promise<ImportSummary> => {
    const s = session(args.sessionId);
    if (s.busy) throw new AppError('BUSY', 'An import of these files is already running');
    s.busy = true;
    const operation = dryRun ? 'analyze' : 'run';
    const progress = (step: string, current: number, total: number) => emit('import:progress', { sessionId: args.sessionId, operation, step, current, total });
    try {
      if (args.kind === 'fatturapa') {
        const sources = [...s.files.keys()].filter((n) => kindOfName(n) !== 'csv').map((name) => ({ kind: 'file' as const, name, bytes: new Uint8Array(bytesOf(s, name)) }));
        if (!sources.length) throw new InputError('files: no .xml, .p7m or .zip file was added', 'files');
        const summary = await importFatturaPa({ sqlite: app.database.sqlite, clients: app.clients, worker: app.worker, logger: app.logger }, sources, {
          dryRun,
          onProgress: (p) => progress(p.step, p.current, p.total),
        });
        return toContract(summary);
      }
      const file = args.file ?? [...s.files.keys()].find((n) => kindOfName(n) === 'csv');
      if (!file || !s.files.has(file)) throw new InputError(`file: no CSV file ${args.file ?? ''} in this upload`, 'file');
      const text = bytesOf(s, file).toString('utf8');
      const map = args.csv?.map ?? {};
      const t0 = performance.now();
      const result = importInvoicesCsv(
        { sqlite: app.database.sqlite, clients: app.clients, invoices: app.invoices, payments: app.payments },
        text,
        { map, dateFormat: args.csv?.dateFormat, strict: false, dryRun, source: file, onProgress: (d, t) => progress('importing', d, t) },
      );
      if (!dryRun && result.imported > 0) rememberCsvMap(app.database.sqlite, readCsvRecords(text, { source: file }).header, map);
      return toContract(csvResultToSummary(file, result, performance.now() - t0));
    } finally {
      s.busy = false;
      s.touched = Date.now();
    }
  };

  return {
    'import:begin': () => {
      sweep();
      if (sessions.size >= MAX_SESSIONS) throw new AppError('BUSY', `at most ${MAX_SESSIONS} uploads at a time; finish or discard one first`);
      const sessionId = crypto.randomBytes(16).toString('hex');
      sessions.set(sessionId, { files: new Map(), sizes: new Map(), bytes: 0, touched: Date.now(), busy: false });
      return { sessionId, chunkBytes: IMPORT_CHUNK_BYTES, sessionBytes: IMPORT_SESSION_BYTES };
    },
    'import:upload': ({ sessionId, name, offset, data }) => {
      const s = session(sessionId);
      if (s.busy) throw new AppError('BUSY', 'the files are being imported; wait for it to finish');
      const chunk = Buffer.from(data, 'base64');
      if (chunk.length > IMPORT_CHUNK_BYTES) throw new InputError(`data: at most ${IMPORT_CHUNK_BYTES} bytes per call, got ${chunk.length}`, 'data');
      const have = s.sizes.get(name) ?? 0;
      if (offset !== have) throw new InputError(`offset: expected ${have} for ${name} (chunks are appended in order), got ${offset}`, 'offset');
      if (s.bytes + chunk.length > IMPORT_SESSION_BYTES) throw new InputError(`data: more than ${IMPORT_SESSION_BYTES} bytes in one import`, 'data');
      if (!s.files.has(name)) s.files.set(name, []);
      s.files.get(name)!.push(chunk);
      s.sizes.set(name, have + chunk.length);
      s.bytes += chunk.length;
      return { name, bytes: have + chunk.length };
    },
    'import:discard': ({ sessionId }) => ({ discarded: sessions.delete(sessionId) }),
    'import:firm': () => ({ firm: getFirm(app.database.sqlite) }),
    'import:setFirm': (args) => setFirm(app.database.sqlite, args, true),
    'import:csvPreview': ({ sessionId, file }) => {
      const s = session(sessionId);
      if (!s.files.has(file)) throw new NotFoundError(`file: no file ${file} in this upload`, 'file');
      const { header, rows, delimiter } = readCsvRecords(bytesOf(s, file).toString('utf8'), { source: file });
      const remembered = rememberedCsvMap(app.database.sqlite, header);
      return {
        header,
        rows: rows.slice(0, 10).map((r) => r.record),
        delimiter: delimiter === '\t' ? 'tab' : delimiter,
        map: (remembered ?? guessCsvMap(header)) as Record<string, string>,
        remembered: remembered !== null,
      };
    },
    'import:analyze': (args) => run(args, true),
    'import:run': (args) => run(args, false),
  };
}
