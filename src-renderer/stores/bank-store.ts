// Data → Bank: the list of entries by state ("To reconcile" first), and the actions on a credit:
// confirm the first suggestion, correct it with chosen invoices, mark it as paying no invoice, undo an
// automatic match. Statements come in through the Import page (import-store).
import { create } from 'zustand';
import type { BankCounts, BankEntryView, BankStatus } from '../../src-preload/contract/bank-channels';
import type { ChannelResult } from '../../src-preload/contract/channels';
import { call, errorText } from './call';

export type OpenInvoiceChoice = ChannelResult<'bank:openInvoices'>['items'][number];

interface BankState {
  status: BankStatus;
  items: BankEntryView[];
  counts: BankCounts | null;
  loading: boolean;
  busyId: number | null;
  message: string | null;
  error: string | null;
  setStatus: (s: BankStatus) => Promise<void>;
  load: () => Promise<void>;
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
