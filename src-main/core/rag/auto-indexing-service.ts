// The RAG auto-update service (DESIGN §5, §7): polls the outbox cheaply (its max id, which also moves
// for other processes' commits), lets the ReindexDebouncer decide when batches start, indexes them
// through the RagIndexer with the outbox acknowledgement and the batch record in the same
// transaction, retries failures with backoff, reconciles instead of dropping on overflow, persists
// pause and the queue snapshot, and emits 'progress' / 'batch' / 'state' events for the GUI.
import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import { errorMessage } from '../errors';
import { queueSnapshotPathProblem } from '../fs/output-path';
import type { Logger } from '../logger';
import type { Progress } from '../worker/protocol';
import { AppStateRepository } from '../db/app-state-repository';
import { entityKey, RagOutbox, type PendingEntity } from './rag-outbox';
import { readQueueSnapshot, writeQueueSnapshot } from './queue-snapshot';
import type { IndexCounts } from './rag-indexer';
import type { RagService } from './rag-service';
import { ReindexBatchRepository } from './reindex-batch-repository';
import { ReindexDebouncer, type DebounceTiming } from './reindex-debouncer';

export const PAUSED_KEY = 'rag.auto_update.paused';
export const SERVICE_KEY = 'rag.auto_update.service';

export interface BatchReport extends IndexCounts {
  entities: number;
  durationMs: number;
  /** Why the batch failed, or an error it recovered from (worker crash retried). */
  error: string | null;
  kind: 'batch' | 'reconcile';
}

export interface AutoIndexingState {
  running: boolean;
  paused: boolean;
  pending: number;
  due: number;
  failing: number;
  inFlight: number;
  reconciling: boolean;
  maxQueueSize: number;
}

export interface AutoIndexingEvents {
  progress: [Progress];
  batch: [BatchReport];
  state: [AutoIndexingState];
}

function timingFrom(s: Settings): DebounceTiming {
  return {
    debounceMs: s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS * 1000,
    maxWaitMs: Math.max(s.RAG_AUTO_UPDATE_MAX_WAIT_SECONDS, s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS) * 1000,
    batchSize: s.RAG_AUTO_UPDATE_BATCH_SIZE,
    maxConcurrent: s.RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES,
    immediate: !s.RAG_AUTO_UPDATE_ASYNC_PROCESSING,
  };
}

/** Whether auto-indexing is paused on this data dir (persisted: any process and later runs see it). */
export function readPaused(sqlite: BetterSqlite3.Database): boolean {
  return new AppStateRepository(sqlite).get(PAUSED_KEY) === 'true';
}

export function writePaused(sqlite: BetterSqlite3.Database, paused: boolean): void {
  new AppStateRepository(sqlite).set(PAUSED_KEY, paused ? 'true' : 'false');
}

/** The auto-indexing service running on this data dir (in any process), if any. */
export function runningAutoIndexing(sqlite: BetterSqlite3.Database): { pid: number; startedAt: string } | null {
  const v = new AppStateRepository(sqlite).getJson<{ pid: number; startedAt: string }>(SERVICE_KEY);
  return v && pidAlive(v.pid) ? v : null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class AutoIndexingService extends EventEmitter<AutoIndexingEvents> {
  readonly outbox: RagOutbox;
  private readonly state_: AppStateRepository;
  private readonly batchLog: ReindexBatchRepository;
  private readonly debouncer: ReindexDebouncer;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private paused = false;
  private lastMaxId = -1;
  private lastCounts = { total: 0, due: 0, failing: 0 };
  private readonly inFlight = new Map<string, PendingEntity>();
  private readonly batches = new Set<Promise<void>>();
  private reconciling: Promise<void> | null = null;
  private overflowWarned = false;
  private saveTimer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** Resolves once the embedding model is loaded (or known to be unavailable). */
  warmUp: Promise<void> = Promise.resolve();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly rag: RagService,
    private settings: () => Settings,
    private readonly paths: DataPaths,
    private readonly logger: Logger,
    private readonly pollMs = 200,
  ) {
    super();
    this.outbox = new RagOutbox(sqlite, () => this.settings());
    this.state_ = new AppStateRepository(sqlite);
    this.batchLog = new ReindexBatchRepository(sqlite);
    this.debouncer = new ReindexDebouncer(timingFrom(settings()));
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.logger.info('RAG auto-update enabled, starting service');
    this.logger.debug('Setting up RAG auto-update event listeners');
    this.importSnapshot();
    this.paused = readPaused(this.sqlite);
    // Open (and if needed repair) the vector index before the first batch lands on it.
    await this.rag.vectors();
    this.state_.setJson(SERVICE_KEY, { pid: process.pid, startedAt: new Date().toISOString() });
    this.running = true;
    // Load the model now, not on the first change: freshness should not pay the model's load time.
    this.warmUp = this.rag.embedder.embed([]).then(
      () => undefined,
      () => undefined, // unavailability is logged by the embedder; keyword indexing goes on
    );
    this.schedule(0);
    this.logger.info(`Auto-indexing service started${this.paused ? ' (paused)' : ''}`);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // In-flight batches finish (their commit is atomic either way); nothing new starts.
    await Promise.allSettled([...this.batches, this.reconciling ?? Promise.resolve()]);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.saveIndex();
    const snapshotProblem = queueSnapshotPathProblem(this.paths);
    if (this.settings().RAG_AUTO_UPDATE_PERSIST_QUEUE_ON_SHUTDOWN && snapshotProblem) {
      this.logger.warn(`Queue snapshot not written: ${snapshotProblem}. The database outbox still holds every committed change.`);
    } else if (this.settings().RAG_AUTO_UPDATE_PERSIST_QUEUE_ON_SHUTDOWN) {
      const entries = this.outbox.list(10_000_000).map((e) => ({ entityType: e.type, entityId: e.id, op: e.op, changedAt: e.firstChangedAt }));
      writeQueueSnapshot(this.paths.queuePersistPath, entries);
      if (entries.length) this.logger.info(`Persisted ${entries.length} pending changes to ${this.paths.queuePersistPath}`);
    }
    this.state_.deleteIfOwnedBy(SERVICE_KEY, process.pid);
    this.logger.info('Auto-indexing service stopped');
  }

  /** Settings changed live (debounce, batch size, tracking…): applied from the next tick. */
  updateSettings(settings: () => Settings): void {
    this.settings = settings;
    this.debouncer.update(timingFrom(settings()));
    this.lastMaxId = -1;
    this.emitState();
  }

  pause(): void {
    writePaused(this.sqlite, true);
    this.paused = true;
    this.emitState();
  }

  resume(): void {
    writePaused(this.sqlite, false);
    this.paused = false;
    this.emitState();
    this.schedule(0);
  }

  state(): AutoIndexingState {
    return {
      running: this.running,
      paused: this.paused,
      pending: this.lastCounts.total,
      due: this.lastCounts.due,
      failing: this.lastCounts.failing,
      inFlight: this.inFlight.size,
      reconciling: this.reconciling !== null,
      maxQueueSize: this.settings().RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
    };
  }

  /** Processes everything due now, ignoring the debounce and deferred refreshes, and waits for it (ASYNC_PROCESSING=false, shutdown, tests). */
  async flush(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.batches, this.reconciling ?? Promise.resolve()]);
      const next = this.outbox.take(this.settings().RAG_AUTO_UPDATE_BATCH_SIZE, new Set(this.inFlight.keys()), { ignoreDeferral: true });
      if (next.length === 0 && this.batches.size === 0) return;
      if (next.length) await this.runBatch(next);
    }
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    try {
      this.paused = readPaused(this.sqlite);
      const maxId = this.outbox.maxId();
      const newChanges = maxId !== this.lastMaxId;
      if (newChanges || this.lastCounts.total > 0 || this.inFlight.size > 0) {
        const before = this.lastCounts;
        this.lastCounts = this.outbox.counts();
        if (before.total !== this.lastCounts.total || before.failing !== this.lastCounts.failing) this.emitState();
      }
      this.lastMaxId = maxId;
      const s = this.settings();
      // Settings apply live: debounce, batch size, concurrency are re-read every tick.
      this.debouncer.update(timingFrom(s));
      if (this.lastCounts.total > s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE && !this.reconciling) {
        if (!this.overflowWarned) {
          this.logger.warn(
            `Queue size limit reached, dropping oldest changes — no change is dropped here: ${this.lastCounts.total} pending entities exceed ` +
              `OPENFATTURE_RAG_AUTO_UPDATE_MAX_QUEUE_SIZE=${s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE}, so a reconcile pass compares the content hashes of every document instead`,
          );
          this.overflowWarned = true;
        }
        if (!this.paused) this.startReconcile();
      } else if (this.lastCounts.total <= s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE) this.overflowWarned = false;
      if (!this.paused && !this.reconciling) {
        const inFlightBatches = this.batches.size;
        const duePending = Math.max(0, this.lastCounts.due - this.inFlight.size);
        const n = this.debouncer.decide({ now: Date.now(), newChanges, duePending, inFlight: inFlightBatches });
        for (let i = 0; i < n; i++) {
          const entities = this.outbox.take(s.RAG_AUTO_UPDATE_BATCH_SIZE, new Set(this.inFlight.keys()));
          if (entities.length === 0) break;
          const p = this.runBatch(entities).finally(() => {
            this.batches.delete(p);
            this.schedule(0);
          });
          this.batches.add(p);
        }
      }
    } catch (e) {
      this.logger.error({ err: e }, `Error processing reindex batch: ${errorMessage(e)}`);
    } finally {
      this.ticking = false;
      this.schedule(this.pollMs);
    }
  }

  private async runBatch(entities: PendingEntity[]): Promise<void> {
    for (const e of entities) this.inFlight.set(entityKey(e), e);
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const s = this.settings();
    this.logger.debug(`Processing ${entities.length} pending changes for reindexing`);
    this.emit('progress', { step: 'reindex', current: 0, total: entities.length });
    let report: BatchReport;
    try {
      let counts: IndexCounts;
      let warning: string | null;
      if (!s.RAG_AUTO_UPDATE_INCREMENTAL_UPDATES) {
        // Full rebuild of every type this batch touches; it acknowledges the outbox itself.
        const types = [...new Set(entities.map((e) => e.type))];
        const r = await this.rag.indexer.reindexAll({ types, onProgress: (p) => this.emit('progress', p) });
        counts = r;
        warning = r.warning;
        this.recordBatch(startedAt, entities.length, counts, performance.now() - t0, warning);
      } else {
        const r = await this.rag.indexer.process(entities, {
          inTransaction: (c, failures, w) => {
            const failed = new Set(failures.map(entityKey));
            this.outbox.ack(entities.filter((e) => !failed.has(entityKey(e))));
            this.recordBatch(startedAt, entities.length, c, performance.now() - t0, w);
          },
        });
        counts = r;
        warning = r.warning;
        // Failures keep their outbox rows, with the error and a backoff.
        for (const f of r.failures) {
          const e = entities.find((x) => entityKey(x) === entityKey(f));
          if (e) this.outbox.fail([e], f.error);
        }
      }
      const ms = performance.now() - t0;
      report = { ...counts, entities: entities.length, durationMs: ms, error: warning, kind: 'batch' };
      this.logger.info({ added: counts.added, updated: counts.updated, skipped: counts.skipped, deleted: counts.deleted, failed: counts.failed }, `Reindexed ${entities.length} entities in ${(ms / 1000).toFixed(1)}s`);
      this.scheduleIndexSave();
    } catch (e) {
      const ms = performance.now() - t0;
      const msg = errorMessage(e);
      this.logger.error({ err: e }, `Error processing reindex batch: ${msg}`);
      this.outbox.fail(entities, msg);
      this.recordBatch(startedAt, entities.length, { added: 0, updated: 0, skipped: 0, deleted: 0, failed: entities.length }, ms, msg);
      report = { added: 0, updated: 0, skipped: 0, deleted: 0, failed: entities.length, entities: entities.length, durationMs: ms, error: msg, kind: 'batch' };
    } finally {
      for (const e of entities) this.inFlight.delete(entityKey(e));
    }
    this.emit('progress', { step: 'reindex', current: entities.length, total: entities.length });
    this.emit('batch', report);
    this.emitState();
  }

  private startReconcile(): void {
    this.reconciling = (async () => {
      await Promise.allSettled([...this.batches]);
      const t0 = performance.now();
      const startedAt = new Date().toISOString();
      try {
        const r = await this.rag.indexer.reindexAll({ onProgress: (p) => this.emit('progress', p) });
        const ms = performance.now() - t0;
        this.recordBatch(startedAt, r.entities, r, ms, r.warning);
        this.logger.info(`Reindexed ${r.entities} entities in ${(ms / 1000).toFixed(1)}s (reconcile pass: ${r.added} added, ${r.updated} updated, ${r.skipped} unchanged, ${r.deleted} deleted, ${r.failed} failed)`);
        this.emit('batch', { ...r, entities: r.entities, durationMs: ms, error: r.warning, kind: 'reconcile' });
        this.scheduleIndexSave();
      } catch (e) {
        this.logger.error({ err: e }, `Error processing reindex batch: ${errorMessage(e)}`);
      }
    })().finally(() => {
      this.reconciling = null;
      this.lastMaxId = -1;
      this.emitState();
    });
  }

  private recordBatch(startedAt: string, entities: number, c: IndexCounts, ms: number, error: string | null): void {
    this.batchLog.record({ startedAt, finishedAt: new Date().toISOString(), entities, ...c, durationMs: ms, error });
  }

  /** The index file is a cache: written at most once a second, after batches settle. */
  private scheduleIndexSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveIndex();
    }, 1000);
  }

  private async saveIndex(): Promise<void> {
    try {
      await this.rag.saveIndex('auto-indexing');
    } catch (e) {
      this.logger.warn(`Vector index file not written (${errorMessage(e)}); it is rebuilt from the database when needed`);
    }
  }

  private importSnapshot(): void {
    const file = this.paths.queuePersistPath;
    // Never read (or set aside as "corrupt") a file that is not a snapshot's to be: the database, the settings…
    const problem = queueSnapshotPathProblem(this.paths);
    if (problem) {
      this.logger.warn(`Queue snapshot not read: ${problem}.`);
      return;
    }
    const r = readQueueSnapshot(file);
    if (r.kind === 'none') return;
    if (r.kind === 'corrupt') {
      this.logger.warn(`Queue snapshot ${file} is corrupt (${r.reason}); set aside as ${r.setAsideAs}. The database outbox still holds every committed change.`);
      return;
    }
    const added = this.outbox.importChanges(r.snapshot.entries.map((e) => ({ type: e.entityType, id: e.entityId, op: e.op, changedAt: e.changedAt })));
    this.logger.info(`Re-imported queue snapshot ${file}: ${r.snapshot.entries.length} entries, ${added} not already pending`);
  }

  private emitState(): void {
    this.emit('state', this.state());
  }
}

