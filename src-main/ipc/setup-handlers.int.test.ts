// The first-run checklist's channels on a real, empty data folder: the counts start at zero, the demo
// data fills it with enough paid invoices to train the first model, and a second load is refused
// without writing anything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../core/app';
import { loadSettings } from '../core/config/load';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import { createAppRouter } from './create-app-router';
import type { IpcRouter } from './ipc-router';
import { callChannel } from './testing/call-channel';

let dir: string;
let app: App;
let router: IpcRouter;
const call = <C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> => callChannel(router, channel, args);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-setup-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'serve', consoleLevel: 'silent' });
  router = createAppRouter(app, { version: 't' });
}, 60_000);

afterAll(async () => {
  router?.dispose();
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('first run', () => {
  it('an empty folder has nothing to train on; the demo data brings enough paid invoices; a second load is refused', async () => {
    const empty = await call('setup:status', {});
    expect(empty).toMatchObject({ invoices: 0, paidInvoices: 0 });
    expect(empty.minPaidToTrain).toBeGreaterThan(0);

    const loaded = await call('setup:loadDemo', {});
    expect(loaded.invoices).toBeGreaterThan(0);
    expect(loaded.paid).toBeGreaterThanOrEqual(empty.minPaidToTrain);
    expect(loaded.firstIssueDate! < loaded.lastIssueDate!).toBe(true);

    const after = await call('setup:status', {});
    expect(after.invoices).toBe(loaded.invoices);
    expect(after.paidInvoices).toBe(loaded.paid);
    expect((await call('invoices:list', { limit: 1 })).total).toBe(loaded.invoices);

    const again = await router.invoke('setup:loadDemo', {});
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_EMPTY' } });
    if (!again.ok) expect(again.error.message).toContain(`already has ${loaded.invoices} invoices`);
    expect((await call('setup:status', {})).invoices).toBe(loaded.invoices);
  });
});
