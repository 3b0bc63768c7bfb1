// Must pass the SQL rule: an adapter calling a core read model, and a RegExp's exec (not SQL).
import type { App } from '../../src-main/core/app';
import { FeedbackAnalyzer } from '../../src-main/core/feedback/feedback-analyzer';

export function weekly(app: App, days: string) {
  const m = /^(\d+)d$/.exec(days);
  return new FeedbackAnalyzer(app.database.sqlite).dashboard(Number(m?.[1] ?? 7)).weekly;
}
