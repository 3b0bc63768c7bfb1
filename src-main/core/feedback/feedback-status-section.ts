// The "Feedback" section of `ai status`: the seed's Feedback Collection metrics (total by agent
// type, average rating, correction rate, common issues) plus collection and retention state.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import type { StatusSection } from '../status';
import { FeedbackAnalyzer } from './feedback-analyzer';

export function feedbackStatusSection(sqlite: BetterSqlite3.Database, settings: Pick<Settings, 'AI_FEEDBACK_ENABLED' | 'AI_FEEDBACK_RETENTION_DAYS'>): StatusSection {
  const s = new FeedbackAnalyzer(sqlite).stats({ top: 3 });
  const pct = (r: number | null) => (r == null ? '–' : `${(r * 100).toFixed(1)}%`);
  const bySource = (source: string) => s.predictions.byVersion.filter((v) => v.source === source).reduce((n, v) => n + v.total, 0);
  return {
    id: 'feedback',
    title: 'Feedback',
    rows: [
      { label: 'Collection', value: settings.AI_FEEDBACK_ENABLED ? 'enabled' : 'disabled (manual submission still stored)' },
      { label: 'Retention', value: settings.AI_FEEDBACK_RETENTION_DAYS > 0 ? `${settings.AI_FEEDBACK_RETENTION_DAYS} days` : 'keep forever' },
      { label: 'Total feedback', value: s.chat.total },
      { label: 'By agent type', value: s.chat.byAgentType.map((a) => `${a.agentType}: ${a.total}`).join(', ') || '–' },
      { label: 'Average rating', value: s.chat.avgRating == null ? '–' : `${s.chat.avgRating} / 5 (${s.chat.ratings} ratings)` },
      { label: 'Correction rate', value: pct(s.chat.correctionRate) },
      { label: 'Thumbs up ratio', value: pct(s.chat.thumbsUpRatio) },
      { label: 'Prediction feedback', value: `${s.predictions.total} (${bySource('user')} user, ${bySource('auto-outcome')} automatic outcomes)` },
      {
        label: 'Common issues',
        value: s.commonIssues.map((i) => `"${i.example.length > 40 ? i.example.slice(0, 39) + '…' : i.example}" corrected ${i.count}×`).join('; ') || '–',
      },
    ],
  };
}
