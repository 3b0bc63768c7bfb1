// The model lifecycle service of the app: registry of versions, trigger evaluation, champion/
// challenger retraining and the scheduler, for every registered model. The composition root builds
// one; CLI, IPC and the status page read from it. Retrain progress and deployments are emitted on
// `events` so the IPC layer can forward them to the renderer.
import { EventEmitter } from 'node:events';
import type { Database } from '../../db/database';
import type { Settings } from '../../config/settings';
import { NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import type { WorkerHost } from '../../worker/worker-host';
import type { ModelSpec } from '../model-spec';
import { ArtifactStore } from '../registry/artifact-store';
import { ModelVersionManager } from '../registry/model-version-manager';
import { ModelRetrainer, type RetrainOptions, type RetrainProgress, type RetrainResult } from './model-retrainer';
import { RetrainLock } from './retrain-lock';
import { RetrainingScheduler, nextCheckAt, readLastCheck } from './retraining-scheduler';
import { TriggerEvaluator, type TriggerValue } from './trigger-evaluator';

export interface ModelLifecycleEvents {
  progress: [RetrainProgress];
  deployed: [{ model: string; version: string; previousVersion: string | null; reason: 'retrain' | 'rollback' }];
  finished: [RetrainResult];
}

export interface ModelLifecycleDeps {
  database: Database;
  worker: WorkerHost;
  logger: Logger;
  modelsDir: string;
  settings: () => Settings;
  specs: readonly ModelSpec[];
}

export interface RetrainingStatus {
  model: string;
  enabled: boolean;
  dryRun: boolean;
  activeVersion: string | null;
  activeHealth: 'ok' | 'missing' | 'corrupt' | null;
  /** When the active version was trained, how many rows, why, and what it gained. */
  trainedAt: string | null;
  trainingRows: number | null;
  trainingTrigger: string[];
  improvement: number | null;
  activeMetrics: Record<string, unknown> | null;
  lastRun: { kind: string; at: string; outcome: string | null; version: string | null; error: string | null; notes: string | null } | null;
  triggers: TriggerValue[];
  feedbackSinceTraining: number;
  liveAccuracy: number | null;
  baselineAccuracy: number | null;
  versions: number;
  intervalHours: number;
  lastCheckAt: string | null;
  nextCheckAt: string | null;
  schedulerRunning: boolean;
  retrainRunning: { pid: number; since: string } | null;
  lastFallback: { at: string; from: string | null; to: string | null; error: string | null } | null;
}

export class ModelLifecycle {
  readonly events = new EventEmitter<ModelLifecycleEvents>();
  readonly versions: ModelVersionManager;
  readonly triggers: TriggerEvaluator;
  readonly retrainer: ModelRetrainer;
  readonly scheduler: RetrainingScheduler;
  private readonly specs: ReadonlyMap<string, ModelSpec>;
  private settings: () => Settings;

  constructor(private readonly deps: ModelLifecycleDeps) {
    this.settings = deps.settings;
    this.specs = new Map(deps.specs.map((s) => [s.name, s]));
    this.versions = new ModelVersionManager(deps.database, new ArtifactStore(deps.modelsDir), deps.logger);
    this.triggers = new TriggerEvaluator(deps.database, this.versions, () => this.settings(), deps.logger);
    this.retrainer = new ModelRetrainer({
      database: deps.database,
      worker: deps.worker,
      versions: this.versions,
      settings: () => this.settings(),
      logger: deps.logger,
      spec: (name) => this.spec(name),
    });
    this.scheduler = new RetrainingScheduler(deps.database, this.triggers, this.retrainer, this.modelNames(), () => this.settings(), deps.logger);
    this.retrainer.on('progress', (p: RetrainProgress) => this.events.emit('progress', p));
    this.retrainer.on('finished', (r: RetrainResult) => {
      this.events.emit('finished', r);
      if (r.outcome === 'deployed' && r.candidateVersion) {
        this.events.emit('deployed', { model: r.model, version: r.candidateVersion, previousVersion: r.previousVersion, reason: 'retrain' });
      }
    });
  }

  modelNames(): string[] {
    return [...this.specs.keys()];
  }

  /** The spec of a registered model; an unknown name is bad input naming `field`. */
  spec(name: string, field = '--model'): ModelSpec {
    const s = this.specs.get(name);
    if (!s) throw new NotFoundError(`${field}: unknown model "${name}" (registered: ${this.modelNames().join(', ')})`, field);
    return s;
  }

  updateSettings(settings: Settings): void {
    this.settings = () => settings;
    this.scheduler.updateSettings(settings);
  }

  retrain(model: string, options: Partial<RetrainOptions> = {}): Promise<RetrainResult> {
    this.spec(model);
    return this.retrainer.retrain(model, { reasons: options.reasons ?? ['manual'], dryRun: options.dryRun, onProgress: options.onProgress, checkRunId: options.checkRunId });
  }

  rollback(model: string, version: string): ReturnType<ModelVersionManager['rollback']> {
    this.spec(model);
    const r = this.versions.rollback(model, version);
    this.events.emit('deployed', { model, version: r.to.version, previousVersion: r.from, reason: 'rollback' });
    return r;
  }

  status(model: string): RetrainingStatus {
    this.spec(model);
    const s = this.settings();
    const fallback = this.versions.ensureHealthyActive(model);
    const active = this.versions.active(model);
    const evaluation = this.triggers.evaluate(model, { record: false });
    const sqlite = this.deps.database.sqlite;
    const run = sqlite
      .prepare("SELECT kind, COALESCE(finished_at, started_at) AS at, outcome, candidate_version, error, notes FROM retraining_runs WHERE model_name = ? AND kind != 'check' ORDER BY id DESC LIMIT 1")
      .get(model) as { kind: string; at: string; outcome: string | null; candidate_version: string | null; error: string | null; notes: string | null } | undefined;
    const last = readLastCheck(sqlite);
    const sched = this.scheduler.status();
    const holder = RetrainLock.holder(this.deps.database, model);
    const improvement = active && typeof active.metrics.improvement === 'number' ? active.metrics.improvement : null;
    return {
      model,
      enabled: s.ML_RETRAINING_ENABLED,
      dryRun: s.ML_RETRAINING_DRY_RUN,
      activeVersion: active?.version ?? null,
      activeHealth: active ? this.versions.health(active) : null,
      trainedAt: active?.createdAt ?? null,
      trainingRows: active?.trainingRows ?? null,
      trainingTrigger: active?.triggerReasons ?? [],
      improvement,
      activeMetrics: active ? ((active.metrics.holdout as Record<string, unknown> | undefined) ?? null) : null,
      lastRun: run ? { kind: run.kind, at: run.at, outcome: run.outcome, version: run.candidate_version, error: run.error, notes: run.notes } : null,
      triggers: evaluation.triggers,
      feedbackSinceTraining: evaluation.feedbackSinceTraining,
      liveAccuracy: evaluation.live.accuracy,
      baselineAccuracy: evaluation.live.baselineAccuracy,
      versions: this.versions.list(model).length,
      intervalHours: s.ML_RETRAINING_CHECK_INTERVAL_HOURS,
      lastCheckAt: last,
      // Outside a running app (CLI) the next check happens when an app with the scheduler runs.
      nextCheckAt: s.ML_RETRAINING_ENABLED ? (sched.nextCheckAt ?? nextCheckAt(last, s.ML_RETRAINING_CHECK_INTERVAL_HOURS)) : null,
      schedulerRunning: sched.running,
      retrainRunning: holder ? { pid: holder.pid, since: holder.acquired_at } : null,
      lastFallback: fallback ? { at: fallback.at, from: fallback.from, to: fallback.to, error: `artifact ${fallback.health}` } : this.versions.lastFallback(model),
    };
  }
}
