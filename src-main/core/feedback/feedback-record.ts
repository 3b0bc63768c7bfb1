// The exported shape of a feedback row (one for chat feedback, one for prediction feedback), its
// validation for re-import, and the conversions between rows, records and CSV cells. Field names
// are the database columns, so an export reads like the data model and re-imports losslessly.
import { z } from 'zod';

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'expected an ISO UTC timestamp like 2025-03-01T10:00:00.000Z');
const nonEmpty = z.string().refine((s) => s.trim().length > 0, 'must not be empty');
const jsonObject = z.record(z.unknown());
const posInt = z.number().int().positive();

export const chatRecordSchema = z
  .object({
    kind: z.literal('chat'),
    id: posInt,
    created_at: timestamp,
    agent_type: nonEmpty,
    session_id: z.string().nullable(),
    message_id: z.string().nullable(),
    user_input: nonEmpty,
    ai_response: nonEmpty,
    user_correction: z.string().nullable(),
    rating: z.number().int().min(1).max(5).nullable(),
    thumb: z.enum(['up', 'down']).nullable(),
    comment: z.string().nullable(),
    context: jsonObject.nullable(),
    consumed_by_version: z.string().nullable(),
  })
  .strict();

export const predictionRecordSchema = z
  .object({
    kind: z.literal('prediction'),
    id: posInt,
    created_at: timestamp,
    model_name: nonEmpty,
    model_version: z.string().nullable(),
    entity_type: z.string().nullable(),
    entity_id: z.number().int().nullable(),
    prediction: z.unknown().refine((v) => v !== undefined && v !== null, 'required'),
    actual_outcome: z.unknown().nullable(),
    was_accurate: z.boolean().nullable(),
    error_days: z.number().nullable(),
    source: z.enum(['user', 'auto-outcome']),
    prediction_log_id: posInt.nullable(),
    consumed_by_version: z.string().nullable(),
  })
  .strict();

export const feedbackRecordSchema = z.discriminatedUnion('kind', [chatRecordSchema, predictionRecordSchema]);

export type ChatRecord = z.infer<typeof chatRecordSchema>;
export type PredictionRecord = z.infer<typeof predictionRecordSchema>;
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;

export interface ChatRow {
  id: number;
  created_at: string;
  agent_type: string;
  session_id: string | null;
  message_id: string | null;
  user_input: string;
  ai_response: string;
  user_correction: string | null;
  rating: number | null;
  thumb: 'up' | 'down' | null;
  comment: string | null;
  context: string | null;
  consumed_by_version: string | null;
}

export interface PredictionRow {
  id: number;
  created_at: string;
  model_name: string;
  model_version: string | null;
  entity_type: string | null;
  entity_id: number | null;
  prediction: string;
  actual_outcome: string | null;
  was_accurate: number | null;
  error_days: number | null;
  source: 'user' | 'auto-outcome';
  prediction_log_id: number | null;
  consumed_by_version: string | null;
}

export const CHAT_COLUMNS = 'id, created_at, agent_type, session_id, message_id, user_input, ai_response, user_correction, rating, thumb, comment, context, consumed_by_version';
export const PREDICTION_COLUMNS =
  'id, created_at, model_name, model_version, entity_type, entity_id, prediction, actual_outcome, was_accurate, error_days, source, prediction_log_id, consumed_by_version';

const parseJson = (s: string | null): unknown => (s == null ? null : JSON.parse(s));

export function chatRecord(r: ChatRow): ChatRecord {
  return { kind: 'chat', ...r, context: parseJson(r.context) as Record<string, unknown> | null };
}

export function predictionRecord(r: PredictionRow): PredictionRecord {
  return {
    kind: 'prediction',
    ...r,
    prediction: parseJson(r.prediction) as PredictionRecord['prediction'],
    actual_outcome: parseJson(r.actual_outcome),
    was_accurate: r.was_accurate == null ? null : r.was_accurate === 1,
  };
}

/** Every CSV column, chat and prediction fields side by side; a row fills the ones of its kind. */
export const CSV_HEADER = [
  'kind', 'id', 'created_at',
  'agent_type', 'session_id', 'message_id', 'user_input', 'ai_response', 'user_correction', 'rating', 'thumb', 'comment', 'context',
  'model_name', 'model_version', 'entity_type', 'entity_id', 'prediction', 'actual_outcome', 'was_accurate', 'error_days', 'source', 'prediction_log_id',
  'consumed_by_version',
] as const;

const JSON_FIELDS = new Set(['context', 'prediction', 'actual_outcome']);
const NUMBER_FIELDS = new Set(['id', 'rating', 'entity_id', 'error_days', 'prediction_log_id']);
const CHAT_FIELDS = new Set(Object.keys(chatRecordSchema.shape));
const PREDICTION_FIELDS = new Set(Object.keys(predictionRecordSchema.shape));

function csvCell(v: unknown, field: string): string {
  if (v === null || v === undefined) return '';
  const s = JSON_FIELDS.has(field) ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(rec: FeedbackRecord): string {
  const r = rec as Record<string, unknown>;
  return CSV_HEADER.map((f) => csvCell(r[f], f)).join(',');
}

/**
 * Turns a parsed CSV row (all text) back into a record candidate. Empty cells are null: the
 * service never stores empty strings, so nothing is lost. Problems are reported by the schema.
 */
export function recordFromCsv(row: Record<string, string>): unknown {
  const kind = row.kind;
  const fields = kind === 'chat' ? CHAT_FIELDS : kind === 'prediction' ? PREDICTION_FIELDS : null;
  if (!fields) return { kind };
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = row[f];
    if (f === 'kind') out.kind = kind;
    else if (v === undefined || v === '') out[f] = null;
    else if (NUMBER_FIELDS.has(f)) out[f] = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v) ? Number(v) : v;
    else if (f === 'was_accurate') out[f] = v === 'true' ? true : v === 'false' ? false : v;
    else if (JSON_FIELDS.has(f)) {
      try {
        out[f] = JSON.parse(v);
      } catch {
        out[f] = v; // the schema then reports the field as not JSON
      }
    } else out[f] = v;
  }
  return out;
}
