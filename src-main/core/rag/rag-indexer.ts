// Idempotent indexing of entities into rag_documents (+ FTS via triggers) and the vector index, in
// the manner of LangChain's index(): content hashes decide added / updated / skipped, removed
// entities are deleted, and every run reports {added, updated, skipped, deleted, failed}. A batch
// commits its documents, the embedding cache, the index generation and the caller's outbox
// acknowledgement in ONE transaction, so a crash either keeps or loses the whole batch.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import { AppStateRepository } from '../db/app-state-repository';
import type { RagEntityType } from '../db/schema';
import { SqlRunner } from '../db/sql-runner';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { changesByType, planBatch, type BatchPlan, type PlannedDocument } from './batch-plan';
import { DocumentBuilder, RAG_ENTITY_TYPES, type BuiltDocument } from './document-builder';
import { vectorToBlob } from './embedding-protocol';
import { EmbeddingUnavailableError, type Embedder } from './embedder';
import { RagDocumentRepository, type ExistingDocument } from './rag-document-repository';
import { derivedRefreshDelayMs, RagOutbox, trackedTypes, type EntityChange } from './rag-outbox';
import { bumpGeneration, type VectorIndex } from './vector-index';

export interface IndexCounts {
  added: number;
  updated: number;
  skipped: number;
  deleted: number;
  failed: number;
}

export interface EntityFailure {
  type: RagEntityType;
  id: number;
  error: string;
}

export interface IndexResult extends IndexCounts {
  failures: EntityFailure[];
  /** Documents stored without a vector because the model is unavailable (embedded later). */
  embeddingPending: number;
  /** Derived refreshes queued in the outbox (a client's invoices, an invoice's client). */
  cascaded: number;
  /** An error the batch recovered from (e.g. the worker crashed and the texts were retried one by one). */
  warning: string | null;
}

export interface ProcessOptions {
  /** Runs inside the commit transaction with the batch's final counts (e.g. acknowledging outbox rows, recording the batch). */
  inTransaction?: (counts: IndexCounts, failures: readonly EntityFailure[], warning: string | null) => void;
  /** Queue derived refreshes (client ↔ invoices) in the outbox. Default true. */
  cascade?: boolean;
  /** Queue derived refreshes only of these types (default: every tracked type). */
  cascadeTypes?: readonly RagEntityType[];
}

export interface ReindexProgress {
  step: 'reindex';
  current: number;
  total: number;
}

export const emptyCounts = (): IndexCounts => ({ added: 0, updated: 0, skipped: 0, deleted: 0, failed: 0 });

export function addCounts(a: IndexCounts, b: IndexCounts): IndexCounts {
  return { added: a.added + b.added, updated: a.updated + b.updated, skipped: a.skipped + b.skipped, deleted: a.deleted + b.deleted, failed: a.failed + b.failed };
}

type VectorOp = { kind: 'upsert'; label: number; vector: Float32Array } | { kind: 'remove'; label: number };

interface EmbeddedVectors {
  vectors: Map<PlannedDocument, { vector: Float32Array; fromCache: boolean }>;
  /** Documents whose embedding failed: left out of the commit, reported, retried later. */
  failures: Map<PlannedDocument, string>;
  warning: string | null;
}

/** app_state key holding the outcome of the last full reindex (shown by `ai rag status`). */
export const LAST_REINDEX_KEY = 'rag.last_full_reindex';

export class RagIndexer {
  readonly builder: DocumentBuilder;
  private readonly sql: SqlRunner;
  private readonly documents: RagDocumentRepository;
  private readonly outbox: RagOutbox;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly embedder: Embedder,
    private readonly vectors: () => VectorIndex | null,
    private readonly settings: () => Settings,
    private readonly logger: Logger,
  ) {
    this.builder = new DocumentBuilder(sqlite);
    this.sql = SqlRunner.of(sqlite);
    this.documents = new RagDocumentRepository(sqlite);
    this.outbox = new RagOutbox(sqlite, settings);
  }

  private get modelId(): string {
    return this.embedder.modelId;
  }

  /**
   * Indexes one batch of coalesced changes. An upsert of an entity that no longer exists is a
   * delete (cascade deletes only log upserts of the parent invoice). Embedding errors other than
   * "model unavailable" are isolated per entity and reported as failures; the rest commits.
   */
  async process(changes: readonly EntityChange[], options: ProcessOptions = {}): Promise<IndexResult> {
    const built = new Map<RagEntityType, Map<number, BuiltDocument>>();
    const stored = new Map<RagEntityType, Map<number, ExistingDocument>>();
    for (const [type, g] of changesByType(changes)) {
      built.set(type, this.builder.build(type, g.upserts));
      stored.set(type, this.documents.existing(type, [...g.upserts, ...g.deletes]));
    }
    const canEmbed = this.embedder.available();
    const plan = planBatch({ changes, built, stored, modelId: this.modelId, canEmbed });
    const embedded = await this.vectorsFor(plan, canEmbed);
    return this.commit(plan, embedded, options);
  }

  /** Vectors for the planned documents that need one: from the cache, else from the worker (failures isolated per entity). */
  private async vectorsFor(plan: BatchPlan, canEmbed: boolean): Promise<EmbeddedVectors> {
    const vectors = new Map<PlannedDocument, { vector: Float32Array; fromCache: boolean }>();
    const failures = new Map<PlannedDocument, string>();
    const needVector = plan.documents.filter((p) => !p.keepsVector);
    const cached = this.embedder.cached(needVector.map((p) => p.embedHash));
    for (const p of needVector) {
      const v = cached.get(p.embedHash);
      if (v) vectors.set(p, { vector: v, fromCache: true });
    }
    const toEmbed = needVector.filter((p) => !vectors.has(p));
    let warning: string | null = null;
    if (toEmbed.length && canEmbed) {
      try {
        const vs = await this.embedder.embed(toEmbed.map((p) => p.embedText));
        toEmbed.forEach((p, i) => {
          const v = vs[i];
          if (v) vectors.set(p, { vector: v, fromCache: false });
        });
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailableError)) {
          // Isolate the entity that breaks the model (or the worker) so the others still commit.
          this.logger.warn(`Embedding a batch of ${toEmbed.length} failed (${errorMessage(e)}); retrying one by one`);
          for (const p of toEmbed) {
            try {
              const v = (await this.embedder.embed([p.embedText]))[0];
              if (v) vectors.set(p, { vector: v, fromCache: false });
            } catch (e2) {
              if (e2 instanceof EmbeddingUnavailableError) break;
              failures.set(p, errorMessage(e2));
            }
          }
          // Kept with the batch record, so the error shows even when every retry succeeded.
          warning = `Embedding a batch of ${toEmbed.length} failed (${errorMessage(e)}); retried one by one: ${toEmbed.length - failures.size} embedded, ${failures.size} failed`;
        }
      }
    }
    return { vectors, failures, warning };
  }

  /**
   * Writes the plan in one IMMEDIATE transaction: documents (one without a vector is stored with
   * "embedding pending"), removals, fresh vectors into the cache, derived refreshes into the
   * outbox, the index generation, and the caller's own writes (outbox acknowledgement, batch
   * record). The in-memory vector index follows once committed.
   */
  private async commit(plan: BatchPlan, embedded: EmbeddedVectors, options: ProcessOptions): Promise<IndexResult> {
    const s = this.settings();
    const counts = emptyCounts();
    counts.skipped = plan.skipped;
    const failures: EntityFailure[] = [...embedded.failures].map(([p, error]) => ({ type: p.type, id: p.id, error }));
    counts.failed = failures.length;
    const pendingMsg = 'embedding pending: ' + this.embedder.unavailableMessage();
    const vectorOps: VectorOp[] = [];
    let embeddingPending = 0;
    let cascaded = 0;
    const changedInvoices: number[] = [];
    const changedClients: number[] = [];
    const gens = this.sql.transaction(() => {
      let label = this.documents.nextLabel();
      const fresh: { hash: string; vector: Float32Array }[] = [];
      for (const p of plan.documents) {
        if (embedded.failures.has(p)) continue;
        if (p.type === 'invoice') changedInvoices.push(p.id);
        if (p.type === 'client') changedClients.push(p.id);
        if (p.keepsVector && p.existing) {
          this.documents.updateText(p.existing.id, p.hash, p.text);
          counts.updated++;
          continue;
        }
        const e = embedded.vectors.get(p);
        const vector = e?.vector ?? null;
        if (!e) embeddingPending++;
        else if (!e.fromCache) fresh.push({ hash: p.embedHash, vector: e.vector });
        const write = {
          contentHash: p.hash,
          text: p.text,
          embedding: vector ? vectorToBlob(vector) : null,
          embeddingHash: vector ? p.embedHash : null,
          modelId: vector ? this.modelId : null,
          lastError: vector ? null : pendingMsg,
        };
        // Upsert semantics guard against another process having added it meanwhile.
        const row = p.existing ?? this.documents.byEntity(p.type, p.id);
        if (row) {
          this.documents.update(row.id, write);
          counts.updated++;
          vectorOps.push(vector ? { kind: 'upsert', label: row.label, vector } : { kind: 'remove', label: row.label });
        } else {
          this.documents.insert(p.type, p.id, label, write);
          counts.added++;
          if (vector) vectorOps.push({ kind: 'upsert', label, vector });
          label++;
        }
      }
      for (const d of plan.removals) {
        const row = this.documents.byEntity(d.type, d.id);
        if (row && s.RAG_AUTO_UPDATE_DELETE_ON_REMOVAL) {
          this.documents.delete(row.id);
          counts.deleted++;
          vectorOps.push({ kind: 'remove', label: row.label });
        } else counts.skipped++;
      }
      this.embedder.remember(fresh);
      if (options.cascade !== false) cascaded = this.cascade(changedInvoices, changedClients, options.cascadeTypes);
      const g = vectorOps.length ? bumpGeneration(this.sqlite) : null;
      options.inTransaction?.({ ...counts }, failures, embedded.warning);
      return g;
    }, 'immediate');
    if (gens) await this.applyVectors(gens, vectorOps);
    return { ...counts, failures, embeddingPending, cascaded, warning: embedded.warning };
  }

  /**
   * A changed invoice changes its client's totals; a changed client identity changes its invoices'
   * text. Both are queued in the outbox (same transaction), and only when text really changed, so
   * the cascade stops at the first unchanged document. Clients' totals are refreshed after a short
   * deferral (see derivedRefreshDelayMs), once for all the invoice changes of that window.
   */
  private cascade(invoices: number[], clients: number[], only?: readonly RagEntityType[]): number {
    const s = this.settings();
    const tracked = trackedTypes(s).filter((t) => !only || only.includes(t));
    let n = 0;
    if (tracked.includes('client') && invoices.length) {
      // (A deleted invoice no longer names its client; that client's totals refresh on its next change or a reindex.)
      const clientIds = new Set(this.builder.clientIdsOfInvoices(invoices));
      const delay = derivedRefreshDelayMs(s);
      const now = new Date();
      const at = new Date(now.getTime() + delay);
      for (const id of clientIds) {
        if (delay === 0) this.outbox.enqueueRefresh('client', id);
        else this.outbox.enqueueDeferredRefresh('client', id, at, now);
        n++;
      }
    }
    if (tracked.includes('invoice') && clients.length) {
      for (const id of this.builder.staleInvoicesOfClients(clients)) {
        this.outbox.enqueueRefresh('invoice', id);
        n++;
      }
    }
    return n;
  }

  private async applyVectors(gens: [number, number], ops: VectorOp[]): Promise<void> {
    const vectors = this.vectors();
    if (!vectors) return;
    const [prev, next] = gens;
    // Fast path without awaiting, so no search can observe the commit before the index has it.
    if (vectors.rebuildInProgress) await vectors.settled();
    if (vectors.generation === prev) {
      for (const op of ops) {
        if (op.kind === 'upsert') vectors.upsert(op.label, op.vector);
        else vectors.remove(op.label);
      }
      vectors.generation = next;
    } else if (vectors.generation < next) {
      // Another process (or a rebuild snapshot) moved the generation: resynchronise from SQLite.
      await vectors.rebuild(this.sqlite);
    }
  }

  /**
   * Full idempotent pass: every entity of the pass's types rebuilt and hash-compared, their
   * orphaned documents deleted, their outbox rows up to the pass's start acknowledged. A second run
   * with no data change reports everything skipped.
   *
   * Without `types` the pass covers every tracked type and also deletes the documents of untracked
   * types. With `types` (a rebuild of the types one batch names, INCREMENTAL_UPDATES=false, or
   * `ai rag reindex --type`) nothing outside those types is touched: their documents stay, and the
   * derived refreshes the pass causes in them (a renamed client's invoices) are queued in the outbox.
   */
  async reindexAll(options: { types?: readonly RagEntityType[]; onProgress?: (p: ReindexProgress) => void; chunkSize?: number } = {}): Promise<IndexResult & { entities: number }> {
    const partial = options.types !== undefined;
    const types = options.types ?? trackedTypes(this.settings());
    const others = RAG_ENTITY_TYPES.filter((t) => !types.includes(t));
    const chunk = options.chunkSize ?? 128;
    const t0 = performance.now();
    this.embedder.retry();
    const maxChange = this.outbox.maxId();
    const orphans: EntityChange[] = [];
    for (const t of RAG_ENTITY_TYPES) {
      // Documents of the pass's types whose entity is gone; on a full pass also every document of an untracked type.
      if (types.includes(t)) for (const id of this.documents.entityIds(t, 'orphaned')) orphans.push({ type: t, id, op: 'delete' });
      else if (!partial) for (const id of this.documents.entityIds(t, 'all')) orphans.push({ type: t, id, op: 'delete' });
    }
    const total = types.reduce((n, t) => n + this.builder.count(t), 0) + orphans.length;
    let done = 0;
    let result: IndexResult = { ...emptyCounts(), failures: [], embeddingPending: 0, cascaded: 0, warning: null };
    const merge = (r: IndexResult, n: number) => {
      result = {
        ...addCounts(result, r),
        failures: [...result.failures, ...r.failures],
        embeddingPending: result.embeddingPending + r.embeddingPending,
        cascaded: result.cascaded + r.cascaded,
        warning: r.warning ?? result.warning,
      };
      done += n;
      options.onProgress?.({ step: 'reindex', current: done, total });
    };
    options.onProgress?.({ step: 'reindex', current: 0, total });
    // Two chunks in flight: the main thread builds and commits one while the worker embeds the next.
    const inFlight = new Set<Promise<void>>();
    const run = async (changes: EntityChange[]) => {
      const p = this.process(changes, partial ? { cascadeTypes: others } : { cascade: false }).then((r) => merge(r, changes.length));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
      if (inFlight.size >= 2) await Promise.race(inFlight);
    };
    for (const type of types) {
      let after = 0;
      for (;;) {
        const ids = this.builder.idsAfter(type, after, chunk);
        if (ids.length === 0) break;
        after = ids[ids.length - 1]!;
        await run(ids.map((id) => ({ type, id, op: 'upsert' as const })));
      }
    }
    for (let i = 0; i < orphans.length; i += chunk) await run(orphans.slice(i, i + chunk));
    await Promise.all(inFlight);
    // Everything captured before the pass started is now reflected; failures go back to the outbox.
    this.sql.transaction(() => {
      this.outbox.settleFullPass(maxChange, types, result.failures);
      new AppStateRepository(this.sqlite).setJson(LAST_REINDEX_KEY, {
        at: new Date().toISOString(),
        types,
        entities: total,
        added: result.added,
        updated: result.updated,
        skipped: result.skipped,
        deleted: result.deleted,
        failed: result.failed,
        ms: Math.round(performance.now() - t0),
      });
    });
    return { ...result, entities: total };
  }
}
