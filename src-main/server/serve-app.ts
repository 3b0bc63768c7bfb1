// Composes the browser host: the App with its background services, the IPC router on top, the HTTP +
// WebSocket server in front. Used by `openfatture serve`, the e2e specs and the cold-start bench.
import { App } from '../core/app';
import type { LoadedSettings } from '../core/config/load';
import type { LogLevel } from '../core/logger';
import { createAppRouter } from '../ipc/create-app-router';
import type { IpcRouter } from '../ipc/ipc-router';
import { BrowserHost } from './browser-host';
import { ensureRendererBuilt } from './renderer-bundle';

export interface ServeOptions {
  settings: LoadedSettings;
  version: string;
  host?: string;
  port?: number;
  consoleLevel?: LogLevel;
  staticDir?: string;
  token?: string;
  heartbeatMs?: number;
}

export interface RunningServe {
  app: App;
  router: IpcRouter;
  server: BrowserHost;
  stop(): Promise<void>;
}

export async function serveApp(options: ServeOptions): Promise<RunningServe> {
  const app = await App.open({ settings: options.settings, host: 'serve', background: true, consoleLevel: options.consoleLevel ?? 'info' });
  let router: IpcRouter | null = null;
  try {
    const staticDir = options.staticDir ?? (await ensureRendererBuilt(app.logger));
    router = createAppRouter(app, { version: options.version });
    const server = await BrowserHost.start({ router, staticDir, logger: app.logger, host: options.host, port: options.port, token: options.token, heartbeatMs: options.heartbeatMs });
    let stopping: Promise<void> | null = null;
    const r = router;
    return {
      app,
      router: r,
      server,
      stop: () =>
        (stopping ??= (async () => {
          await server.close();
          r.dispose();
          await app.close();
        })()),
    };
  } catch (e) {
    router?.dispose();
    await app.close();
    throw e;
  }
}
