// Composes the browser host: the App with its background services behind an AppSession (which can
// restore a backup into it and reopen it), the HTTP + WebSocket server in front. Used by
// `openfatture serve`, the e2e specs and the cold-start bench.
import type { App } from '../core/app';
import type { LoadedSettings } from '../core/config/load';
import type { Logger, LogLevel } from '../core/logger';
import { AppSession } from '../ipc/app-session';
import { BrowserHost } from './browser-host';
import type { HostLimits } from './host-limits';
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
  /** Budgets per frame and per connection (tests); the defaults of host-limits.ts otherwise. */
  limits?: Partial<HostLimits>;
}

export interface RunningServe {
  session: AppSession;
  /** The App being served (a restore from Settings → Data replaces it). */
  readonly app: App;
  logger: Logger;
  server: BrowserHost;
  stop(): Promise<void>;
}

export async function serveApp(options: ServeOptions): Promise<RunningServe> {
  const session = await AppSession.open({ settings: options.settings, host: 'serve', background: true, consoleLevel: options.consoleLevel ?? 'info' }, { version: options.version });
  try {
    const staticDir = options.staticDir ?? (await ensureRendererBuilt(session.logger));
    const server = await BrowserHost.start({ router: session, staticDir, logger: session.logger, host: options.host, port: options.port, token: options.token, heartbeatMs: options.heartbeatMs, limits: options.limits });
    let stopping: Promise<void> | null = null;
    return {
      session,
      get app() {
        return session.app;
      },
      logger: session.logger,
      server,
      stop: () =>
        (stopping ??= (async () => {
          await server.close();
          await session.close();
        })()),
    };
  } catch (e) {
    await session.close();
    throw e;
  }
}
