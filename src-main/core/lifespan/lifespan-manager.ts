// Starts components in order and stops them in reverse, each stop bounded by a timeout (DESIGN §7).
// Logs the seed's lifecycle lines verbatim.
import type { Logger } from '../logger';
import { errorMessage } from '../errors';

export interface LifespanComponent {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Bound on stop(); after it the manager moves on and logs an error. Default 10 s. */
  stopTimeoutMs?: number;
}

export type ComponentStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export class LifespanManager {
  private readonly components: LifespanComponent[] = [];
  private readonly status = new Map<string, ComponentStatus>();
  private started: LifespanComponent[] = [];
  private stopping: Promise<void> | null = null;
  private signalHandler: ((sig: NodeJS.Signals) => void) | null = null;

  constructor(private readonly logger: Logger) {}

  add(component: LifespanComponent): this {
    this.components.push(component);
    this.status.set(component.name, 'idle');
    return this;
  }

  async start(): Promise<void> {
    try {
      for (const c of this.components) {
        this.status.set(c.name, 'starting');
        await c.start();
        this.status.set(c.name, 'running');
        this.started.push(c);
      }
      this.logger.info('Self-learning systems initialized successfully');
    } catch (e) {
      const failed = this.components.find((c) => this.status.get(c.name) === 'starting');
      if (failed) this.status.set(failed.name, 'failed');
      this.logger.error({ err: e }, `Failed to initialize self-learning systems: ${errorMessage(e)}`);
      await this.stop();
      throw e;
    }
  }

  /** Reverse order, each with its timeout; idempotent and safe to call concurrently. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const c of [...this.started].reverse()) {
        this.status.set(c.name, 'stopping');
        const ms = c.stopTimeoutMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(() => c.stop()),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`${c.name} did not stop within ${ms} ms`)), ms);
            }),
          ]);
          this.status.set(c.name, 'stopped');
        } catch (e) {
          this.status.set(c.name, 'failed');
          this.logger.error({ err: e }, `Error stopping ${c.name}: ${errorMessage(e)}`);
        } finally {
          clearTimeout(timer);
        }
      }
      this.started = [];
      this.removeSignalHandlers();
      this.logger.info('Self-learning systems stopped');
    })();
    return this.stopping;
  }

  /** SIGINT/SIGTERM → orderly stop, then exit (130/143 by convention). */
  installSignalHandlers(onStopped: (signal: NodeJS.Signals) => void = (s) => process.exit(s === 'SIGINT' ? 130 : 143)): void {
    if (this.signalHandler) return;
    this.signalHandler = (sig) => {
      this.logger.info(`Received ${sig}, shutting down`);
      void this.stop().finally(() => onStopped(sig));
    };
    process.once('SIGINT', this.signalHandler);
    process.once('SIGTERM', this.signalHandler);
  }

  private removeSignalHandlers(): void {
    if (!this.signalHandler) return;
    process.off('SIGINT', this.signalHandler);
    process.off('SIGTERM', this.signalHandler);
    this.signalHandler = null;
  }

  statuses(): { name: string; status: ComponentStatus }[] {
    return this.components.map((c) => ({ name: c.name, status: this.status.get(c.name) ?? 'idle' }));
  }
}
