// status:get — the sections of `ai status`, plus which host is serving and since when.
import type { App } from '../../core/app';
import { systemStatus } from '../../core/status';
import type { PartialHandlers } from '../ipc-router';

export function statusHandlers(app: App, info: { version: string; startedAt: string }): PartialHandlers<'status:get'> {
  return {
    'status:get': async () => {
      const status = await systemStatus(app);
      return { ...status, host: app.options.host, version: info.version, startedAt: info.startedAt };
    },
  };
}
