// Attack class: the Import page's upload channels and what is dropped on the page. Files reach main
// as Base64 chunks in upload sessions (import:begin/upload/discard) and are read by the import:
// sessions must not see each other's files; chunks must append in order within the budgets; file
// names are labels that cannot break lines or name paths; archives are read in memory within
// budgets (bombs, floods, traversal names); signed files whose content cannot be extracted and XML
// with DOCTYPE or entities are refused by name; sessions expire. Everything goes through the real
// router and App (worker process, SQLite) except the expiry clock, which is injected.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { DEFAULT_BUDGET, expandSources } from '../../src-main/core/import/import-sources';
import { writeZip } from '../../src-main/core/import/testing/zip-writer';
import { UploadSessions } from '../../src-main/core/import/upload-sessions';
import { createAppRouter } from '../../src-main/ipc/create-app-router';
import { IMPORT_UPLOAD_LIMITS } from '../../src-main/ipc/handlers/import-handlers';
import type { IpcRouter } from '../../src-main/ipc/ipc-router';
import { IMPORT_CHUNK_BYTES, IMPORT_SESSION_BYTES, importSummaryCsv, type ImportSummary } from '../../src-preload/contract/import-channels';
import type { IpcResult } from '../../src-preload/contract/result';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/fatturapa');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

let dir: string;
let app: App;
let router: IpcRouter;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-import-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: '0.0.0-test' });
});

afterAll(async () => {
  router.dispose();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const invoke = (channel: string, args: unknown) => router.invoke(channel, args);

async function ok<T>(channel: string, args: unknown): Promise<T> {
  const r = await invoke(channel, args);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

function refused(r: IpcResult<unknown>): { code: string; message: string } {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  return r.ok ? { code: '', message: '' } : r.error;
}

async function begin(): Promise<string> {
  return (await ok<{ sessionId: string }>('import:begin', {})).sessionId;
}

async function upload(sessionId: string, name: string, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < Math.max(bytes.length, 1); offset += IMPORT_CHUNK_BYTES) {
    await ok('import:upload', { sessionId, name, offset, data: bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES).toString('base64') });
  }
}

/** Uploads `files` in a new session and runs the dry run; the session is discarded after. */
async function analyze(files: { name: string; bytes: Buffer }[]): Promise<ImportSummary | { code: string; message: string }> {
  const sessionId = await begin();
  try {
    for (const f of files) await upload(sessionId, f.name, f.bytes);
    const r = await invoke('import:analyze', { sessionId, kind: 'fatturapa' });
    return r.ok ? (r.value as ImportSummary) : r.error;
  } finally {
    await ok('import:discard', { sessionId });
  }
}

function summaryOf(x: ImportSummary | { code: string; message: string }): ImportSummary {
  if (!('items' in x)) throw new Error(`expected a summary, got ${x.code} ${x.message}`);
  return x;
}

/** Every file under the data folder (nothing an import reads may land on disk). */
function filesOnDisk(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A public sample with two invoices (two FatturaElettronicaBody). */
const SAMPLE = fixture('IT02182030391_32.xml');
const SAMPLE_BODIES = 2;

describe('import uploads: sessions', () => {
  securityCase('import upload: one session cannot read, import or append to another session\'s files', async (check) => {
    const a = await begin();
    const b = await begin();
    const secret = Buffer.from('client,issue_date,total\nSegreto Srl,2024-01-10,999.00\n');
    await upload(a, 'segreto.csv', secret);
    await upload(a, 'fattura.xml', SAMPLE);
    const preview = refused(await invoke('import:csvPreview', { sessionId: b, file: 'segreto.csv' }));
    expect(preview).toMatchObject({ code: 'NOT_FOUND', message: 'file: no file segreto.csv in this upload' });
    expect(refused(await invoke('import:analyze', { sessionId: b, kind: 'csv', file: 'segreto.csv' })).message).toMatch(/^file: no CSV file segreto\.csv in this upload/);
    expect(refused(await invoke('import:analyze', { sessionId: b, kind: 'fatturapa' })).message).toBe('files: no .xml, .p7m or .zip file was added');
    // Appending to "the same" name in B starts a file of B's own at 0; A's length is not an offset B can use.
    expect(refused(await invoke('import:upload', { sessionId: b, name: 'segreto.csv', offset: secret.length, data: 'AAAA' })).message).toBe(`offset: expected 0 for segreto.csv (chunks are appended in order), got ${secret.length}`);
    // A guessed id is not a session; ids are 128 random bits.
    const guess = crypto.randomBytes(16).toString('hex');
    expect(refused(await invoke('import:csvPreview', { sessionId: guess, file: 'segreto.csv' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(refused(await invoke('import:csvPreview', { sessionId: a.replace(/.$/, (c) => (c === '0' ? '1' : '0')), file: 'segreto.csv' }))).toMatchObject({ code: 'NOT_FOUND' });
    const mine = await ok<{ rows: string[][] }>('import:csvPreview', { sessionId: a, file: 'segreto.csv' });
    expect(mine.rows).toEqual([['Segreto Srl', '2024-01-10', '999.00']]);
    // A discarded session is gone for everyone, its owner included.
    await ok('import:discard', { sessionId: a });
    expect(refused(await invoke('import:csvPreview', { sessionId: a, file: 'segreto.csv' }))).toMatchObject({ code: 'NOT_FOUND' });
    await ok('import:discard', { sessionId: b });
    check('session B: csvPreview/analyze of A\'s files → NOT_FOUND / BAD_INPUT, append at A\'s offset refused; a guessed id and a one-digit change of A\'s id → NOT_FOUND; discarded → NOT_FOUND');
  });

  securityCase('import upload: chunks out of order, overlapping, repeated or beyond the budget are refused, leaving the file as it was', async (check) => {
    const s = await begin();
    const first = Buffer.from('client,issue_date,total\n');
    const second = Buffer.from('Rossi,2024-01-10,10.00\n');
    await ok('import:upload', { sessionId: s, name: 'a.csv', offset: 0, data: first.toString('base64') });
    const attempts: [string, unknown, RegExp][] = [
      ['a gap', { offset: first.length + 10, data: second.toString('base64') }, /^offset: expected 24 for a\.csv/],
      ['an overlap', { offset: 5, data: second.toString('base64') }, /^offset: expected 24 for a\.csv/],
      ['a repeat of the first chunk', { offset: 0, data: first.toString('base64') }, /^offset: expected 24 for a\.csv/],
      ['a negative offset', { offset: -1, data: 'AAAA' }, /offset/],
      ['a fractional offset', { offset: 1.5, data: 'AAAA' }, /offset/],
      ['an offset past the session budget', { offset: IMPORT_SESSION_BYTES + 1, data: 'AAAA' }, /offset/],
      ['a chunk larger than the chunk size', { offset: first.length, data: Buffer.alloc(IMPORT_CHUNK_BYTES + 3).toString('base64') }, /data/],
      ['data that is not Base64', { offset: first.length, data: 'not base64!' }, /data: expected Base64/],
    ];
    for (const [what, args, message] of attempts) {
      const e = refused(await invoke('import:upload', { sessionId: s, name: 'a.csv', ...(args as object) }));
      expect(e.code, what).toBe('BAD_INPUT');
      expect(e.message, what).toMatch(message);
    }
    await ok('import:upload', { sessionId: s, name: 'a.csv', offset: first.length, data: second.toString('base64') });
    expect((await ok<{ rows: string[][] }>('import:csvPreview', { sessionId: s, file: 'a.csv' })).rows).toEqual([['Rossi', '2024-01-10', '10.00']]);
    await ok('import:discard', { sessionId: s });
    check(`${attempts.length} bad chunks (gap, overlap, repeat, negative/fractional/over-budget offset, oversize, non-Base64) → BAD_INPUT; the file still reads as its 2 good chunks`);
  });

  securityCase('import upload: a session\'s bytes, all sessions\' bytes, files per session and sessions at a time are capped', async (check) => {
    // The router's own limits are checked where they can be cheaply: sessions at a time.
    const ids: string[] = [];
    for (let i = 0; i < IMPORT_UPLOAD_LIMITS.maxSessions; i++) ids.push(await begin());
    expect(refused(await invoke('import:begin', {}))).toMatchObject({ code: 'BUSY' });
    for (const id of ids) await ok('import:discard', { sessionId: id });
    expect(IMPORT_UPLOAD_LIMITS.sessionBytes).toBe(IMPORT_SESSION_BYTES);
    // The byte and file budgets, on the same class with small limits (the router's are 512 MiB a session).
    const up = new UploadSessions({ ...IMPORT_UPLOAD_LIMITS, sessionBytes: 1000, totalBytes: 1500, maxFiles: 3, chunkBytes: 400 });
    try {
      const a = up.begin();
      const b = up.begin();
      const kib = Buffer.alloc(400, 1);
      up.append(a.id, 'x.xml', 0, kib);
      up.append(a.id, 'x.xml', 400, kib);
      expect(() => up.append(a.id, 'x.xml', 800, kib)).toThrow(/^data: more than 1000 bytes in one import$/);
      up.append(b.id, 'y.xml', 0, kib);
      // 800 + 400 held; 400 more would pass B's own budget but not the total.
      expect(() => up.append(b.id, 'y.xml', 400, kib)).toThrow(/uploads in progress hold 1500 bytes/);
      expect(() => up.append(b.id, 'y.xml', 400, Buffer.alloc(401))).toThrow(/at most 400 bytes per call/);
      up.append(b.id, 'z1.xml', 0, Buffer.alloc(1));
      up.append(b.id, 'z2.xml', 0, Buffer.alloc(1));
      expect(() => up.append(b.id, 'z3.xml', 0, Buffer.alloc(1))).toThrow(/^name: at most 3 files in one import$/);
      expect(up.stats()).toEqual({ sessions: 2, bytes: 1202 });
    } finally {
      up.dispose();
    }
    check(`${IMPORT_UPLOAD_LIMITS.maxSessions + 1}th session → BUSY; per-session bytes, all-session bytes, chunk size and files per session each refused at their limit (1000 B, 1500 B, 400 B, 3 files here; ${IMPORT_SESSION_BYTES} B a session in the app)`);
  });

  securityCase('import upload: idle sessions expire on a timer and their bytes are released; a running import keeps its session', async (check) => {
    let now = 0;
    const up = new UploadSessions({ ...IMPORT_UPLOAD_LIMITS, idleMs: 1000, sweepEveryMs: 10 }, () => now);
    try {
      const idle = up.begin();
      const busy = up.begin();
      up.append(idle.id, 'a.xml', 0, Buffer.alloc(300));
      up.append(busy.id, 'b.xml', 0, Buffer.alloc(200));
      busy.busy = true;
      expect(up.stats()).toEqual({ sessions: 2, bytes: 500 });
      now = 1001;
      // No call comes in: the timer alone sweeps.
      const t0 = Date.now();
      while (up.stats().sessions === 2 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
      expect(up.stats()).toEqual({ sessions: 1, bytes: 200 });
      expect(() => up.get(idle.id)).toThrow(/no upload session .* \(it may have expired; add the files again\)/);
      busy.busy = false;
      now = 2500;
      while (up.stats().sessions === 1 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
      expect(up.stats()).toEqual({ sessions: 0, bytes: 0 });
      up.begin();
      up.dispose();
      expect(up.stats()).toEqual({ sessions: 0, bytes: 0 });
    } finally {
      up.dispose();
    }
    expect(IMPORT_UPLOAD_LIMITS.idleMs).toBe(60 * 60 * 1000);
    check('idle 1001 ms > 1000 ms → swept by the timer with no call (500 → 200 bytes held), the busy one kept until it finished; dispose drops the rest; the app expires uploads after 1 h idle');
  });

  securityCase('import upload: upload arguments of any shape (fast-check): typed refusals, and accepted chunks add up exactly', async (check) => {
    const runs = fuzzRuns(250);
    let cases = 0;
    let accepted = 0;
    const sessionId = await begin();
    const sizes = new Map<string, number>();
    const names = ['a.xml', 'b.csv', 'c.zip'];
    await fc.assert(
      fc.asyncProperty(
        // Valid values weigh more, so a good share of the calls are accepted and their sums checked.
        fc.oneof({ arbitrary: fc.constant(sessionId), weight: 6 }, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }), fc.string(), fc.integer(), fc.constant(null)),
        fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 6 }, fc.string({ maxLength: 300 }), fc.constantFrom('../x.xml', 'a/b.xml', 'x\\y.xml', '..', '.', 'a\nb.xml', 'fattura\u202ejmx.exe', '\u0000.xml', ''), fc.integer()),
        fc.oneof({ arbitrary: fc.constant('current'), weight: 6 }, fc.integer({ min: -10, max: 2000 }), fc.double(), fc.string()),
        fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('base64')), weight: 6 }, fc.string({ maxLength: 50 }), fc.constant(null)),
        async (sid, name, offsetArg, data) => {
          cases++;
          const current = typeof name === 'string' ? (sizes.get(name.trim()) ?? 0) : 0;
          const offset = offsetArg === 'current' ? current : offsetArg;
          const r = await invoke('import:upload', { sessionId: sid, name, offset, data });
          if (r.ok) {
            accepted++;
            const added = Buffer.from(data as string, 'base64').length;
            expect(sid).toBe(sessionId);
            expect(offset === current).toBe(true); // -0 is offset 0
            expect(r.value).toEqual({ name: (name as string).trim(), bytes: current + added });
            sizes.set((name as string).trim(), current + added);
          } else {
            expect(['BAD_INPUT', 'NOT_FOUND']).toContain(r.error.code);
            expect(r.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: runs },
    );
    await ok('import:discard', { sessionId });
    recordFuzz('import upload args', cases);
    expect(accepted).toBeGreaterThan(cases / 10);
    check(`${cases} generated (sessionId, name, offset, data) → ${accepted} accepted, each exactly at the file's length and adding its decoded bytes; the rest BAD_INPUT/NOT_FOUND, 0 throws, 0 INTERNAL`);
  });
});

describe('import uploads: names', () => {
  securityCase('import upload: hostile file names are refused; the accepted ones stay labels, never paths', async (check) => {
    const s = await begin();
    const hostile = ['../evil.xml', '..\\evil.xml', '/etc/passwd.xml', 'C:\\evil.xml', 'a/b.xml', '..', '.', '', '   ', 'evil\u0000.xml', 'line\nbreak.xml', 'cr\rfeed.xml', 'esc\u001b[31m.xml', 'fattura\u202eLMX.exe', 'rtl\u2067.xml', 'x'.repeat(256) + '.xml'];
    for (const name of hostile) {
      const e = refused(await invoke('import:upload', { sessionId: s, name, offset: 0, data: 'AAAA' }));
      expect(e.code, JSON.stringify(name)).toBe('BAD_INPUT');
      expect(e.message, JSON.stringify(name)).toMatch(/^name: /);
    }
    const before = filesOnDisk();
    // Odd but harmless names are labels: nothing is written under them, anywhere.
    const odd = ['..fattura.xml', 'fattura (1).xml', 'fattùra €.xml', '=HYPERLINK("x").xml', 'CON.xml'];
    for (const name of odd) await upload(s, name, SAMPLE);
    const summary = summaryOf(await (async () => {
      const r = await invoke('import:analyze', { sessionId: s, kind: 'fatturapa' });
      return r.ok ? (r.value as ImportSummary) : r.error;
    })());
    expect(summary.documents).toBe(odd.length * SAMPLE_BODIES);
    expect(filesOnDisk().filter((f) => !before.includes(f) && !/^(logs|\.vectors|\.cache)\/|openfatture\.db/.test(f))).toEqual([]);
    // In the downloadable summary a name that a spreadsheet would run as a formula is neutralised.
    const csv = importSummaryCsv({ items: [{ source: '=HYPERLINK("http://x").xml', ref: null, outcome: 'rejected', direction: null, reason: 'x', notes: [] }] });
    expect(csv.split('\n')[1]).toMatch(/^"'=HYPERLINK/);
    await ok('import:discard', { sessionId: s });
    check(`${hostile.length} hostile names (traversal, absolute, separators, NUL/CR/LF/ESC, bidi overrides, 260 chars, blank) → BAD_INPUT naming "name"; ${odd.length} odd names imported as labels with no file created; formula names neutralised in the CSV`);
  });
});

describe('import uploads: archives dropped on the page', () => {
  /** A zip whose headers declare `declared` bytes for the first entry while it inflates to more. */
  function lyingZip(name: string, real: Buffer, declared: number): Buffer {
    const zip = writeZip([{ name, data: real }]);
    zip.writeUInt32LE(declared, 22); // local header: uncompressed size
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(declared, central + 24); // central directory: uncompressed size
    return zip;
  }

  securityCase('import upload: zip bombs are stopped while inflating, by name, within the entry budget', async (check) => {
    const zeros = Buffer.alloc(DEFAULT_BUDGET.maxEntryBytes + 1024 * 1024);
    const honest = writeZip([{ name: 'bomb.xml', data: zeros }]);
    const liar = lyingZip('small.xml', zeros, 1000);
    const nested = writeZip([{ name: 'l1.zip', data: writeZip([{ name: 'l2.zip', data: writeZip([{ name: 'deep.xml', data: SAMPLE }]) }]) }]);
    const s = summaryOf(await analyze([
      { name: 'honest-bomb.zip', bytes: honest },
      { name: 'lying-bomb.zip', bytes: liar },
      { name: 'nested.zip', bytes: nested },
    ]));
    const reason = (source: string) => s.items.find((i) => i.source === source)?.reason ?? `(no item ${source}: ${s.items.map((i) => i.source).join(', ')})`;
    expect(reason('honest-bomb.zip › bomb.xml')).toBe(`larger than ${DEFAULT_BUDGET.maxEntryBytes} bytes uncompressed`);
    expect(reason('lying-bomb.zip › small.xml')).toMatch(/^cannot be read from the archive \(too many bytes in the stream/);
    expect(reason('nested.zip › l1.zip › l2.zip')).toBe(`archive nested more than ${DEFAULT_BUDGET.maxDepth} levels deep`);
    expect(s.documents).toBe(0);
    // The total budget across entries (1 GiB in the app) stops a flood of entries each under the entry cap.
    const flood = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `part-${i}.xml`, data: Buffer.alloc(400_000) })));
    const run = async () => {
      for await (const e of expandSources([{ kind: 'file', name: 'flood.zip', bytes: flood }], { ...DEFAULT_BUDGET, maxTotalBytes: 1_000_000 })) void e;
    };
    await expect(run()).rejects.toThrow('flood.zip: more than 1000000 bytes in total — stopped (is it a zip bomb?)');
    check(`${(honest.length / 1024).toFixed(0)} KiB zip inflating to ${(zeros.length / 2 ** 20).toFixed(0)} MiB → refused at the ${DEFAULT_BUDGET.maxEntryBytes / 2 ** 20} MiB entry cap; an entry declaring 1000 B → stopped at the declared size; 3-deep nesting refused; total budget stops 5×400 kB at 1 MB`);
  });

  securityCase('import upload: an entry flood stops at the entry budget and path-traversal names are refused, nothing extracted', async (check) => {
    const before = filesOnDisk();
    const traversal = writeZip([
      { name: '../../evil.xml', data: SAMPLE },
      { name: '/etc/evil.xml', data: SAMPLE },
      { name: 'a/../../evil.xml', data: SAMPLE },
      // yauzl reads backslashes as the separators they are on Windows: "C:/evil.xml".
      { name: 'C:\\evil.xml', data: SAMPLE },
      { name: 'line\nbreak.xml', data: SAMPLE },
      { name: 'ok/fattura.xml', data: SAMPLE },
    ]);
    const s = summaryOf(await analyze([{ name: 'traversal.zip', bytes: traversal }]));
    const rejected = s.items.filter((i) => i.outcome === 'rejected');
    expect(rejected.map((i) => i.source).sort()).toEqual(['traversal.zip › ../../evil.xml', 'traversal.zip › /etc/evil.xml', 'traversal.zip › C:/evil.xml', 'traversal.zip › a/../../evil.xml', 'traversal.zip › line\\u{a}break.xml'].sort());
    for (const r of rejected) expect(r.reason).toMatch(/^unsafe name in the archive/);
    expect(s.documents).toBe(SAMPLE_BODIES);
    expect(filesOnDisk().some((f) => f.includes('evil'))).toBe(false);
    expect(fs.existsSync(path.resolve(dir, '../../evil.xml'))).toBe(false);
    expect(before.filter((f) => f.includes('evil'))).toEqual([]);

    // A zip holds at most 65,535 entries without ZIP64: two inner archives of half the budget plus one
    // each share the one entry budget of the drop.
    const half = DEFAULT_BUDGET.maxEntries / 2 + 1;
    const entries = 2 * half;
    const inner = (k: number) => writeZip(Array.from({ length: half }, (_, i) => ({ name: `${k}-${i}.txt`, data: '', store: true })));
    const flood = writeZip([{ name: 'a.zip', data: inner(1), store: true }, { name: 'b.zip', data: inner(2), store: true }]);
    const t0 = performance.now();
    const e = await analyze([{ name: 'flood.zip', bytes: flood }]);
    const seconds = (performance.now() - t0) / 1000;
    expect(e).toMatchObject({ code: 'BAD_INPUT', message: `flood.zip › b.zip: more than ${DEFAULT_BUDGET.maxEntries} files — stopped` });
    check(`5 traversal/absolute/drive/control names refused by name, 1 good entry read, no file on disk; ${entries} entries (${(flood.length / 2 ** 20).toFixed(1)} MiB) stopped at ${DEFAULT_BUDGET.maxEntries} in ${seconds.toFixed(1)} s`);
  });
});

describe('import uploads: signed and XML content', () => {
  securityCase('import upload: a .p7m whose content cannot be extracted is rejected by name with the reason', async (check) => {
    const der = fixture('IT02182030391_31.xml.p7m');
    const info = pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer);
    const signed = new pkijs.SignedData({ schema: info.content });
    signed.encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: signed.encapContentInfo.eContentType });
    const detached = Buffer.from(new pkijs.ContentInfo({ contentType: info.contentType, content: signed.toSchema(true) }).toSchema().toBER());
    const altered = Buffer.from(der);
    const at = altered.indexOf(Buffer.from('<Numero>'));
    altered[at + 8] = altered[at + 8] === 0x32 ? 0x33 : 0x32;
    const files = [
      { name: 'random.xml.p7m', bytes: crypto.randomBytes(4096) },
      { name: 'truncated.xml.p7m', bytes: der.subarray(0, Math.floor(der.length / 2)) },
      { name: 'detached.xml.p7m', bytes: detached },
      { name: 'altered.xml.p7m', bytes: altered },
      { name: 'base64-garbage.xml.p7m', bytes: Buffer.from(crypto.randomBytes(3000).toString('base64')) },
      { name: 'empty.xml.p7m', bytes: Buffer.alloc(0) },
    ];
    const s = summaryOf(await analyze(files));
    const reasons = Object.fromEntries(s.items.map((i) => [i.source, `${i.outcome}: ${i.reason}`]));
    expect(reasons).toEqual({
      'random.xml.p7m': 'rejected: is neither a DER nor a Base64 signed file (.p7m)',
      'truncated.xml.p7m': expect.stringMatching(/^rejected: the signed envelope cannot be read/),
      'detached.xml.p7m': 'rejected: the signature is detached: the file does not contain the signed invoice',
      'altered.xml.p7m': "rejected: the signed content does not match the signature's sha256 digest: the invoice was altered after signing",
      'base64-garbage.xml.p7m': 'rejected: is neither a DER nor a Base64 signed file (.p7m)',
      'empty.xml.p7m': 'rejected: is empty',
    });
    check(`${files.length} unreadable .p7m (random, truncated, detached, altered after signing, Base64 garbage, empty) → each rejected under its own name with its reason`);
  });

  securityCase('import upload: XML with a DOCTYPE or entities is refused: no entity expansion, no external entity read', async (check) => {
    const secretFile = path.join(dir, 'secret.txt');
    fs.writeFileSync(secretFile, 'TOP-SECRET-CONTENT');
    const xml = SAMPLE.toString('utf8');
    const withDoctype = (doctype: string, numero: string) => xml.replace('<p:FatturaElettronica', `${doctype}\n<p:FatturaElettronica`).replace('<Numero>3</Numero>', `<Numero>${numero}</Numero>`);
    const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`;
    const cases = [
      { name: 'billion-laughs.xml', bytes: Buffer.from(withDoctype(laughs, '&lol9;')) },
      { name: 'xxe-file.xml', bytes: Buffer.from(withDoctype(`<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://${secretFile}">]>`, '&xxe;')) },
      { name: 'xxe-parameter.xml', bytes: Buffer.from(withDoctype(`<!DOCTYPE x [<!ENTITY % p SYSTEM "file://${secretFile}"> %p;]>`, '3')) },
      { name: 'internal-entity.xml', bytes: Buffer.from(withDoctype('<!DOCTYPE x [<!ENTITY n "3">]>', '&n;')) },
      { name: 'doctype-only.xml', bytes: Buffer.from(withDoctype('<!DOCTYPE p:FatturaElettronica SYSTEM "http://127.0.0.1:9/x.dtd">', '3')) },
      { name: 'utf16-laughs.xml', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(withDoctype(laughs, '&lol9;').replace('encoding="utf-8"', 'encoding="utf-16"'), 'utf16le')]) },
    ];
    const zipped = writeZip([{ name: 'inner/laughs.xml', data: cases[0]!.bytes }]);
    const t0 = performance.now();
    const s = summaryOf(await analyze([...cases, { name: 'laughs.zip', bytes: zipped }]));
    const seconds = (performance.now() - t0) / 1000;
    const expected = [...cases.map((c) => c.name), 'laughs.zip › inner/laughs.xml'];
    expect(s.items.map((i) => i.source).sort()).toEqual(expected.sort());
    for (const i of s.items) expect(`${i.source}: ${i.outcome} ${i.reason}`).toBe(`${i.source}: rejected contains a DOCTYPE or ENTITY declaration, which FatturaPA does not allow`);
    // The same reason with its code, which the page says in the UI's language.
    for (const i of s.items) expect(i.reasonMessage).toEqual({ code: 'xml-doctype', params: {} });
    expect(JSON.stringify(s)).not.toContain('TOP-SECRET');
    expect(s.documents).toBe(0);
    check(`${expected.length} files (billion laughs plain, UTF-16 and zipped; file and parameter XXE; internal entity; external DTD) → rejected by name in ${(seconds * 1000).toFixed(0)} ms, the secret file's content nowhere in the answer`);
  });
});
