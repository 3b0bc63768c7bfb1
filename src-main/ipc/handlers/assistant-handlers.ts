// assistant:ask → the app's Assistant (src-main/core/assistant): grounded answer, its sources, the
// correction that shaped it, the buttons it offers; plus whether and how long the feedback prompt
// shows. conversations:* → the stored conversations (list, reopen with the feedback already given,
// delete). The UI's language is only the fallback: an answer is in the language of its question.
import type { App } from '../../core/app';
import { assistantFor, conversationsFor } from '../../core/assistant/assistant-for-app';
import type { StoredAnswer } from '../../core/assistant/conversation-store';
import { NotFoundError } from '../../core/errors';
import type { AssistantAnswer } from '../../../src-preload/contract/assistant-channels';
import type { DomainHandlers } from '../ipc-router';

/** An answer as the contract carries it, from what the assistant returned or stored. */
export function toContractAnswer(app: App, a: StoredAnswer, ids: { sessionId: string; messageId: string; question: string }): AssistantAnswer {
  return {
    sessionId: ids.sessionId,
    messageId: ids.messageId,
    question: ids.question,
    answer: a.answer,
    intent: a.intent,
    sources: a.sources.map((s) => ({ entityType: s.entityType, entityId: s.entityId, title: s.label, snippet: null })),
    learnedFrom: (a.learnedFrom ?? []).map((l) => ({ feedbackId: l.feedbackId, createdAt: l.createdAt, question: l.question, correction: l.correction, similarity: l.similarity })),
    notes: a.notes,
    applied: a.applied ?? null,
    actions: a.actions ?? [],
    language: a.language,
    provider: a.provider,
    model: a.model,
    feedbackEnabled: app.settings.AI_FEEDBACK_ENABLED,
    promptTimeoutSeconds: app.settings.AI_FEEDBACK_PROMPT_TIMEOUT,
  };
}

export function assistantHandlers(app: App): DomainHandlers<'assistant'> {
  return {
    'assistant:ask': async ({ question, sessionId, language }) => {
      const a = await assistantFor(app).ask({ question, sessionId, fallbackLanguage: language });
      return toContractAnswer(app, a, { sessionId: a.sessionId, messageId: a.messageId, question });
    },
    'conversations:list': ({ limit, offset }) => conversationsFor(app).list({ limit, offset }),
    'conversations:get': ({ id }) => {
      const c = conversationsFor(app).get(id);
      if (!c) throw new NotFoundError(`id: no conversation ${id}`, 'id');
      const feedback = app.feedback.savedOnMessages(c.items.map((t) => t.messageId));
      const { items, ...summary } = c;
      return {
        ...summary,
        items: items.map((t) => ({
          answer: toContractAnswer(app, t.answer, { sessionId: c.id, messageId: t.messageId, question: t.question }),
          feedback: feedback.get(t.messageId) ?? { thumb: null, rating: null, correction: null, ids: [] },
        })),
      };
    },
    'conversations:delete': ({ id }) => {
      const deleted = conversationsFor(app).delete(id);
      assistantFor(app).endSession(id);
      return { deleted };
    },
  };
}
