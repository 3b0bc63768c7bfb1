// The model lifecycle service of the app: registry of versions, trigger evaluation, champion/
// challenger retraining and the scheduler, for every registered model. The composition root builds
// one; CLI, IPC and the status page read from it. Retrain progress and deployments are emitted on
// `events` so the IPC layer can forward them to the renderer.
import { EventEmitter } from 'node:events';
import type { Database } from '../../db/database';
import type { Settings } from '../../config/settings';
import { isIsoDate, todayIso } from '../../dates';
import { AppError, InputError, NotFoundError } from '../../errors';
import { parseSemver } from '../registry/semver';
import type { ModelMetrics } from '../model-spec';
import type { RetrainingMessage } from './retraining-message';
import type { Logger } from '../../logger';
import type { WorkerHost } from '../../worker/worker-host';
import type { ModelSpec } from '../model-spec';
import { ArtifactStore } from '../registry/artifact-store';
import { ModelVersionManager } from '../registry/model-version-manager';
import { ModelRetrainer, type RetrainOptions, type RetrainProgress, type RetrainResult } from './model-retrainer';
import { RetrainLock } from './retrain-lock';
import { RetrainingRunRepository } from './retraining-run-repository';
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
  /** The version a rollback pinned (automatic deploys wait until it is unpinned). */
  pinned: { version: string; at: string } | null;
  /** Why met triggers would start no retrain now (pinned, nothing new since the last evaluation). */
  held: RetrainingMessage | null;
  lastEvaluationAt: string | null;
}

/** A stored version scored on labelled examples (`ai evaluate`). */
export interface VersionEvaluation {
  model: string;
  version: string;
  from: string | null;
  clientId: number | null;
  rows: number;
  /** Of those, how many the version was trained on (outcome before its cutoff): their figures flatter it. */
  seenInTraining: number;
  metrics: ModelMetrics;
  baseline: ModelMetrics;
  baselineLabel: string;
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
    this.triggers = new TriggerEvaluator(
      deps.database,
      this.versions,
      (model) => {
        const spec = this.spec(model);
        return { thresholds: spec.thresholds(this.settings()), examples: spec.feedbackIsExamples ? { model, label: spec.examplesLabel } : null };
      },
      deps.logger,
    );
    this.retrainer = new ModelRetrainer({
      database: deps.database,
      worker: deps.worker,
      versions: this.versions,
      settings: () => this.settings(),
      logger: deps.logger,
      spec: (name) => this.spec(name),
    });
    this.scheduler = new RetrainingScheduler(deps.database, this.triggers, this.retrainer, this.modelNames(), () => this.settings(), deps.logger, async (model) => {
      const progress = await this.untrainedProgress(model);
      return progress === null || progress.examples >= progress.needed;
    });
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

  /**
   * For a model that serves before any training (the payment matcher's rule-based version 0): its
   * labelled examples so far and how many its first training needs. Null for a model that serves
   * nothing until trained.
   */
  async untrainedProgress(model: string): Promise<{ examples: number; needed: number } | null> {
    const spec = this.spec(model);
    if (!spec.servesUntrained) return null;
    const { database, worker, logger } = this.deps;
    const examples = await spec.labelledExamples({ database, worker, logger, settings: this.settings(), today: todayIso() });
    return { examples: examples.length, needed: spec.minTrainingRows };
  }

  updateSettings(settings: Settings): void {
    this.settings = () => settings;
    this.scheduler.updateSettings(settings);
  }

  retrain(model: string, options: Partial<RetrainOptions> = {}): Promise<RetrainResult> {
    this.spec(model);
    return this.retrainer.retrain(model, { reasons: options.reasons ?? ['manual'], dryRun: options.dryRun, onProgress: options.onProgress, checkRunId: options.checkRunId });
  }

  /** Cancels the model's retrain running in this process; false when none runs here. */
  cancelRetrain(model: string): boolean {
    this.spec(model);
    return this.retrainer.cancel(model);
  }

  /** Lifts a rollback's pin; returns the version that was pinned (null: none was). */
  unpin(model: string): string | null {
    this.spec(model);
    return this.versions.unpin(model);
  }

  /**
   * Scores a stored version on paid invoices issued on or after `from` (default: its training cutoff,
   * so only invoices it never saw), optionally one client's, next to the spec's baseline.
   */
  async evaluateVersion(model: string, version: string, filter: { clientId?: number | null; from?: string | null } = {}): Promise<VersionEvaluation> {
    const spec = this.spec(model);
    parseSemver(version, '--version');
    if (filter.from !== undefined && filter.from !== null && !isIsoDate(filter.from)) throw new InputError(`--from: expected a date as YYYY-MM-DD, got "${filter.from}"`, '--from');
    const v = this.versions.get(model, version);
    if (!v) {
      const known = this.versions.list(model).map((x) => x.version);
      throw new NotFoundError(`--version: ${model} has no version ${version}${known.length ? ` (versions: ${known.join(', ')})` : ' (no versions yet)'}`, '--version');
    }
    if (!spec.examplesFor) throw new AppError('NOT_SUPPORTED', `${model} cannot be evaluated on a filter`);
    const artifact = this.versions.load(v);
    const ctx = this.retrainer.context();
    const from = filter.from ?? v.trainingCutoff ?? null;
    const clientId = filter.clientId ?? null;
    const examples = await spec.examplesFor(ctx, { from, groupId: clientId });
    if (!examples.length) {
      throw new AppError('NO_TEST_DATA', `no ${spec.examplesLabel}${clientId !== null ? ` of client ${clientId}` : ''}${from ? ` issued on or after ${from}` : ''} to evaluate ${model} ${version} on`);
    }
    const holdout = { from: from ?? examples[0]!.featureDate, entityIds: examples.map((e) => e.entityId) };
    const [evaluation, baseline] = [await spec.evaluate(ctx, artifact, holdout), await spec.evaluateBaseline(ctx, holdout)];
    const cutoff = v.trainingCutoff;
    return {
      model,
      version,
      from,
      clientId,
      rows: examples.length,
      seenInTraining: cutoff ? examples.filter((e) => e.outcomeDate < cutoff).length : 0,
      metrics: evaluation.metrics,
      baseline: baseline.metrics,
      baselineLabel: spec.baselineLabel,
    };
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
    const run = new RetrainingRunRepository(sqlite).lastRetrainOrRollback(model);
    const last = readLastCheck(sqlite);
    const sched = this.scheduler.status();
    const holder = RetrainLock.holder(this.deps.database, model);
    const improvement = active && typeof active.metrics.improvement === 'number' ? active.metrics.improvement : null;
    const pinned = this.versions.pinned(model);
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
      pinned: pinned ? { version: pinned.version, at: pinned.pinnedAt! } : null,
      held: evaluation.held,
      lastEvaluationAt: evaluation.lastEvaluationAt,
    };
  }
}
