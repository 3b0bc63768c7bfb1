// The first-run checklist of the Home page: have data (import it or load the demo set), turn on
// automatic index updates, build the index, train the first model. Each step's state is derived from
// what the app reports (setup:status, the RAG_AUTO_UPDATE_ENABLED setting, index:status,
// models:status), so the list is right after a restart, a restore or work done from the CLI; a step
// that cannot start yet says why.
import { create } from 'zustand';
import type { DemoLoaded, SetupStatus } from '../../src-preload/contract/setup-channels';
import type { IndexStatus } from '../../src-preload/contract/index-channels';
import type { MessageKey } from '../i18n/catalog';
import { call, emptySlice, errorText, subscribe, type Slice } from './call';

export type StepId = 'data' | 'autoUpdate' | 'index' | 'model';
export const STEP_IDS: readonly StepId[] = ['data', 'autoUpdate', 'index', 'model'];

export interface StepState {
  id: StepId;
  done: boolean;
  /** Why the step's button cannot be used yet (with its figures), or null. */
  blocked: { reason: MessageKey; vars?: Record<string, string | number> } | null;
}

export interface FirstRunFacts {
  setup: SetupStatus;
  autoUpdateOn: boolean;
  autoUpdateLocked: boolean;
  index: Pick<IndexStatus, 'documents' | 'pending'>;
  activeModelVersion: string | null;
}

export function firstRunSteps(f: FirstRunFacts): StepState[] {
  const hasData = f.setup.invoices > 0;
  const documents = f.index.documents.invoice + f.index.documents.client + f.index.documents.product;
  const needData = { reason: 'firstRun.needData' as MessageKey };
  return [
    { id: 'data', done: hasData, blocked: null },
    { id: 'autoUpdate', done: f.autoUpdateOn, blocked: f.autoUpdateLocked && !f.autoUpdateOn ? { reason: 'firstRun.lockedOff' } : null },
    { id: 'index', done: hasData && documents > 0 && f.index.pending === 0, blocked: hasData ? null : needData },
    {
      id: 'model',
      done: f.activeModelVersion !== null,
      blocked: !hasData ? needData : f.setup.paidInvoices < f.setup.minPaidToTrain ? { reason: 'firstRun.needPaid', vars: { min: f.setup.minPaidToTrain, count: f.setup.paidInvoices } } : null,
    },
  ];
}

interface SetupState {
  status: Slice<SetupStatus>;
  demo: { running: boolean; result: DemoLoaded | null; error: string | null };
  load: () => Promise<void>;
  loadDemo: () => Promise<void>;
}

export const useSetupStore = create<SetupState>((set, get) => ({
  status: emptySlice(),
  demo: { running: false, result: null, error: null },
  load: async () => {
    set((s) => ({ status: { ...s.status, loading: true } }));
    try {
      set({ status: { data: await call('setup:status', {}), loading: false, error: null } });
    } catch (e) {
      set((s) => ({ status: { ...s.status, loading: false, error: errorText(e) } }));
    }
  },
  loadDemo: async () => {
    if (get().demo.running) return;
    set({ demo: { running: true, result: null, error: null } });
    try {
      const result = await call('setup:loadDemo', {});
      set({ demo: { running: false, result, error: null } });
    } catch (e) {
      set({ demo: { running: false, result: null, error: errorText(e) } });
    }
    await get().load();
  },
}));

/** Keeps the counts fresh while the Home page is open (payments, imports and restores change them). */
export function watchSetup(intervalMs = 5000): () => void {
  void useSetupStore.getState().load();
  const timer = setInterval(() => void useSetupStore.getState().load(), intervalMs);
  const offs = [subscribe('models:deployed', () => void useSetupStore.getState().load()), subscribe('ops:restored', () => void useSetupStore.getState().load())];
  return () => {
    clearInterval(timer);
    offs.forEach((off) => off());
  };
}
