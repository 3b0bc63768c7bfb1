// Validation of everything that becomes a feedback row, shared by the CLI, IPC and import paths.
// Messages name the field and the problem; nothing is written unless the whole input is valid.
// Sizes are the contract's TextLimits, the same for a CLI flag, an IPC argument and an imported file.
import { z } from 'zod';
import { TextLimits, jsonByteSize, tooLongMessage, utf8Length } from '../../../src-preload/contract/common';
import { InputError } from '../errors';
import { MODEL_NAMES, isModelName } from '../ml/registry/model-names';

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

// Built-in string checks (trim/min/max/regex) rather than refine/transform: they validate the
// same rules several times faster, which matters for batched inserts of 100k rows.
function text(field: string, limit: 'name' | 'longText' = 'longText') {
  return z
    .string({ required_error: `${field}: required`, invalid_type_error: `${field}: expected text` })
    .max(TextLimits[limit], `${field}: ${tooLongMessage(limit)}`)
    .trim()
    .min(1, `${field}: must not be empty`);
}

const jsonTooLarge = (field: string, bytes: number) => `${field}: ${tooLongMessage('jsonBytes')} (${bytes} bytes)`;

/** A JSON value given either as text (CLI) or already parsed (IPC); `requireObject` demands {…}. */
function jsonValue(field: string, requireObject: boolean) {
  return z.unknown().transform((v, ctx) => {
    let value = v;
    if (typeof v === 'string') {
      if (v.trim() === '') {
        ctx.addIssue({ code: 'custom', message: `${field}: must not be empty` });
        return z.NEVER;
      }
      // Characters first: a string longer than the limit in UTF-16 units is over it in bytes too.
      const bytes = v.length > TextLimits.jsonBytes ? v.length : utf8Length(v);
      if (bytes > TextLimits.jsonBytes) {
        ctx.addIssue({ code: 'custom', message: jsonTooLarge(field, bytes) });
        return z.NEVER;
      }
      try {
        value = JSON.parse(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${field}: invalid JSON (${(e as Error).message})` });
        return z.NEVER;
      }
    }
    if (requireObject && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      ctx.addIssue({ code: 'custom', message: `${field}: expected a JSON object like {"key": value}` });
      return z.NEVER;
    }
    if (requireObject && Object.keys(value as object).length === 0) {
      ctx.addIssue({ code: 'custom', message: `${field}: must not be an empty object` });
      return z.NEVER;
    }
    if (typeof v !== 'string') {
      // Given already parsed (IPC): its serialized size is what would be stored.
      const bytes = jsonByteSize(value);
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: `${field}: must be plain JSON (no BigInt, no cycles)` });
        return z.NEVER;
      }
      if (bytes > TextLimits.jsonBytes) {
        ctx.addIssue({ code: 'custom', message: jsonTooLarge(field, bytes) });
        return z.NEVER;
      }
    }
    return value as Record<string, unknown>;
  });
}

const rating = z
  .number({ invalid_type_error: 'rating: expected an integer from 1 to 5' })
  .int('rating: must be an integer from 1 to 5')
  .min(1, 'rating: must be an integer from 1 to 5')
  .max(5, 'rating: must be an integer from 1 to 5');

const optionalText = (field: string, limit: 'name' | 'longText' = 'longText') => text(field, limit).nullish();

export const chatFeedbackSchema = z
  .object({
    agentType: text('agentType', 'name').regex(/^[A-Za-z0-9_.:-]+$/, 'agentType: use letters, digits and _ . : - only (e.g. chat, cash_flow_predictor)'),
    input: text('input'),
    response: text('response'),
    correction: optionalText('correction'),
    rating: rating.nullish(),
    thumb: z.enum(['up', 'down'], { errorMap: () => ({ message: 'thumb: expected up or down' }) }).nullish(),
    comment: optionalText('comment'),
    context: jsonValue('context', true).nullish(),
    sessionId: optionalText('sessionId', 'name'),
    messageId: optionalText('messageId', 'name'),
  })
  .strict();

export type ChatFeedbackInput = z.input<typeof chatFeedbackSchema>;
export type ChatFeedback = z.output<typeof chatFeedbackSchema>;

export const predictionFeedbackSchema = z
  .object({
    model: z
      .string({ required_error: 'model: required', invalid_type_error: 'model: expected text' })
      .max(TextLimits.name, `model: ${tooLongMessage('name')}`)
      .transform((s) => s.trim())
      .refine((s) => s.length > 0, { message: 'model: must not be empty' })
      .refine(isModelName, (s) => ({ message: `model: unknown model "${s}" (known: ${MODEL_NAMES.join(', ')})` })),
    version: z
      .string({ invalid_type_error: 'version: expected text' })
      .max(TextLimits.name, `version: ${tooLongMessage('name')}`)
      .refine((s) => SEMVER.test(s), { message: 'version: expected a semantic version like 1.2.0' })
      .nullish(),
    prediction: jsonValue('prediction', true),
    actual: jsonValue('actual', true).nullish(),
    accurate: z.boolean({ invalid_type_error: 'accurate: expected true or false' }).nullish(),
    entityType: z.enum(['invoice', 'client'], { errorMap: () => ({ message: 'entityType: expected invoice or client' }) }).nullish(),
    entityId: z
      .number({ invalid_type_error: 'entityId: expected a positive integer' })
      .refine((n) => Number.isInteger(n) && n > 0, { message: 'entityId: expected a positive integer' })
      .nullish(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.entityType == null) !== (v.entityId == null)) {
      ctx.addIssue({ code: 'custom', message: 'entityId: entityType and entityId go together' });
    }
  });

export type PredictionFeedbackInput = z.input<typeof predictionFeedbackSchema>;
export type PredictionFeedback = z.output<typeof predictionFeedbackSchema>;

/** Validates chat feedback; also requires at least one signal (rating, thumb, correction, comment). */
export function parseChatFeedback(input: unknown): ChatFeedback {
  const fb = parseOrThrow(chatFeedbackSchema, input);
  if (fb.rating == null && fb.thumb == null && fb.correction == null && fb.comment == null) {
    throw new InputError('feedback: give at least one of rating, thumb, correction or comment', 'feedback');
  }
  return fb;
}

const FIELD_PREFIX = /^([A-Za-z][A-Za-z0-9_]*): /;

/** Parses with a schema, or throws an InputError whose message names every bad field. */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown, root = 'input'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data as z.output<S>;
  const messages = r.error.issues.map((i) =>
    FIELD_PREFIX.test(i.message) ? i.message : `${i.path.length ? i.path.map(String).join('.') : root}: ${i.message}`,
  );
  const unique = [...new Set(messages)];
  const field = FIELD_PREFIX.exec(unique[0] ?? '')?.[1] ?? root;
  throw new InputError(unique.join('; '), field);
}
