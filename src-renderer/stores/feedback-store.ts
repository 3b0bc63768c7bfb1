// The Feedback page: the analyzer's statistics (feedback:stats), the filterable list
// (feedback:list), export to a file and retention cleanup.
import { create } from 'zustand';
import type { ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import type { FeedbackItem, FeedbackStats } from '../../src-preload/contract/feedback-channels';
import { call, emptySlice, errorText, type Slice } from './call';

export type ExportFormat = ChannelArgs<'feedback:export'>['format'];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'jsonl', 'csv', 'openai-chat'];

export interface FeedbackFilter {
  agentType: string;
  thumb: '' | 'up' | 'down';
  minRating: number | '';
  hasCorrection: '' | 'yes' | 'no';
  search: string;
  days: number | '';
}
export const emptyFilter = (): FeedbackFilter => ({ agentType: '', thumb: '', minRating: '', hasCorrection: '', search: '', days: '' });

/** Only the filters the user set, as feedback:list arguments. */
export function listArgs(f: FeedbackFilter, limit: number, offset: number): ChannelArgs<'feedback:list'> {
  return {
    limit,
    offset,
    ...(f.agentType ? { agentType: f.agentType } : {}),
    ...(f.thumb ? { thumb: f.thumb } : {}),
    ...(f.minRating !== '' ? { minRating: f.minRating } : {}),
    ...(f.hasCorrection ? { hasCorrection: f.hasCorrection === 'yes' } : {}),
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
    ...(f.days !== '' ? { days: f.days } : {}),
  };
}

/** Hands an exported file to the user as a download; in the desktop app Electron turns it into a save dialog. */
export function saveExport(file: ChannelResult<'feedback:export'>): void {
  const blob = new Blob([file.content], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled, or some engines cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const LIST_PAGE = 25;

interface FeedbackState {
  periodDays: number | null;
  stats: Slice<FeedbackStats>;
  list: Slice<{ items: FeedbackItem[]; total: number }>;
  filter: FeedbackFilter;
  offset: number;
  setPeriod: (days: number | null) => void;
  loadStats: () => Promise<void>;
  loadList: () => Promise<void>;
  setFilter: (f: Partial<FeedbackFilter>) => void;
  setOffset: (offset: number) => void;
  exportAs: (format: ExportFormat) => Promise<ChannelResult<'feedback:export'>>;
  cleanup: (olderThanDays: number) => Promise<ChannelResult<'feedback:cleanup'>>;
}

export const useFeedbackStore = create<FeedbackState>((set, get) => ({
  periodDays: 90,
  stats: emptySlice(),
  list: emptySlice(),
  filter: emptyFilter(),
  offset: 0,
  setPeriod: (periodDays) => {
    set({ periodDays });
    void get().loadStats();
  },
  loadStats: async () => {
    set((s) => ({ stats: { ...s.stats, loading: true } }));
    try {
      const days = get().periodDays;
      const data = await call('feedback:stats', days ? { days } : {});
      set({ stats: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ stats: { ...s.stats, loading: false, error: errorText(e) } }));
    }
  },
  loadList: async () => {
    set((s) => ({ list: { ...s.list, loading: true } }));
    try {
      const data = await call('feedback:list', listArgs(get().filter, LIST_PAGE, get().offset));
      set({ list: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ list: { ...s.list, loading: false, error: errorText(e) } }));
    }
  },
  setFilter: (f) => {
    set((s) => ({ filter: { ...s.filter, ...f }, offset: 0 }));
    void get().loadList();
  },
  setOffset: (offset) => {
    set({ offset });
    void get().loadList();
  },
  exportAs: (format) => call('feedback:export', { format }),
  cleanup: async (olderThanDays) => {
    const res = await call('feedback:cleanup', { olderThanDays });
    void get().loadStats();
    void get().loadList();
    return res;
  },
}));
