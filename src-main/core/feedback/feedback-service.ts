// FeedbackService: records chat/assistant feedback (thumb, rating, correction, comment with the
// question, the answer and its context) and prediction feedback (model, version, prediction, actual
// outcome, accuracy). Every input is validated as a whole before anything is written.
// AI_FEEDBACK_ENABLED=false turns *collection* off (no prompts: callers check `collectionEnabled`);
// an explicit submission is still stored and the result says collection is off.
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { addDays, daysBetween, isIsoDate, todayIso } from '../dates';
import { InputError } from '../errors';
import type { Settings } from '../config/settings';
import {
  parseChatFeedback,
  parseOrThrow,
  predictionFeedbackSchema,
  type ChatFeedback,
  type PredictionFeedback,
} from './feedback-schemas';
import { ModelVersionRepository } from '../ml/registry/model-version-repository';
import { FeedbackRepository, type ChatFeedbackWrite } from './feedback-repository';
import { normalizeText } from './normalize-text';
import { PredictionRepository } from './prediction-repository';

export type FeedbackSettings = Pick<Settings, 'AI_FEEDBACK_ENABLED' | 'ML_TOLERANCE_DAYS'>;

export interface StoredFeedback {
  id: number;
  /** False when AI_FEEDBACK_ENABLED=false: the row was stored because it was submitted explicitly. */
  collectionEnabled: boolean;
  /** What to tell the user (says when collection is off). */
  message: string;
}

/** What a user gave on one assistant message: the latest thumb, rating and correction, and the rows that hold them. */
export interface SavedMessageFeedback {
  thumb: 'up' | 'down' | null;
  rating: number | null;
  correction: string | null;
  ids: number[];
}

/** The Feedback page's list: filters and a page. */
export interface FeedbackListQuery {
  agentType?: string;
  thumb?: 'up' | 'down';
  minRating?: number;
  hasCorrection?: boolean;
  search?: string;
  /** Only the last N days, today included. */
  days?: number;
  limit: number;
  offset: number;
}

export interface FeedbackListItem {
  id: number;
  agentType: string;
  sessionId: string | null;
  messageId: string | null;
  userInput: string;
  aiResponse: string;
  userCorrection: string | null;
  rating: number | null;
  thumb: 'up' | 'down' | null;
  comment: string | null;
  createdAt: string;
}

export interface StoredPredictionFeedback extends StoredFeedback {
  model: string;
  version: string | null;
  wasAccurate: boolean;
  errorDays: number | null;
}

export interface ChatFeedbackRow extends ChatFeedback {
  /** ISO timestamp; now when omitted (import and benchmarks pass their own). */
  createdAt?: string;
}

export class FeedbackService {
  private readonly feedback: FeedbackRepository;
  private readonly predictions: PredictionRepository;
  private readonly versions: ModelVersionRepository;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly settings: () => FeedbackSettings,
  ) {
    this.feedback = new FeedbackRepository(connection);
    this.predictions = new PredictionRepository(connection);
    this.versions = new ModelVersionRepository(connection);
  }

  /** Whether feedback is collected (prompts shown, automatic collection on); manual submission always works. */
  get collectionEnabled(): boolean {
    return this.settings().AI_FEEDBACK_ENABLED;
  }

  recordChat(input: unknown): StoredFeedback {
    const fb = parseChatFeedback(input);
    const id = this.feedback.insert(chatRow(fb));
    return { id, collectionEnabled: this.collectionEnabled, message: storedMessage(this.collectionEnabled) };
  }

  /**
   * Validates every row first (messages say which row), then inserts them in one transaction:
   * either all rows are stored or none.
   */
  recordChatBatch(inputs: readonly unknown[], createdAt?: readonly string[]): { inserted: number; firstId: number | null } {
    const rows: ChatFeedbackRow[] = inputs.map((input, i) => {
      try {
        return { ...parseChatFeedback(input), createdAt: createdAt?.[i] };
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`row ${i + 1}: ${e.message}`, e.field);
        throw e;
      }
    });
    return this.insertChatRows(rows);
  }

  /** Inserts already validated rows in one transaction. */
  insertChatRows(rows: readonly ChatFeedbackRow[]): { inserted: number; firstId: number | null } {
    const firstId = this.feedback.insertMany(rows.map(chatRow));
    return { inserted: rows.length, firstId };
  }

  /** The feedback saved on each assistant message, latest values winning (a later correction is its own record). */
  savedOnMessages(messageIds: readonly string[]): Map<string, SavedMessageFeedback> {
    const out = new Map<string, SavedMessageFeedback>();
    if (!messageIds.length) return out;
    for (const r of this.feedback.onMessages(messageIds)) {
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

  /** A page of stored chat feedback, newest first, with the number of matching rows (the Feedback page's list). */
  list(filter: FeedbackListQuery): { items: FeedbackListItem[]; total: number } {
    const since = filter.days ? addDays(todayIso(), -(filter.days - 1)) : undefined;
    const { rows, total } = this.feedback.list(
      { agentType: filter.agentType, thumb: filter.thumb, minRating: filter.minRating, hasCorrection: filter.hasCorrection, search: filter.search, since },
      { limit: filter.limit, offset: filter.offset },
    );
    return {
      items: rows.map((r) => ({
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
      })),
      total,
    };
  }

  recordPrediction(input: unknown): StoredPredictionFeedback {
    const fb = parseOrThrow(predictionFeedbackSchema, input);
    const { errorDays, wasAccurate } = this.judge(fb);
    const version = fb.version ?? this.versions.active(fb.model)?.version ?? null;
    const id = this.predictions.insertFeedback({
      model_name: fb.model,
      model_version: version,
      entity_type: fb.entityType ?? null,
      entity_id: fb.entityId ?? null,
      prediction: JSON.stringify(fb.prediction),
      actual_outcome: fb.actual == null ? null : JSON.stringify(fb.actual),
      was_accurate: wasAccurate ? 1 : 0,
      error_days: errorDays,
      source: 'user',
      prediction_log_id: null,
      consumed_by_version: null,
      created_at: nowIso(),
    });
    return { id, collectionEnabled: this.collectionEnabled, message: storedMessage(this.collectionEnabled), model: fb.model, version, wasAccurate, errorDays };
  }

  /**
   * An explicit `accurate` wins; otherwise a prediction and an outcome that both carry a `date`
   * are judged with the tolerance (ML_TOLERANCE_DAYS), as automatic outcomes are.
   */
  private judge(fb: PredictionFeedback): { errorDays: number | null; wasAccurate: boolean } {
    const p = fb.prediction.date;
    const a = fb.actual?.date;
    const errorDays = isIsoDate(p) && isIsoDate(a) ? daysBetween(p, a) : null;
    if (fb.accurate != null) return { errorDays, wasAccurate: fb.accurate };
    if (errorDays != null) return { errorDays, wasAccurate: Math.abs(errorDays) <= this.settings().ML_TOLERANCE_DAYS };
    throw new InputError('accurate: required (true or false) unless prediction and actual both carry a "date" (YYYY-MM-DD)', 'accurate');
  }
}

function chatRow(fb: ChatFeedbackRow): ChatFeedbackWrite {
  return {
    agent_type: fb.agentType,
    session_id: fb.sessionId ?? null,
    message_id: fb.messageId ?? null,
    user_input: fb.input,
    ai_response: fb.response,
    user_correction: fb.correction ?? null,
    rating: fb.rating ?? null,
    thumb: fb.thumb ?? null,
    comment: fb.comment ?? null,
    context: fb.context == null ? null : JSON.stringify(fb.context),
    question_norm: normalizeText(fb.input),
    response_norm: normalizeText(fb.response),
    created_at: fb.createdAt ?? nowIso(),
  };
}

/** What the app tells the user after a submission. */
export function storedMessage(collectionEnabled: boolean): string {
  return collectionEnabled
    ? 'Feedback stored'
    : 'Feedback collection is off (OPENFATTURE_AI_FEEDBACK_ENABLED=false); this explicit submission was stored';
}
