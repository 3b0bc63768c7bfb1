// One retrain of one model (DESIGN §4): under the cross-process lock, train a candidate in the
// worker on what was known at the cutoff, score candidate, active model and baseline on the same
// unseen rows, then deploy (refit on everything known today), keep the current model (recording
// why) or, in dry-run, only record.
// Every run is a retraining_runs row that goes 'running' → its outcome, so a process killed midway
// leaves a row that the next retrain marks as interrupted, and the previous active version intact.
import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../../db/database';
import type { Settings } from '../../config/settings';
import { addDays, todayIso } from '../../dates';
import { errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import type { WorkerHost } from '../../worker/worker-host';
import type { Progress } from '../../worker/protocol';
import type { Evaluation, ModelMetrics, ModelSpec, SpecContext } from '../model-spec';
import type { ModelVersionManager, VersionInfo } from '../registry/model-version-manager';
import { decide, planHoldout } from './model-evaluator';
import { RetrainLock } from './retrain-lock';
import { RetrainingError, englishText, englishTexts, messagesOfError, pct, type RetrainingMessage } from './retraining-message';

export type RetrainOutcome = 'deployed' | 'kept-current' | 'rejected' | 'dry-run' | 'failed';

export interface RetrainOptions {
  reasons: string[];
  dryRun?: boolean;
  onProgress?: (p: Progress) => void;
  /** The check run that fired this retrain, linked in the notes. */
  checkRunId?: number | null;
}

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

/** Training seed: fixed so the same data gives the same model (reproducible versions). */
export const TRAINING_SEED = 42;

export class ModelRetrainer extends EventEmitter {
  private readonly sqlite: BetterSqlite3.Database;

  constructor(private readonly deps: RetrainerDeps) {
    super();
    this.sqlite = deps.database.sqlite;
  }

  context(): SpecContext {
    const { database, worker, logger } = this.deps;
    return { database, worker, logger, settings: this.deps.settings(), today: todayIso() };
  }

  /** Runs marked 'running' whose process is gone: the lock is ours now, so nobody is running them. */
  private markInterrupted(model: string): void {
    const n = this.sqlite
      .prepare("UPDATE retraining_runs SET outcome = 'failed', finished_at = ?, error = ?, error_messages = ? WHERE model_name = ? AND outcome = 'running'")
      .run(new Date().toISOString(), englishText(INTERRUPTED), JSON.stringify([INTERRUPTED]), model).changes;
    if (n) this.deps.logger.warn(`Marked ${n} interrupted retrain run(s) of ${model} as failed`);
  }

  async retrain(model: string, options: RetrainOptions): Promise<RetrainResult> {
    const spec = this.deps.spec(model);
    const { versions, logger } = this.deps;
    const settings = this.deps.settings();
    const dryRun = options.dryRun ?? settings.ML_RETRAINING_DRY_RUN;
    const lock = RetrainLock.acquire(this.deps.database, model);
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    let runId = 0;
    const progress = (p: Progress) => {
      options.onProgress?.(p);
      this.emit('progress', { ...p, model } satisfies RetrainProgress);
    };
    try {
      this.markInterrupted(model);
      const activeBefore = versions.active(model);
      const notes: RetrainingMessage[] = options.checkRunId ? [{ code: 'fired-by-check', params: { checkRunId: options.checkRunId } }] : [];
      runId = Number(
        this.sqlite
          .prepare(`INSERT INTO retraining_runs (model_name, kind, started_at, fired, reasons, outcome, active_version, notes, notes_messages) VALUES (?, 'retrain', ?, 1, ?, 'running', ?, ?, ?)`)
          .run(model, startedAt, JSON.stringify(options.reasons), activeBefore?.version ?? null, notes.length ? englishTexts(notes) : null, JSON.stringify(notes)).lastInsertRowid,
      );
      const result = await this.run(spec, runId, startedAt, options.reasons, dryRun, progress);
      result.durationMs = performance.now() - t0;
      this.emit('finished', result);
      if (result.outcome === 'deployed') this.emit('deployed', result);
      return result;
    } catch (e) {
      const message = errorMessage(e);
      logger.error({ err: e }, `Retraining failed: ${message}`);
      if (runId) {
        const structured = messagesOfError(e);
        this.sqlite
          .prepare("UPDATE retraining_runs SET outcome = 'failed', finished_at = ?, error = ?, error_messages = ? WHERE id = ?")
          .run(new Date().toISOString(), message, structured ? JSON.stringify(structured) : null, runId);
      }
      this.emit('failed', { model, runId, error: message });
      throw e;
    } finally {
      lock.release();
    }
  }

  private async run(spec: ModelSpec, runId: number, startedAt: string, reasons: string[], dryRun: boolean, progress: (p: Progress) => void): Promise<RetrainResult> {
    const { versions, logger } = this.deps;
    const model = spec.name;
    const ctx = this.context();
    const settings = ctx.settings;
    progress({ step: 'collect', current: 0, total: 1 });
    const examples = await spec.labelledExamples(ctx);
    if (examples.length < spec.minTrainingRows) throw new InsufficientDataError(spec.minTrainingRows, examples.length, spec.examplesLabel, model);
    const active = versions.loadActive(model);
    const plan = planHoldout(examples, active?.version.trainingCutoff ?? null);
    const base: Omit<RetrainResult, 'outcome' | 'reason' | 'reasonMessages'> = {
      runId,
      model,
      activeVersion: active?.version.version ?? null,
      previousVersion: active?.version.version ?? null,
      candidateVersion: null,
      improvement: null,
      candidate: null,
      active: null,
      baseline: null,
      holdout: null,
      trainingRows: 0,
      durationMs: 0,
    };
    if (!plan.ok) {
      if (plan.insufficientTraining) throw new RetrainingError('INSUFFICIENT_DATA', [{ code: 'insufficient-data-because', params: {} }, plan.message]);
      this.finish(runId, { outcome: 'kept-current', notes: [plan.message] });
      logger.info(`Keeping ${model} ${active?.version.version ?? ''}: ${plan.reason}`);
      return { ...base, outcome: 'kept-current', reason: plan.reason, reasonMessages: [plan.message] };
    }
    const holdout = { from: plan.cutoff, entityIds: plan.holdoutIds };
    logger.info(`Training ${model} candidate on ${plan.trainingRows} examples known before ${plan.cutoff}; holdout ${plan.holdoutIds.length} rows`);
    const trained = await spec.train(ctx, { cutoff: plan.cutoff, seed: TRAINING_SEED, onProgress: progress });
    progress({ step: 'evaluate', current: 0, total: active ? 3 : 2 });
    const candidate = await spec.evaluate(ctx, trained.artifact, holdout);
    progress({ step: 'evaluate', current: 1, total: active ? 3 : 2 });
    const baseline = await spec.evaluateBaseline(ctx, holdout);
    progress({ step: 'evaluate', current: 2, total: active ? 3 : 2 });
    let activeEval: Evaluation | null = null;
    if (active) {
      activeEval = await spec.evaluate(ctx, active.artifact, holdout);
      progress({ step: 'evaluate', current: 3, total: 3 });
    }
    const decision = decide({
      candidate,
      active: activeEval,
      activeVersion: active?.version.version ?? null,
      baseline,
      baselineLabel: spec.baselineLabel,
      model,
      minImprovement: settings.ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE,
    });
    const outcome: RetrainOutcome = dryRun ? 'dry-run' : decision.outcome === 'deploy' ? 'deployed' : active ? 'kept-current' : 'rejected';
    const reasonMessages: RetrainingMessage[] = dryRun ? [{ code: 'dry-run', params: { would: decision.outcome } }, decision.message] : [decision.message];
    const reason = englishTexts(reasonMessages);
    // Re-check under the lock that the active version did not change (a rollback from another process).
    const activeNow = versions.active(model)?.version ?? null;
    if (activeNow !== (active?.version.version ?? null)) {
      throw new RetrainingError('ACTIVE_CHANGED', [{ code: 'active-changed', params: { model, from: active?.version.version ?? null, to: activeNow } }]);
    }
    const metrics = {
      trainingStartedAt: startedAt,
      holdoutFrom: plan.cutoff,
      holdoutRows: plan.holdoutIds.length,
      holdout: candidate.metrics,
      activeOnHoldout: activeEval?.metrics ?? null,
      baselineOnHoldout: baseline.metrics,
      improvement: decision.improvement,
      comparedWith: active?.version.version ?? spec.baselineLabel,
    };
    if (outcome === 'rejected') {
      // No model was ever deployed: a candidate that loses to the baseline gets no version number,
      // so the first deployed model is always 1.0.0. The run keeps its figures.
      this.finish(runId, { outcome, candidateMetrics: candidate.metrics, improvement: decision.improvement, notes: reasonMessages });
      logger.info(`Not deploying a first ${model} model: ${reason}`);
      return { ...base, outcome, reason, reasonMessages, improvement: decision.improvement, candidate: candidate.metrics, baseline: baseline.metrics, holdout: { from: plan.cutoff, rows: plan.holdoutIds.length }, trainingRows: trained.trainingRows };
    }
    // A winner is refit on every outcome known today before it goes live: the holdout's outcomes are
    // the most recent behaviour, and leaving them out would delay learning a drift by a whole cycle.
    let deployed = trained;
    let trainingCutoff = plan.cutoff;
    if (outcome === 'deployed') {
      trainingCutoff = addDays(ctx.today, 1);
      deployed = await spec.train(ctx, { cutoff: trainingCutoff, seed: TRAINING_SEED, onProgress: (p) => progress({ ...p, step: 'refit' }) });
    }
    progress({ step: 'save', current: 0, total: 1 });
    const saved: VersionInfo = await versions.register({
      model,
      artifact: deployed.artifact,
      status: outcome === 'deployed' ? 'active' : outcome === 'dry-run' ? 'candidate' : 'rejected',
      triggerReasons: reasons,
      trainingRows: deployed.trainingRows,
      trainingCutoff,
      metrics: { ...metrics, evaluatedCandidateRows: trained.trainingRows, refit: deployed !== trained },
      baselineAccuracy: candidate.metrics.accuracy,
      parentVersion: active?.version.version ?? null,
      dryRun,
      notes: reason,
      notesMessages: reasonMessages,
      consumeFeedbackUpTo: startedAt,
    });
    progress({ step: 'save', current: 1, total: 1 });
    versions.prune(model, settings.ML_RETRAINING_MAX_VERSIONS);
    this.finish(runId, {
      outcome,
      candidateVersion: saved.version,
      activeMetrics: activeEval?.metrics ?? null,
      candidateMetrics: candidate.metrics,
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
      improvement: decision.improvement,
      candidate: candidate.metrics,
      active: activeEval?.metrics ?? null,
      baseline: baseline.metrics,
      holdout: { from: plan.cutoff, rows: plan.holdoutIds.length },
      trainingRows: deployed.trainingRows,
    };
  }

  /** The structured notes a run has so far (a run begun before they were recorded has none). */
  private notesOf(runId: number): RetrainingMessage[] {
    const row = this.sqlite.prepare('SELECT notes_messages FROM retraining_runs WHERE id = ?').get(runId) as { notes_messages: string | null } | undefined;
    return row?.notes_messages ? (JSON.parse(row.notes_messages) as RetrainingMessage[]) : [];
  }

  private finish(
    runId: number,
    f: { outcome: RetrainOutcome; candidateVersion?: string; activeMetrics?: ModelMetrics | null; candidateMetrics?: ModelMetrics; improvement?: number; notes: RetrainingMessage[] },
  ): void {
    this.sqlite
      .prepare(
        `UPDATE retraining_runs SET outcome = ?, finished_at = ?, candidate_version = ?, active_metrics = ?, candidate_metrics = ?, improvement = ?,
           notes = COALESCE(notes || '; ', '') || ?,
           notes_messages = ? WHERE id = ?`,
      )
      .run(
        f.outcome,
        new Date().toISOString(),
        f.candidateVersion ?? null,
        f.activeMetrics ? JSON.stringify(f.activeMetrics) : null,
        f.candidateMetrics ? JSON.stringify(f.candidateMetrics) : null,
        f.improvement !== undefined && Number.isFinite(f.improvement) ? f.improvement : null,
        englishTexts(f.notes),
        JSON.stringify([...this.notesOf(runId), ...f.notes]),
        runId,
      );
  }
}

export function describeImprovement(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : pct(x);
}
