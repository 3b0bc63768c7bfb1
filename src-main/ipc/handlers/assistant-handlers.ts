// assistant:ask → the app's Assistant (src-main/core/assistant): grounded answer, its sources, and
// the past corrections it learned from; plus whether and how long the feedback prompt shows.
import type { App } from '../../core/app';
import { assistantFor } from '../../core/assistant/assistant-for-app';
import type { DomainHandlers } from '../ipc-router';

export function assistantHandlers(app: App): DomainHandlers<'assistant'> {
  return {
    'assistant:ask': async ({ question, sessionId, language }) => {
      const a = await assistantFor(app).ask({ question, sessionId, language });
      return {
        sessionId: a.sessionId,
        messageId: a.messageId,
        question,
        answer: a.answer,
        intent: a.intent,
        sources: a.sources.map((s) => ({ entityType: s.entityType, entityId: s.entityId, title: s.label, snippet: null })),
        learnedFrom: (a.learnedFrom ?? []).map((l) => ({ feedbackId: l.feedbackId, createdAt: l.createdAt, question: l.question, correction: l.correction, similarity: l.similarity })),
        notes: a.notes,
        provider: a.provider,
        feedbackEnabled: app.settings.AI_FEEDBACK_ENABLED,
        promptTimeoutSeconds: app.settings.AI_FEEDBACK_PROMPT_TIMEOUT,
      };
    },
  };
}
