// Builds the router for a running App: binds each domain's handlers to the core services and
// forwards the services' events as typed pushes.
import type { App } from '../core/app';
import { AppError } from '../core/errors';
import { CHANNEL_NAMES, type Channel } from '../../src-preload/contract/channels';
import { IpcRouter, type HandlerMap } from './ipc-router';
import { settingsHandlers } from './handlers/settings-handlers';
import { statusHandlers } from './handlers/status-handlers';

export interface RouterInfo {
  version: string;
}

export function createAppRouter(app: App, info: RouterInfo): IpcRouter {
  const startedAt = new Date().toISOString();
  const bound: Partial<HandlerMap> = {
    ...settingsHandlers(app),
    ...statusHandlers(app, { version: info.version, startedAt }),
  };
  const handlers = Object.fromEntries(
    CHANNEL_NAMES.map((c: Channel) => [
      c,
      bound[c] ??
        (() => {
          throw new AppError('UNAVAILABLE', `${c}: this service is not available in this build yet`);
        }),
    ]),
  ) as HandlerMap;
  const router = new IpcRouter(handlers, app.logger);
  const onSettings = (keys: string[]) => router.emit('settings:changed', { keys });
  app.events.on('settings:changed', onSettings);
  router.addDisposer(() => app.events.off('settings:changed', onSettings));
  return router;
}
