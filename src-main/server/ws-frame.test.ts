// Frame budgets and shapes: what a client gets back for each kind of frame the host cannot run.
import { describe, expect, it } from 'vitest';
import { UNKNOWN_FRAME_ID } from '../../src-preload/contract/bridge-api';
import { admitFrame, excessiveNesting, leadingFrameId, parseFrame } from './ws-frame';

const LIMITS = { maxFrameBytes: 1024, maxDepth: 8 };
const text = (s: string) => Buffer.from(s, 'utf8');

describe('admitFrame', () => {
  it('keeps a text frame within the byte budget, with the id it starts with', () => {
    const r = admitFrame(text('{"id":7,"channel":"status:get","args":{}}'), false, LIMITS);
    expect(r).toMatchObject({ ok: true, id: 7, bytes: 41 });
  });

  it('answers an oversize frame unread, naming its size and the limit, with its leading id', () => {
    const big = `{"id":12,"channel":"invoices:list","args":{"search":"${'x'.repeat(2000)}"}}`;
    const r = admitFrame(text(big), false, LIMITS);
    expect(r).toEqual({ ok: false, id: 12, message: `frame: ${Buffer.byteLength(big)} bytes is over the limit of 1024 bytes; it was not read` });
  });

  it('counts bytes, not characters (multi-byte UTF-8)', () => {
    const s = `{"id":1,"x":"${'€'.repeat(400)}"}`; // 415 characters; each € is 3 bytes
    expect(s.length).toBeLessThan(1024);
    expect(admitFrame(text(s), false, LIMITS)).toMatchObject({ ok: false, message: expect.stringContaining(`${15 + 3 * 400} bytes`) });
  });

  it('refuses binary frames and fragments alike', () => {
    expect(admitFrame(Buffer.from([1, 2, 3]), true, LIMITS)).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID, message: expect.stringContaining('binary frames are not accepted (got 3 bytes)') });
    expect(admitFrame([text('{"id":3,'), text('"channel":"x"}')], true, LIMITS)).toMatchObject({ ok: false, id: 3 });
    expect(admitFrame(new Uint8Array([1, 2]).buffer, true, LIMITS)).toMatchObject({ ok: false, message: expect.stringContaining('2 bytes') });
  });
});

describe('leadingFrameId', () => {
  it('reads only an id the frame starts with, as a safe whole number', () => {
    expect(leadingFrameId(text(' { "id" : 42 , "channel": "x"}'))).toBe(42);
    expect(leadingFrameId(text('{"id":42}'))).toBe(42);
    expect(leadingFrameId(text('{"channel":"x","id":42}'))).toBe(UNKNOWN_FRAME_ID);
    expect(leadingFrameId(text('{"id":-4,"channel":"x"}'))).toBe(UNKNOWN_FRAME_ID);
    expect(leadingFrameId(text('{"id":1.5,"channel":"x"}'))).toBe(UNKNOWN_FRAME_ID);
    expect(leadingFrameId(text('{"id":9999999999999999,"channel":"x"}'))).toBe(UNKNOWN_FRAME_ID);
    expect(leadingFrameId(text('[1,2]'))).toBe(UNKNOWN_FRAME_ID);
  });
});

describe('excessiveNesting', () => {
  it('finds the first level past the budget without recursion, even 100,000 levels down', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(excessiveNesting(deep, 8)).toEqual({ depth: 9, at: 8 });
    expect(excessiveNesting('{"a":{"b":[1,{"c":2}]}}', 4)).toBeNull();
    expect(excessiveNesting('{"a":{"b":[1,{"c":2}]}}', 3)).toEqual({ depth: 4, at: 13 });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(excessiveNesting(`{"s":"${'[{'.repeat(50)}\\"${'[{'.repeat(50)}"}`, 2)).toBeNull();
    expect(excessiveNesting('{"s":"\\\\","t":[[1]]}', 2)).toEqual({ depth: 3, at: 15 });
  });
});

describe('parseFrame', () => {
  it('returns the request of a well-formed frame', () => {
    expect(parseFrame('{"id":0,"channel":"status:get"}', LIMITS)).toEqual({ ok: true, id: 0, channel: 'status:get', args: undefined });
    expect(parseFrame('{"id":5,"channel":"invoices:list","args":{"limit":3}}', LIMITS)).toEqual({ ok: true, id: 5, channel: 'invoices:list', args: { limit: 3 } });
  });

  it('refuses nesting past the budget before parsing, keeping the leading id', () => {
    const r = parseFrame(`{"id":9,"channel":"status:get","args":${'['.repeat(20)}${']'.repeat(20)}}`, LIMITS);
    expect(r).toEqual({ ok: false, id: 9, message: expect.stringMatching(/^frame: objects and arrays nested more than 8 levels deep \(level 9 at character \d+\)/) });
  });

  it('refuses text that is not JSON', () => {
    const r = parseFrame('not json', LIMITS);
    expect(r).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID, message: expect.stringMatching(/^frame: not valid JSON/) });
  });

  it('names the field at fault and echoes the id when it is valid', () => {
    expect(parseFrame('{"id":1,"channel":{"toString":1},"args":{}}', LIMITS)).toEqual({ ok: false, id: 1, message: expect.stringContaining('frame.channel: expected a channel name (string)') });
    expect(parseFrame('{"id":2,"channel":7}', LIMITS)).toMatchObject({ ok: false, id: 2, message: expect.stringContaining('frame.channel: expected a channel name') });
    expect(parseFrame('{"id":"1","channel":"status:get"}', LIMITS)).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID, message: expect.stringContaining('frame.id: expected a whole number from 0 up') });
    expect(parseFrame('{"id":1e400,"channel":"status:get"}', LIMITS)).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID, message: expect.stringContaining('frame.id') });
    expect(parseFrame('{"id":-1,"channel":"status:get"}', LIMITS)).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID });
    expect(parseFrame('{"id":3,"channel":"status:get","__proto__":{"x":1}}', LIMITS)).toMatchObject({ ok: false, id: 3, message: expect.stringContaining('__proto__') });
    expect(parseFrame('{"id":4}', LIMITS)).toMatchObject({ ok: false, id: 4, message: expect.stringContaining('frame.channel: is required') });
    for (const junk of ['[1,2]', '5', 'null', '"status:get"', 'true']) {
      expect(parseFrame(junk, LIMITS)).toMatchObject({ ok: false, id: UNKNOWN_FRAME_ID, message: expect.stringMatching(/^frame: /) });
    }
  });

  it('keeps refusal messages short whatever the client sent', () => {
    const r = parseFrame(`{"id":1,"channel":"x","${'k'.repeat(900)}":1}`, LIMITS);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message.length).toBeLessThanOrEqual(301);
  });
});
