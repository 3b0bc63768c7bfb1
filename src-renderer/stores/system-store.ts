// The header's live indicators: worker, knowledge-index queue and active model. Refreshed by
// polling (status:get, index:status, models:status) and pushed events (index:status,
// retrain:progress, models:deployed), so the header never shows a stale state for long.
import { create } from 'zustand';
import type { IndexStatus } from '../../src-preload/contract/index-channels';
import type { ModelCard } from '../../src-preload/contract/models-channels';
import type { SystemStatus } from '../../src-preload/contract/status-channels';
import { ApiError, call, onConnection, subscribe } from './call';

export type WorkerState = 'ready' | 'busy' | 'down' | 'unknown';

/**
 * The header's model indicator: the forecast (cash-flow) model's version, a busy dot while any model
 * retrains, and a warning dot only when a model serves nothing — no trained version and no untrained
 * fallback. The payment matcher's rule-based version 0 serves, so it never lights the warning.
 */
export function modelIndicator(models: readonly Pick<ModelCard, 'name' | 'activeVersion' | 'retraining' | 'servesUntrained'>[] | null): { dot: 'ok' | 'busy' | 'warn'; version: string | null } {
  const list = models ?? [];
  const shown = list.find((m) => m.name === 'cash_flow') ?? list[0];
  const version = shown?.activeVersion ?? null;
  if (list.length === 0 || list.some((m) => m.activeVersion === null && m.servesUntrained === null)) return { dot: 'warn', version };
  return { dot: list.some((m) => m.retraining) ? 'busy' : 'ok', version };
}

/** Reads the worker line of the system status section ("running (pid 123)" / "idle (starts on demand)"). */
export function workerStateFrom(status: SystemStatus | null, busy: boolean): WorkerState {
  if (busy) return 'busy';
  const row = status?.sections.flatMap((s) => s.rows).find((r) => r.label.toLowerCase() === 'worker');
  if (!row || typeof row.value !== 'string') return 'unknown';
  return row.value.startsWith('running') ? 'ready' : 'down';
}

interface SystemState {
  status: SystemStatus | null;
  index: IndexStatus | null;
  models: ModelCard[] | null;
  retrainBusy: boolean;
  reindexBusy: boolean;
  offline: boolean;
  refresh: () => Promise<void>;
  setIndex: (index: IndexStatus) => void;
}

export const useSystemStore = create<SystemState>((set) => ({
  status: null,
  index: null,
  models: null,
  retrainBusy: false,
  reindexBusy: false,
  offline: false,
  refresh: async () => {
    const results = await Promise.allSettled([call('status:get', {}), call('index:status', {}), call('models:status', {})]);
    const offline = results.some((r) => r.status === 'rejected' && r.reason instanceof ApiError && (r.reason.code === 'NETWORK' || r.reason.code === 'DISCONNECTED'));
    set((s) => ({
      status: results[0].status === 'fulfilled' ? results[0].value : s.status,
      index: results[1].status === 'fulfilled' ? results[1].value : s.index,
      models: results[2].status === 'fulfilled' ? results[2].value.models : s.models,
      retrainBusy: results[2].status === 'fulfilled' ? results[2].value.models.some((m) => m.retraining) : s.retrainBusy,
      offline,
    }));
  },
  setIndex: (index) => set({ index }),
}));

/** Starts polling and event subscriptions; returns the function that stops them. */
export function watchSystem(intervalMs = 5000): () => void {
  const store = useSystemStore;
  void store.getState().refresh();
  const timer = setInterval(() => void store.getState().refresh(), intervalMs);
  let busyTimer: ReturnType<typeof setTimeout> | undefined;
  const offs = [
    subscribe('index:status', (s) => store.getState().setIndex(s)),
    subscribe('index:progress', (p) => store.setState({ reindexBusy: p.current < p.total })),
    subscribe('retrain:progress', (p) => {
      store.setState({ retrainBusy: p.current < p.total });
      clearTimeout(busyTimer);
      // A run that ends without a final progress tick must not leave the header busy forever.
      busyTimer = setTimeout(() => store.setState({ retrainBusy: false }), 30_000);
    }),
    subscribe('models:deployed', () => void store.getState().refresh()),
    onConnection((state) => {
      store.setState({ offline: state === 'closed' });
      if (state === 'open') void store.getState().refresh();
    }),
  ];
  return () => {
    clearInterval(timer);
    clearTimeout(busyTimer);
    offs.forEach((off) => off());
  };
}
