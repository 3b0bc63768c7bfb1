// One retrain of one model (DESIGN §4): under the cross-process lock, train a candidate in the
// worker on what was known before the holdout (the latest paid invoices), score candidate, active
// model and baseline on holdout rows the compared models never saw, then deploy (refit on
// everything known today with the candidate's settings), keep the current model (recording why) or,
// in dry-run, only record. Each run records which outcomes it had seen, so the feedback trigger
// counts only what is new since. A run can be cancelled; times are the app's clock.
// Every run is a retraining_runs row that goes 'running' → its outcome, so a process killed midway
// leaves a row that the next retrain marks as interrupted, and the previous active version intact.
import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../../db/database';
import type { Settings } from '../../config/settings';
import { addDays, appNowIso, todayIso } from '../../dates';
import { errorCode, errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import type { WorkerHost } from '../../worker/worker-host';
import type { Progress } from '../../worker/protocol';
import type { Evaluation, ModelMetrics, ModelSpec, SpecContext } from '../model-spec';
import type { ModelVersionManager, VersionInfo } from '../registry/model-version-manager';
import { decide, MIN_SINCE_ACTIVE_HOLDOUT_ROWS, planHoldout } from './model-evaluator';
import { latestOutcomeId, outcomesSinceLastEvaluation, recordOutcomesSeen } from './retraining-runs';
import { RetrainLock } from './retrain-lock';
import { RetrainingRunRepository } from './retraining-run-repository';
import { RetrainingError, englishText, englishTexts, messagesOfError, pct, type RetrainingMessage } from './retraining-message';

export type RetrainOutcome = 'deployed' | 'kept-current' | 'rejected' | 'dry-run' | 'failed';

export interface RetrainOptions {
  reasons: string[];
  dryRun?: boolean;
  onProgress?: (p: Progress) => void;
  /** The check run that fired this retrain, linked in the notes. */
  checkRunId?: number | null;
}

/** How the candidate was compared with the active version. */
export type ComparedOn = 'unseen-by-active' | 'active-settings-refit' | 'baseline';

export interface RetrainResult {
  runId: number;
  model: string;
  outcome: RetrainOutcome;
  /** English, for logs and the CLI; `reasonMessages` is the same in structured form. */
  reason: string;
  reasonMessages: RetrainingMessage[];
  activeVersion: string | null;
  previousVersion: string | null;
  candidateVersion: string | null;
  improvement: number | null;
  candidate: ModelMetrics | null;
  active: ModelMetrics | null;
  baseline: ModelMetrics | null;
  holdout: { from: string; rows: number } | null;
  /** Rows the candidate and the active version were compared on, and how. */
  comparison: { on: ComparedOn; rows: number } | null;
  /** Outcomes new since the previous evaluation when this run started. */
  newOutcomes: number;
  trainingRows: number;
  durationMs: number;
}

export interface RetrainProgress extends Progress {
  model: string;
}

/** Not enough labelled examples: the seed's "Model retraining failed: insufficient data". */
export class InsufficientDataError extends RetrainingError {
  constructor(
    readonly needed: number,
    readonly found: number,
    label: string,
    model: string,
  ) {
    super('INSUFFICIENT_DATA', [{ code: 'insufficient-data', params: { needed, found, model, label } }]);
  }
}

export interface RetrainerDeps {
  database: Database;
  worker: WorkerHost;
  versions: ModelVersionManager;
  settings: () => Settings;
  logger: Logger;
  spec: (model: string) => ModelSpec;
}

const INTERRUPTED: RetrainingMessage = { code: 'interrupted', params: {} };
const CANCELLED: RetrainingMessage = { code: 'cancelled', params: {} };

/** Training seed: fixed so the same data gives the same model (reproducible versions). */
export const TRAINING_SEED = 42;

export class ModelRetrainer extends EventEmitter {
  private readonly sqlite: BetterSqlite3.Database;
  private readonly runs: RetrainingRunRepository;

  constructor(private readonly deps: RetrainerDeps) {
    super();
    this.sqlite = deps.database.sqlite;
    this.runs = new RetrainingRunRepository(deps.database.sqlite);
  }

  context(): SpecContext {
    const { database, worker, logger } = this.deps;
    return { database, worker, logger, settings: this.deps.settings(), today: todayIso() };
  }

  private readonly running = new Map<string, AbortController>();

  /** Cancels the model's retrain running in this process; true when there was one. */
  cancel(model: string): boolean {
    const c = this.running.get(model);
    if (!c) return false;
    c.abort(new RetrainingError('CANCELLED', [CANCELLED]));
    return true;
  }

  isRunning(model: string): boolean {
    return this.running.has(model);
  }

  /** Runs marked 'running' whose process is gone: the lock is ours now, so nobody is running them. */
  private markInterrupted(model: string): void {
    const n = this.runs.markAllRunningFailed(model, { finishedAt: appNowIso(), error: englishText(INTERRUPTED), errorMessages: JSON.stringify([INTERRUPTED]) });
    if (n) this.deps.logger.warn(`Marked ${n} interrupted retrain run(s) of ${model} as failed`);
  }

  async retrain(model: string, options: RetrainOptions): Promise<RetrainResult> {
    const spec = this.deps.spec(model);
    const { versions, logger } = this.deps;
    const settings = this.deps.settings();
    const dryRun = options.dryRun ?? settings.ML_RETRAINING_DRY_RUN;
    const lock = RetrainLock.acquire(this.deps.database, model);
    const controller = new AbortController();
    this.running.set(model, controller);
    const t0 = performance.now();
    const startedAt = appNowIso();
    let runId = 0;
    const progress = (p: Progress) => {
      options.onProgress?.(p);
      this.emit('progress', { ...p, model } satisfies RetrainProgress);
    };
    try {
      this.markInterrupted(model);
      const activeBefore = versions.active(model);
      const notes: RetrainingMessage[] = options.checkRunId ? [{ code: 'fired-by-check', params: { checkRunId: options.checkRunId } }] : [];
      runId = this.runs.insertRetrain({
        model,
        startedAt,
        reasons: JSON.stringify(options.reasons),
        activeVersion: activeBefore?.version ?? null,
        notes: notes.length ? englishTexts(notes) : null,
        notesMessages: JSON.stringify(notes),
      });
      const result = await this.run(spec, runId, startedAt, options.reasons, dryRun, progress, controller.signal);
      result.durationMs = performance.now() - t0;
      this.emit('finished', result);
      if (result.outcome === 'deployed') this.emit('deployed', result);
      return result;
    } catch (e) {
      const cancelled = controller.signal.aborted || errorCode(e) === 'CANCELLED';
      const error = cancelled ? new RetrainingError('CANCELLED', [CANCELLED]) : e;
      const message = errorMessage(error);
      if (cancelled) logger.warn(`Retraining of ${model} cancelled`);
      else logger.error({ err: e }, `Retraining failed: ${message}`);
      if (runId) {
        const structured = messagesOfError(error);
        this.runs.markFailed(runId, { finishedAt: appNowIso(), error: message, errorMessages: structured ? JSON.stringify(structured) : null });
      }
      this.emit('failed', { model, runId, error: message });
      throw error;
    } finally {
      this.running.delete(model);
      lock.release();
    }
  }

  private async run(
    spec: ModelSpec,
    runId: number,
    startedAt: string,
    reasons: string[],
    dryRun: boolean,
    progress: (p: Progress) => void,
    signal: AbortSignal,
  ): Promise<RetrainResult> {
    const { versions, logger } = this.deps;
    const model = spec.name;
    const ctx = this.context();
    const settings = ctx.settings;
    // What this evaluation sees: the feedback trigger counts outcomes after it.
    const seenThrough = latestOutcomeId(this.sqlite, model);
    const newOutcomes = outcomesSinceLastEvaluation(this.sqlite, model).count;
    progress({ step: 'collect', current: 0, total: 1 });
    const examples = await spec.labelledExamples(ctx);
    if (examples.length < spec.minTrainingRows) throw new InsufficientDataError(spec.minTrainingRows, examples.length, spec.examplesLabel, model);
    const active = versions.loadActive(model);
    const plan = planHoldout(examples, active?.version.trainingCutoff ?? null);
    if (!plan.ok) throw new RetrainingError('INSUFFICIENT_DATA', [{ code: 'insufficient-data-because', params: {} }, plan.message]);
    signal.throwIfAborted();
    const holdout = { from: plan.from, entityIds: plan.holdoutIds };
    // Notes name the model and its examples, so each model's notes count its own (invoices, answers).
    const whose = { model, label: spec.examplesLabel };
    const holdoutNote: RetrainingMessage =
      plan.kind === 'since-active'
        ? { code: 'holdout-since-active', params: { rows: plan.holdoutIds.length, cutoff: plan.cutoff, version: active!.version.version, ...whose } }
        : { code: 'holdout-latest', params: { rows: plan.holdoutIds.length, from: plan.from, unseen: null, ...whose } };
    logger.info(`Training ${model} candidate on ${plan.trainingRows} examples known before ${plan.cutoff}; holdout ${plan.holdoutIds.length} rows`);
    const trained = await spec.train(ctx, { cutoff: plan.cutoff, seed: TRAINING_SEED, onProgress: progress, signal });
    const steps = active ? 3 : 2;
    progress({ step: 'evaluate', current: 0, total: steps });
    const candidate = await spec.evaluate(ctx, trained.artifact, holdout);
    progress({ step: 'evaluate', current: 1, total: steps });
    const baseline = await spec.evaluateBaseline(ctx, holdout);
    // The accuracy live predictions will be measured against: on every invoice paid after the
    // candidate's cut-off (recently paid ones, like those a live prediction resolves on).
    const recentlyPaid = plan.kind === 'since-active' ? candidate : await spec.evaluate(ctx, trained.artifact, { from: plan.from, entityIds: examples.filter((e) => e.outcomeDate >= plan.cutoff).map((e) => e.entityId) });
    progress({ step: 'evaluate', current: 2, total: steps });
    // With outcomes since the active version's cutoff, neither model saw the holdout: the active
    // artifact itself is scored. Otherwise it saw (some of) it, and is compared through its settings
    // retrained on the candidate's data.
    let activeEval: Evaluation | null = null;
    const candidateCompared = candidate;
    let comparedOn: ComparedOn = 'baseline';
    const compareNotes: RetrainingMessage[] = [holdoutNote];
    if (active) {
      if (plan.kind === 'since-active') {
        activeEval = await spec.evaluate(ctx, active.artifact, holdout);
        comparedOn = 'unseen-by-active';
      } else {
        const champion = await spec.train(ctx, { cutoff: plan.cutoff, seed: TRAINING_SEED, onProgress: (p) => progress({ ...p, step: 'champion' }), signal, reuseSettingsOf: active.artifact });
        activeEval = await spec.evaluate(ctx, champion.artifact, holdout);
        comparedOn = 'active-settings-refit';
        const cutoff = active.version.trainingCutoff;
        const unseen = cutoff ? examples.filter((e) => e.outcomeDate >= cutoff).length : 0;
        compareNotes.push({ code: 'champion-refit', params: { version: active.version.version, unseen, needed: 2 * MIN_SINCE_ACTIVE_HOLDOUT_ROWS, ...whose } });
      }
      progress({ step: 'evaluate', current: 3, total: 3 });
    }
    signal.throwIfAborted();
    const decision = decide({
      candidate: candidateCompared,
      active: activeEval,
      activeVersion: active?.version.version ?? null,
      baseline,
      baselineLabel: spec.baselineLabel,
      model,
      metric: spec.primaryMetric,
      minImprovement: spec.thresholds(settings).minImprovement,
    });
    const outcome: RetrainOutcome = dryRun ? 'dry-run' : decision.outcome === 'deploy' ? 'deployed' : active ? 'kept-current' : 'rejected';
    const pinned = versions.pinned(model);
    const reasonMessages: RetrainingMessage[] = [
      ...(dryRun ? [{ code: 'dry-run', params: { would: decision.outcome } } as RetrainingMessage] : []),
      decision.message,
      ...compareNotes,
      ...(outcome === 'deployed' && pinned ? [{ code: 'pin-cleared-by-retrain', params: { version: pinned.version } } as RetrainingMessage] : []),
    ];
    const reason = englishTexts(reasonMessages);
    // Re-check under the lock that the active version did not change (a rollback from another process).
    const activeNow = versions.active(model)?.version ?? null;
    if (activeNow !== (active?.version.version ?? null)) {
      throw new RetrainingError('ACTIVE_CHANGED', [{ code: 'active-changed', params: { model, from: active?.version.version ?? null, to: activeNow } }]);
    }
    recordOutcomesSeen(this.sqlite, runId, seenThrough, newOutcomes);
    const comparison = { on: comparedOn, rows: candidateCompared.metrics.n };
    const metrics = {
      trainingStartedAt: startedAt,
      holdoutFrom: plan.from,
      holdoutKind: plan.kind,
      candidateCutoff: plan.cutoff,
      holdoutRows: plan.holdoutIds.length,
      holdout: candidate.metrics,
      activeOnHoldout: activeEval?.metrics ?? null,
      baselineOnHoldout: baseline.metrics,
      comparedOn,
      comparisonRows: comparison.rows,
      improvement: decision.improvement,
      comparedWith: active?.version.version ?? spec.baselineLabel,
      selection: trained.selection ?? null,
    };
    const base: Omit<RetrainResult, 'outcome' | 'reason' | 'reasonMessages'> = {
      runId,
      model,
      activeVersion: active?.version.version ?? null,
      previousVersion: active?.version.version ?? null,
      candidateVersion: null,
      improvement: decision.improvement,
      candidate: candidate.metrics,
      active: activeEval?.metrics ?? null,
      baseline: baseline.metrics,
      holdout: { from: plan.from, rows: plan.holdoutIds.length },
      comparison,
      newOutcomes,
      trainingRows: trained.trainingRows,
      durationMs: 0,
    };
    if (outcome === 'rejected') {
      // No model was ever deployed: a candidate that loses to the baseline gets no version number,
      // so the first deployed model is always 1.0.0. The run keeps its figures.
      this.finish(runId, { outcome, candidateMetrics: candidate.metrics, improvement: decision.improvement, notes: reasonMessages });
      logger.info(`Not deploying a first ${model} model: ${reason}`);
      return { ...base, outcome, reason, reasonMessages };
    }
    // A winner is refit on every outcome known today, with the settings and calibration it was chosen
    // with, before it goes live: the holdout's outcomes are the most recent behaviour.
    let deployed = trained;
    let trainingCutoff = plan.cutoff;
    if (outcome === 'deployed') {
      trainingCutoff = addDays(ctx.today, 1);
      deployed = await spec.train(ctx, { cutoff: trainingCutoff, seed: TRAINING_SEED, onProgress: (p) => progress({ ...p, step: 'refit' }), signal, reuseSettingsOf: trained.artifact });
    }
    signal.throwIfAborted();
    progress({ step: 'save', current: 0, total: 1 });
    const saved: VersionInfo = await versions.register({
      model,
      artifact: deployed.artifact,
      status: outcome === 'deployed' ? 'active' : outcome === 'dry-run' ? 'candidate' : 'rejected',
      triggerReasons: reasons,
      trainingRows: deployed.trainingRows,
      trainingCutoff,
      metrics: { ...metrics, evaluatedCandidateRows: trained.trainingRows, refit: deployed !== trained },
      baselineAccuracy: recentlyPaid.metrics.accuracy,
      baselineSample: recentlyPaid.metrics.n,
      parentVersion: active?.version.version ?? null,
      dryRun,
      notes: reason,
      notesMessages: reasonMessages,
      consumeFeedbackThroughId: seenThrough,
    });
    progress({ step: 'save', current: 1, total: 1 });
    versions.prune(model, settings.ML_RETRAINING_MAX_VERSIONS);
    this.finish(runId, {
      outcome,
      candidateVersion: saved.version,
      activeMetrics: activeEval?.metrics ?? null,
      candidateMetrics: candidateCompared.metrics,
      improvement: decision.improvement,
      notes: reasonMessages,
    });
    if (outcome === 'deployed') {
      logger.info(`Model retrained successfully, version: ${saved.version}, improvement: ${(decision.improvement * 100).toFixed(1)}%`);
    } else {
      logger.info(`${outcome === 'dry-run' ? 'Dry run' : 'Keeping the current model'} for ${model} (candidate ${saved.version}): ${reason}`);
    }
    return {
      ...base,
      outcome,
      reason,
      reasonMessages,
      activeVersion: versions.active(model)?.version ?? null,
      candidateVersion: saved.version,
      trainingRows: deployed.trainingRows,
    };
  }

  /** The structured notes a run has so far (a run begun before they were recorded has none). */
  private notesOf(runId: number): RetrainingMessage[] {
    const json = this.runs.notesMessages(runId);
    return json ? (JSON.parse(json) as RetrainingMessage[]) : [];
  }

  private finish(
    runId: number,
    f: { outcome: RetrainOutcome; candidateVersion?: string; activeMetrics?: ModelMetrics | null; candidateMetrics?: ModelMetrics; improvement?: number; notes: RetrainingMessage[] },
  ): void {
    this.runs.finishRetrain({
      id: runId,
      outcome: f.outcome,
      finishedAt: appNowIso(),
      candidateVersion: f.candidateVersion ?? null,
      activeMetrics: f.activeMetrics ? JSON.stringify(f.activeMetrics) : null,
      candidateMetrics: f.candidateMetrics ? JSON.stringify(f.candidateMetrics) : null,
      improvement: f.improvement !== undefined && Number.isFinite(f.improvement) ? f.improvement : null,
      notes: englishTexts(f.notes),
      notesMessages: JSON.stringify([...this.notesOf(runId), ...f.notes]),
    });
  }
}

export function describeImprovement(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : pct(x);
}
