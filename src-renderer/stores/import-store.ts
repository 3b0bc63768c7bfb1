// The Import page's state: files picked or dropped (read as bytes, uploaded to main in Base64 chunks),
// what each file is (main reads their content: FatturaPA, a CAMT.053 bank statement, a CSV), the CSV
// step (invoices or bank statement entries, and their columns), the dry runs of everything dropped,
// the firm question, and the import with its progress. Invoices are imported before statements, so a
// statement's credits can be matched to the invoices of the same drop.
import { create } from 'zustand';
import {
  CSV_FIELDS,
  IMPORT_CHUNK_BYTES,
  STATEMENT_CSV_FIELDS,
  type CsvField,
  type CsvKind,
  type ImportFileKind,
  type ImportSummary,
  type StatementCsvField,
  type StatementImport,
  type StatementRefusal,
} from '../../src-preload/contract/import-channels';
import type { ChannelResult } from '../../src-preload/contract/channels';
import { call, errorText, subscribe } from './call';

export type ImportKind = 'fatturapa' | 'csv';
export type ImportStep = 'pick' | 'uploading' | 'mapping' | 'analyzing' | 'review' | 'importing' | 'done';
type Preview = ChannelResult<'import:csvPreview'>;
export type StatementOutcome = StatementImport | StatementRefusal;

export interface PickedFile {
  name: string;
  bytes: number;
}

/** What one drop holds, by content: FatturaPA files (and other files, listed as ignored), statements, a CSV. */
export interface ImportPlan {
  invoices: boolean;
  statements: string[];
  csv: string | null;
}

/** The steps a drop goes through: FatturaPA and unknown files to the invoice reader, each statement to its own dry run, the first CSV to the mapping step. */
export function planImport(files: readonly { name: string; kind: ImportFileKind }[]): ImportPlan {
  return {
    invoices: files.some((f) => f.kind === 'fatturapa' || f.kind === 'other'),
    statements: files.filter((f) => f.kind === 'statement').map((f) => f.name),
    csv: files.find((f) => f.kind === 'csv')?.name ?? null,
  };
}

/** The statements a run reads: the plan's CAMT.053 files, and the CSV when it holds statement entries. */
export function statementFiles(plan: ImportPlan, csvKind: CsvKind): string[] {
  return plan.csv && csvKind === 'statement' ? [...plan.statements, plan.csv] : plan.statements;
}

/** How many records the Import button would write: invoices added or updated, statement entries added. */
export function importCounts(summaries: readonly ImportSummary[], statements: readonly StatementOutcome[]): { invoices: number; entries: number } {
  return {
    invoices: summaries.reduce((n, s) => n + (s.needsFirm ? 0 : s.added + s.updated), 0),
    entries: statements.reduce((n, s) => n + (s.ok ? s.added : 0), 0),
  };
}

/** The statement CSV options sent to main: the account, the whole map as chosen, the date format if one was chosen. */
export function statementCsvArgs(map: Partial<Record<StatementCsvField, string>>, account: string, dateFormat: string) {
  return { map, ...(account.trim() ? { account: account.trim() } : {}), ...(dateFormat ? { dateFormat } : {}) };
}

interface ImportState {
  step: ImportStep;
  files: PickedFile[];
  sessionId: string | null;
  plan: ImportPlan | null;
  csvKind: CsvKind;
  preview: Preview | null;
  map: Partial<Record<CsvField, string>>;
  statementMap: Partial<Record<StatementCsvField, string>>;
  account: string;
  dateFormat: string;
  /** Dry runs of the invoices: the FatturaPA files, and the CSV when it holds invoices. */
  summaries: ImportSummary[];
  statements: StatementOutcome[];
  results: ImportSummary[];
  statementResults: StatementOutcome[];
  progress: { step: string; current: number; total: number } | null;
  error: string | null;
  add: (files: File[]) => Promise<void>;
  setCsvKind: (kind: CsvKind) => void;
  setMap: (field: CsvField, column: string) => void;
  setStatementMap: (field: StatementCsvField, column: string) => void;
  setAccount: (account: string) => void;
  setDateFormat: (f: string) => void;
  analyze: () => Promise<void>;
  chooseFirm: (c: { name: string; partitaIva: string | null; codiceFiscale: string | null }) => Promise<void>;
  run: () => Promise<void>;
  reset: () => Promise<void>;
}

/** Base64 of a slice of bytes, in pieces small enough for String.fromCharCode's argument limit. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // eslint-disable-next-line no-restricted-syntax -- the spread is bounded by the 32 KiB chunk
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const withoutEmpty = <F extends string>(map: Partial<Record<F, string>>, field: F, column: string): Partial<Record<F, string>> => {
  const next = { ...map };
  if (column) next[field] = column;
  else delete next[field];
  return next;
};

const initial = {
  step: 'pick' as ImportStep,
  files: [],
  sessionId: null,
  plan: null,
  csvKind: 'invoices' as CsvKind,
  preview: null,
  map: {},
  statementMap: {},
  account: '',
  dateFormat: '',
  summaries: [],
  statements: [],
  results: [],
  statementResults: [],
  progress: null,
  error: null,
};

export const useImportStore = create<ImportState>((set, get) => {
  /** Runs `fn` with the session's progress pushes shown. */
  const withProgress = async <T>(sessionId: string, fn: () => Promise<T>): Promise<T> => {
    const off = subscribe('import:progress', (p) => p.sessionId === sessionId && set({ progress: p }));
    try {
      return await fn();
    } finally {
      off();
    }
  };
  /** The invoice imports (dry run or real) of the plan, FatturaPA first. */
  const invoiceImports = async (sessionId: string, dryRun: boolean): Promise<ImportSummary[]> => {
    const { plan, csvKind, map, dateFormat } = get();
    if (!plan) return [];
    const channel = dryRun ? 'import:analyze' : 'import:run';
    const out: ImportSummary[] = [];
    if (plan.invoices) out.push(await call(channel, { sessionId, kind: 'fatturapa' }));
    if (plan.csv && csvKind === 'invoices') out.push(await call(channel, { sessionId, kind: 'csv', file: plan.csv, csv: { map, ...(dateFormat ? { dateFormat } : {}) } }));
    return out;
  };
  const statementImports = async (sessionId: string, files: readonly string[], dryRun: boolean): Promise<StatementOutcome[]> => {
    const { plan, statementMap, account, dateFormat } = get();
    const out: StatementOutcome[] = [];
    for (const file of files) {
      const csv = file === plan?.csv ? { csv: statementCsvArgs(statementMap, account, dateFormat) } : {};
      out.push(await call('import:statement', { sessionId, file, dryRun, ...csv }));
    }
    return out;
  };
  return {
    ...initial,
    add: async (picked) => {
      if (!picked.length) return;
      // Files dropped after a finished import start a new one.
      if (get().step === 'done') set({ ...initial });
      set({ step: 'uploading', error: null, summaries: [], statements: [], results: [], statementResults: [], progress: { step: 'uploading', current: 0, total: picked.reduce((s, f) => s + f.size, 0) } });
      try {
        let sessionId = get().sessionId;
        if (!sessionId) sessionId = (await call('import:begin', {})).sessionId;
        set({ sessionId });
        const chunkBytes = IMPORT_CHUNK_BYTES;
        let sent = 0;
        const total = picked.reduce((s, f) => s + f.size, 0);
        for (const f of picked) {
          const bytes = new Uint8Array(await f.arrayBuffer());
          for (let offset = 0; offset < Math.max(bytes.length, 1); offset += chunkBytes) {
            await call('import:upload', { sessionId, name: f.name, offset, data: toBase64(bytes.subarray(offset, offset + chunkBytes)) });
            sent += Math.min(chunkBytes, bytes.length - offset);
            set({ progress: { step: 'uploading', current: sent, total } });
          }
        }
        const files = [...get().files, ...picked.map((f) => ({ name: f.name, bytes: f.size }))];
        const plan = planImport((await call('import:classify', { sessionId })).files);
        set({ files, plan, progress: null });
        if (plan.csv) {
          const preview = await call('import:csvPreview', { sessionId, file: plan.csv });
          set({ step: 'mapping', preview, csvKind: preview.kind, map: preview.map, statementMap: preview.statementMap });
        } else await get().analyze();
      } catch (e) {
        set({ step: 'pick', error: errorText(e), progress: null });
      }
    },
    setCsvKind: (csvKind) => set({ csvKind, error: null }),
    setMap: (field, column) => set((s) => ({ map: withoutEmpty(s.map, field, column) })),
    setStatementMap: (field, column) => set((s) => ({ statementMap: withoutEmpty(s.statementMap, field, column) })),
    setAccount: (account) => set({ account }),
    setDateFormat: (dateFormat) => set({ dateFormat }),
    analyze: async () => {
      const { sessionId, plan, csvKind } = get();
      if (!sessionId || !plan) return;
      set({ step: 'analyzing', error: null, progress: null });
      try {
        const { summaries, statements } = await withProgress(sessionId, async () => ({
          summaries: await invoiceImports(sessionId, true),
          statements: await statementImports(sessionId, statementFiles(plan, csvKind), true),
        }));
        // A CSV of statement entries that cannot be read goes back to its mapping step, with why.
        const csvRefused = statements.find((s): s is StatementRefusal => !s.ok && s.file === plan.csv);
        if (csvRefused) {
          set({ step: 'mapping', summaries: [], statements: [csvRefused], progress: null });
          return;
        }
        set({ step: 'review', summaries, statements, progress: null });
      } catch (e) {
        set({ step: plan.csv ? 'mapping' : 'pick', error: errorText(e), progress: null });
      }
    },
    chooseFirm: async (c) => {
      try {
        await call('import:setFirm', { name: c.name, partitaIva: c.partitaIva, codiceFiscale: c.codiceFiscale });
        await get().analyze();
      } catch (e) {
        set({ error: errorText(e) });
      }
    },
    run: async () => {
      const { sessionId, plan, statements } = get();
      if (!sessionId || !plan) return;
      set({ step: 'importing', error: null, progress: null });
      try {
        const { results, statementResults } = await withProgress(sessionId, async () => {
          // Invoices first: the statements' credits are then matched against them too.
          const results = await invoiceImports(sessionId, false);
          const statementResults = await statementImports(sessionId, statements.filter((s) => s.ok).map((s) => s.file), false);
          return { results, statementResults: [...statementResults, ...statements.filter((s) => !s.ok)] };
        });
        set({ step: 'done', results, statementResults, progress: null });
        void call('import:discard', { sessionId }).catch(() => undefined);
        set({ sessionId: null });
      } catch (e) {
        set({ step: 'review', error: errorText(e), progress: null });
      }
    },
    reset: async () => {
      const { sessionId } = get();
      set({ ...initial });
      if (sessionId) await call('import:discard', { sessionId }).catch(() => undefined);
    },
  };
});

export const CSV_FIELD_LIST: readonly CsvField[] = CSV_FIELDS;
export const STATEMENT_FIELD_LIST: readonly StatementCsvField[] = STATEMENT_CSV_FIELDS;
