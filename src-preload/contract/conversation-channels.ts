// Assistant conversations kept across reloads and restarts: the sidebar's list, one conversation
// with its answers and the feedback already given on them, and deletion.
import { z } from 'zod';
import { AssistantAnswer } from './assistant-channels';
import { Id, IsoTimestamp, Limit, LimitedText, Offset } from './common';

/** The assistant's session id (the same limit as assistant:ask's sessionId). */
const ConversationId = LimitedText('name').trim().min(1);

export const ConversationSummary = z.object({
  id: z.string(),
  title: z.string(),
  language: z.enum(['it', 'en']).nullable(),
  turns: z.number().int().min(0),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/** Feedback already saved on an answer, so a reopened conversation does not ask for it again. */
export const SavedFeedback = z.object({
  thumb: z.enum(['up', 'down']).nullable(),
  rating: z.number().int().min(1).max(5).nullable(),
  correction: z.string().nullable(),
  ids: z.array(Id),
});
export type SavedFeedback = z.infer<typeof SavedFeedback>;

export const conversationChannels = {
  'conversations:list': {
    args: z.object({ limit: Limit(200, 50), offset: Offset }).strict(),
    result: z.object({ items: z.array(ConversationSummary), total: z.number().int().min(0) }),
  },
  'conversations:get': {
    args: z.object({ id: ConversationId }).strict(),
    result: ConversationSummary.extend({ items: z.array(z.object({ answer: AssistantAnswer, feedback: SavedFeedback })) }),
  },
  'conversations:delete': {
    args: z.object({ id: ConversationId }).strict(),
    result: z.object({ deleted: z.boolean() }),
  },
} as const;
