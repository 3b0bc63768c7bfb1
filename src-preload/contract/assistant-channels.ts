// assistant:ask — one question, one grounded answer with its sources and any learned correction.
import { z } from 'zod';
import { EntityType, Id, IsoTimestamp, LimitedText } from './common';

export const AssistantSource = z.object({ entityType: EntityType, entityId: Id, title: z.string(), snippet: z.string().nullable() });

export const LearnedCorrection = z.object({
  feedbackId: Id,
  createdAt: IsoTimestamp,
  question: z.string(),
  correction: z.string(),
  similarity: z.number().nullable(),
});

export const AssistantAnswer = z.object({
  sessionId: z.string(),
  messageId: z.string(),
  question: z.string(),
  answer: z.string(),
  intent: z.string().nullable(),
  sources: z.array(AssistantSource),
  learnedFrom: z.array(LearnedCorrection),
  /** Visible notes: provider fallback, model not trained yet, retrieval unavailable. */
  notes: z.array(z.string()),
  provider: z.string(),
  /** Whether the inline feedback prompt should be shown, and for how long it draws attention. */
  feedbackEnabled: z.boolean(),
  promptTimeoutSeconds: z.number().int().min(0),
});
export type AssistantAnswer = z.infer<typeof AssistantAnswer>;

export const assistantChannels = {
  'assistant:ask': {
    args: z
      .object({
        question: LimitedText('shortText').trim().min(1),
        sessionId: LimitedText('name').trim().min(1).optional(),
        language: z.enum(['it', 'en']).optional(),
      })
      .strict(),
    result: AssistantAnswer,
  },
} as const;
