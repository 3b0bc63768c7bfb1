// Building blocks shared by every channel schema of the contract: ids, ISO dates, money in cents,
// paging, and the size limits of every free-text field (TextLimits, the one place they are set).
// Pure zod: this folder is imported by main, preload, the browser client, the renderer and the core
// (the feedback schemas of the CLI and of import apply the same limits).
import { z } from 'zod';
import { INVOICE_LIMITS } from '../../src-shared/invoice';

/**
 * The longest value each kind of free-text field accepts, everywhere: IPC arguments, CLI flags,
 * imported files. Strings count UTF-16 characters (what a text box counts); JSON counts the UTF-8
 * bytes of its serialized form.
 */
/**
 * Bytes per import upload call (before Base64): encoded, a chunk and its frame stay under the browser
 * host's 1 MiB frame limit (MAX_FRAME_BYTES).
 */
export const IMPORT_CHUNK_BYTES = 512 * 1024;

export const TextLimits = {
  /** Names, ids, keys, versions, labels, search boxes. */
  name: 200,
  /** Questions to the assistant, invoice notes, knowledge-index queries. */
  shortText: 2_000,
  /** An invoice line's description: FatturaPA's Descrizione holds at most 1,000 characters. */
  invoiceLine: INVOICE_LIMITS.lineDescription,
  /** Feedback: the question, the answer, the correction and the comment. */
  longText: 20_000,
  /** A JSON object (a feedback context, a prediction, an outcome), as UTF-8 bytes once serialized. */
  jsonBytes: 65_536,
  /** A file path. */
  path: 4_096,
  /** A file's own name (no folders), as file systems allow. */
  fileName: 255,
  /** One upload chunk of an import, Base64 (IMPORT_CHUNK_BYTES of bytes). */
  uploadChunk: Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4 + 4,
} as const;
export type TextLimit = keyof typeof TextLimits;

/** The message of an over-long value; the router prefixes the field, so it reads "userInput: longer than …". */
export function tooLongMessage(limit: TextLimit): string {
  return limit === 'jsonBytes'
    ? `larger than the limit of ${TextLimits.jsonBytes} bytes as JSON`
    : `longer than the limit of ${TextLimits[limit]} characters`;
}

/** A string of at most TextLimits[limit] characters. */
export const LimitedText = (limit: Exclude<TextLimit, 'jsonBytes'>) => z.string().max(TextLimits[limit], tooLongMessage(limit));

/** UTF-8 length of a string without encoding it (lone surrogates count as the 3-byte U+FFFD they become). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The size of `value` as serialized JSON in UTF-8 bytes, or null when it cannot be serialized (BigInt, cycles). */
export function jsonByteSize(value: unknown): number | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return null;
  }
  return text === undefined ? null : utf8Length(text);
}

/** A JSON object of at most TextLimits.jsonBytes once serialized. */
export const LimitedJsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const bytes = jsonByteSize(value);
  if (bytes === null) ctx.addIssue({ code: 'custom', message: 'must be plain JSON (no BigInt, no cycles)' });
  else if (bytes > TextLimits.jsonBytes) ctx.addIssue({ code: 'custom', message: `${tooLongMessage('jsonBytes')} (${bytes} bytes)` });
});

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A calendar date as YYYY-MM-DD that exists (2025-02-30 is rejected). */
export const IsoDate = z
  .string()
  .length(10, 'expected a date as YYYY-MM-DD')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

/** An ISO UTC timestamp as stored in *_at columns. */
export const IsoTimestamp = z.string().min(10).max(40);

/** Money in integer euro cents (never floating-point euros). */
export const Cents = z.number().int().min(-1e13).max(1e13);

export const Semver = LimitedText('name').regex(/^\d+\.\d+\.\d+$/, 'expected a version like 1.2.0');

export const ModelName = LimitedText('name').trim().min(1).regex(/^[a-z][a-z0-9_]*$/, 'expected a model name like cash_flow');

export const EntityType = z.enum(['invoice', 'client', 'product']);
export type EntityType = z.infer<typeof EntityType>;

export const Limit = (max = 1000, dflt = 100) => z.number().int().min(1).max(max).default(dflt);
export const Offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

export const NoArgs = z.object({}).strict();

export const Page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), total: z.number().int().min(0) });

/** Metric values as the registry stores them: named numbers, null when not computable. */
export const Metrics = z.record(z.string(), z.number().nullable());
