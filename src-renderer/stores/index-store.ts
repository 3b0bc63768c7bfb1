// The knowledge-index dashboard: queue status, pending changes with their failures, recent batches,
// reindex progress and hybrid search. Live through index:* events, with polling as a safety net
// (a push can be missed while the connection reconnects).
import { create } from 'zustand';
import type { ChannelResult } from '../../src-preload/contract/channels';
import type { IndexBatch, IndexStatus, PendingChange, SearchHit } from '../../src-preload/contract/index-channels';
import { ApiError, call, emptySlice, errorText, onConnection, subscribe, type Slice } from './call';

export type ReindexReport = ChannelResult<'index:reindex'>;

/** Adds a pushed batch to the recent list: newest first, no duplicates, capped. */
export function mergeBatch(list: IndexBatch[], batch: IndexBatch, cap = 20): IndexBatch[] {
  return [batch, ...list.filter((b) => b.id !== batch.id)].slice(0, cap);
}

/** How full the queue is, for the meter's colour. */
export function queueTone(pending: number, max: number): 'ok' | 'warn' | 'bad' {
  if (max <= 0) return 'ok';
  const r = pending / max;
  return r >= 1 ? 'bad' : r >= 0.8 ? 'warn' : 'ok';
}

interface IndexState {
  status: Slice<IndexStatus>;
  pending: Slice<{ items: PendingChange[]; total: number }>;
  batches: Slice<IndexBatch[]>;
  toggling: boolean;
  /** `detached`: the reply was lost with the connection; the run goes on in main and its progress events end it. */
  reindex: { running: boolean; detached: boolean; step: string; current: number; total: number; report: ReindexReport | null; error: string | null };
  search: { query: string; running: boolean; hits: SearchHit[] | null; vectorAvailable: boolean; error: string | null };
  refresh: () => Promise<void>;
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  reindexAll: () => Promise<void>;
  runSearch: (query: string) => Promise<void>;
}

export const useIndexStore = create<IndexState>((set, get) => ({
  status: emptySlice(),
  pending: emptySlice(),
  batches: emptySlice(),
  toggling: false,
  reindex: { running: false, detached: false, step: '', current: 0, total: 0, report: null, error: null },
  search: { query: '', running: false, hits: null, vectorAvailable: true, error: null },
  refresh: async () => {
    const [status, pending, batches] = await Promise.allSettled([call('index:status', {}), call('index:pending', { limit: 100 }), call('index:batches', { limit: 20 })]);
    set((s) => ({
      status: status.status === 'fulfilled' ? { data: status.value, loading: false, error: null } : { ...s.status, error: errorText(status.reason) },
      pending: pending.status === 'fulfilled' ? { data: pending.value, loading: false, error: null } : { ...s.pending, error: errorText(pending.reason) },
      batches: batches.status === 'fulfilled' ? { data: batches.value.items, loading: false, error: null } : { ...s.batches, error: errorText(batches.reason) },
    }));
  },
  pause: async () => {
    set({ toggling: true });
    try {
      const data = await call('index:pause', {});
      set({ status: { data, loading: false, error: null } });
    } finally {
      set({ toggling: false });
    }
  },
  resume: async () => {
    set({ toggling: true });
    try {
      const data = await call('index:resume', {});
      set({ status: { data, loading: false, error: null } });
    } finally {
      set({ toggling: false });
    }
  },
  reindexAll: async () => {
    if (get().reindex.running) return;
    set({ reindex: { running: true, detached: false, step: '', current: 0, total: 0, report: null, error: null } });
    try {
      const report = await call('index:reindex', {});
      set((s) => ({ reindex: { ...s.reindex, running: false, detached: false, report } }));
    } catch (e) {
      const lost = e instanceof ApiError && (e.code === 'DISCONNECTED' || e.code === 'NETWORK');
      set((s) => ({ reindex: lost ? { ...s.reindex, detached: true } : { ...s.reindex, running: false, error: errorText(e) } }));
    }
    void get().refresh();
  },
  runSearch: async (query) => {
    const q = query.trim();
    if (!q) return set({ search: { query: '', running: false, hits: null, vectorAvailable: true, error: null } });
    set((s) => ({ search: { ...s.search, query: q, running: true, error: null } }));
    try {
      const res = await call('index:search', { query: q, k: 10 });
      set({ search: { query: q, running: false, hits: res.hits, vectorAvailable: res.vectorAvailable, error: null } });
    } catch (e) {
      set((s) => ({ search: { ...s.search, running: false, error: errorText(e) } }));
    }
  },
}));

/** Live updates while the page is open; returns the function that stops them. */
export function watchIndex(intervalMs = 3000): () => void {
  const store = useIndexStore;
  void store.getState().refresh();
  const timer = setInterval(() => void store.getState().refresh(), intervalMs);
  const offs = [
    subscribe('index:status', (data) => store.setState({ status: { data, loading: false, error: null } })),
    subscribe('index:batch', ({ batch, pending }) =>
      store.setState((s) => ({
        batches: { ...s.batches, data: mergeBatch(s.batches.data ?? [], batch) },
        status: s.status.data ? { ...s.status, data: { ...s.status.data, pending } } : s.status,
      })),
    ),
    onConnection((state) => state === 'open' && void store.getState().refresh()),
    subscribe('index:progress', (p) =>
      store.setState((s) => {
        const done = p.total > 0 && p.current >= p.total;
        // A run started elsewhere (CLI, another window) or whose reply was lost ends with its last progress event.
        const ownReplyPending = s.reindex.running && !s.reindex.detached;
        return { reindex: { ...s.reindex, running: ownReplyPending || !done, detached: ownReplyPending ? s.reindex.detached : false, step: p.step, current: p.current, total: p.total } };
      }),
    ),
  ];
  return () => {
    clearInterval(timer);
    offs.forEach((off) => off());
  };
}
