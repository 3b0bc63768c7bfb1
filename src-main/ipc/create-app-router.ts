// Builds the router for a running App: binds each domain's handlers to the core services and
// forwards the services' events (settings, auto-indexing, retraining) as typed pushes.
import type { App } from '../core/app';
import type { ChannelDomain } from '../../src-preload/contract/channels';
import { IpcRouter, type DomainHandlers, type HandlerMap } from './ipc-router';
import { assistantHandlers } from './handlers/assistant-handlers';
import { bankHandlers } from './handlers/bank-handlers';
import { dataHandlers } from './handlers/data-handlers';
import { feedbackHandlers } from './handlers/feedback-handlers';
import { createImportUploads, importHandlers } from './handlers/import-handlers';
import { bindIndexEvents, indexHandlers } from './handlers/index-handlers';
import { bindModelEvents, modelsHandlers } from './handlers/models-handlers';
import { opsHandlers, type HostDialogs, type RestoreIntoHost } from './handlers/ops-handlers';
import type { PathGrants } from '../core/fs/path-grants';
import { settingsHandlers } from './handlers/settings-handlers';
import { setupHandlers } from './handlers/setup-handlers';
import { statusHandlers } from './handlers/status-handlers';

export interface RouterInfo {
  version: string;
  /** Given by a host that owns the App and can stop, restore and reopen it (see AppSession). */
  restore?: RestoreIntoHost;
  /** The host's native file dialogs (the desktop host only). */
  dialogs?: HostDialogs;
  /** Paths the dialogs granted to the renderer; a host keeps one registry across routers. */
  grants?: PathGrants;
}

export function createAppRouter(app: App, info: RouterInfo): IpcRouter {
  const startedAt = new Date().toISOString();
  // The router exists before the handlers so they can push through it. One handler module per
  // contract domain, each typed by that domain's channels: a channel added to the contract without
  // a handler fails the typecheck.
  let router: IpcRouter | null = null;
  const emit: IpcRouter['emit'] = (event, payload) => router?.emit(event, payload);
  const uploads = createImportUploads();
  const domains: { [D in ChannelDomain]: DomainHandlers<D> } = {
    data: dataHandlers(app),
    assistant: assistantHandlers(app),
    feedback: feedbackHandlers(app),
    models: modelsHandlers(app),
    index: indexHandlers(app, emit),
    settings: settingsHandlers(app),
    status: statusHandlers(app, { version: info.version, startedAt }),
    ops: opsHandlers(app, emit, { version: info.version, restore: info.restore, dialogs: info.dialogs, grants: info.grants }),
    import: importHandlers(app, emit, uploads),
    bank: bankHandlers(app),
    setup: setupHandlers(app),
  };
  const handlers = Object.assign({}, ...Object.values(domains)) as HandlerMap;
  router = new IpcRouter(handlers, app.logger);
  const r = router;
  const onSettings = (keys: string[]) => r.emit('settings:changed', { keys });
  app.events.on('settings:changed', onSettings);
  r.addDisposer(() => app.events.off('settings:changed', onSettings));
  r.addDisposer(bindIndexEvents(app, r.emit));
  r.addDisposer(bindModelEvents(app, r.emit));
  r.addDisposer(() => uploads.dispose());
  return r;
}
