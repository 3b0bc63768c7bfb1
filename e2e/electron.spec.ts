// The real desktop app through Playwright's Electron driver. Runs wherever an Electron binary exists
// (a normal install, or ELECTRON_OVERRIDE_DIST_PATH); skipped with the reason printed elsewhere.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { REPO_ROOT } from './serve-fixture';

function electronBinary(): { bin: string | null; reason: string } {
  const dir = path.join(REPO_ROOT, 'node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  const rel = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const bin = process.env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron') : rel ? path.join(dir, 'dist', rel) : null;
  if (!bin || !fs.existsSync(bin)) return { bin: null, reason: 'no Electron binary on this machine (node_modules/electron has none and ELECTRON_OVERRIDE_DIST_PATH is unset)' };
  return { bin, reason: '' };
}

const found = electronBinary();
if (!found.bin) console.log(`[e2e] Electron spec skipped: ${found.reason}`);

test('the desktop window opens the app and talks to main through the preload bridge', async () => {
  test.skip(!found.bin, found.reason);
  test.setTimeout(240_000);
  // Bundles and native modules for Electron's ABI, as `npm start` prepares them.
  for (const [cmd, args] of [
    ['npx', ['vite', 'build']],
    [process.execPath, ['scripts/build-electron.mjs']],
  ] as const) {
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' });
    expect(r.status).toBe(0);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-electron-'));
  const app = await electron.launch({ executablePath: found.bin!, args: [REPO_ROOT], env: { ...process.env, OPENFATTURE_DATA_DIR: dataDir, OPENFATTURE_UI_LANGUAGE: 'en' } });
  try {
    const win = await app.firstWindow();
    await expect(win.locator('h1').first()).toBeVisible();
    expect(await win.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
    const status = await win.evaluate(() => (globalThis as unknown as { openfatture: { invoke(c: string, a: unknown): Promise<{ ok: boolean; value: { host: string } }> } }).openfatture.invoke('status:get', {}));
    expect(status.ok).toBe(true);
    expect(status.value.host).toBe('electron');
    const bad = await win.evaluate(() => (globalThis as unknown as { openfatture: { invoke(c: string, a: unknown): Promise<{ ok: boolean; error: { code: string } }> } }).openfatture.invoke('settings:set', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 'abc' }));
    expect(bad.error.code).toBe('BAD_INPUT');
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
