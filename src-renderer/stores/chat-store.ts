// The assistant conversation, the stored conversations of the sidebar, and the inline feedback
// prompt after each answer. One feedback record per action: a thumb up or a star rating is sent at
// once; thumbs down or "Correct it" opens the correction box and is sent with it. A later correction
// on an already rated answer is its own record, so nothing the user said is overwritten. A reopened
// conversation shows the feedback already given instead of asking again. Where an answer offers an
// action (train the first model, build the index) the button runs it here, with its progress.
import { create } from 'zustand';
import type { AssistantAction, AssistantAnswer } from '../../src-preload/contract/assistant-channels';
import type { ChannelArgs } from '../../src-preload/contract/channels';
import type { ConversationSummary, SavedFeedback } from '../../src-preload/contract/conversation-channels';
import { formatRetrainingMessages } from '../format/retraining-messages';
import type { Language } from '../i18n/catalog';
import { translate } from '../i18n/translate';
import { call, emptySlice, errorMessages, errorText, subscribe, type Slice } from './call';

export interface FeedbackState {
  thumb: 'up' | 'down' | null;
  rating: number | null;
  correctionOpen: boolean;
  correction: string;
  submitting: boolean;
  /** What has been saved so far (ids of feedback records). */
  sent: { thumb: boolean; rating: boolean; correction: boolean; ids: number[] };
  error: string | null;
  /** False when AI_FEEDBACK_ENABLED is off on the server side. */
  collectionEnabled: boolean;
}

export type ChatMessage =
  | { id: string; role: 'user'; text: string }
  | { id: string; role: 'assistant'; answer: AssistantAnswer; receivedAt: number; feedback: FeedbackState }
  | { id: string; role: 'error'; text: string; question: string };

export const initialFeedback = (): FeedbackState => ({
  thumb: null,
  rating: null,
  correctionOpen: false,
  correction: '',
  submitting: false,
  sent: { thumb: false, rating: false, correction: false, ids: [] },
  error: null,
  collectionEnabled: true,
});

/** The prompt's state for an answer reopened from a stored conversation: what was sent stays sent. */
export function savedFeedbackState(saved: SavedFeedback): FeedbackState {
  return {
    ...initialFeedback(),
    thumb: saved.thumb,
    rating: saved.rating,
    sent: { thumb: saved.thumb !== null, rating: saved.rating !== null, correction: saved.correction !== null, ids: saved.ids },
  };
}

/** The messages of a stored conversation: each question, then its answer with its feedback. */
export function conversationMessages(items: { answer: AssistantAnswer; feedback: SavedFeedback }[]): ChatMessage[] {
  return items.flatMap(({ answer, feedback }): ChatMessage[] => [
    { id: `${answer.messageId}-q`, role: 'user', text: answer.question },
    // receivedAt 0: a reopened answer no longer draws attention to its prompt.
    { id: answer.messageId, role: 'assistant', answer, receivedAt: 0, feedback: savedFeedbackState(feedback) },
  ]);
}

/** The conversation a location hash names (#/assistant/<id>), so a reload reopens it. */
export function conversationFromHash(hash: string): string | null {
  const m = /^#\/?assistant\/([^/?#]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** Whether the prompt should still draw attention `now` (ms) — only until the first feedback or the timeout. */
export function promptDrawsAttention(msg: { receivedAt: number; answer: Pick<AssistantAnswer, 'promptTimeoutSeconds' | 'feedbackEnabled'>; feedback: FeedbackState }, now: number): boolean {
  if (!msg.answer.feedbackEnabled) return false;
  if (msg.feedback.sent.ids.length > 0 || msg.feedback.correctionOpen) return false;
  return now - msg.receivedAt < msg.answer.promptTimeoutSeconds * 1000;
}

/** The feedback:submit arguments for the current prompt state, or null when there is nothing new to send. */
export function feedbackArgs(answer: AssistantAnswer, f: FeedbackState, withCorrection: boolean): ChannelArgs<'feedback:submit'> | null {
  const correction = withCorrection ? f.correction.trim() : '';
  const thumb = f.thumb && !f.sent.thumb ? f.thumb : undefined;
  const rating = f.rating && !f.sent.rating ? f.rating : undefined;
  if (!thumb && !rating && !correction) return null;
  return {
    agentType: 'chat',
    sessionId: answer.sessionId,
    messageId: answer.messageId,
    userInput: answer.question,
    aiResponse: answer.answer,
    ...(thumb ? { thumb } : {}),
    ...(rating ? { rating } : {}),
    ...(correction ? { userCorrection: correction } : {}),
    context: {
      intent: answer.intent,
      provider: answer.provider,
      sources: answer.sources.map((s) => ({ entityType: s.entityType, entityId: s.entityId, title: s.title })),
      learnedFrom: answer.learnedFrom.map((l) => l.feedbackId),
    },
  };
}

/** An action an answer offered, running or done. */
export interface ActionRun {
  messageId: string;
  kind: AssistantAction;
  running: boolean;
  step: string;
  current: number;
  total: number;
  /** What happened, in the UI's language, once done. */
  result: string | null;
  error: string | null;
}

interface ChatState {
  messages: ChatMessage[];
  sessionId: string | null;
  asking: boolean;
  conversations: Slice<{ items: ConversationSummary[]; total: number }>;
  opening: string | null;
  openError: string | null;
  action: ActionRun | null;
  ask: (question: string, language: Language) => Promise<void>;
  refreshConversations: () => Promise<void>;
  openConversation: (id: string) => Promise<void>;
  deleteConversation: (id: string) => Promise<void>;
  runAction: (messageId: string, kind: AssistantAction, language: Language) => Promise<void>;
  setThumb: (id: string, thumb: 'up' | 'down') => Promise<void>;
  setRating: (id: string, rating: number) => Promise<void>;
  openCorrection: (id: string, open: boolean) => void;
  setCorrection: (id: string, text: string) => void;
  sendCorrection: (id: string) => Promise<void>;
  clear: () => void;
}

let seq = 0;
const localId = () => `local-${Date.now()}-${seq++}`;

export const useChatStore = create<ChatState>((set, get) => {
  const patch = (id: string, fn: (f: FeedbackState) => FeedbackState) =>
    set((s) => ({ messages: s.messages.map((msg) => (msg.id === id && msg.role === 'assistant' ? { ...msg, feedback: fn(msg.feedback) } : msg)) }));
  const find = (id: string) => get().messages.find((msg): msg is Extract<ChatMessage, { role: 'assistant' }> => msg.id === id && msg.role === 'assistant');

  const submit = async (id: string, withCorrection: boolean) => {
    const msg = find(id);
    if (!msg || msg.feedback.submitting) return;
    const args = feedbackArgs(msg.answer, msg.feedback, withCorrection);
    if (!args) return;
    patch(id, (f) => ({ ...f, submitting: true, error: null }));
    try {
      const res = await call('feedback:submit', args);
      patch(id, (f) => ({
        ...f,
        submitting: false,
        collectionEnabled: res.collectionEnabled,
        correctionOpen: withCorrection ? false : f.correctionOpen,
        sent: {
          thumb: f.sent.thumb || !!args.thumb,
          rating: f.sent.rating || !!args.rating,
          correction: f.sent.correction || !!args.userCorrection,
          ids: [...f.sent.ids, res.id],
        },
      }));
    } catch (e) {
      patch(id, (f) => ({ ...f, submitting: false, error: errorText(e) }));
    }
  };

  const showInHash = (id: string | null) => {
    if (typeof location === 'undefined' || typeof history === 'undefined') return;
    const target = id ? `#/assistant/${encodeURIComponent(id)}` : '#/assistant';
    if (location.hash !== target && /^#\/?assistant/.test(location.hash || '#/assistant')) history.replaceState(null, '', target);
  };

  return {
    messages: [],
    sessionId: null,
    asking: false,
    conversations: emptySlice(),
    opening: null,
    openError: null,
    action: null,
    refreshConversations: async () => {
      set((s) => ({ conversations: { ...s.conversations, loading: true } }));
      try {
        const data = await call('conversations:list', { limit: 100 });
        set({ conversations: { data, loading: false, error: null } });
      } catch (e) {
        set((s) => ({ conversations: { ...s.conversations, loading: false, error: errorText(e) } }));
      }
    },
    openConversation: async (id) => {
      if (get().asking) return;
      set({ opening: id, openError: null });
      try {
        const c = await call('conversations:get', { id });
        set({ messages: conversationMessages(c.items), sessionId: c.id, opening: null, action: null });
        showInHash(c.id);
      } catch (e) {
        set({ opening: null, openError: errorText(e) });
        showInHash(get().sessionId);
      }
    },
    deleteConversation: async (id) => {
      await call('conversations:delete', { id });
      if (get().sessionId === id) {
        set({ messages: [], sessionId: null, action: null });
        showInHash(null);
      }
      await get().refreshConversations();
    },
    runAction: async (messageId, kind, language) => {
      if (get().action?.running) return;
      set({ action: { messageId, kind, running: true, step: '', current: 0, total: 0, result: null, error: null } });
      const progress = (p: { step: string; current: number; total: number }) =>
        set((s) => (s.action?.running ? { action: { ...s.action, step: p.step, current: p.current, total: p.total } } : {}));
      const off = kind === 'train-model' ? subscribe('retrain:progress', progress) : subscribe('index:progress', progress);
      try {
        let result: string;
        let error: string | null = null;
        if (kind === 'train-model') {
          const r = await call('models:retrain', { model: 'cash_flow' });
          if (r.outcome === 'deployed' && r.version) result = translate(language, 'chat.action.trained', { version: r.version });
          else {
            result = '';
            error = formatRetrainingMessages(r.messages, r.message, language) ?? r.message;
          }
        } else {
          const r = await call('index:reindex', {});
          result = translate(language, 'chat.action.rebuilt', { count: r.added + r.updated, failed: r.failed });
        }
        set((s) => ({ action: s.action && { ...s.action, running: false, result: error ? null : result, error } }));
      } catch (e) {
        const text = formatRetrainingMessages(errorMessages(e), errorText(e), language) ?? errorText(e);
        set((s) => ({ action: s.action && { ...s.action, running: false, error: text } }));
      } finally {
        off();
      }
    },
    ask: async (question, language) => {
      const q = question.trim();
      if (!q || get().asking) return;
      set((s) => ({ asking: true, messages: [...s.messages, { id: localId(), role: 'user', text: q }] }));
      try {
        const sessionId = get().sessionId;
        const answer = await call('assistant:ask', { question: q, language, ...(sessionId ? { sessionId } : {}) });
        set((s) => ({
          asking: false,
          sessionId: answer.sessionId,
          messages: [...s.messages, { id: answer.messageId, role: 'assistant', answer, receivedAt: Date.now(), feedback: initialFeedback() }],
        }));
        showInHash(answer.sessionId);
        void get().refreshConversations();
      } catch (e) {
        set((s) => ({ asking: false, messages: [...s.messages, { id: localId(), role: 'error', text: errorText(e), question: q }] }));
      }
    },
    setThumb: async (id, thumb) => {
      const msg = find(id);
      if (!msg || msg.feedback.sent.thumb) return;
      if (thumb === 'down') {
        patch(id, (f) => ({ ...f, thumb, correctionOpen: true }));
        return;
      }
      patch(id, (f) => ({ ...f, thumb }));
      await submit(id, false);
    },
    setRating: async (id, rating) => {
      const msg = find(id);
      if (!msg || msg.feedback.sent.rating) return;
      patch(id, (f) => ({ ...f, rating }));
      // With the correction box open the rating goes out together with the correction.
      if (!find(id)?.feedback.correctionOpen) await submit(id, false);
    },
    openCorrection: (id, open) => patch(id, (f) => ({ ...f, correctionOpen: open })),
    setCorrection: (id, text) => patch(id, (f) => ({ ...f, correction: text })),
    sendCorrection: (id) => submit(id, true),
    clear: () => {
      set({ messages: [], sessionId: null, action: null, openError: null });
      showInHash(null);
    },
  };
});
