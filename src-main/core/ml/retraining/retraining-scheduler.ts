// RetrainingScheduler (DESIGN §4, §7): checks the triggers of every registered model every
// CHECK_INTERVAL_HOURS, and at startup when the last check (persisted in app_state, so the interval
// survives restarts) is overdue. A fired check runs the retrain (in the worker, under the
// cross-process lock); a check whose triggers are held (a pinned version, nothing new since the last
// evaluation) runs none. Interval changes apply live through updateSettings(). Times are the app's
// clock (OPENFATTURE_TODAY moves them), so a restart on a later pinned date finds the check overdue.
import type BetterSqlite3 from 'better-sqlite3';
import { AppStateRepository } from '../../db/app-state-repository';
import type { Database } from '../../db/database';
import type { Settings } from '../../config/settings';
import { appNow, appNowIso } from '../../dates';
import { errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import type { ModelRetrainer, RetrainResult } from './model-retrainer';
import type { TriggerEvaluation, TriggerEvaluator } from './trigger-evaluator';

export const LAST_CHECK_KEY = 'retraining.last_check_at';
/** setTimeout's ceiling; longer intervals are reached by re-arming. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SchedulerStatus {
  running: boolean;
  checking: boolean;
  intervalHours: number;
  lastCheckAt: string | null;
  nextCheckAt: string | null;
}

export interface CheckReport {
  model: string;
  evaluation: TriggerEvaluation;
  retrain: RetrainResult | null;
  error: string | null;
}

export function readLastCheck(sqlite: BetterSqlite3.Database): string | null {
  return new AppStateRepository(sqlite).get(LAST_CHECK_KEY) ?? null;
}

/** When the next check is due given the last one (now when never checked). */
export function nextCheckAt(lastCheckAt: string | null, intervalHours: number, now = appNow().getTime()): string {
  if (!lastCheckAt) return new Date(now).toISOString();
  return new Date(Date.parse(lastCheckAt) + intervalHours * 3_600_000).toISOString();
}

export class RetrainingScheduler {
  private readonly sqlite: BetterSqlite3.Database;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<CheckReport[]> | null = null;
  private intervalHours: number;

  constructor(
    database: Database,
    private readonly triggers: TriggerEvaluator,
    private readonly retrainer: ModelRetrainer,
    private readonly models: readonly string[],
    private settings: () => Settings,
    private readonly logger: Logger,
    /** Whether a model never trained may start its first training (false: it waits quietly for examples). */
    private readonly enoughExamples: (model: string) => Promise<boolean> = () => Promise.resolve(true),
  ) {
    this.sqlite = database.sqlite;
    this.intervalHours = settings().ML_RETRAINING_CHECK_INTERVAL_HOURS;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.logger.info('Retraining scheduler started');
    this.arm();
  }

  /** Stops the timer and waits for a check in progress (the lifespan bounds the wait). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  /** Applies a new interval (or other retraining settings) without a restart. */
  updateSettings(settings: Settings): void {
    const before = this.intervalHours;
    this.settings = () => settings;
    this.intervalHours = settings.ML_RETRAINING_CHECK_INTERVAL_HOURS;
    if (before !== this.intervalHours) {
      this.logger.info(`Retraining check interval changed from ${before} h to ${this.intervalHours} h`);
      if (this.running) this.arm();
    }
  }

  status(): SchedulerStatus {
    // After the app closed the database the scheduler is stopped; its last check is no longer readable.
    const last = this.sqlite.open ? readLastCheck(this.sqlite) : null;
    return {
      running: this.running,
      checking: this.inFlight !== null,
      intervalHours: this.intervalHours,
      lastCheckAt: last,
      nextCheckAt: this.running ? nextCheckAt(last, this.intervalHours) : null,
    };
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const due = Date.parse(nextCheckAt(readLastCheck(this.sqlite), this.intervalHours));
    const delay = Math.max(0, due - appNow().getTime());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (appNow().getTime() + 5 < due) return this.arm(); // a long interval reached in steps
      void this.checkNow().finally(() => {
        if (this.running) this.arm();
      });
    }, Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Evaluates every model's triggers now and retrains those that fired. Never throws. */
  checkNow(): Promise<CheckReport[]> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = (async () => {
      const reports: CheckReport[] = [];
      // Recorded first: a check that crashes the process is not retried in a tight loop at restart.
      new AppStateRepository(this.sqlite).set(LAST_CHECK_KEY, appNowIso());
      for (const model of this.models) {
        let evaluation: TriggerEvaluation;
        try {
          evaluation = this.triggers.evaluate(model);
        } catch (e) {
          this.logger.error({ err: e }, `Evaluating retraining triggers for ${model} failed: ${errorMessage(e)}`);
          continue;
        }
        const report: CheckReport = { model, evaluation, retrain: null, error: null };
        // A model never trained waits quietly for its first examples (the payment matcher scores with
        // its rules until enough matches are confirmed) instead of failing at every check.
        const firstTrainingOnly = evaluation.reasons.length === 1 && evaluation.reasons[0] === 'no_active_model';
        if (evaluation.fired && firstTrainingOnly && !(await this.enoughExamples(model).catch(() => true))) {
          this.logger.debug(`Retraining of ${model} waits: not enough examples for a first model yet`);
          reports.push(report);
          continue;
        }
        if (evaluation.fired) {
          try {
            report.retrain = await this.retrainer.retrain(model, { reasons: evaluation.reasons, dryRun: this.settings().ML_RETRAINING_DRY_RUN, checkRunId: evaluation.runId });
          } catch (e) {
            report.error = errorMessage(e); // already logged as "Retraining failed: …"
          }
        }
        reports.push(report);
      }
      return reports;
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}
