// Retention of feedback: deletes rows older than a number of days, by hand (`feedback cleanup`) or
// automatically (AI_FEEDBACK_RETENTION_DAYS > 0: at startup and daily while the app runs).
// Rows a deployed model version was trained on (consumed_by_version names a version that was ever
// deployed) are the audit trail of that version and are kept unless `force` is given.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, todayIso } from '../dates';
import { errorMessage, InputError } from '../errors';
import type { Logger } from '../logger';
import type { LifespanComponent } from '../lifespan/lifespan-manager';
import { SqlRunner } from '../db/sql-runner';
import { FeedbackRepository } from './feedback-repository';
import { PredictionRepository } from './prediction-repository';

export interface CleanupOptions {
  olderThanDays: number;
  force?: boolean;
  /** Count only; delete nothing. */
  dryRun?: boolean;
  today?: string;
}

export interface CleanupResult {
  /** Rows created before this day (YYYY-MM-DD) are affected. */
  cutoff: string;
  chatDeleted: number;
  predictionsDeleted: number;
  /** Old rows kept because a deployed model version was trained on them. */
  keptForAudit: number;
  dryRun: boolean;
}

export function cleanupFeedback(sqlite: BetterSqlite3.Database, options: CleanupOptions): CleanupResult {
  const days = options.olderThanDays;
  if (!Number.isInteger(days) || days < 1) throw new InputError(`older-than: expected a whole number of days ≥ 1, got ${days}`, 'older-than');
  const cutoff = addDays(options.today ?? todayIso(), -days);
  const force = options.force ?? false;
  const feedback = new FeedbackRepository(sqlite);
  const predictions = new PredictionRepository(sqlite);
  return SqlRunner.of(sqlite).transaction((): CleanupResult => {
    const oldTotal = feedback.countOlderThan(cutoff) + predictions.countOlderThan(cutoff);
    if (options.dryRun) {
      const chat = feedback.countExpired(cutoff, force);
      const preds = predictions.countExpired(cutoff, force);
      return { cutoff, chatDeleted: chat, predictionsDeleted: preds, keptForAudit: oldTotal - chat - preds, dryRun: true };
    }
    const chat = feedback.deleteExpired(cutoff, force);
    const preds = predictions.deleteExpired(cutoff, force);
    return { cutoff, chatDeleted: chat, predictionsDeleted: preds, keptForAudit: oldTotal - chat - preds, dryRun: false };
  }, 'immediate');
}

const DAY_MS = 86_400_000;

/**
 * Lifecycle component: applies AI_FEEDBACK_RETENTION_DAYS at startup and then every day while
 * running. Reads the setting each time, so a live change applies at the next run; 0 keeps everything.
 */
export class FeedbackRetention implements LifespanComponent {
  readonly name = 'feedback-retention';
  private timer: NodeJS.Timeout | null = null;
  lastResult: CleanupResult | null = null;

  constructor(
    private readonly sqlite: () => BetterSqlite3.Database,
    private readonly retentionDays: () => number,
    private readonly logger: Logger,
    private readonly intervalMs = DAY_MS,
  ) {}

  start(): void {
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), this.intervalMs);
    // A pending retention run must never keep a process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  runOnce(): CleanupResult | null {
    const days = this.retentionDays();
    if (days <= 0) return null;
    try {
      const r = cleanupFeedback(this.sqlite(), { olderThanDays: days });
      this.lastResult = r;
      this.logger.info(
        `Feedback retention: deleted ${r.chatDeleted + r.predictionsDeleted} feedback rows older than ${days} days (${r.chatDeleted} chat, ${r.predictionsDeleted} prediction; ${r.keptForAudit} kept for deployed model versions)`,
      );
      return r;
    } catch (e) {
      this.logger.error({ err: e }, `Feedback retention failed: ${errorMessage(e)}`);
      return null;
    }
  }
}
