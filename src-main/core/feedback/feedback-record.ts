// The exported shape of a feedback row (one for chat feedback, one for prediction feedback), its
// validation for re-import, and the conversions between rows, records and CSV cells. Field names
// are the database columns, so an export reads like the data model and re-imports losslessly.
// Imported records get the same size limits as submitted feedback (the contract's TextLimits), and
// CSV cells that a spreadsheet would run as a formula are neutralised on export and restored on import.
import { z } from 'zod';
import { LimitedJsonObject, LimitedText, TextLimits, jsonByteSize, tooLongMessage } from '../../../src-preload/contract/common';

const timestamp = z.string().max(40, 'expected an ISO UTC timestamp like 2025-03-01T10:00:00.000Z').regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'expected an ISO UTC timestamp like 2025-03-01T10:00:00.000Z');
const nonEmpty = (limit: 'name' | 'longText') => LimitedText(limit).refine((s) => s.trim().length > 0, 'must not be empty');
const name = LimitedText('name');
const longText = LimitedText('longText');
/** Any JSON value of at most TextLimits.jsonBytes serialized (a prediction or an outcome). */
const limitedJson = z.unknown().superRefine((v, ctx) => {
  if (v === undefined || v === null) return;
  const bytes = jsonByteSize(v);
  if (bytes !== null && bytes > TextLimits.jsonBytes) ctx.addIssue({ code: 'custom', message: `${tooLongMessage('jsonBytes')} (${bytes} bytes)` });
});
const posInt = z.number().int().positive();

export const chatRecordSchema = z
  .object({
    kind: z.literal('chat'),
    id: posInt,
    created_at: timestamp,
    agent_type: nonEmpty('name'),
    session_id: name.nullable(),
    message_id: name.nullable(),
    user_input: nonEmpty('longText'),
    ai_response: nonEmpty('longText'),
    user_correction: longText.nullable(),
    rating: z.number().int().min(1).max(5).nullable(),
    thumb: z.enum(['up', 'down']).nullable(),
    comment: longText.nullable(),
    context: LimitedJsonObject.nullable(),
    consumed_by_version: name.nullable(),
  })
  .strict();

export const predictionRecordSchema = z
  .object({
    kind: z.literal('prediction'),
    id: posInt,
    created_at: timestamp,
    model_name: nonEmpty('name'),
    model_version: name.nullable(),
    entity_type: name.nullable(),
    entity_id: z.number().int().nullable(),
    prediction: limitedJson.refine((v) => v !== undefined && v !== null, 'required'),
    actual_outcome: limitedJson.nullable(),
    was_accurate: z.boolean().nullable(),
    error_days: z.number().nullable(),
    source: z.enum(['user', 'auto-outcome']),
    prediction_log_id: posInt.nullable(),
    consumed_by_version: name.nullable(),
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

/**
 * Text a spreadsheet would run as a formula (OWASP CSV injection: a cell starting with = + - @, tab
 * or CR) gets a leading apostrophe, and so does text that starts with an apostrophe itself, so that
 * the import can remove exactly one apostrophe from every cell that has one and get the text back.
 * Numbers are written as they are: a number is never a formula.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

export function neutralizeCsvText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** The inverse of neutralizeCsvText, for the cells of our own CSV exports. */
export function restoreCsvText(s: string): string {
  return s.startsWith("'") ? s.slice(1) : s;
}

function csvCell(v: unknown, field: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = neutralizeCsvText(JSON_FIELDS.has(field) ? JSON.stringify(v) : String(v));
  return /[",'\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(rec: FeedbackRecord): string {
  const r = rec as Record<string, unknown>;
  return CSV_HEADER.map((f) => csvCell(r[f], f)).join(',');
}

/**
 * Turns a parsed CSV row (all text) back into a record candidate. Empty cells are null: the
 * service never stores empty strings, so nothing is lost. A leading apostrophe (the export's formula
 * neutralisation) is removed. Problems are reported by the schema.
 */
export function recordFromCsv(row: Record<string, string>): unknown {
  const kind = row.kind;
  const fields = kind === 'chat' ? CHAT_FIELDS : kind === 'prediction' ? PREDICTION_FIELDS : null;
  if (!fields) return { kind };
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const cell = row[f];
    const v = cell === undefined ? undefined : restoreCsvText(cell);
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
