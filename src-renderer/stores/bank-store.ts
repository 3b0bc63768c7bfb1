// Data → Bank: a statement file uploaded through the import upload session and imported, the list of
// entries by state ("To reconcile" first), and the actions on a credit: confirm the first suggestion,
// correct it with chosen invoices, mark it as paying no invoice, undo an automatic match.
import { create } from 'zustand';
import { IMPORT_CHUNK_BYTES } from '../../src-preload/contract/import-channels';
import type { BankCounts, BankEntryView, BankStatus } from '../../src-preload/contract/bank-channels';
import type { ChannelResult } from '../../src-preload/contract/channels';
import { call, errorText } from './call';
import { toBase64 } from './import-store';

export type StatementImport = ChannelResult<'bank:import'>;
export type OpenInvoiceChoice = ChannelResult<'bank:openInvoices'>['items'][number];

interface BankState {
  status: BankStatus;
  items: BankEntryView[];
  counts: BankCounts | null;
  loading: boolean;
  busyId: number | null;
  importing: boolean;
  lastImport: StatementImport | null;
  message: string | null;
  error: string | null;
  setStatus: (s: BankStatus) => Promise<void>;
  load: () => Promise<void>;
  importFile: (file: File, account: string) => Promise<void>;
  confirm: (entryId: number, invoiceIds?: number[]) => Promise<boolean>;
  reject: (entryId: number) => Promise<void>;
  undo: (entryId: number) => Promise<void>;
  searchInvoices: (search: string) => Promise<OpenInvoiceChoice[]>;
}

export const useBankStore = create<BankState>((set, get) => {
  const act = async (entryId: number, fn: () => Promise<{ action: string }>): Promise<boolean> => {
    set({ busyId: entryId, error: null });
    try {
      const r = await fn();
      set({ message: r.action });
      await get().load();
      return true;
    } catch (e) {
      set({ error: errorText(e) });
      return false;
    } finally {
      set({ busyId: null });
    }
  };
  return {
    status: 'open',
    items: [],
    counts: null,
    loading: false,
    busyId: null,
    importing: false,
    lastImport: null,
    message: null,
    error: null,
    setStatus: async (status) => {
      set({ status });
      await get().load();
    },
    load: async () => {
      set({ loading: true });
      try {
        const r = await call('bank:list', { status: get().status, limit: 200, offset: 0 });
        set({ items: r.items, counts: r.counts, loading: false });
      } catch (e) {
        set({ error: errorText(e), loading: false });
      }
    },
    importFile: async (file, account) => {
      set({ importing: true, error: null, message: null });
      try {
        const { sessionId } = await call('import:begin', {});
        const bytes = new Uint8Array(await file.arrayBuffer());
        for (let offset = 0; offset < Math.max(bytes.length, 1); offset += IMPORT_CHUNK_BYTES) {
          await call('import:upload', { sessionId, name: file.name, offset, data: toBase64(bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES)) });
        }
        const r = await call('bank:import', { sessionId, file: file.name, ...(account.trim() ? { account: account.trim() } : {}) });
        await call('import:discard', { sessionId });
        set({ lastImport: r, status: 'open' });
        await get().load();
      } catch (e) {
        set({ error: errorText(e) });
      } finally {
        set({ importing: false });
      }
    },
    confirm: (entryId, invoiceIds) => act(entryId, () => call('bank:confirm', { entryId, ...(invoiceIds ? { invoiceIds } : {}) })),
    reject: async (entryId) => {
      await act(entryId, () => call('bank:reject', { entryId }));
    },
    undo: async (entryId) => {
      await act(entryId, () => call('bank:undo', { entryId }));
    },
    searchInvoices: async (search) => (await call('bank:openInvoices', { search })).items,
  };
});
