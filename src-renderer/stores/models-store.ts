// The Models page: one card per model (active version, metrics, triggers vs thresholds, next
// check), each model's versions, the run history, Retrain now / Dry run with live progress from
// retrain:progress, and rollback. models:deployed pushes refresh everything.
import { create } from 'zustand';
import type { ChannelResult } from '../../src-preload/contract/channels';
import type { ModelCard, ModelVersion, RetrainingRun } from '../../src-preload/contract/models-channels';
import type { RetrainingMessages } from '../../src-shared/retraining-message';
import { ApiError, call, emptySlice, errorMessages, errorText, onConnection, subscribe, type Slice } from './call';
import { compareSemver } from '../../src-shared/semver';
import { MESSAGES, type MessageKey } from '../i18n/catalog';
import type { Translate } from '../i18n/translate';

export type RetrainResult = ChannelResult<'models:retrain'>;
export type TriggerState = ModelCard['triggers'][number];

/** "18/25", "3/7", "4%/10%": a trigger's current value against its threshold, in its unit. */
export function triggerFigures(tr: Pick<TriggerState, 'current' | 'threshold' | 'unit'>, fmt: (n: number, digits: number) => string): { current: string; threshold: string; ratio: number } {
  const isRatio = tr.unit === 'ratio' || tr.unit === 'fraction';
  const isPercent = tr.unit === '%' || tr.unit === 'percent';
  const show = (n: number | null) => (n === null ? '—' : isRatio ? `${fmt(n * 100, 1)}%` : isPercent ? `${fmt(n, 1)}%` : fmt(n, 1));
  const ratio = tr.current === null || tr.threshold <= 0 ? 0 : Math.max(0, Math.min(1, tr.current / tr.threshold));
  return { current: show(tr.current), threshold: show(tr.threshold), ratio };
}

/**
 * What serves while a model that works untrained (the payment matcher's rules) has no trained
 * version, and how far its first training is: "Rule-based version 0 in use — 30 answered
 * suggestions needed to train a model (12 so far)". Informative, never a warning.
 */
export function untrainedText(t: Translate, model: string, p: NonNullable<ModelCard['servesUntrained']>): string {
  const key = `models.examples.${model}` as MessageKey;
  const label = key in MESSAGES ? t(key) : model;
  return p.examples >= p.needed ? t('models.untrainedReady', { examples: p.examples, label }) : t('models.untrained', { needed: p.needed, examples: p.examples, label });
}

/** Versions oldest first with the primary metric, for the chart of the metric across versions. */
export function metricSeries(versions: ModelVersion[], metric: string): { version: string; value: number | null; active: boolean }[] {
  return [...versions]
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : compareSemver(a.version, b.version)))
    .map((v) => ({ version: v.version, value: v.metrics[metric] ?? null, active: v.status === 'active' }));
}

/** The calibration plot: nominal vs observed coverage in percent, with the ideal diagonal. */
export function calibrationSeries(points: ModelCard['calibration']): { nominal: number; observed: number | null; ideal: number }[] {
  return [...points]
    .sort((a, b) => a.nominal - b.nominal)
    .map((p) => ({ nominal: Math.round(p.nominal * 100), observed: p.observed === null ? null : Math.round(p.observed * 1000) / 10, ideal: Math.round(p.nominal * 100) }));
}

interface Progress {
  step: string;
  current: number;
  total: number;
}

interface ModelsState {
  cards: Slice<ModelCard[]>;
  versions: Record<string, Slice<ModelVersion[]>>;
  runs: Slice<RetrainingRun[]>;
  /** Runs in progress; `external` ones were started elsewhere (scheduler, CLI) and end when the card says so. */
  retraining: Record<string, { dryRun: boolean; progress: Progress | null; external?: boolean } | undefined>;
  lastResult: Record<string, RetrainResult | { error: string; errorMessages: RetrainingMessages } | undefined>;
  rollingBack: string | null;
  load: () => Promise<void>;
  loadVersions: (model: string) => Promise<void>;
  retrain: (model: string, dryRun: boolean) => Promise<void>;
  rollback: (model: string, version: string) => Promise<void>;
  unpin: (model: string) => Promise<void>;
  cancelRetrain: (model: string) => Promise<boolean>;
}

export const useModelsStore = create<ModelsState>((set, get) => ({
  cards: emptySlice(),
  versions: {},
  runs: emptySlice(),
  retraining: {},
  lastResult: {},
  rollingBack: null,
  load: async () => {
    set((s) => ({ cards: { ...s.cards, loading: true } }));
    const [cards, runs] = await Promise.allSettled([call('models:status', {}), call('models:runs', { limit: 50 })]);
    set((s) => ({
      cards: cards.status === 'fulfilled' ? { data: cards.value.models, loading: false, error: null } : { ...s.cards, loading: false, error: errorText(cards.reason) },
      runs: runs.status === 'fulfilled' ? { data: runs.value.items, loading: false, error: null } : { ...s.runs, error: errorText(runs.reason) },
      retraining:
        cards.status === 'fulfilled'
          ? Object.fromEntries(Object.entries(s.retraining).filter(([name, r]) => r && !(r.external && !cards.value.models.find((m) => m.name === name)?.retraining)))
          : s.retraining,
    }));
    if (cards.status === 'fulfilled') await Promise.all(cards.value.models.map((m) => get().loadVersions(m.name)));
  },
  loadVersions: async (model) => {
    try {
      const { items } = await call('models:versions', { model });
      set((s) => ({ versions: { ...s.versions, [model]: { data: items, loading: false, error: null } } }));
    } catch (e) {
      set((s) => ({ versions: { ...s.versions, [model]: { ...(s.versions[model] ?? emptySlice()), error: errorText(e) } } }));
    }
  },
  retrain: async (model, dryRun) => {
    if (get().retraining[model]) return;
    set((s) => ({ retraining: { ...s.retraining, [model]: { dryRun, progress: null } }, lastResult: { ...s.lastResult, [model]: undefined } }));
    try {
      const result = await call('models:retrain', { model, dryRun });
      set((s) => ({ lastResult: { ...s.lastResult, [model]: result }, retraining: { ...s.retraining, [model]: undefined } }));
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'DISCONNECTED' || e.code === 'NETWORK')) {
        // The run goes on in main; it ends when the model card stops reporting it (see load()).
        set((s) => ({ retraining: { ...s.retraining, [model]: { dryRun, progress: s.retraining[model]?.progress ?? null, external: true } } }));
      } else {
        set((s) => ({ lastResult: { ...s.lastResult, [model]: { error: errorText(e), errorMessages: errorMessages(e) } }, retraining: { ...s.retraining, [model]: undefined } }));
      }
    }
    await get().load();
  },
  rollback: async (model, version) => {
    set({ rollingBack: version });
    try {
      await call('models:rollback', { model, version });
    } finally {
      set({ rollingBack: null });
      await get().load();
    }
  },
  unpin: async (model) => {
    try {
      await call('models:unpin', { model });
    } finally {
      await get().load();
    }
  },
  cancelRetrain: async (model) => (await call('models:cancel-retrain', { model })).cancelled,
}));

export function watchModels(intervalMs = 10_000): () => void {
  const store = useModelsStore;
  void store.getState().load();
  // Polling refreshes next-check times and trigger values, and ends runs started elsewhere.
  const timer = setInterval(() => void store.getState().load(), intervalMs);
  const offs = [
    subscribe('retrain:progress', (p) =>
      store.setState((s) => {
        const run = s.retraining[p.model];
        return { retraining: { ...s.retraining, [p.model]: { dryRun: run?.dryRun ?? false, external: run ? run.external : true, progress: { step: p.step, current: p.current, total: p.total } } } };
      }),
    ),
    subscribe('models:deployed', () => void store.getState().load()),
    // A run may have finished while the connection was down: catch up as soon as it is back.
    onConnection((state) => state === 'open' && void store.getState().load()),
  ];
  return () => {
    clearInterval(timer);
    offs.forEach((off) => off());
  };
}
