// Runs jobs in a separate process (Node: child_process.fork; Electron: utilityProcess) so the main
// thread never embeds or trains. A crashed worker fails every pending call with a clear error and is
// restarted on the next call.
import { EventEmitter } from 'node:events';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { JobArgs, JobName, JobResult, MainToWorker, Progress, WorkerToMain } from './protocol';

/** One live worker process, as provided by a host adapter. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: MainToWorker): void;
  onMessage(cb: (message: WorkerToMain) => void): void;
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerProcess;

export class WorkerCrashedError extends AppError {
  constructor(message: string) {
    super('WORKER_CRASHED', message);
  }
}

interface Pending {
  job: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?: (p: Progress) => void;
  timer?: NodeJS.Timeout;
}

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** Fail the call (and restart the worker) if it takes longer. Default: none. */
  timeoutMs?: number;
  /** Aborting asks the worker to stop the job; the call then fails with code CANCELLED. */
  signal?: AbortSignal;
}

export interface WorkerHealth {
  running: boolean;
  pid: number | null;
  startedAt: string | null;
  restarts: number;
  crashes: number;
  pending: number;
  lastError: string | null;
}

export class WorkerHost extends EventEmitter {
  private proc: WorkerProcess | null = null;
  private ready: Promise<void> | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private startedAt: string | null = null;
  private restarts = 0;
  private crashes = 0;
  private lastError: string | null = null;
  private stopping = false;

  constructor(
    private readonly spawn: SpawnWorker,
    private readonly logger: Logger,
    private readonly startupTimeoutMs = 30_000,
  ) {
    super();
  }

  /** Starts the process and waits for its `ready`. Safe to call repeatedly. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.stopping = false;
    const proc = this.spawn();
    this.proc = proc;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WorkerCrashedError(`worker did not start within ${this.startupTimeoutMs} ms`));
        proc.kill();
      }, this.startupTimeoutMs);
      proc.onMessage((m) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.startedAt = new Date().toISOString();
          resolve();
          return;
        }
        this.handle(m);
      });
      proc.onExit((code, signal) => {
        clearTimeout(timer);
        reject(new WorkerCrashedError(`worker exited before it was ready (code ${code}, signal ${signal})`));
        this.onExit(proc, code, signal);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async call<J extends JobName>(job: J, args: JobArgs<J>, options: CallOptions = {}): Promise<JobResult<J>> {
    options.signal?.throwIfAborted();
    await this.start();
    const proc = this.proc;
    if (!proc) throw new WorkerCrashedError('worker is not running');
    const seq = ++this.seq;
    return new Promise<JobResult<J>>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => {
        try {
          proc.send({ type: 'cancel', seq });
        } catch {
          // The worker is gone: the crash handling fails the call.
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      const p: Pending = {
        job,
        resolve: (v) => {
          done();
          (resolve as (v: unknown) => void)(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: options.onProgress,
      };
      if (options.timeoutMs) {
        p.timer = setTimeout(() => {
          this.logger.error(`Worker job ${job} timed out after ${options.timeoutMs} ms; restarting the worker`);
          proc.kill();
        }, options.timeoutMs);
      }
      this.pending.set(seq, p);
      proc.send({ type: 'call', seq, job, args });
    });
  }

  health(): WorkerHealth {
    return {
      running: this.proc !== null && this.startedAt !== null,
      pid: this.proc?.pid ?? null,
      startedAt: this.startedAt,
      restarts: this.restarts,
      crashes: this.crashes,
      pending: this.pending.size,
      lastError: this.lastError,
    };
  }

  /** Kills the current process (tests, fault injection). Pending calls fail like on a crash. */
  kill(): void {
    this.proc?.kill();
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopping = true;
    const proc = this.proc;
    if (!proc) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        proc.kill();
        resolve();
      }, timeoutMs);
      proc.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      try {
        proc.send({ type: 'shutdown' });
      } catch {
        proc.kill();
      }
    });
  }

  private handle(m: WorkerToMain): void {
    switch (m.type) {
      case 'log':
        this.logger[m.level]({ component: 'worker', ...m.data }, m.msg);
        return;
      case 'progress':
        this.pending.get(m.seq)?.onProgress?.(m.progress);
        this.emit('progress', m.progress);
        return;
      case 'result':
      case 'error': {
        const p = this.pending.get(m.seq);
        if (!p) return;
        this.pending.delete(m.seq);
        clearTimeout(p.timer);
        if (m.type === 'result') p.resolve(m.value);
        else p.reject(new AppError(m.error.code, m.error.message));
        return;
      }
      default:
        return;
    }
  }

  private onExit(proc: WorkerProcess, code: number | null, signal: string | null): void {
    if (this.proc !== proc) return;
    this.proc = null;
    this.ready = null;
    this.startedAt = null;
    const expected = this.stopping && this.pending.size === 0;
    if (!expected) {
      this.crashes++;
      this.restarts++;
      this.lastError = `worker exited (code ${code}, signal ${signal})`;
      this.logger.error(`Worker crashed (code ${code}, signal ${signal}); ${this.pending.size} pending job(s) failed`);
    }
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new WorkerCrashedError(`worker crashed while running ${p.job} (code ${code}, signal ${signal}); it will be restarted`));
      this.pending.delete(seq);
    }
    this.emit('exit', { code, signal, expected });
  }
}
