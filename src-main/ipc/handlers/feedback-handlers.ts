// feedback:* channels → FeedbackService (recording), FeedbackAnalyzer (stats), the export and the
// retention cleanup of src-main/core/feedback. The export is rendered in memory by the same code as
// `ai feedback export` (CSV neutralised against formulas) and handed back as text for the renderer to
// save where the user says: main writes no file for it.
import type { App } from '../../core/app';
import { addDays, startOfWeek, todayIso } from '../../core/dates';
import { renderFeedbackExportText } from '../../core/feedback/feedback-export';
import { FeedbackAnalyzer } from '../../core/feedback/feedback-analyzer';
import { cleanupFeedback } from '../../core/feedback/feedback-retention';
import type { FeedbackItem, FeedbackStats } from '../../../src-preload/contract/feedback-channels';
import type { PartialHandlers } from '../ipc-router';

type FeedbackChannel =
  | 'feedback:submit'
  | 'feedback:submitPrediction'
  | 'feedback:stats'
  | 'feedback:list'
  | 'feedback:export'
  | 'feedback:cleanup';

const EXPORT_TYPES = {
  json: { ext: 'json', mime: 'application/json' },
  jsonl: { ext: 'jsonl', mime: 'application/x-ndjson' },
  csv: { ext: 'csv', mime: 'text/csv' },
  'openai-chat': { ext: 'jsonl', mime: 'application/x-ndjson' },
} as const;

function storedMessage(collectionEnabled: boolean): string {
  return collectionEnabled
    ? 'Feedback stored'
    : 'Feedback collection is off (OPENFATTURE_AI_FEEDBACK_ENABLED=false); this explicit submission was stored';
}

/** Thumbs per week from the per-day rollup the analyzer reads (its weekly trend carries counts and ratings). */
async function weeklyThumbs(app: App, since: string | null, until: string | null): Promise<Map<string, { up: number; down: number }>> {
  let q = app.database.db.selectFrom('feedback_daily').select(['day', 'thumbs_up', 'thumbs_down']);
  if (since) q = q.where('day', '>=', since);
  if (until) q = q.where('day', '<=', until);
  const weeks = new Map<string, { up: number; down: number }>();
  for (const r of await q.execute()) {
    const w = startOfWeek(r.day);
    const acc = weeks.get(w) ?? { up: 0, down: 0 };
    acc.up += r.thumbs_up;
    acc.down += r.thumbs_down;
    weeks.set(w, acc);
  }
  return weeks;
}

export function feedbackHandlers(app: App): PartialHandlers<FeedbackChannel> {
  const analyzer = new FeedbackAnalyzer(app.database.sqlite);
  return {
    'feedback:submit': (a) => {
      const r = app.feedback.recordChat({
        agentType: a.agentType,
        input: a.userInput,
        response: a.aiResponse,
        correction: a.userCorrection,
        rating: a.rating,
        thumb: a.thumb,
        comment: a.comment,
        context: a.context,
        sessionId: a.sessionId,
        messageId: a.messageId,
      });
      return { id: r.id, collectionEnabled: r.collectionEnabled, message: storedMessage(r.collectionEnabled) };
    },
    'feedback:submitPrediction': (a) => {
      const r = app.feedback.recordPrediction({
        model: a.modelName,
        version: a.modelVersion,
        prediction: a.prediction,
        actual: a.actualOutcome,
        accurate: a.wasAccurate,
        entityType: a.entityType,
        entityId: a.entityId,
      });
      return { id: r.id, collectionEnabled: r.collectionEnabled, message: storedMessage(r.collectionEnabled) };
    },
    'feedback:stats': async ({ days }): Promise<FeedbackStats> => {
      const s = analyzer.stats(days ? { days } : {});
      const thumbs = await weeklyThumbs(app, s.period.since, s.period.until);
      return {
        periodDays: days ?? null,
        total: s.chat.total,
        byAgentType: s.chat.byAgentType.map((a) => ({ agentType: a.agentType, count: a.total })),
        averageRating: s.chat.avgRating,
        thumbsUp: s.chat.thumbsUp,
        thumbsDown: s.chat.thumbsDown,
        thumbsUpRatio: s.chat.thumbsUpRatio,
        corrections: s.chat.corrections,
        correctionRate: s.chat.correctionRate,
        weekly: s.weeklyTrend.map((w) => ({
          week: w.weekStart,
          count: w.total,
          averageRating: w.avgRating,
          thumbsUp: thumbs.get(w.weekStart)?.up ?? 0,
          thumbsDown: thumbs.get(w.weekStart)?.down ?? 0,
          corrections: w.corrections,
        })),
        topCorrectedQuestions: s.topCorrectedQuestions.map((p) => ({ question: p.example, count: p.count, lastCorrection: p.latestCorrection })),
        lowRated: s.lowRatedPatterns.map((p) => ({ question: p.example, count: p.count, averageRating: p.avgRating })),
        predictionAccuracy: s.predictions.byVersion.map((v) => ({
          model: v.model,
          version: v.version,
          source: v.source,
          total: v.evaluated,
          accurate: v.accurate,
          accuracy: v.accuracy,
        })),
        unprocessed: s.unprocessedSinceActive.map((u) => ({ model: u.model, activeVersion: u.activeVersion, count: u.unprocessed })),
        commonIssues: s.commonIssues.map((p) => `${p.example} (${p.count}×)`),
      };
    },
    'feedback:list': async ({ agentType, thumb, minRating, hasCorrection, search, days, limit, offset }) => {
      let q = app.database.db.selectFrom('user_feedback');
      if (agentType) q = q.where('agent_type', '=', agentType);
      if (thumb) q = q.where('thumb', '=', thumb);
      if (minRating) q = q.where('rating', '>=', minRating);
      if (hasCorrection === true) q = q.where('user_correction', 'is not', null);
      if (hasCorrection === false) q = q.where('user_correction', 'is', null);
      if (days) q = q.where('created_at', '>=', addDays(todayIso(), -(days - 1)));
      if (search) {
        const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) => eb.or([eb('user_input', 'like', like), eb('ai_response', 'like', like), eb('user_correction', 'like', like), eb('comment', 'like', like)]));
      }
      const [{ n }] = await q.select((eb) => eb.fn.countAll<number>().as('n')).execute();
      const rows = await q
        .select(['id', 'agent_type', 'session_id', 'message_id', 'user_input', 'ai_response', 'user_correction', 'rating', 'thumb', 'comment', 'created_at'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      const items: FeedbackItem[] = rows.map((r) => ({
        id: r.id,
        agentType: r.agent_type,
        sessionId: r.session_id,
        messageId: r.message_id,
        userInput: r.user_input,
        aiResponse: r.ai_response,
        userCorrection: r.user_correction,
        rating: r.rating,
        thumb: r.thumb,
        comment: r.comment,
        createdAt: r.created_at,
      }));
      return { items, total: Number(n) };
    },
    'feedback:export': ({ format, since }) => {
      const type = EXPORT_TYPES[format];
      const filename = `openfatture-feedback-${todayIso()}${format === 'openai-chat' ? '-openai-chat' : ''}.${type.ext}`;
      const r = renderFeedbackExportText(app.database.sqlite, { format, since });
      return { filename, mimeType: type.mime, content: r.text, count: r.written };
    },
    'feedback:cleanup': ({ olderThanDays, force }) => {
      const r = cleanupFeedback(app.database.sqlite, { olderThanDays, force });
      return { deleted: r.chatDeleted + r.predictionsDeleted, keptForAudit: r.keptForAudit };
    },
  };
}
