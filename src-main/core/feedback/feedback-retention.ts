// Retention of feedback: deletes rows older than a number of days, by hand (`feedback cleanup`) or
// automatically (AI_FEEDBACK_RETENTION_DAYS > 0: at startup and daily while the app runs).
// Rows a deployed model version was trained on (consumed_by_version names a version that was ever
// deployed) are the audit trail of that version and are kept unless `force` is given.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, todayIso } from '../dates';
import { errorMessage, InputError } from '../errors';
import type { Logger } from '../logger';
import type { LifespanComponent } from '../lifespan/lifespan-manager';

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

// A version counts as deployed if it is active now or was deployed at some point.
const DEPLOYED = `(SELECT version FROM model_versions WHERE deployed_at IS NOT NULL OR status = 'active')`;
const DEPLOYED_PRED = `EXISTS (SELECT 1 FROM model_versions v WHERE v.model_name = f.model_name AND v.version = f.consumed_by_version
  AND (v.deployed_at IS NOT NULL OR v.status = 'active'))`;

export function cleanupFeedback(sqlite: BetterSqlite3.Database, options: CleanupOptions): CleanupResult {
  const days = options.olderThanDays;
  if (!Number.isInteger(days) || days < 1) throw new InputError(`older-than: expected a whole number of days ≥ 1, got ${days}`, 'older-than');
  const cutoff = addDays(options.today ?? todayIso(), -days);
  const force = options.force ?? false;
  const chatKept = force ? '' : ` AND (consumed_by_version IS NULL OR consumed_by_version NOT IN ${DEPLOYED})`;
  const predKept = force ? '' : ` AND (f.consumed_by_version IS NULL OR NOT ${DEPLOYED_PRED})`;
  const chatWhere = `created_at < ?${chatKept}`;
  const predWhere = `f.created_at < ?${predKept}`;
  return sqlite.transaction((): CleanupResult => {
    const count = (sql: string) => (sqlite.prepare(sql).get(cutoff) as { n: number }).n;
    const oldTotal = count('SELECT count(*) AS n FROM user_feedback WHERE created_at < ?') + count('SELECT count(*) AS n FROM model_prediction_feedback WHERE created_at < ?');
    if (options.dryRun) {
      const chat = count(`SELECT count(*) AS n FROM user_feedback WHERE ${chatWhere}`);
      const preds = count(`SELECT count(*) AS n FROM model_prediction_feedback f WHERE ${predWhere}`);
      return { cutoff, chatDeleted: chat, predictionsDeleted: preds, keptForAudit: oldTotal - chat - preds, dryRun: true };
    }
    const chat = sqlite.prepare(`DELETE FROM user_feedback WHERE ${chatWhere}`).run(cutoff).changes;
    const preds = sqlite.prepare(`DELETE FROM model_prediction_feedback WHERE id IN (SELECT f.id FROM model_prediction_feedback f WHERE ${predWhere})`).run(cutoff).changes;
    return { cutoff, chatDeleted: chat, predictionsDeleted: preds, keptForAudit: oldTotal - chat - preds, dryRun: false };
  }).immediate();
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
