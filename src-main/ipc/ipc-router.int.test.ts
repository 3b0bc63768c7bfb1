// The router against a real App (SQLite in a temp data dir): every channel rejects malformed
// arguments with BAD_INPUT naming the field and changes nothing; settings change live and persist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../core/app';
import { loadSettings } from '../core/config/load';
import { CHANNEL_NAMES, channels } from '../../src-preload/contract/channels';
import { createAppRouter } from './create-app-router';
import type { IpcRouter } from './ipc-router';
import { probesFor } from './contract-probes';

let dir: string;
let app: App;
let router: IpcRouter;

function openApp(env: Record<string, string> = {}): Promise<App> {
  const settings = loadSettings({ env, cwd: dir, flags: { DATA_DIR: dir } });
  return App.open({ settings, host: 'test', consoleLevel: 'silent' });
}

/** Row counts of every table plus the settings store file: the "state" that must not change. */
function snapshot(a: App): Record<string, unknown> {
  const tables = a.database.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rag_fts_%' ORDER BY name")
    .all() as { name: string }[];
  const counts = Object.fromEntries(tables.map(({ name }) => [name, (a.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  const store = a.paths.settingsFile;
  return { counts, store: fs.existsSync(store) ? fs.readFileSync(store, 'utf8') : null, settings: JSON.stringify(a.settings) };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-ipc-'));
  app = await openApp();
  router = createAppRouter(app, { version: '0.0.0-test' });
  // Some data so "unchanged" is not trivially true for empty tables.
  app.database.sqlite.prepare("INSERT INTO clients (denominazione, partita_iva) VALUES ('Rossi Srl', '01234567897')").run();
});

afterAll(async () => {
  router.dispose();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('malformed arguments, every channel', () => {
  const table = CHANNEL_NAMES.flatMap((channel) => probesFor(channel).map((p) => ({ channel, ...p })));

  it('covers every channel of the contract', () => {
    expect(new Set(table.map((r) => r.channel))).toEqual(new Set(CHANNEL_NAMES));
    expect(table.length).toBeGreaterThan(CHANNEL_NAMES.length * 5);
  });

  it.each(table)('$channel rejects $name with BAD_INPUT naming $field', async ({ channel, args, field }) => {
    const before = snapshot(app);
    const result = await router.invoke(channel, args);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('BAD_INPUT');
    expect(result.error.message).toContain(field);
    expect(snapshot(app)).toEqual(before);
  });

  it('rejects unknown channels and non-string channel names', async () => {
    for (const name of ['nope:list', '', 42, null, '__proto__', 'constructor', 'toString']) {
      const r = await router.invoke(name, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('arbitrary junk never throws and never changes state (fast-check)', async () => {
    const before = snapshot(app);
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNEL_NAMES), fc.anything({ withObjectString: true, withNullPrototype: true }), async (channel, junk) => {
        // Junk that happens to be valid (e.g. {} for a no-argument channel; undefined means {}) is a
        // real request: skip it.
        fc.pre(!channels[channel].args.safeParse(junk === undefined ? {} : junk).success);
        const r = await router.invoke(channel, junk);
        rejected++;
        return !r.ok && r.error.code === 'BAD_INPUT' && r.error.message.length > 0;
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(200);
    expect(snapshot(app)).toEqual(before);
  });
});

describe('settings channels', () => {
  it('a good value is stored, applied live and announced', async () => {
    const pushed: string[][] = [];
    const off = router.onEvent((event, payload) => {
      if (event === 'settings:changed') pushed.push((payload as { keys: string[] }).keys);
    });
    const r = await router.invoke('settings:set', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: '20' });
    off();
    expect(r.ok).toBe(true);
    expect(app.settings.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(20);
    expect(pushed).toEqual([['RAG_AUTO_UPDATE_BATCH_SIZE']]);
    const snap = await router.invoke('settings:get', {});
    const row = snap.ok ? (snap.value as { settings: { key: string; value: unknown; source: string }[] }).settings.find((s) => s.key === 'RAG_AUTO_UPDATE_BATCH_SIZE') : null;
    expect(row).toMatchObject({ value: 20, source: 'store' });
    // Persisted: a fresh load of the same data dir sees it.
    expect(loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }).values.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(20);
  });

  it('a bad value names the field and the expectation, and is not saved', async () => {
    const before = snapshot(app);
    for (const value of ['abc', 0, 10_001, 2.5, true]) {
      const r = await router.invoke('settings:set', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('BAD_INPUT');
      expect(r.error.message).toMatch(/^value: OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE=.* expected an integer between 1 and 10000/);
    }
    const unknown = await router.invoke('settings:set', { key: 'NO_SUCH_SETTING', value: 1 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'key: unknown setting NO_SUCH_SETTING' } });
    expect(snapshot(app)).toEqual(before);
  });

  it('the payment matcher’s thresholds are validated like every setting and reach its triggers live', async () => {
    const before = snapshot(app);
    const bad: [string, unknown, RegExp][] = [
      ['BANK_MATCHER_MIN_NEW_ANSWERS', 0, /OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS=0 .*expected an integer between 1 and 1000000/],
      ['BANK_MATCHER_MIN_NEW_ANSWERS', 12.5, /OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS=12.5 .*expected an integer/],
      ['BANK_MATCHER_MAX_DAYS_SINCE_TRAINING', -1, /OPENFATTURE_BANK_MATCHER_MAX_DAYS_SINCE_TRAINING=-1 .*between 0 and 3650/],
      ['BANK_MATCHER_ACCURACY_DROP_THRESHOLD', 1.5, /OPENFATTURE_BANK_MATCHER_ACCURACY_DROP_THRESHOLD=1.5 .*between 0 and 1/],
      ['BANK_MATCHER_MIN_IMPROVEMENT', 'ten', /OPENFATTURE_BANK_MATCHER_MIN_IMPROVEMENT=ten .*expected a number between 0 and 1/],
    ];
    for (const [key, value, message] of bad) {
      const r = await router.invoke('settings:set', { key, value });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    expect(snapshot(app)).toEqual(before);

    expect(await router.invoke('settings:set', { key: 'BANK_MATCHER_MIN_NEW_ANSWERS', value: 7 })).toMatchObject({ ok: true });
    const status = await router.invoke('models:status', {});
    const cards = status.ok ? (status.value as { models: { name: string; triggers: { id: string; threshold: number }[] }[] }).models : [];
    const threshold = (model: string) => cards.find((c) => c.name === model)?.triggers.find((t) => t.id === 'min_feedback_count')?.threshold;
    expect(threshold('payment_matcher')).toBe(7);
    expect(threshold('cash_flow')).toBe(app.settings.ML_RETRAINING_MIN_FEEDBACK_COUNT);
    // The matcher serves its rule-based version 0 untrained and says how far its first training is; cash flow serves nothing untrained.
    const untrained = status.ok ? (status.value as { models: { name: string; servesUntrained: unknown }[] }).models.map((m) => [m.name, m.servesUntrained]) : [];
    expect(untrained).toEqual([
      ['cash_flow', null],
      ['payment_matcher', { examples: 0, needed: 30 }],
    ]);
    const snap = await router.invoke('settings:get', {});
    const groups = snap.ok ? (snap.value as { settings: { key: string; group: string }[] }).settings.filter((s) => s.group === 'bank').map((s) => s.key) : [];
    expect(groups).toEqual(['BANK_AUTO_ACCEPT_THRESHOLD', 'BANK_FEE_TOLERANCE_CENTS', 'BANK_MATCHER_MIN_NEW_ANSWERS', 'BANK_MATCHER_MAX_DAYS_SINCE_TRAINING', 'BANK_MATCHER_ACCURACY_DROP_THRESHOLD', 'BANK_MATCHER_MIN_IMPROVEMENT']);
    await router.invoke('settings:reset', { key: 'BANK_MATCHER_MIN_NEW_ANSWERS' });
  });

  it('reset returns a setting to its default', async () => {
    const r = await router.invoke('settings:reset', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE' });
    expect(r.ok).toBe(true);
    expect(app.settings.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(50);
    expect(app.options.settings.sources.RAG_AUTO_UPDATE_BATCH_SIZE).toBe('default');
  });

  it('a setting fixed by the environment is locked', async () => {
    const envDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-ipc-env-'));
    const settings = loadSettings({ env: { OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '2' }, cwd: envDir, flags: { DATA_DIR: envDir } });
    const app2 = await App.open({ settings, host: 'test', consoleLevel: 'silent' });
    const r2 = createAppRouter(app2, { version: 't' });
    try {
      const snap = await r2.invoke('settings:get', {});
      const row = snap.ok ? (snap.value as { settings: { key: string; locked: boolean; source: string }[] }).settings.find((s) => s.key === 'RAG_AUTO_UPDATE_DEBOUNCE_SECONDS') : null;
      expect(row).toMatchObject({ locked: true, source: 'env' });
      const r = await r2.invoke('settings:set', { key: 'RAG_AUTO_UPDATE_DEBOUNCE_SECONDS', value: 9 });
      expect(r).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      expect(app2.settings.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS).toBe(2);
    } finally {
      r2.dispose();
      await app2.close();
      fs.rmSync(envDir, { recursive: true, force: true });
    }
  });

  it('secrets are masked and the mask is never written back', async () => {
    await router.invoke('settings:set', { key: 'AI_API_KEY', value: 'sk-secret' });
    const snap = await router.invoke('settings:get', {});
    const row = snap.ok ? (snap.value as { settings: { key: string; value: unknown }[] }).settings.find((s) => s.key === 'AI_API_KEY') : null;
    expect(row?.value).toBe('••••••');
    await router.invoke('settings:set', { key: 'AI_API_KEY', value: '••••••' });
    expect(app.settings.AI_API_KEY).toBe('sk-secret');
  });
});

describe('status:get', () => {
  it('reports the sections of ai status and the host', async () => {
    const r = await router.invoke('status:get', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as { host: string; dataDir: string; sections: { id: string }[] };
    expect(v.host).toBe('test');
    expect(v.dataDir).toBe(app.paths.dataDir);
    expect(v.sections.map((s) => s.id)).toContain('system');
  });
});
