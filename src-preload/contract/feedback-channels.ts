// Feedback channels (assistant prompt, forecast "Record actual", Feedback page).
import { z } from 'zod';
import { Id, IsoDate, IsoTimestamp, Limit, LimitedJsonObject, LimitedText, ModelName, Offset, Page, Semver } from './common';

export const FeedbackItem = z.object({
  id: Id,
  agentType: z.string(),
  sessionId: z.string().nullable(),
  messageId: z.string().nullable(),
  userInput: z.string(),
  aiResponse: z.string(),
  userCorrection: z.string().nullable(),
  rating: z.number().int().min(1).max(5).nullable(),
  thumb: z.enum(['up', 'down']).nullable(),
  comment: z.string().nullable(),
  createdAt: IsoTimestamp,
});
export type FeedbackItem = z.infer<typeof FeedbackItem>;

const Count = z.number().int().min(0);
const Ratio = z.number().min(0).max(1).nullable();

export const FeedbackStats = z.object({
  periodDays: z.number().int().nullable(),
  total: Count,
  byAgentType: z.array(z.object({ agentType: z.string(), count: Count })),
  averageRating: z.number().nullable(),
  thumbsUp: Count,
  thumbsDown: Count,
  /** thumbs up / (up + down), null when there are none. */
  thumbsUpRatio: Ratio,
  corrections: Count,
  correctionRate: Ratio,
  weekly: z.array(
    z.object({ week: z.string(), count: Count, averageRating: z.number().nullable(), thumbsUp: Count, thumbsDown: Count, corrections: Count }),
  ),
  /** The questions whose answers were corrected most often: the latest answer given and the latest correction. */
  topCorrectedQuestions: z.array(z.object({ question: z.string(), count: Count, lastAnswer: z.string(), lastCorrection: z.string().nullable() })),
  lowRated: z.array(z.object({ question: z.string(), count: Count, averageRating: z.number().nullable() })),
  predictionAccuracy: z.array(
    z.object({ model: z.string(), version: z.string().nullable(), source: z.string(), total: Count, accurate: Count, accuracy: Ratio }),
  ),
  unprocessed: z.array(z.object({ model: z.string(), activeVersion: z.string().nullable(), count: Count })),
});
export type FeedbackStats = z.infer<typeof FeedbackStats>;

export const FeedbackExportFormat = z.enum(['json', 'jsonl', 'csv', 'openai-chat']);

export const feedbackChannels = {
  'feedback:submit': {
    args: z
      .object({
        agentType: LimitedText('name').trim().min(1),
        sessionId: LimitedText('name').optional(),
        messageId: LimitedText('name').optional(),
        userInput: LimitedText('longText').trim().min(1),
        aiResponse: LimitedText('longText').trim().min(1),
        userCorrection: LimitedText('longText').trim().min(1).optional(),
        rating: z.number().int().min(1).max(5).optional(),
        thumb: z.enum(['up', 'down']).optional(),
        comment: LimitedText('longText').optional(),
        context: LimitedJsonObject.optional(),
      })
      .strict(),
    result: z.object({ id: Id, collectionEnabled: z.boolean(), message: z.string() }),
  },
  'feedback:submitPrediction': {
    args: z
      .object({
        modelName: ModelName,
        modelVersion: Semver.optional(),
        entityType: z.enum(['invoice', 'client']).optional(),
        entityId: Id.optional(),
        prediction: LimitedJsonObject,
        actualOutcome: LimitedJsonObject.optional(),
        wasAccurate: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ id: Id, collectionEnabled: z.boolean(), message: z.string() }),
  },
  'feedback:stats': { args: z.object({ days: z.number().int().min(1).max(36_500).optional() }).strict(), result: FeedbackStats },
  'feedback:list': {
    args: z
      .object({
        agentType: LimitedText('name').trim().min(1).optional(),
        thumb: z.enum(['up', 'down']).optional(),
        minRating: z.number().int().min(1).max(5).optional(),
        hasCorrection: z.boolean().optional(),
        search: LimitedText('name').trim().optional(),
        days: z.number().int().min(1).max(36_500).optional(),
        limit: Limit(500, 50),
        offset: Offset,
      })
      .strict(),
    result: Page(FeedbackItem),
  },
  /** The file content travels back; the renderer saves it (browser download or the desktop save dialog). */
  'feedback:export': {
    args: z.object({ format: FeedbackExportFormat, since: IsoDate.optional() }).strict(),
    result: z.object({ filename: z.string(), mimeType: z.string(), content: z.string(), count: Count }),
  },
  'feedback:cleanup': {
    args: z.object({ olderThanDays: z.number().int().min(1).max(36_500), force: z.boolean().optional() }).strict(),
    result: z.object({ deleted: Count, keptForAudit: Count }),
  },
} as const;
