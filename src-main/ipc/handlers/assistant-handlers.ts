// assistant:ask → the app's Assistant (src-main/core/assistant): grounded answer, its sources, the
// correction that shaped it, the buttons it offers; plus whether and how long the feedback prompt
// shows. conversations:* → the stored conversations (list, reopen with the feedback already given,
// delete). The UI's language is only the fallback: an answer is in the language of its question.
import type { App } from '../../core/app';
import { assistantFor, conversationsFor } from '../../core/assistant/assistant-for-app';
import type { StoredAnswer } from '../../core/assistant/conversation-store';
import { NotFoundError } from '../../core/errors';
import type { AssistantAnswer } from '../../../src-preload/contract/assistant-channels';
import type { SavedFeedback } from '../../../src-preload/contract/conversation-channels';
import type { PartialHandlers } from '../ipc-router';

type AssistantChannel = 'assistant:ask' | 'conversations:list' | 'conversations:get' | 'conversations:delete';

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

interface FeedbackRow {
  id: number;
  message_id: string;
  thumb: 'up' | 'down' | null;
  rating: number | null;
  user_correction: string | null;
}

/** The feedback saved on each message, latest values winning (a later correction is its own record). */
function savedFeedback(app: App, messageIds: string[]): Map<string, SavedFeedback> {
  const out = new Map<string, SavedFeedback>();
  if (!messageIds.length) return out;
  const rows = app.database.sqlite
    .prepare(`SELECT id, message_id, thumb, rating, user_correction FROM user_feedback WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(JSON.stringify(messageIds)) as FeedbackRow[];
  for (const r of rows) {
    const f = out.get(r.message_id) ?? { thumb: null, rating: null, correction: null, ids: [] };
    out.set(r.message_id, {
      thumb: r.thumb ?? f.thumb,
      rating: r.rating ?? f.rating,
      correction: r.user_correction?.trim() ? r.user_correction : f.correction,
      ids: [...f.ids, r.id],
    });
  }
  return out;
}

export function assistantHandlers(app: App): PartialHandlers<AssistantChannel> {
  return {
    'assistant:ask': async ({ question, sessionId, language }) => {
      const a = await assistantFor(app).ask({ question, sessionId, fallbackLanguage: language });
      return toContractAnswer(app, a, { sessionId: a.sessionId, messageId: a.messageId, question });
    },
    'conversations:list': ({ limit, offset }) => conversationsFor(app).list({ limit, offset }),
    'conversations:get': ({ id }) => {
      const c = conversationsFor(app).get(id);
      if (!c) throw new NotFoundError(`id: no conversation ${id}`, 'id');
      const feedback = savedFeedback(app, c.items.map((t) => t.messageId));
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
