// Property-based: every IPC channel of the contract, called through the real router over a real App
// (SQLite in a temp data dir), with (1) arbitrary junk and (2) near-valid arguments — the channel's
// valid example with one field, at any depth, replaced, dropped, or an unknown key added. A rejected
// call is {ok:false, error:{code, message}} naming the field and changes no table and no setting; a
// call that happens to be valid answers {ok:true} or a clean service error that changes nothing;
// nothing throws out of the router and no promise rejection goes unhandled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { CHANNEL_NAMES, channels, type Channel } from '../../src-preload/contract/channels';
import { createAppRouter } from '../../src-main/ipc/create-app-router';
import type { IpcRouter } from '../../src-main/ipc/ipc-router';
import { EXAMPLE_ARGS, wrongValues } from '../../src-main/ipc/contract-probes';
import type { IpcResult } from '../../src-preload/contract/result';
import { fuzzRuns, recordFuzz } from './fuzz-counter';

/**
 * Channels whose valid call starts long work — training, full re-embedding, or loading the embedding
 * model (~20 s of CPU on a loaded machine, paid by the assistant's and search's own tests): only their
 * bad arguments are sent.
 */
const LONG_WORK: ReadonlySet<Channel> = new Set<Channel>(['models:retrain', 'index:reindex', 'assistant:ask', 'index:search']);

let dir: string;
let app: App;
let router: IpcRouter;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** Row counts of every table plus the settings store and live settings: what a rejected call must not change. */
function snapshot(a: App): Record<string, unknown> {
  const tables = a.database.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rag_fts_%' ORDER BY name")
    .all() as { name: string }[];
  const counts = Object.fromEntries(tables.map(({ name }) => [name, (a.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  const store = a.paths.settingsFile;
  return { counts, store: fs.existsSync(store) ? fs.readFileSync(store, 'utf8') : null, settings: JSON.stringify(a.settings) };
}

type Path = (string | number)[];

/** Every path to a value inside a valid example (object keys and array items, at any depth). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

const DROP = Symbol('drop');

/** A deep copy of `value` with the value at `p` replaced (or removed with DROP). */
function setAt(value: unknown, p: Path, replacement: unknown): unknown {
  if (!p.length) return replacement;
  const [head, ...rest] = p;
  if (Array.isArray(value)) {
    const arr = [...(value as unknown[])];
    if (!rest.length && replacement === DROP) arr.splice(head as number, 1);
    else arr[head as number] = setAt(arr[head as number], rest, replacement);
    return arr;
  }
  const obj: Record<string | number, unknown> = { ...(value as Record<string, unknown>) };
  if (!rest.length && replacement === DROP) delete obj[head!];
  else obj[head!] = setAt(obj[head!], rest, replacement);
  return obj;
}

/** Values a field may get: anything, the contract's known wrong values, and boundary junk. */
const fieldValue = fc.oneof(
  fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 2 }),
  fc.constantFrom<unknown>(
    '',
    ' ',
    '\u0000',
    '🙂'.repeat(300),
    'x'.repeat(70_000),
    -1,
    0,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    '2025-02-30',
    '2025-13-01',
    '01/02/2025',
    '1.0',
    '999.999.999',
    '__proto__',
    '{"a":1}',
    [],
    {},
    null,
    true,
    '; DROP TABLE invoices; --',
  ),
  fc.integer().map((n) => n * 1_000_003),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

const channelArb = fc.constantFrom(...CHANNEL_NAMES);

/** A near-valid argument object: the example with one thing corrupted. */
const nearValid = channelArb.chain((channel) => {
  const base = EXAMPLE_ARGS[channel] as Record<string, unknown>;
  const paths = pathsOf(base);
  const shape = (channels[channel].args as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const mutations: fc.Arbitrary<{ args: unknown; field: string }>[] = [
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in shape) && k !== '__proto__').map((k) => ({ args: { ...base, [k]: 1 }, field: k })),
  ];
  if (paths.length) {
    const pathArb = fc.constantFrom(...paths);
    mutations.push(pathArb.chain((p) => fieldValue.map((v) => ({ args: setAt(base, p, v), field: String(p[0]) }))));
    mutations.push(pathArb.map((p) => ({ args: setAt(base, p, DROP), field: String(p[0]) })));
    // The contract's own wrong values for each top-level field.
    const top = Object.entries(shape).flatMap(([k, t]) => wrongValues(t as never).map((v) => ({ args: { ...base, [k]: v }, field: k })));
    if (top.length) mutations.push(fc.constantFrom(...top));
  }
  return fc.oneof(...mutations).map((m) => ({ channel, ...m }));
});

/** A field-naming error message: "path: problem" (the zod path, or `args` for the whole object). */
const NAMES_A_FIELD = /^[\p{L}\w$-]+(\.[\p{L}\w$-]+)*: \S/u;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-ipc-fuzz-'));
  // Offline assistant; no background services so the only writes are the ones the calls make.
  const settings = loadSettings({ env: { OPENFATTURE_AI_PROVIDER: 'builtin' }, cwd: dir, flags: { DATA_DIR: dir } });
  app = await App.open({ settings, host: 'test', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: '0.0.0-fuzz' });
  // A client, an invoice with a payment and a feedback row, so the examples' ids exist and
  // "unchanged" is not trivially true for empty tables.
  const must = (r: IpcResult<unknown>) => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  };
  app.database.sqlite.prepare("INSERT INTO clients (denominazione, partita_iva) VALUES ('Rossi Srl', '01234567897')").run();
  must(await router.invoke('invoices:create', EXAMPLE_ARGS['invoices:create']));
  must(await router.invoke('payments:record', { invoiceId: 1, amountCents: 100, paidDate: '2025-03-10' }));
  must(await router.invoke('feedback:submit', { ...EXAMPLE_ARGS['feedback:submit'], context: { page: 'fuzz' } }));
}, 60_000);

afterAll(async () => {
  router.dispose();
  await app.close();
  process.off('unhandledRejection', onUnhandled);
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectCleanRejection(r: IpcResult<unknown>, field: string | null): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(typeof r.error.code).toBe('string');
  expect(r.error.code).toBe('BAD_INPUT');
  expect(r.error.message).toMatch(NAMES_A_FIELD);
  if (field !== null) expect(r.error.message).toContain(field);
}

describe('IPC fuzzing, every channel', () => {
  it('arbitrary junk arguments: BAD_INPUT naming a field, nothing changed', async () => {
    const runs = fuzzRuns(300);
    let cases = 0;
    const before = snapshot(app);
    await fc.assert(
      fc.asyncProperty(channelArb, fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), async (channel, junk) => {
        const parsed = channels[channel].args.safeParse(junk === undefined ? {} : junk);
        if (parsed.success) return; // junk that happens to be valid ({} for a no-argument channel) is covered below
        cases++;
        const r = await router.invoke(channel, junk);
        expectCleanRejection(r, null);
        expect(snapshot(app)).toEqual(before);
      }),
      { numRuns: runs },
    );
    expect(unhandled).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(Math.min(200, runs * 0.8));
    recordFuzz('ipc (junk arguments)', cases);
  }, 60_000);

  it('near-valid arguments: a rejection names the corrupted field and changes nothing; a valid call succeeds or fails cleanly', async () => {
    const runs = fuzzRuns(400);
    let cases = 0;
    let valid = 0;
    const perChannel = new Map<Channel, number>();
    await fc.assert(
      fc.asyncProperty(nearValid, async ({ channel, args, field }) => {
        const parsed = channels[channel].args.safeParse(args);
        if (parsed.success && LONG_WORK.has(channel)) return;
        cases++;
        perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
        const before = snapshot(app);
        const r = await router.invoke(channel, args);
        if (!parsed.success) {
          expectCleanRejection(r, field);
          expect(snapshot(app)).toEqual(before);
          return;
        }
        valid++;
        if (!r.ok) {
          // A well-formed request the service refuses (unknown id, no trained model…): a coded error
          // with a message, and nothing written.
          expect(r.error.code, r.error.message).not.toBe('INTERNAL');
          expect(r.error.message.length).toBeGreaterThan(0);
          if (r.error.code === 'BAD_INPUT') expect(r.error.message).toMatch(NAMES_A_FIELD);
          expect(snapshot(app)).toEqual(before);
        }
      }),
      // Each channel once for sure (an unknown key), then random draws: with ~60 channels, 400 draws alone miss one now and then.
      { numRuns: runs, examples: CHANNEL_NAMES.map((channel): [{ channel: Channel; args: unknown; field: string }] => [{ channel, args: { ...(EXAMPLE_ARGS[channel] as object), unknownKeyForCoverage: 1 }, field: 'unknownKeyForCoverage' }]) },
    );
    expect(unhandled).toEqual([]);
    // Every channel was reached (each has an example above; a missing one means a broken generator).
    expect(new Set(perChannel.keys())).toEqual(new Set(CHANNEL_NAMES));
    recordFuzz(`ipc (near-valid arguments, ${valid} valid)`, cases);
  }, 120_000);
});
