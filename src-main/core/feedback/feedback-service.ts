// FeedbackService: records chat/assistant feedback (thumb, rating, correction, comment with the
// question, the answer and its context) and prediction feedback (model, version, prediction, actual
// outcome, accuracy). Every input is validated as a whole before anything is written.
// AI_FEEDBACK_ENABLED=false turns *collection* off (no prompts: callers check `collectionEnabled`);
// an explicit submission is still stored and the result says collection is off.
import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from '../db/database';
import { daysBetween, isIsoDate } from '../dates';
import { InputError } from '../errors';
import type { Settings } from '../config/settings';
import {
  parseChatFeedback,
  parseOrThrow,
  predictionFeedbackSchema,
  type ChatFeedback,
  type PredictionFeedback,
} from './feedback-schemas';
import { normalizeText } from './normalize-text';

export type FeedbackSettings = Pick<Settings, 'AI_FEEDBACK_ENABLED' | 'ML_TOLERANCE_DAYS'>;

export interface StoredFeedback {
  id: number;
  /** False when AI_FEEDBACK_ENABLED=false: the row was stored because it was submitted explicitly. */
  collectionEnabled: boolean;
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
  private readonly insertChat: BetterSqlite3.Statement;
  private readonly insertPrediction: BetterSqlite3.Statement;
  private readonly activeVersion: BetterSqlite3.Statement;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly settings: () => FeedbackSettings,
  ) {
    // Positional parameters: binding is measurably cheaper than named ones on the batched path.
    this.insertChat = sqlite.prepare(`
      INSERT INTO user_feedback(agent_type, session_id, message_id, user_input, ai_response, user_correction,
        rating, thumb, comment, context, question_norm, response_norm, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertPrediction = sqlite.prepare(`
      INSERT INTO model_prediction_feedback(model_name, model_version, entity_type, entity_id, prediction,
        actual_outcome, was_accurate, error_days, source, created_at)
      VALUES (@model, @version, @entityType, @entityId, @prediction, @actual, @accurate, @errorDays, 'user', @createdAt)`);
    this.activeVersion = sqlite.prepare("SELECT version FROM model_versions WHERE model_name = ? AND status = 'active'");
  }

  /** Whether feedback is collected (prompts shown, automatic collection on); manual submission always works. */
  get collectionEnabled(): boolean {
    return this.settings().AI_FEEDBACK_ENABLED;
  }

  recordChat(input: unknown): StoredFeedback {
    const fb = parseChatFeedback(input);
    const info = this.insertChat.run(...chatParams(fb));
    return { id: Number(info.lastInsertRowid), collectionEnabled: this.collectionEnabled };
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
    let firstId: number | null = null;
    this.sqlite.transaction(() => {
      for (const row of rows) {
        const info = this.insertChat.run(...chatParams(row));
        firstId ??= Number(info.lastInsertRowid);
      }
    })();
    return { inserted: rows.length, firstId };
  }

  recordPrediction(input: unknown): StoredPredictionFeedback {
    const fb = parseOrThrow(predictionFeedbackSchema, input);
    const { errorDays, wasAccurate } = this.judge(fb);
    const version = fb.version ?? (this.activeVersion.get(fb.model) as { version: string } | undefined)?.version ?? null;
    const info = this.insertPrediction.run({
      model: fb.model,
      version,
      entityType: fb.entityType ?? null,
      entityId: fb.entityId ?? null,
      prediction: JSON.stringify(fb.prediction),
      actual: fb.actual == null ? null : JSON.stringify(fb.actual),
      accurate: wasAccurate ? 1 : 0,
      errorDays,
      createdAt: nowIso(),
    });
    return { id: Number(info.lastInsertRowid), collectionEnabled: this.collectionEnabled, model: fb.model, version, wasAccurate, errorDays };
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

function chatParams(fb: ChatFeedbackRow): (string | number | null)[] {
  return [
    fb.agentType,
    fb.sessionId ?? null,
    fb.messageId ?? null,
    fb.input,
    fb.response,
    fb.correction ?? null,
    fb.rating ?? null,
    fb.thumb ?? null,
    fb.comment ?? null,
    fb.context == null ? null : JSON.stringify(fb.context),
    normalizeText(fb.input),
    normalizeText(fb.response),
    fb.createdAt ?? nowIso(),
  ];
}
