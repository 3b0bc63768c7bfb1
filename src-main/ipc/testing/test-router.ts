// Test support: the app on a fresh temporary data folder with the router the hosts put in front of
// it, a typed `call`, and a `close` that stops both and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type HostKind } from '../../core/app';
import { loadSettings } from '../../core/config/load';
import type { Channel, ChannelArgs, ChannelResult } from '../../../src-preload/contract/channels';
import { createAppRouter } from '../create-app-router';
import type { IpcRouter } from '../ipc-router';
import { callChannel } from './call-channel';

export interface TestRouter {
  dir: string;
  app: App;
  router: IpcRouter;
  call<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>>;
  close(): Promise<void>;
}

export async function openTestRouter(prefix: string, host: HostKind = 'cli'): Promise<TestRouter> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host, consoleLevel: 'silent' });
  const router = createAppRouter(app, { version: 't' });
  return {
    dir,
    app,
    router,
    call: (channel, args) => callChannel(router, channel, args),
    close: async () => {
      router.dispose();
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
