// Attack class: hostile traffic on the browser host's WebSocket, and its access token leaking. Every
// case talks to a real `serveApp` host (real App, SQLite with demo data) over real sockets on
// 127.0.0.1: frames of any shape and size are answered and the host keeps serving; a flooding
// connection cannot starve another one; a closed connection's queued work never runs; and
// `serve --open` keeps the token off every command line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import WebSocket from 'ws';
import { loadSettings } from '../../src-main/core/config/load';
import { generateDemo } from '../../src-main/core/demo/generate-demo';
import { DEFAULT_HOST_LIMITS } from '../../src-main/server/host-limits';
import { serveApp, type RunningServe } from '../../src-main/server/serve-app';
import { MAX_FRAME_BYTES, MAX_FRAME_DEPTH, UNKNOWN_FRAME_ID } from '../../src-preload/contract/bridge-api';
import type { IpcResult } from '../../src-preload/contract/result';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'bin/openfatture.js');

let dir: string;
let running: RunningServe;
let origin: string;

interface Reply {
  id: number;
  result: IpcResult<unknown>;
}

/** A client socket that keeps every response (frames with an id) in arrival order; pushes are ignored. */
class Client {
  readonly replies: Reply[] = [];
  private read = 0;
  private readonly waiting: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  onReply: ((r: Reply) => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Partial<Reply> & { event?: string };
      if (typeof msg.id !== 'number') return;
      const reply = msg as Reply;
      this.replies.push(reply);
      this.onReply?.(reply);
      for (const w of this.waiting.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${running.server.token}`, { headers: { Origin: origin }, maxPayload: 64 * 1024 * 1024 });
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next response not read yet (responses to one request at a time arrive in order). */
  async next(timeoutMs = 60_000): Promise<Reply> {
    const t0 = Date.now();
    while (this.read >= this.replies.length) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies[this.read++]!;
  }

  async request(frame: unknown, binary = false): Promise<Reply> {
    this.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame), binary);
    return this.next();
  }

  close(): void {
    this.ws.close();
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function errorOf(r: Reply): { code: string; message: string } {
  if (r.result.ok) throw new Error(`expected an error, got ok for id ${r.id}`);
  return r.result.error;
}

/** The host still answers a plain request on a fresh socket. */
async function stillServing(): Promise<void> {
  const c = await Client.open();
  try {
    const r = await c.request({ id: 1, channel: 'status:get', args: {} });
    expect(r.result.ok).toBe(true);
  } finally {
    c.close();
  }
}

function feedbackRows(): number {
  return (running.app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM user_feedback').get() as { n: number }).n;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-host-'));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>OpenFatture</title>');
  const settings = loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: path.join(dir, 'data') } });
  running = await serveApp({ settings, version: '0.0.0-test', port: 0, staticDir, consoleLevel: 'silent' });
  generateDemo(running.app.database.sqlite, { clients: 20, invoices: 600, seed: 11 });
  origin = `http://127.0.0.1:${running.server.port}`;
});

afterAll(async () => {
  await running?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser host: frames of any shape', () => {
  securityCase('browser host: the reproduction frame {"id":1,"channel":{"toString":1},"args":{}}', async (check) => {
    const c = await Client.open();
    try {
      const r = await c.request('{"id":1,"channel":{"toString":1},"args":{}}');
      expect(r.id).toBe(1);
      expect(errorOf(r)).toEqual({ code: 'BAD_FRAME', message: expect.stringContaining('frame.channel: expected a channel name (string)') });
      const after = await c.request({ id: 2, channel: 'status:get', args: {} });
      expect(after.result.ok).toBe(true);
      check(`answered BAD_FRAME with id 1 naming frame.channel; the same socket's next status:get is ok`);
    } finally {
      c.close();
    }
  });

  securityCase('browser host: binary, non-JSON and wrongly shaped frames', async (check) => {
    const c = await Client.open();
    try {
      const binary = await c.request(Buffer.from('{"id":3,"channel":"status:get"}'), true);
      expect(binary.id).toBe(3);
      expect(errorOf(binary)).toMatchObject({ code: 'BAD_FRAME', message: expect.stringContaining('binary frames are not accepted') });
      const text = await c.request('this is not json');
      expect(text.id).toBe(UNKNOWN_FRAME_ID);
      expect(errorOf(text)).toMatchObject({ code: 'BAD_FRAME', message: expect.stringContaining('not valid JSON') });
      const shapes: [string, number, string][] = [
        ['[1,2,3]', UNKNOWN_FRAME_ID, 'frame: Expected object'],
        ['{"id":4.5,"channel":"status:get"}', UNKNOWN_FRAME_ID, 'frame.id: expected a whole number'],
        ['{"id":5,"channel":12}', 5, 'frame.channel: expected a channel name'],
        ['{"id":6,"channel":["status:get"]}', 6, 'frame.channel: expected a channel name'],
        ['{"id":7,"channel":"status:get","__proto__":{"admin":true}}', 7, '__proto__'],
      ];
      for (const [frame, id, message] of shapes) {
        const r = await c.request(frame);
        expect(r.id).toBe(id);
        expect(errorOf(r)).toMatchObject({ code: 'BAD_FRAME', message: expect.stringContaining(message) });
      }
      const args = await c.request({ id: 8, channel: 'invoices:list', args: { limit: 'many' } });
      expect(errorOf(args)).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('limit: ') });
      // An unknown key of 500,000 characters is named, but not echoed whole.
      const longKey = errorOf(await c.request({ id: 9, channel: 'invoices:list', args: { ['k'.repeat(500_000)]: 1 } }));
      expect(longKey.code).toBe('BAD_INPUT');
      expect(longKey.message).toMatch(/^args: Unrecognized key\(s\) in object: 'kkk.*… \(\d+ more characters\)$/);
      expect(longKey.message.length).toBeLessThan(1100);
      check(`binary frame, non-JSON text and ${shapes.length} wrong shapes → BAD_FRAME naming the part at fault (ids echoed when readable); bad args → BAD_INPUT naming limit; a 500,000-character unknown key → a ${longKey.message.length}-character BAD_INPUT`);
    } finally {
      c.close();
    }
  });

  securityCase('browser host: any frame (fast-check) over a real socket is answered; the host keeps serving', async (check) => {
    const SAFE_CHANNELS = ['status:get', 'settings:get', 'invoices:list', 'clients:list', 'products:list', 'feedback:stats', 'index:status', 'models:status'];
    const hostile = fc.constantFrom<unknown>({ toString: 1 }, { valueOf: 1, toString: 1 }, { constructor: { prototype: 1 } }, [], [1, 'a'], 1e308, -1, 3.5, 2 ** 53, true, null, '', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'STATUS:GET');
    const big = 'x'.repeat(4 * 1024 * 1024);
    const frameObject = fc
      .record(
        {
          id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), hostile, fc.jsonValue()),
          channel: fc.oneof(fc.constantFrom(...SAFE_CHANNELS), fc.string(), hostile, fc.jsonValue()),
          args: fc.oneof(fc.jsonValue(), hostile, fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom<unknown>({}, { limit: 5 }, { search: 'Rossi' }, { limit: 1e9 })),
          extra: fc.jsonValue(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o));
    // Well-formed envelopes reach the router: any channel name, any arguments.
    const envelope = fc
      .record(
        {
          id: fc.nat(),
          channel: fc.oneof(fc.constantFrom(...SAFE_CHANNELS), fc.string(), fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'STATUS:GET', 'status:get ')),
          args: fc.oneof(fc.jsonValue(), hostile, fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom<unknown>({}, { limit: 5 }, { search: 'Rossi' }, { limit: 1e9 }, { offset: -1 })),
        },
        { requiredKeys: ['id', 'channel'] },
      )
      .map((o) => JSON.stringify(o));
    const rawFrames = fc.constantFrom(
      '{"id":1,"channel":"status:get","__proto__":{"polluted":1}}',
      '{"__proto__":{"id":1},"channel":"status:get"}',
      '{"id":1,"channel":"status:get","args":{"__proto__":{"limit":1}}}',
      '{"id":1,"channel":"invoices:list","args":{"constructor":{"prototype":{"x":1}}}}',
      '{"id":9007199254740993,"channel":"status:get"}',
      '{"id":1,"channel":"status:get"',
      '',
      'null',
    );
    const deep = fc
      .record({ depth: fc.integer({ min: 1, max: 6000 }), open: fc.constantFrom('[', '{"a":'), at: fc.constantFrom('args', 'channel', 'id') })
      .map(({ depth, open, at }) => {
        const nest = open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
        return at === 'args' ? `{"id":11,"channel":"invoices:list","args":${nest}}` : at === 'channel' ? `{"id":12,"channel":${nest}}` : `{"channel":"status:get","id":${nest}}`;
      });
    const huge = fc
      .record({ size: fc.constantFrom(MAX_FRAME_BYTES - 100, MAX_FRAME_BYTES + 1, 4 * 1024 * 1024), at: fc.constantFrom('search', 'channel', 'key') })
      .map(({ size, at }) => {
        const s = big.slice(0, size);
        return at === 'search' ? `{"id":13,"channel":"invoices:list","args":{"search":"${s}"}}` : at === 'channel' ? `{"id":14,"channel":"${s}"}` : `{"id":15,"channel":"status:get","args":{"${s}":1}}`;
      });
    const frames = fc.oneof(
      { arbitrary: envelope.map((data) => ({ data, binary: false })), weight: 6 },
      { arbitrary: frameObject.map((data) => ({ data, binary: false })), weight: 4 },
      { arbitrary: fc.json().map((data) => ({ data, binary: false })), weight: 3 },
      { arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((data) => ({ data, binary: false })), weight: 2 },
      { arbitrary: rawFrames.map((data) => ({ data, binary: false })), weight: 1 },
      { arbitrary: deep.map((data) => ({ data, binary: false })), weight: 2 },
      { arbitrary: huge.map((data) => ({ data, binary: false })), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ data: Buffer.from(bytes) as string | Buffer, binary: true })), weight: 1 },
    );

    const c = await Client.open();
    const codes = new Map<string, number>();
    let cases = 0;
    try {
      await fc.assert(
        fc.asyncProperty(frames, async ({ data, binary }) => {
          cases++;
          let validId: number | null = null;
          if (!binary) {
            try {
              const v = JSON.parse(data as string) as { id?: unknown } | null;
              if (v && typeof v === 'object' && !Array.isArray(v) && Number.isSafeInteger(v.id) && (v.id as number) >= 0) validId = v.id as number;
            } catch {
              /* not JSON: the answer carries no id */
            }
          }
          const r = await c.request(data, binary);
          expect([validId ?? UNKNOWN_FRAME_ID, UNKNOWN_FRAME_ID]).toContain(r.id);
          if (r.result.ok) {
            codes.set('ok', (codes.get('ok') ?? 0) + 1);
            return;
          }
          expect(typeof r.result.error.message).toBe('string');
          expect(r.result.error.message.length).toBeGreaterThan(0);
          expect(r.result.error.message.length).toBeLessThan(1100);
          expect(['BAD_FRAME', 'BAD_INPUT', 'UNKNOWN_CHANNEL']).toContain(r.result.error.code);
          codes.set(r.result.error.code, (codes.get(r.result.error.code) ?? 0) + 1);
        }),
        { numRuns: fuzzRuns(300) },
      );
      const after = await c.request({ id: 99, channel: 'status:get', args: {} });
      expect(after.result.ok).toBe(true);
    } finally {
      c.close();
    }
    await stillServing();
    expect(running.server.requestLoad.internalErrors).toBe(0);
    recordFuzz('browser host frames', cases);
    const tally = [...codes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ');
    check(`${cases} generated frames (objects, any JSON, text, binary, hostile keys, nesting to 6,000, strings to 4 MiB) each answered: ${tally}; 0 INTERNAL; the socket and a new one still served`);
  });

  securityCase('browser host: 5,000-deep nesting is refused before parsing', async (check) => {
    const c = await Client.open();
    try {
      const arrays = `{"id":21,"channel":"invoices:list","args":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const objects = `{"id":22,"channel":"status:get","args":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
      for (const [frame, id] of [[arrays, 21], [objects, 22]] as const) {
        const r = await c.request(frame);
        expect(r.id).toBe(id);
        expect(errorOf(r)).toEqual({ code: 'BAD_FRAME', message: expect.stringContaining(`nested more than ${MAX_FRAME_DEPTH} levels deep (level ${MAX_FRAME_DEPTH + 1} at character`) });
      }
      // Deep but within the budget, the frame reaches the schema: a clean BAD_INPUT.
      const within = await c.request(`{"id":23,"channel":"invoices:list","args":{"search":${'['.repeat(MAX_FRAME_DEPTH - 2)}${']'.repeat(MAX_FRAME_DEPTH - 2)}}}`);
      expect(errorOf(within)).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('search: ') });
      expect((await c.request({ id: 24, channel: 'status:get' })).result.ok).toBe(true);
      check(`5,000 nested arrays and 5,000 nested objects → BAD_FRAME naming the limit of ${MAX_FRAME_DEPTH} levels, ids echoed; ${MAX_FRAME_DEPTH}-deep → BAD_INPUT on search; socket still served`);
    } finally {
      c.close();
    }
  });

  securityCase('browser host: a 4 MiB string is answered unread; a frame over the socket limit closes only that socket', async (check) => {
    const c = await Client.open();
    try {
      const s = 'x'.repeat(4 * 1024 * 1024);
      const frame = `{"id":31,"channel":"invoices:list","args":{"search":"${s}"}}`;
      const t0 = performance.now();
      const r = await c.request(frame);
      const ms = performance.now() - t0;
      expect(r.id).toBe(31);
      expect(errorOf(r)).toEqual({ code: 'BAD_FRAME', message: `frame: ${Buffer.byteLength(frame)} bytes is over the limit of ${MAX_FRAME_BYTES} bytes; it was not read` });
      // Just under the budget, the frame is parsed and the schema names the field.
      const under = `{"id":32,"channel":"invoices:list","args":{"search":"${s.slice(0, MAX_FRAME_BYTES - 100)}"}}`;
      expect(errorOf(await c.request(under))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('search: ') });
      expect((await c.request({ id: 33, channel: 'status:get' })).result.ok).toBe(true);

      // Over maxPayloadBytes the socket itself refuses the frame (1009) before buffering it whole.
      const other = await Client.open();
      const flood = await Client.open();
      flood.send(`{"id":34,"channel":"status:get","args":{"s":"${'y'.repeat(DEFAULT_HOST_LIMITS.maxPayloadBytes)}"}}`);
      const closed = await flood.closed;
      expect(closed.code).toBe(1009);
      expect((await other.request({ id: 35, channel: 'status:get' })).result.ok).toBe(true);
      other.close();
      check(`4 MiB string → BAD_FRAME naming ${Buffer.byteLength(frame)} bytes and the ${MAX_FRAME_BYTES}-byte limit in ${ms.toFixed(0)} ms; ${MAX_FRAME_BYTES - 100}-char search → BAD_INPUT; a ${DEFAULT_HOST_LIMITS.maxPayloadBytes}-byte frame closes its socket with 1009 while another socket is served`);
    } finally {
      c.close();
    }
  });

  securityCase('browser host: invalid UTF-8 in a text frame closes that socket (1007); the host keeps serving', async (check) => {
    const c = await Client.open();
    // The ws client validates what it sends only for strings; raw bytes flagged as text pass through.
    c.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), false);
    expect((await c.closed).code).toBe(1007);
    await stillServing();
    check('a text frame with bytes FF FE → the socket is closed with 1007 (invalid payload); a new socket is served');
  });
});

describe('browser host: flood control', () => {
  securityCase('browser host: a flooding socket does not starve another one; beyond the queue limit it gets BUSY', async (check) => {
    const N = 1000;
    const { maxQueuedPerConnection } = DEFAULT_HOST_LIMITS;
    const flood = await Client.open();
    const probe = await Client.open();
    try {
      let floodOk = 0;
      const busy: Reply[] = [];
      flood.onReply = (r) => {
        if (r.result.ok) floodOk++;
        else if (r.result.error.code === 'BUSY') busy.push(r);
      };
      for (let i = 1; i <= N; i++) flood.send(`{"id":${i},"channel":"invoices:list","args":{"limit":100}}`);
      await until('the flood to be under way', () => floodOk >= 3);

      const probes: { ms: number; floodStartedMeanwhile: number; floodQueued: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const before = running.server.requestLoad;
        const t0 = performance.now();
        const r = await probe.request({ id: 100 + i, channel: 'status:get', args: {} });
        const ms = performance.now() - t0;
        expect(r.result.ok).toBe(true);
        const after = running.server.requestLoad;
        probes.push({ ms, floodStartedMeanwhile: after.started - before.started - 1, floodQueued: before.queued });
        expect(before.queued).toBeLessThanOrEqual(maxQueuedPerConnection);
      }
      const remainingAfterProbes = running.server.requestLoad.queued;
      await until(`all ${N} flood requests to be answered`, () => flood.replies.length === N, 300_000);

      // Every flood request got exactly one answer: its result or BUSY.
      expect(floodOk + busy.length).toBe(N);
      expect(new Set(flood.replies.map((r) => r.id)).size).toBe(N);
      expect(busy.length).toBeGreaterThan(0);
      expect(floodOk).toBeGreaterThanOrEqual(maxQueuedPerConnection);
      for (const b of busy) expect(errorOf(b).message).toContain(`(the limit is ${maxQueuedPerConnection})`);
      // The probes were served while the flood still had work queued, after at most a couple of flood requests each.
      expect(probes[0]!.floodQueued).toBeGreaterThan(50);
      expect(remainingAfterProbes).toBeGreaterThan(0);
      for (const p of probes) expect(p.floodStartedMeanwhile).toBeLessThanOrEqual(3);
      for (const p of probes) expect(p.ms).toBeLessThan(10_000);
      check(
        `${N} invoices:list on one socket: ${floodOk} answered, ${busy.length} BUSY naming the limit of ${maxQueuedPerConnection}; 5 status:get on another socket answered in ` +
          `${probes.map((p) => p.ms.toFixed(0)).join('/')} ms with ${probes.map((p) => p.floodStartedMeanwhile).join('/')} flood requests started meanwhile ` +
          `(${probes[0]!.floodQueued} queued when the first was sent, ${remainingAfterProbes} still queued after the last)`,
      );
    } finally {
      flood.close();
      probe.close();
    }
  });

  securityCase('browser host: a socket that never reads its replies stops being served at its unsent-reply budget', async (check) => {
    const N = 200;
    const reader = await Client.open();
    const stalled = await Client.open();
    // Stop reading at the TCP level: the host's replies pile up in its send buffer.
    const tcp = (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    try {
      const started0 = running.server.requestLoad.started;
      for (let i = 1; i <= N; i++) stalled.send(`{"id":${i},"channel":"invoices:list","args":{"limit":1000}}`);
      // Wait until the host stops serving it: no request started for 1 s.
      let last = -1;
      let stableSince = Date.now();
      await until('the host to stop serving the stalled socket', () => {
        const now = running.server.requestLoad.started;
        if (now !== last) {
          last = now;
          stableSince = Date.now();
        }
        return Date.now() - stableSince > 1_000;
      });
      const servedWhileStalled = running.server.requestLoad.started - started0;
      const stillQueued = running.server.requestLoad.queued;
      expect(servedWhileStalled).toBeLessThan(N);
      expect(stillQueued).toBe(N - servedWhileStalled);
      const ok = await reader.request({ id: 1, channel: 'status:get', args: {} });
      expect(ok.result.ok).toBe(true);
      // Reading again, it gets every answer.
      tcp.resume();
      await until(`all ${N} answers after resuming`, () => stalled.replies.length === N);
      expect(stalled.replies.every((r) => r.result.ok)).toBe(true);
      check(`${N} invoices:list (limit 1000) on a socket that stopped reading: ${servedWhileStalled} run, ${stillQueued} held (unsent-reply budget ${DEFAULT_HOST_LIMITS.maxUnsentReplyBytes} bytes); another socket served meanwhile; all ${N} answered once it read again`);
    } finally {
      tcp.resume();
      reader.close();
      stalled.close();
    }
  });

  securityCase('browser host: the queued requests of a closed socket are dropped without running', async (check) => {
    const N = 200;
    const frame = (i: number) => JSON.stringify({ id: i, channel: 'feedback:submit', args: { agentType: 'chat', userInput: `question ${i}`, aiResponse: `answer ${i}`, thumb: 'up' } });

    // Control: on a socket that stays open, every request runs (one row each).
    const rows0 = feedbackRows();
    const open = await Client.open();
    for (let i = 1; i <= N; i++) open.send(frame(i));
    await until(`${N} answers`, () => open.replies.length === N);
    open.close();
    expect(open.replies.filter((r) => !r.result.ok).map((r) => errorOf(r))).toEqual([]);
    expect(feedbackRows() - rows0).toBe(N);

    // The same requests, then the socket closes at once: what was still queued never runs.
    const rows1 = feedbackRows();
    const dropped0 = running.server.requestLoad.dropped;
    const closing = await Client.open();
    for (let i = 1; i <= N; i++) closing.send(frame(i));
    closing.close();
    await closing.closed;
    await until('the closed socket to be forgotten with nothing queued or running', () => {
      const load = running.server.requestLoad;
      return load.connections === 0 && load.queued === 0 && load.inFlight === 0;
    });
    const ran = feedbackRows() - rows1;
    const dropped = running.server.requestLoad.dropped - dropped0;
    expect(ran + dropped).toBe(N);
    expect(dropped).toBeGreaterThanOrEqual(N - DEFAULT_HOST_LIMITS.maxInFlightPerConnection - 4);
    check(`control: ${N} feedback:submit on an open socket → ${N} rows; ${N} then close → ${ran} handler runs (rows written), ${dropped} dropped unrun`);
  });
});

describe('browser host: the access token', () => {
  const linux = process.platform === 'linux';

  /** Starts `openfatture serve --open` with a stand-in for the desktop's opener that records its command line. */
  async function serveOpen(dataDir: string, binDir: string, argvLog: string) {
    const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'serve', '--port', '0', '--open'], {
      env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, OPENER_ARGV_LOG: argvLog },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until('serve to print its URL and the opener to run', () => /OpenFatture is running at http:\/\/\S+/.test(out) && fs.existsSync(argvLog), 180_000);
    const url = /OpenFatture is running at (http:\/\/\S+)/.exec(out)![1]!;
    return {
      url,
      output: () => out,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
  }

  securityCase('browser host: serve --open keeps the token off the command line (0600 redirect page, removed after use and at close)', async (check) => {
    if (!linux) {
      check('skipped: the opener stand-in is a POSIX shell script named xdg-open (Linux)');
      return;
    }
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-open-'));
    try {
      const binDir = path.join(base, 'bin');
      fs.mkdirSync(binDir);
      // The desktop's opener, as a script that records the command line it was given (complete when
      // the log appears: written beside it, then renamed).
      fs.writeFileSync(path.join(binDir, 'xdg-open'), '#!/bin/sh\nprintf "%s\\n" "$0" "$@" > "$OPENER_ARGV_LOG.tmp" && mv "$OPENER_ARGV_LOG.tmp" "$OPENER_ARGV_LOG"\n', { mode: 0o755 });
      const dataDir = path.join(base, 'data');
      const cacheDir = path.join(dataDir, '.cache');
      fs.mkdirSync(cacheDir, { recursive: true });
      const stale = path.join(cacheDir, 'open-browser-0000000000000000.html');
      fs.writeFileSync(stale, 'left behind by a killed host');

      // Run 1: the browser follows the redirect page.
      const log1 = path.join(base, 'argv1.txt');
      const run1 = await serveOpen(dataDir, binDir, log1);
      const token = new URL(run1.url).searchParams.get('token')!;
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      const argv = fs.readFileSync(log1, 'utf8').trim().split('\n');
      expect(argv.join(' ')).not.toContain(token);
      expect(argv).toHaveLength(2);
      const page = fileURLToPath(argv[1]!);
      expect(path.dirname(page)).toBe(path.resolve(cacheDir));
      expect(fs.statSync(page).mode & 0o777).toBe(0o600);
      const html = fs.readFileSync(page, 'utf8');
      expect(html).toContain(`content="0;url=${run1.url}"`);
      expect(fs.existsSync(stale)).toBe(false);
      const opened = await fetch(run1.url);
      expect(opened.status).toBe(200);
      await until('the redirect page to be removed once used', () => !fs.existsSync(page), 30_000);
      expect(await run1.stop()).toBe(0);

      // Run 2: nobody opens the page; it is removed when the host stops.
      const log2 = path.join(base, 'argv2.txt');
      const run2 = await serveOpen(dataDir, binDir, log2);
      const page2 = fileURLToPath(fs.readFileSync(log2, 'utf8').trim().split('\n')[1]!);
      expect(fs.existsSync(page2)).toBe(true);
      expect(await run2.stop()).toBe(0);
      expect(fs.existsSync(page2)).toBe(false);
      expect(fs.readdirSync(cacheDir).filter((n) => n.startsWith('open-browser-'))).toEqual([]);
      check(`opener's command line: "${argv.map((a) => path.basename(a)).join(' ')}" (no token); the page is 0600 in the data dir's .cache, redirects to the printed URL, is removed after the browser used it and, unused, at SIGTERM; a stale page from a killed host is removed at start`);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
