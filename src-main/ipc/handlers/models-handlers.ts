// forecast:get and models:* channels → the cash-flow forecast and the ModelLifecycle (registry,
// triggers, champion/challenger retrain, rollback) of src-main/core/ml. Retrain progress and
// deployments reach the renderer as pushes (see bindModelEvents).
import type { App } from '../../core/app';
import { forecastCashFlow } from '../../core/ml/forecast';
import type { VersionInfo } from '../../core/ml/registry/model-version-manager';
import { RetrainingRunRepository } from '../../core/ml/retraining/retraining-run-repository';
import type { TriggerValue } from '../../core/ml/retraining/trigger-evaluator';
import type { CoveragePoint, ModelCard, ModelVersion, RetrainingRun } from '../../../src-preload/contract/models-channels';
import { RetrainingMessages, type KnownRetrainingMessage } from '../../../src-shared/retraining-message';
import type { EmitEvent, DomainHandlers } from '../ipc-router';


const TRIGGER_UNITS: Record<TriggerValue['name'], string> = {
  min_feedback_count: 'count',
  max_days_since_training: 'days',
  performance_degradation: 'ratio',
  no_active_model: 'none',
};

/** Named numbers of a version's metrics: the holdout figures (MAE, RMSE…) and top-level numbers such as the improvement. */
export function flattenMetrics(metrics: Record<string, unknown> | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const take = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'number') out[prefix + k] = Number.isFinite(v) ? v : null;
      else if (v === null) out[prefix + k] = null;
    }
  };
  if (!metrics) return out;
  take(metrics, '');
  if (metrics.holdout && typeof metrics.holdout === 'object') take(metrics.holdout as Record<string, unknown>, '');
  return out;
}


/** Stored structured messages, checked against the contract; null (the English text is shown) when absent or malformed. */
export function storedMessages(value: string | readonly KnownRetrainingMessage[] | null): RetrainingMessages {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    return null;
  }
  const checked = RetrainingMessages.safeParse(parsed);
  return checked.success ? checked.data : null;
}

function toVersion(v: VersionInfo): ModelVersion {
  return {
    version: v.version,
    status: v.status,
    createdAt: v.createdAt,
    deployedAt: v.deployedAt,
    trainingRows: v.trainingRows,
    trainingCutoff: v.trainingCutoff,
    metrics: flattenMetrics(v.metrics),
    triggerReasons: v.triggerReasons,
    parentVersion: v.parentVersion,
    dryRun: v.dryRun,
    notes: v.notes,
    notesMessages: storedMessages(v.notesMessages),
    pinnedAt: v.pinnedAt,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The active version's holdout calibration (nominal vs observed coverage), from its stored metrics. */
export function calibrationOf(metrics: Record<string, unknown> | null | undefined): { points: CoveragePoint[]; rows: number | null } {
  const holdout = metrics && isRecord(metrics.holdout) ? metrics.holdout : null;
  const raw = holdout && Array.isArray(holdout.calibration) ? holdout.calibration : [];
  const points = raw.filter(isRecord).flatMap((p) =>
    typeof p.nominal === 'number' && p.nominal >= 0 && p.nominal <= 1
      ? [{ nominal: p.nominal, observed: typeof p.observed === 'number' && Number.isFinite(p.observed) ? p.observed : null, meanWidth: typeof p.meanWidth === 'number' && Number.isFinite(p.meanWidth) ? p.meanWidth : null }]
      : [],
  );
  return { points: points.slice(0, 20), rows: points.length && holdout && typeof holdout.n === 'number' ? holdout.n : null };
}

/** The settings a version was trained with, as stored by the retrain (chosen by time-series CV). */
export function settingsOf(metrics: Record<string, unknown> | null | undefined): { settings: Record<string, number | string> | null; method: string | null } {
  const selection = metrics && isRecord(metrics.selection) ? metrics.selection : null;
  const hp = selection && isRecord(selection.hyperparameters) ? selection.hyperparameters : null;
  if (!hp) return { settings: null, method: null };
  const settings = Object.fromEntries(Object.entries(hp).filter((e): e is [string, number | string] => typeof e[1] === 'number' || typeof e[1] === 'string'));
  return { settings, method: typeof selection!.method === 'string' ? selection!.method : null };
}

const parseList = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

export function modelsHandlers(app: App): DomainHandlers<'models'> {
  return {
    'forecast:get': ({ days, clientId }) =>
      forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days, ...(clientId ? { clientId } : {}) }),
    'models:status': async () => ({
      models: await Promise.all(app.models.modelNames().map(async (name): Promise<ModelCard> => {
        const s = app.models.status(name);
        const untrained = await app.models.untrainedProgress(name);
        const activeMetrics = s.activeVersion ? (app.models.versions.get(name, s.activeVersion)?.metrics ?? null) : null;
        const calibration = calibrationOf(activeMetrics);
        const chosen = settingsOf(activeMetrics);
        return {
          name,
          activeVersion: s.activeVersion,
          servesUntrained: untrained,
          trainedAt: s.trainedAt,
          trainingRows: s.trainingRows,
          metrics: flattenMetrics(s.activeMetrics),
          primaryMetric: app.models.spec(name).primaryMetric,
          triggers: s.triggers.map((t) => ({ id: t.name, label: t.detail, message: t.message, current: t.value, threshold: t.threshold, unit: TRIGGER_UNITS[t.name], fired: t.fired })),
          lastCheckAt: s.lastCheckAt,
          nextCheckAt: s.nextCheckAt,
          retraining: s.retrainRunning !== null,
          schedulerEnabled: s.enabled,
          dryRunSetting: s.dryRun,
          health: s.lastFallback ? `fell back from ${s.lastFallback.from ?? '—'} to ${s.lastFallback.to ?? '—'}: ${s.lastFallback.error ?? ''}` : s.activeHealth,
          fallback: s.lastFallback ? { from: s.lastFallback.from, to: s.lastFallback.to, error: s.lastFallback.error } : null,
          pinned: s.pinned,
          held: s.held,
          calibration: calibration.points,
          calibrationRows: calibration.rows,
          settings: chosen.settings,
          settingsChosenBy: chosen.method,
        };
      })),
    }),
    'models:versions': ({ model }) => {
      app.models.spec(model, 'model');
      return { items: app.models.versions.list(model).map(toVersion) };
    },
    'models:runs': ({ model, limit }) => {
      if (model) app.models.spec(model, 'model');
      const rows = new RetrainingRunRepository(app.database.sqlite).history(model, limit);
      return {
        items: rows.map(
          (r): RetrainingRun => ({
            id: r.id,
            model: r.model_name,
            kind: r.kind,
            startedAt: r.started_at,
            finishedAt: r.finished_at,
            fired: r.fired === 1,
            reasons: parseList(r.reasons),
            outcome: r.outcome,
            activeVersion: r.active_version,
            candidateVersion: r.candidate_version,
            improvement: r.improvement,
            error: r.error,
            notes: r.notes,
            errorMessages: storedMessages(r.error_messages),
            notesMessages: storedMessages(r.notes_messages),
          }),
        ),
      };
    },
    'models:retrain': async ({ model, dryRun }) => {
      app.models.spec(model, 'model');
      const r = await app.models.retrain(model, { reasons: ['manual'], dryRun });
      return { outcome: r.outcome, version: r.candidateVersion, activeVersion: r.activeVersion, improvement: r.improvement, message: r.reason, messages: [...r.reasonMessages] };
    },
    'models:rollback': ({ model, version }) => {
      app.models.spec(model, 'model');
      const r = app.models.rollback(model, version);
      return { activeVersion: r.to.version, previousVersion: r.from };
    },
    'models:unpin': ({ model }) => {
      app.models.spec(model, 'model');
      return { unpinned: app.models.unpin(model) };
    },
    'models:cancel-retrain': ({ model }) => {
      app.models.spec(model, 'model');
      return { cancelled: app.models.cancelRetrain(model) };
    },
  };
}

/** Forwards retrain progress and deployments (from any trigger: button, scheduler) as pushes. */
export function bindModelEvents(app: App, emit: EmitEvent): () => void {
  const onProgress = (p: { model: string; step: string; current: number; total: number }) =>
    emit('retrain:progress', { model: p.model, step: p.step, current: p.current, total: p.total });
  const onDeployed = (d: { model: string; version: string; previousVersion: string | null; reason: 'retrain' | 'rollback' }) => emit('models:deployed', d);
  app.models.events.on('progress', onProgress);
  app.models.events.on('deployed', onDeployed);
  return () => {
    app.models.events.off('progress', onProgress);
    app.models.events.off('deployed', onDeployed);
  };
}
