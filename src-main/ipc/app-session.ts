// The App a long-running host (browser host, Electron) serves, behind one router that outlives it.
// Transports talk to the session; the session forwards each request to the current App's router
// and relays its pushes. An in-app restore (ops:restore) replaces the App: other requests get
// RESTORE_IN_PROGRESS meanwhile (never a closed database), requests already running get a bounded
// time to finish, then the core's restoreRunningApp stops, restores and reopens, and the session
// serves the reopened App through a new router. If no App could be started again, every request
// gets APP_STOPPED with the reason (which names the safety copy) until the user restarts.
import { EventEmitter } from 'node:events';
import { App, type AppOptions } from '../core/app';
import { AppError, formatZodIssues } from '../core/errors';
import { PathGrants } from '../core/fs/path-grants';
import type { Logger } from '../core/logger';
import type { OpsProgress } from '../core/ops/backup';
import { RestoreAfterStopError, restoreRunningApp, type RunningAppRestore } from '../core/ops/restore-running-app';
import { events, type EventName, type EventPayload } from '../../src-preload/contract/push-events';
import { fail, type IpcResult } from '../../src-preload/contract/result';
import { createAppRouter } from './create-app-router';
import { countsOf, type HostDialogs } from './handlers/ops-handlers';
import type { EventListener, IpcRouter, RequestRouter } from './ipc-router';

export interface AppSessionOptions {
  version: string;
  /** How long a restore waits for requests already running before it stops the app anyway. */
  drainTimeoutMs?: number;
  /** The host's native file dialogs (the desktop host); without them the page offers the backups folder only. */
  dialogs?: HostDialogs;
}

export class AppSession implements RequestRouter {
  /** The first App's logger; the reopened Apps share it. */
  readonly logger: Logger;
  private readonly bus = new EventEmitter();
  private current: App | null;
  private router: IpcRouter;
  private unrelay: () => void;
  /** Requests forwarded to a router and not answered yet. */
  private inFlight = 0;
  private readonly idle = new EventEmitter();
  private restoring: Promise<unknown> | null = null;
  private stoppedReason: string | null = null;
  private closing: Promise<void> | null = null;
  /** Paths the user chose in the host's dialogs, kept across the router swap of a restore. */
  private readonly grants = new PathGrants();

  private constructor(
    app: App,
    private readonly options: AppSessionOptions,
  ) {
    this.bus.setMaxListeners(0);
    this.logger = app.logger;
    this.current = app;
    this.router = this.routerFor(app);
    this.unrelay = this.relay(this.router);
  }

  static async open(appOptions: AppOptions, options: AppSessionOptions): Promise<AppSession> {
    return new AppSession(await App.open(appOptions), options);
  }

  /** The App being served. Throws APP_STOPPED after a restore whose app could not be started again. */
  get app(): App {
    if (!this.current) throw new AppError('APP_STOPPED', this.stoppedReason ?? 'OpenFatture has stopped.');
    return this.current;
  }

  async invoke(channel: unknown, args: unknown): Promise<IpcResult<unknown>> {
    if (this.closing) return fail('APP_STOPPED', 'OpenFatture is shutting down.');
    if (this.restoring) return fail('RESTORE_IN_PROGRESS', 'A backup is being restored: OpenFatture is restarting on the restored data. Try again in a moment.');
    if (!this.current) return fail('APP_STOPPED', this.stoppedReason ?? 'OpenFatture has stopped.');
    const router = this.router;
    this.inFlight++;
    try {
      return await router.invoke(channel, args);
    } finally {
      this.inFlight--;
      this.idle.emit('change');
    }
  }

  onEvent(listener: EventListener): () => void {
    const fn = (event: EventName, payload: unknown) => listener(event, payload as never);
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }

  /** Stops serving: waits for a running restore, then closes the router and the App. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.restoring?.catch(() => undefined);
      this.unrelay();
      this.router.dispose();
      await this.current?.close();
      this.current = null;
      this.bus.removeAllListeners();
    })();
    return this.closing;
  }

  private routerFor(app: App): IpcRouter {
    return createAppRouter(app, { version: this.options.version, restore: (file, progress) => this.restore(file, progress), dialogs: this.options.dialogs, grants: this.grants });
  }

  private relay(router: IpcRouter): () => void {
    return router.onEvent((event, payload) => this.bus.emit('event', event, payload));
  }

  private push<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      this.logger.error(`event ${event}: payload does not match the contract (${formatZodIssues(checked.error.issues, 'payload')})`);
      return;
    }
    this.bus.emit('event', event, checked.data);
  }

  /** Resolves when no request but the caller's (the ops:restore one) is running, or after the timeout. */
  private async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight <= 1) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn(`Restore: ${this.inFlight - 1} request(s) still running after ${timeoutMs} ms; stopping the app anyway`);
        done();
      }, timeoutMs);
      const check = () => {
        if (this.inFlight <= 1) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.idle.off('change', check);
        resolve();
      };
      this.idle.on('change', check);
    });
  }

  /** The ops:restore handler's way to the host: stop, restore, reopen, swap. */
  private restore(file: string, progress: OpsProgress): Promise<Omit<RunningAppRestore, 'app'>> {
    if (this.restoring) return Promise.reject(new AppError('RESTORE_IN_PROGRESS', 'A restore is already running.'));
    const run = (async () => {
      // The ops:restore request that called us is the one in flight we do not wait for.
      await this.drain(this.options.drainTimeoutMs ?? 30_000);
      const old = this.app;
      const oldRouter = this.router;
      let outcome: RunningAppRestore;
      try {
        outcome = await restoreRunningApp(old, file, progress);
      } catch (e) {
        if (e instanceof RestoreAfterStopError) this.swap(oldRouter, e.app, e.message);
        throw e;
      }
      this.swap(oldRouter, outcome.app, null);
      this.push('ops:restored', { file, counts: countsOf(outcome.rowCounts) });
      return { result: outcome.result, rowCounts: outcome.rowCounts };
    })();
    this.restoring = run;
    return run.finally(() => {
      this.restoring = null;
    });
  }

  /** Serves `next` (or nothing, with the reason) instead of the stopped App. */
  private swap(oldRouter: IpcRouter, next: App | null, reason: string | null): void {
    // The old router's pushes (the restore's progress) were delivered synchronously; it has nothing left to say.
    this.unrelay();
    oldRouter.dispose();
    this.current = next;
    if (next) {
      this.router = this.routerFor(next);
      this.unrelay = this.relay(this.router);
      this.stoppedReason = null;
    } else {
      this.unrelay = () => undefined;
      this.stoppedReason = reason ?? 'OpenFatture stopped after a failed restore; restart it.';
      this.logger.error(`No app is running after the restore: ${this.stoppedReason}`);
    }
  }
}
