// Attack class: a request of any shape reaching the router. The router is the last line behind every
// transport (Electron's ipcMain, the browser host's sockets): whatever the channel and arguments are —
// objects with hostile toString/valueOf, arrays, numbers, null-prototype objects, deep nesting — it
// answers a typed error and never throws.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { createAppRouter } from '../../src-main/ipc/create-app-router';
import type { IpcRouter } from '../../src-main/ipc/ipc-router';
import { CHANNEL_NAMES } from '../../src-preload/contract/channels';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

let dir: string;
let app: App;
let router: IpcRouter;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-router-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: '0.0.0-test' });
});

afterAll(async () => {
  router.dispose();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Objects whose coercion throws: `String(x)`, template literals and `+` all fail on them. */
const HOSTILE = [{ toString: 1 }, { toString: () => { throw new Error('boom'); } }, { valueOf: 1, toString: 1 }, Object.create(null) as object, { [Symbol.toPrimitive]: 1 }];

describe('router: hostile channel names', () => {
  securityCase('router: channel with a hostile toString', async (check) => {
    for (const channel of HOSTILE) {
      const r = await router.invoke(channel, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      expect(r.ok ? '' : r.error.message).toMatch(/^channel: expected a channel name/);
    }
    check(`${HOSTILE.length} hostile objects as channel → UNKNOWN_CHANNEL naming "channel"`);
  });

  securityCase('router: any JSON value as channel and args (fast-check)', async (check) => {
    const runs = fuzzRuns(300);
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true }), fc.constantFrom(...CHANNEL_NAMES), fc.constantFrom<unknown>(...HOSTILE)),
        fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true }), fc.constantFrom<unknown>(...HOSTILE)),
        async (channel, args) => {
          cases++;
          const r = await router.invoke(channel, args);
          // Valid junk is possible for no-argument channels; anything else is a typed refusal.
          if (!r.ok) expect(typeof r.error.code).toBe('string');
        },
      ),
      { numRuns: runs },
    );
    recordFuzz('router channel+args', cases);
    check(`${cases} generated (channel, args) pairs, 0 throws`);
  });
});
