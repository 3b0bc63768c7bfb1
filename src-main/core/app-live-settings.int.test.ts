// Switching RAG auto-update and ML retraining on and off in a running app takes effect without a
// restart (DESIGN §6), the way the settings panel does it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './app';
import { loadSettings } from './config/load';
import { memorySettingsStore } from './config/settings-store';
import type { SettingKey, Settings } from './config/settings';

let app: App | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

function change<K extends SettingKey>(a: App, key: K, value: Settings[K]): void {
  (a.options.settings.values as Record<SettingKey, unknown>)[key] = value;
  a.events.emit('settings:changed', [key]);
}

describe('live enable switches', () => {
  it('starts and stops auto-indexing and the retraining scheduler when their settings change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-live-'));
    const settings = loadSettings({ env: { OPENFATTURE_DATA_DIR: dir }, store: () => memorySettingsStore() });
    app = await App.open({ settings, host: 'test', background: true, consoleLevel: 'silent' });
    expect(app.autoIndexing).toBeNull();
    expect(app.models.scheduler.status().running).toBe(false);

    change(app, 'RAG_AUTO_UPDATE_ENABLED', true);
    change(app, 'ML_RETRAINING_ENABLED', true);
    await expect.poll(() => app!.autoIndexing !== null, { timeout: 60_000 }).toBe(true);
    expect(app.models.scheduler.status().running).toBe(true);

    change(app, 'RAG_AUTO_UPDATE_ENABLED', false);
    change(app, 'ML_RETRAINING_ENABLED', false);
    await expect.poll(() => app!.autoIndexing === null, { timeout: 30_000 }).toBe(true);
    expect(app.models.scheduler.status().running).toBe(false);
  });
});
