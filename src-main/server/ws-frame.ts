// One WebSocket frame of the browser host, from the wire to a request, within budgets. Two steps:
// `admitFrame` runs as the frame arrives and only looks at its kind and size (O(1): an oversize or
// binary frame is answered unread); `parseFrame` runs when the request's turn comes and checks the
// nesting depth with a flat scan of the text (no recursion, before JSON.parse and any schema sees it),
// parses the JSON and checks the frame's shape. Every refusal is a message naming the part of the
// frame at fault; nothing here throws on any input.
import type { RawData } from 'ws';
import { z } from 'zod';
import { UNKNOWN_FRAME_ID } from '../../src-preload/contract/bridge-api';

export interface FrameLimits {
  /** Largest frame read, in bytes. */
  maxFrameBytes: number;
  /** Deepest nesting of objects and arrays; the frame object itself is level 1. */
  maxDepth: number;
}

export type AdmittedFrame = { ok: true; id: number; text: string; bytes: number } | { ok: false; id: number; message: string };
export type ParsedFrame = { ok: true; id: number; channel: string; args: unknown } | { ok: false; id: number; message: string };

/** Refusal messages quote at most this much of what the client sent. */
const MESSAGE_MAX = 300;
/** How many leading bytes `leadingFrameId` looks at. */
const ID_WINDOW = 64;
const LEADING_ID = /^\s*\{\s*"id"\s*:\s*(\d{1,16})\s*[,}]/;

const frameShape = z
  .object({
    id: z.number({ invalid_type_error: 'expected a whole number from 0 up' }).int('expected a whole number from 0 up').min(0, 'expected a whole number from 0 up').max(Number.MAX_SAFE_INTEGER, `expected a whole number up to ${Number.MAX_SAFE_INTEGER}`),
    channel: z.string({ invalid_type_error: 'expected a channel name (string)', required_error: 'is required (a channel name)' }).min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    args: z.unknown().optional(),
  })
  .strict();

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

function clip(text: string): string {
  return text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text;
}

/**
 * The id of a frame that is not parsed (too large, or answered BUSY before its turn): read from its
 * first bytes when it starts with `{"id": n`, as this contract's clients write it; UNKNOWN_FRAME_ID otherwise.
 */
export function leadingFrameId(head: Buffer): number {
  const m = LEADING_ID.exec(head.subarray(0, ID_WINDOW).toString('latin1'));
  const id = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(id) ? id : UNKNOWN_FRAME_ID;
}

/** The first step, as the frame arrives: only text frames within the byte budget are kept for parsing. */
export function admitFrame(data: RawData, isBinary: boolean, limits: FrameLimits): AdmittedFrame {
  const bytes = byteLength(data);
  const buf = toBuffer(data);
  const id = leadingFrameId(buf);
  if (isBinary) return { ok: false, id, message: `frame: binary frames are not accepted (got ${bytes} bytes); send the request as JSON text` };
  if (bytes > limits.maxFrameBytes) return { ok: false, id, message: `frame: ${bytes} bytes is over the limit of ${limits.maxFrameBytes} bytes; it was not read` };
  return { ok: true, id, text: buf.toString('utf8'), bytes };
}

/**
 * The deepest point of `text` beyond `maxDepth` levels of objects/arrays, found by one flat scan
 * (strings and their escapes skipped), or null when it stays within the budget.
 */
export function excessiveNesting(text: string, maxDepth: number): { depth: number; at: number } | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { depth, at: i };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}

function issuePath(path: readonly PropertyKey[]): string {
  return `frame${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** The second step, when the request's turn comes: depth budget, JSON, then the `{id, channel, args}` shape. */
export function parseFrame(text: string, limits: FrameLimits): ParsedFrame {
  const headId = leadingFrameId(Buffer.from(text.slice(0, ID_WINDOW), 'latin1'));
  const deep = excessiveNesting(text, limits.maxDepth);
  if (deep) return { ok: false, id: headId, message: `frame: objects and arrays nested more than ${limits.maxDepth} levels deep (level ${deep.depth} at character ${deep.at}); it was not parsed` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, id: UNKNOWN_FRAME_ID, message: clip(`frame: not valid JSON (${e instanceof Error ? e.message : 'parse error'}); expected {"id": n, "channel": "…", "args": {…}}`) };
  }
  const shape = frameShape.safeParse(value);
  if (!shape.success) {
    const rawId = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { id?: unknown }).id : undefined;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : UNKNOWN_FRAME_ID;
    const what = shape.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join('; ');
    return { ok: false, id, message: clip(`${what}; expected {"id": n, "channel": "…", "args": {…}}`) };
  }
  return { ok: true, id: shape.data.id, channel: shape.data.channel, args: shape.data.args };
}
