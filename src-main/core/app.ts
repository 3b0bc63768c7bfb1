// The composition root (DESIGN §2): builds every core service from the resolved settings, for the
// CLI, the browser host and Electron alike. Hosts differ only in how they spawn the worker and
// whether background services (auto-indexing, retraining scheduler, retention) run.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { openDatabase, type Database } from './db/database';
import type { LoadedSettings } from './config/load';
import type { SettingKey, Settings } from './config/settings';
import type { DataPaths } from './config/paths';
import { createLogger, type Logger, type LogLevel } from './logger';
import { LifespanManager } from './lifespan/lifespan-manager';
import { InstanceLock } from './lifespan/instance-lock';
import { WorkerHost, type SpawnWorker } from './worker/worker-host';
import { nodeWorkerSpawner } from './worker/node-worker';
import { RagService } from './rag/rag-service';
import { AutoIndexingService } from './rag/auto-indexing-service';
import { ClientService } from './domain/client-service';
import { ProductService } from './domain/product-service';
import { InvoiceService } from './domain/invoice-service';
import { PaymentService } from './domain/payment-service';
import { RequestKeys } from './domain/request-keys';
import { FeedbackService } from './feedback/feedback-service';
import { FeedbackRetention } from './feedback/feedback-retention';
import { predictionOutcomeHook, predictionReopenHook } from './feedback/prediction-outcome';
import { BankService, type ActiveScorer } from './bank/bank-service';
import { loadMatcher, ruleScorer } from './bank/match-scorers';
import { readCamt053InWorker } from './bank/statement-jobs';
import { PAYMENT_MATCHER } from './ml/registry/payment-matcher-spec';
import { ModelLifecycle } from './ml/retraining/model-lifecycle';
import { markInterruptedRuns } from './ml/retraining/interrupted-runs';
import { errorMessage } from './errors';
import { registeredModelSpecs } from './ml/registry/registered-models';
import { sweepStaleOpsTemp } from './ops/ops-temp';

export type HostKind = 'cli' | 'serve' | 'electron' | 'test';

/** Long-running hosts own their data dir (app.lock): a second window/host on it, or a restore by another process, is refused. */
export function ownsDataDir(host: HostKind): boolean {
  return host === 'serve' || host === 'electron';
}

/** A backup or restore killed midway leaves its working folder (a copy of the database): remove it at start. */
function sweepOpsTemp(dataDir: string, logger: Logger): void {
  try {
    const swept = sweepStaleOpsTemp(dataDir);
    if (swept.length) logger.info(`Removed ${swept.length} working folder(s) left by an interrupted backup or restore: ${swept.map((e) => e.name).join(', ')}`);
  } catch (e) {
    logger.warn({ err: e }, `Could not clean the backup/restore working folders: ${(e as Error).message} (doctor reports them)`);
  }
}

export interface AppOptions {
  settings: LoadedSettings;
  host: HostKind;
  /** Run auto-indexing, the retraining scheduler and retention when their settings enable them. */
  background?: boolean;
  spawnWorker?: SpawnWorker;
  logger?: Logger;
  consoleLevel?: LogLevel;
}

/** App-wide notifications. `settings:changed` fires after a live change (settings panel); services
 * that cache a setting re-read `app.settings` on it (DESIGN §6: changes apply without restart). */
export interface AppEvents {
  'settings:changed': [keys: SettingKey[]];
}

export class App {
  readonly lifespan: LifespanManager;
  readonly worker: WorkerHost;
  /** RAG: embedder, indexer, hybrid retriever, vector index. */
  readonly rag: RagService;
  /** The RAG auto-update service; present only in background hosts with RAG_AUTO_UPDATE_ENABLED. */
  autoIndexing: AutoIndexingService | null = null;
  readonly clients: ClientService;
  readonly products: ProductService;
  readonly invoices: InvoiceService;
  readonly payments: PaymentService;
  /** Remembers the page's create/record requests, so a retry after a lost answer makes nothing twice. */
  readonly requestKeys: RequestKeys;
  readonly feedback: FeedbackService;
  /** Bank statements and payment matching. */
  readonly bank: BankService;
  /** Model registry, retraining triggers, champion/challenger retrains and the scheduler. */
  readonly models: ModelLifecycle;
  readonly events = new EventEmitter<AppEvents>();
  private constructor(
    readonly options: AppOptions,
    readonly logger: Logger,
    readonly database: Database,
  ) {
    this.lifespan = new LifespanManager(logger);
    this.worker = new WorkerHost(options.spawnWorker ?? nodeWorkerSpawner(), logger);
    this.rag = new RagService(database.sqlite, this.worker, () => this.settings, options.settings.paths, logger);
    // Domain services are plain synchronous wrappers over the one writer connection; every host shares them.
    this.clients = new ClientService(database.sqlite);
    this.products = new ProductService(database.sqlite);
    this.invoices = new InvoiceService(database.sqlite, this.clients);
    this.payments = new PaymentService(database.sqlite, this.invoices);
    this.requestKeys = new RequestKeys(database.sqlite);
    this.feedback = new FeedbackService(database.sqlite, () => this.settings);
    // A payment that settles an invoice resolves its served forecast inside the payment's transaction.
    this.payments.afterPaymentHooks.push(predictionOutcomeHook(() => this.settings.ML_TOLERANCE_DAYS));
    this.payments.afterReversalHooks.push(predictionReopenHook());

    this.models = new ModelLifecycle({ database, worker: this.worker, logger, modelsDir: options.settings.paths.modelsDir, settings: () => this.settings, specs: registeredModelSpecs() });
    // Bank credits are scored by the payment matcher's active version, or by the rule-based version 0 until one is deployed.
    this.bank = new BankService(database.sqlite, this.payments, this.feedback, () => this.settings, () => this.activeMatcher(), (bytes) => readCamt053InWorker(this.worker, bytes));
  }

  private matcherCache: { version: string; scorer: ActiveScorer } | null = null;

  /** The payment matcher's active version (loaded once per version), or version 0. */
  private activeMatcher(): ActiveScorer {
    const loaded = this.models.versions.loadActive(PAYMENT_MATCHER);
    if (!loaded) return { scorer: ruleScorer(), version: '0.0.0' };
    if (this.matcherCache?.version !== loaded.version.version) {
      this.matcherCache = { version: loaded.version.version, scorer: { scorer: loadMatcher(loaded.artifact, loaded.version.version), version: loaded.version.version } };
    }
    return this.matcherCache.scorer;
  }

  get settings(): Settings {
    return this.options.settings.values;
  }

  get paths(): DataPaths {
    return this.options.settings.paths;
  }

  static async open(options: AppOptions): Promise<App> {
    const { paths } = options.settings;
    for (const dir of [paths.dataDir, paths.modelsDir, paths.cacheDir, paths.vectorDir, paths.logsDir]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    const logger =
      options.logger ??
      createLogger({
        logsDir: paths.logsDir,
        fileLevel: options.settings.values.LOG_LEVEL as LogLevel,
        consoleLevel: options.consoleLevel ?? 'warn',
      });
    sweepOpsTemp(paths.dataDir, logger);
    const lock = ownsDataDir(options.host) ? InstanceLock.acquire(paths.dataDir, options.host) : null;
    let database: Database;
    try {
      database = openDatabase(paths.database);
    } catch (e) {
      lock?.release();
      throw e;
    }
    if (database.migration.applied.length) logger.info(`Applied migrations: ${database.migration.applied.join(', ')}`);
    const app = new App(options, logger, database);
    if (lock) app.lifespan.add({ name: 'instance-lock', start: () => undefined, stop: () => lock.release() });
    app.compose();
    await app.lifespan.start();
    return app;
  }

  /** Registers services and lifecycle components in DESIGN §7 order: settings → database → worker → auto-indexing → scheduler. */
  private compose(): void {
    const background = this.options.background ?? false;
    this.lifespan.add({ name: 'settings', start: () => this.logger.debug('Settings loaded'), stop: () => undefined });
    this.lifespan.add({ name: 'database', start: () => undefined, stop: () => this.database.close(), stopTimeoutMs: 5_000 });
    // Before anything can start a retrain: runs a killed process left 'running' become failed (interrupted).
    this.lifespan.add({ name: 'interrupted-retrains', start: () => this.markInterruptedRetrains(), stop: () => undefined });
    // The worker process starts lazily on its first job, so short CLI commands do not pay for it.
    this.lifespan.add({ name: 'worker', start: () => (background ? this.worker.start() : undefined), stop: () => this.worker.stop(), stopTimeoutMs: 6_000 });
    // Feedback retention (AI_FEEDBACK_RETENTION_DAYS > 0; 0 keeps everything): at startup and daily while a long-running host runs.
    if (background) this.lifespan.add(new FeedbackRetention(() => this.database.sqlite, () => this.settings.AI_FEEDBACK_RETENTION_DAYS, this.logger));
    if (background) {
      // Both can be switched on and off in the settings panel without a restart (DESIGN §6).
      // Stop waits for in-flight batches and writes the queue snapshot before the worker and database close.
      this.lifespan.add({ name: 'auto-indexing', start: () => this.syncAutoIndexing(), stop: () => this.stopAutoIndexing(), stopTimeoutMs: 20_000 });
      // Last (DESIGN §7): the retraining scheduler.
      this.lifespan.add({ name: 'retraining-scheduler', start: () => this.syncScheduler(), stop: () => this.models.scheduler.stop(), stopTimeoutMs: 10_000 });
      this.events.on('settings:changed', () => {
        // Debounce, batch size, tracking… apply from the next tick; the enable switches start or stop the services.
        this.autoIndexing?.updateSettings(() => this.settings);
        void this.syncAutoIndexing().catch((e) => this.logger.error({ err: e }, `Failed to apply RAG auto-update setting: ${(e as Error).message}`));
        this.syncScheduler();
      });
    }
    this.events.on('settings:changed', () => this.models.updateSettings(this.settings));
    void background;
  }

  private autoIndexingChange: Promise<void> = Promise.resolve();

  /** Starts or stops auto-indexing to match RAG_AUTO_UPDATE_ENABLED; changes are serialised. */
  private syncAutoIndexing(): Promise<void> {
    this.autoIndexingChange = this.autoIndexingChange.then(async () => {
      const want = this.settings.RAG_AUTO_UPDATE_ENABLED;
      if (want && !this.autoIndexing) {
        const service = new AutoIndexingService(this.database.sqlite, this.rag, () => this.settings, this.paths, this.logger);
        await service.start();
        this.autoIndexing = service;
      } else if (!want && this.autoIndexing) {
        await this.stopAutoIndexing();
        this.logger.info('RAG auto-update disabled, service stopped');
      }
    });
    return this.autoIndexingChange;
  }

  private async stopAutoIndexing(): Promise<void> {
    const service = this.autoIndexing;
    this.autoIndexing = null;
    await service?.stop();
  }

  /** Housekeeping, not a reason to refuse to start: on failure the runs stay 'running' until the next retrain marks them. */
  private markInterruptedRetrains(): void {
    try {
      markInterruptedRuns(this.database, this.logger);
    } catch (e) {
      this.logger.warn({ err: e }, `Interrupted retrain runs not marked: ${errorMessage(e)}`);
    }
  }

  /** Starts or stops the retraining scheduler to match ML_RETRAINING_ENABLED. */
  private syncScheduler(): void {
    const running = this.models.scheduler.status().running;
    if (this.settings.ML_RETRAINING_ENABLED && !running) {
      this.logger.info('ML retraining enabled, starting scheduler');
      this.models.scheduler.start();
    } else if (!this.settings.ML_RETRAINING_ENABLED && running) {
      void this.models.scheduler.stop();
      this.logger.info('ML retraining disabled, scheduler stopped');
    }
  }

  async close(): Promise<void> {
    await this.lifespan.stop();
  }
}
