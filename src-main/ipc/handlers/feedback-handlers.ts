// feedback:* channels → FeedbackService (recording and the list), FeedbackAnalyzer (the page's
// figures), the export and the retention cleanup of src-main/core/feedback. The export is rendered
// in memory by the same code as `ai feedback export` (CSV neutralised against formulas) and handed
// back as text for the renderer to save where the user says: main writes no file for it.
import type { App } from '../../core/app';
import { FeedbackAnalyzer } from '../../core/feedback/feedback-analyzer';
import { feedbackDownload } from '../../core/feedback/feedback-export';
import { cleanupFeedback } from '../../core/feedback/feedback-retention';
import type { DomainHandlers } from '../ipc-router';

export function feedbackHandlers(app: App): DomainHandlers<'feedback'> {
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
      return { id: r.id, collectionEnabled: r.collectionEnabled, message: r.message };
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
      return { id: r.id, collectionEnabled: r.collectionEnabled, message: r.message };
    },
    'feedback:stats': ({ days }) => analyzer.dashboard(days),
    'feedback:list': (query) => app.feedback.list(query),
    'feedback:export': ({ format, since }) => feedbackDownload(app.database.sqlite, { format, since }),
    'feedback:cleanup': ({ olderThanDays, force }) => {
      const r = cleanupFeedback(app.database.sqlite, { olderThanDays, force });
      return { deleted: r.chatDeleted + r.predictionsDeleted, keptForAudit: r.keptForAudit };
    },
  };
}
