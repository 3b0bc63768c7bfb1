// status:get — the sections of `ai status`, plus which host is serving and since when.
import type { App } from '../../core/app';
import { systemStatus } from '../../core/status';
import type { DomainHandlers } from '../ipc-router';

export function statusHandlers(app: App, info: { version: string; startedAt: string }): DomainHandlers<'status'> {
  return {
    'status:get': async () => {
      const status = await systemStatus(app);
      return { ...status, host: app.options.host, version: info.version, startedAt: info.startedAt };
    },
  };
}
