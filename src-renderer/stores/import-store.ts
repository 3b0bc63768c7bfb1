// The Import page's state: files picked or dropped (read as bytes, uploaded to main in Base64 chunks),
// the CSV mapping step, the dry-run summary, the firm question, and the import with its progress.
import { create } from 'zustand';
import { CSV_FIELDS, IMPORT_CHUNK_BYTES, type CsvField, type ImportSummary } from '../../src-preload/contract/import-channels';
import type { ChannelResult } from '../../src-preload/contract/channels';
import { call, errorText, subscribe } from './call';

export type ImportKind = 'fatturapa' | 'csv';
export type ImportStep = 'pick' | 'uploading' | 'mapping' | 'analyzing' | 'review' | 'importing' | 'done';
type Preview = ChannelResult<'import:csvPreview'>;

export interface PickedFile {
  name: string;
  bytes: number;
}

interface ImportState {
  step: ImportStep;
  files: PickedFile[];
  sessionId: string | null;
  kind: ImportKind | null;
  csvFile: string | null;
  preview: Preview | null;
  map: Partial<Record<CsvField, string>>;
  dateFormat: string;
  summary: ImportSummary | null;
  result: ImportSummary | null;
  progress: { step: string; current: number; total: number } | null;
  error: string | null;
  add: (files: File[]) => Promise<void>;
  setMap: (field: CsvField, column: string) => void;
  setDateFormat: (f: string) => void;
  analyze: () => Promise<void>;
  chooseFirm: (c: { name: string; partitaIva: string | null; codiceFiscale: string | null }) => Promise<void>;
  run: () => Promise<void>;
  reset: () => Promise<void>;
}

/** Kind of import from the names: any .csv/.tsv/.txt makes it a CSV import, anything else FatturaPA. */
export function importKindOf(names: readonly string[]): ImportKind {
  return names.some((n) => /\.(csv|tsv|txt)$/i.test(n)) ? 'csv' : 'fatturapa';
}

/** Base64 of a slice of bytes, in pieces small enough for String.fromCharCode's argument limit. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // eslint-disable-next-line no-restricted-syntax -- the spread is bounded by the 32 KiB chunk
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const initial = { step: 'pick' as ImportStep, files: [], sessionId: null, kind: null, csvFile: null, preview: null, map: {}, dateFormat: '', summary: null, result: null, progress: null, error: null };

export const useImportStore = create<ImportState>((set, get) => ({
  ...initial,
  add: async (picked) => {
    if (!picked.length) return;
    set({ step: 'uploading', error: null, summary: null, result: null, progress: { step: 'uploading', current: 0, total: picked.reduce((s, f) => s + f.size, 0) } });
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
      const kind = importKindOf(files.map((f) => f.name));
      set({ files, kind, progress: null });
      if (kind === 'csv') {
        const csvFile = files.find((f) => /\.(csv|tsv|txt)$/i.test(f.name))!.name;
        const preview = await call('import:csvPreview', { sessionId, file: csvFile });
        set({ step: 'mapping', csvFile, preview, map: preview.map });
      } else await get().analyze();
    } catch (e) {
      set({ step: 'pick', error: errorText(e), progress: null });
    }
  },
  setMap: (field, column) => set((s) => {
    const map = { ...s.map };
    if (column) map[field] = column;
    else delete map[field];
    return { map };
  }),
  setDateFormat: (dateFormat) => set({ dateFormat }),
  analyze: async () => {
    const { sessionId, kind, csvFile, map, dateFormat } = get();
    if (!sessionId || !kind) return;
    set({ step: 'analyzing', error: null, progress: null });
    const off = subscribe('import:progress', (p) => p.sessionId === sessionId && set({ progress: p }));
    try {
      const summary = await call('import:analyze', { sessionId, kind, ...(kind === 'csv' ? { file: csvFile!, csv: { map, ...(dateFormat ? { dateFormat } : {}) } } : {}) });
      set({ step: 'review', summary, progress: null });
    } catch (e) {
      set({ step: kind === 'csv' ? 'mapping' : 'pick', error: errorText(e), progress: null });
    } finally {
      off();
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
    const { sessionId, kind, csvFile, map, dateFormat } = get();
    if (!sessionId || !kind) return;
    set({ step: 'importing', error: null, progress: null });
    const off = subscribe('import:progress', (p) => p.sessionId === sessionId && set({ progress: p }));
    try {
      const result = await call('import:run', { sessionId, kind, ...(kind === 'csv' ? { file: csvFile!, csv: { map, ...(dateFormat ? { dateFormat } : {}) } } : {}) });
      set({ step: 'done', result, progress: null });
      void call('import:discard', { sessionId }).catch(() => undefined);
      set({ sessionId: null });
    } catch (e) {
      set({ step: 'review', error: errorText(e), progress: null });
    } finally {
      off();
    }
  },
  reset: async () => {
    const { sessionId } = get();
    set({ ...initial });
    if (sessionId) await call('import:discard', { sessionId }).catch(() => undefined);
  },
}));

export const CSV_FIELD_LIST: readonly CsvField[] = CSV_FIELDS;
