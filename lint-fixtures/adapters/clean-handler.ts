// Must pass lint: an adapter calling a core read model, and a RegExp's exec (not SQL).
import { FeedbackAnalyzer } from '../../src-main/core/feedback/feedback-analyzer';
import type BetterSqlite3 from 'better-sqlite3';

export function weekly(sqlite: BetterSqlite3.Database, days: number) {
  const m = /^(\d+)d$/.exec(`${days}d`);
  return new FeedbackAnalyzer(sqlite).dashboard(Number(m?.[1] ?? days)).weekly;
}
