// Idempotent indexing of entities into rag_documents (+ FTS via triggers) and the vector index, in
// the manner of LangChain's index(): content hashes decide added / updated / skipped, removed
// entities are deleted, and every run reports {added, updated, skipped, deleted, failed}. A batch
// commits its documents, the embedding cache, the index generation and the caller's outbox
// acknowledgement in ONE transaction, so a crash either keeps or loses the whole batch.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { contentHash, DocumentBuilder, RAG_ENTITY_TYPES } from './document-builder';
import { vectorToBlob } from './embedding-protocol';
import { EmbeddingUnavailableError, type Embedder } from './embedder';
import { bumpGeneration, type VectorIndex } from './vector-index';

export interface EntityChange {
  type: RagEntityType;
  id: number;
  op: 'upsert' | 'delete';
}

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

interface ExistingDoc {
  id: number;
  entity_id: number;
  label: number;
  content_hash: string;
  embedding_hash: string | null;
  has_embedding: number;
}

interface Planned {
  type: RagEntityType;
  id: number;
  text: string;
  hash: string;
  embedText: string;
  embedHash: string;
  existing: ExistingDoc | undefined;
  /** The stored vector is of the same embed text: only the text changes. */
  keepsVector: boolean;
  vector: Float32Array | null;
  fromCache: boolean;
}

/** app_state key holding the outcome of the last full reindex (shown by `ai rag status`). */
export const LAST_REINDEX_KEY = 'rag.last_full_reindex';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

export function trackedTypes(s: Settings): RagEntityType[] {
  return RAG_ENTITY_TYPES.filter((t) => (t === 'invoice' ? s.RAG_AUTO_UPDATE_TRACK_INVOICES : t === 'client' ? s.RAG_AUTO_UPDATE_TRACK_CLIENTS : s.RAG_AUTO_UPDATE_TRACK_PRODUCTS));
}

/**
 * How long a client's refresh after its invoices changed waits, so a stream of invoice changes
 * refreshes each client once per window: the debounce, at least 5 s, at most the maximum wait;
 * none when processing is synchronous (ASYNC_PROCESSING=false).
 */
export function derivedRefreshDelayMs(s: Settings): number {
  if (!s.RAG_AUTO_UPDATE_ASYNC_PROCESSING) return 0;
  return Math.min(s.RAG_AUTO_UPDATE_MAX_WAIT_SECONDS, Math.max(s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS, 5)) * 1000;
}

export class RagIndexer {
  readonly builder: DocumentBuilder;
  private readonly stmts;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly embedder: Embedder,
    private readonly vectors: () => VectorIndex | null,
    private readonly settings: () => Settings,
    private readonly logger: Logger,
  ) {
    this.builder = new DocumentBuilder(sqlite);
    this.stmts = {
      existing: sqlite.prepare<[string, string], ExistingDoc>(
        `SELECT id, entity_id, label, content_hash, embedding_hash, embedding IS NOT NULL AS has_embedding FROM rag_documents
          WHERE entity_type = ? AND entity_id IN (SELECT value FROM json_each(?))`,
      ),
      nextLabel: sqlite.prepare<[], { l: number }>('SELECT COALESCE(MAX(label), 0) + 1 AS l FROM rag_documents'),
      insert: sqlite.prepare(
        `INSERT INTO rag_documents(entity_type, entity_id, label, content_hash, text, embedding, embedding_hash, model_id, indexed_at, attempts, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${NOW}, 0, ?)`,
      ),
      update: sqlite.prepare(
        `UPDATE rag_documents SET content_hash = ?, text = ?, embedding = ?, embedding_hash = ?, model_id = ?, indexed_at = ${NOW}, attempts = 0, last_error = ? WHERE id = ?`,
      ),
      updateText: sqlite.prepare(`UPDATE rag_documents SET content_hash = ?, text = ?, indexed_at = ${NOW}, attempts = 0, last_error = NULL WHERE id = ?`),
      byEntity: sqlite.prepare<[string, number], { id: number; label: number }>('SELECT id, label FROM rag_documents WHERE entity_type = ? AND entity_id = ?'),
      delete: sqlite.prepare('DELETE FROM rag_documents WHERE id = ?'),
      enqueue: sqlite.prepare(`INSERT INTO rag_changes(entity_type, entity_id, op) VALUES (?, ?, 'upsert')`),
      // A deferred refresh, unless one is already waiting (it will read the data as of its time).
      enqueueDeferred: sqlite.prepare<{ type: string; id: number; at: string; now: string }>(
        `INSERT INTO rag_changes(entity_type, entity_id, op, next_attempt_at) SELECT @type, @id, 'upsert', @at
          WHERE NOT EXISTS (SELECT 1 FROM rag_changes WHERE entity_type = @type AND entity_id = @id AND attempts = 0 AND next_attempt_at > @now)`,
      ),
    };
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
    const s = this.settings();
    const counts = emptyCounts();
    const failures: EntityFailure[] = [];
    const planned: Planned[] = [];
    const deletes: { type: RagEntityType; id: number }[] = [];
    const byType = new Map<RagEntityType, { upserts: number[]; deletes: number[] }>();
    for (const c of changes) {
      const g = byType.get(c.type) ?? byType.set(c.type, { upserts: [], deletes: [] }).get(c.type)!;
      (c.op === 'delete' ? g.deletes : g.upserts).push(c.id);
    }
    const canEmbed = this.embedder.available();
    for (const [type, g] of byType) {
      const built = this.builder.build(type, g.upserts);
      const all = [...g.upserts, ...g.deletes];
      const existing = new Map(this.stmts.existing.all(type, JSON.stringify(all)).map((d) => [d.entity_id, d]));
      for (const id of g.upserts) {
        const doc = built.get(id);
        if (doc === undefined) {
          deletes.push({ type, id });
          continue;
        }
        const hash = contentHash(doc.text, this.modelId);
        const embedHash = contentHash(doc.embedText, this.modelId);
        const ex = existing.get(id);
        // A vector of another embed text (one made before migration 0005) is replaced even when the text is unchanged.
        if (ex && ex.content_hash === hash && ((ex.has_embedding && ex.embedding_hash === embedHash) || !canEmbed)) {
          counts.skipped++;
          continue;
        }
        const keepsVector = !!ex?.has_embedding && ex.embedding_hash === embedHash;
        planned.push({ type, id, text: doc.text, hash, embedText: doc.embedText, embedHash, existing: ex, keepsVector, vector: null, fromCache: false });
      }
      for (const id of g.deletes) deletes.push({ type, id });
    }

    // Vectors: kept when the embed text is unchanged, else from the cache, else from the worker.
    const needVector = planned.filter((p) => !p.keepsVector);
    const cached = this.embedder.cached(needVector.map((p) => p.embedHash));
    for (const p of needVector) {
      const v = cached.get(p.embedHash);
      if (v) {
        p.vector = v;
        p.fromCache = true;
      }
    }
    const toEmbed = needVector.filter((p) => !p.vector);
    const failedKeys = new Set<Planned>();
    let warning: string | null = null;
    if (toEmbed.length && canEmbed) {
      try {
        const vs = await this.embedder.embed(toEmbed.map((p) => p.embedText));
        toEmbed.forEach((p, i) => (p.vector = vs[i] ?? null));
      } catch (e) {
        if (!(e instanceof EmbeddingUnavailableError)) {
          // Isolate the entity that breaks the model (or the worker) so the others still commit.
          this.logger.warn(`Embedding a batch of ${toEmbed.length} failed (${errorMessage(e)}); retrying one by one`);
          for (const p of toEmbed) {
            try {
              p.vector = (await this.embedder.embed([p.embedText]))[0] ?? null;
            } catch (e2) {
              if (e2 instanceof EmbeddingUnavailableError) break;
              failedKeys.add(p);
              failures.push({ type: p.type, id: p.id, error: errorMessage(e2) });
            }
          }
          // Kept with the batch record, so the error shows even when every retry succeeded.
          warning = `Embedding a batch of ${toEmbed.length} failed (${errorMessage(e)}); retried one by one: ${toEmbed.length - failures.length} embedded, ${failures.length} failed`;
        }
      }
    }
    counts.failed = failures.length;
    const pendingMsg = 'embedding pending: ' + this.embedder.unavailableMessage();

    const vectorOps: ({ kind: 'upsert'; label: number; vector: Float32Array } | { kind: 'remove'; label: number })[] = [];
    let embeddingPending = 0;
    let cascaded = 0;
    const changedInvoices: number[] = [];
    const changedClients: number[] = [];
    const commit = this.sqlite.transaction(() => {
      let label = this.stmts.nextLabel.get()!.l;
      const fresh: { hash: string; vector: Float32Array }[] = [];
      for (const p of planned) {
        if (failedKeys.has(p)) continue;
        if (p.type === 'invoice') changedInvoices.push(p.id);
        if (p.type === 'client') changedClients.push(p.id);
        if (p.keepsVector && p.existing) {
          this.stmts.updateText.run(p.hash, p.text, p.existing.id);
          counts.updated++;
          continue;
        }
        const blob = p.vector ? vectorToBlob(p.vector) : null;
        const err = p.vector ? null : pendingMsg;
        const embedHash = p.vector ? p.embedHash : null;
        if (!p.vector) embeddingPending++;
        else if (!p.fromCache) fresh.push({ hash: p.embedHash, vector: p.vector });
        // Upsert semantics guard against another process having added it meanwhile.
        const row = p.existing ?? this.stmts.byEntity.get(p.type, p.id);
        if (row) {
          this.stmts.update.run(p.hash, p.text, blob, embedHash, p.vector ? this.modelId : null, err, row.id);
          counts.updated++;
          vectorOps.push(p.vector ? { kind: 'upsert', label: row.label, vector: p.vector } : { kind: 'remove', label: row.label });
        } else {
          this.stmts.insert.run(p.type, p.id, label, p.hash, p.text, blob, embedHash, p.vector ? this.modelId : null, err);
          counts.added++;
          if (p.vector) vectorOps.push({ kind: 'upsert', label, vector: p.vector });
          label++;
        }
      }
      for (const d of deletes) {
        const row = this.stmts.byEntity.get(d.type, d.id);
        if (row && s.RAG_AUTO_UPDATE_DELETE_ON_REMOVAL) {
          this.stmts.delete.run(row.id);
          counts.deleted++;
          vectorOps.push({ kind: 'remove', label: row.label });
        } else counts.skipped++;
      }
      this.embedder.remember(fresh);
      if (options.cascade !== false) cascaded = this.cascade(changedInvoices, changedClients, options.cascadeTypes);
      const gens = vectorOps.length ? bumpGeneration(this.sqlite) : null;
      options.inTransaction?.({ ...counts }, failures, warning);
      return gens;
    });
    const gens = commit.immediate();
    if (gens) await this.applyVectors(gens, vectorOps);
    return { ...counts, failures, embeddingPending, cascaded, warning };
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
      const at = new Date(now.getTime() + delay).toISOString();
      for (const id of clientIds) {
        if (delay === 0) this.stmts.enqueue.run('client', id);
        else this.stmts.enqueueDeferred.run({ type: 'client', id, at, now: now.toISOString() });
        n++;
      }
    }
    if (tracked.includes('invoice') && clients.length) {
      for (const id of this.builder.staleInvoicesOfClients(clients)) {
        this.stmts.enqueue.run('invoice', id);
        n++;
      }
    }
    return n;
  }

  private async applyVectors(gens: [number, number], ops: ({ kind: 'upsert'; label: number; vector: Float32Array } | { kind: 'remove'; label: number })[]): Promise<void> {
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
    const maxChange = this.sqlite.prepare<[], { m: number }>('SELECT COALESCE(MAX(id), 0) AS m FROM rag_changes').get()!.m;
    const orphanSql = (t: RagEntityType) =>
      `SELECT entity_id AS id FROM rag_documents d WHERE entity_type = '${t}' AND NOT EXISTS (SELECT 1 FROM ${t === 'invoice' ? 'invoices' : t === 'client' ? 'clients' : 'products'} e WHERE e.id = d.entity_id)`;
    const orphans: EntityChange[] = [];
    for (const t of RAG_ENTITY_TYPES) {
      if (types.includes(t)) {
        for (const r of this.sqlite.prepare<[], { id: number }>(orphanSql(t)).all()) orphans.push({ type: t, id: r.id, op: 'delete' });
      } else if (!partial) {
        for (const r of this.sqlite.prepare<[string], { id: number }>('SELECT entity_id AS id FROM rag_documents WHERE entity_type = ?').all(t)) {
          orphans.push({ type: t, id: r.id, op: 'delete' });
        }
      }
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
    this.sqlite.transaction(() => {
      this.sqlite.prepare(`DELETE FROM rag_changes WHERE id <= ? AND entity_type IN (SELECT value FROM json_each(?))`).run(maxChange, JSON.stringify(types));
      for (const f of result.failures) {
        this.sqlite
          .prepare(`INSERT INTO rag_changes(entity_type, entity_id, op, attempts, last_error, next_attempt_at) VALUES (?, ?, 'upsert', 1, ?, ${NOW})`)
          .run(f.type, f.id, f.error);
      }
      this.sqlite
        .prepare(`INSERT INTO app_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = ${NOW}`)
        .run(LAST_REINDEX_KEY, JSON.stringify({ at: new Date().toISOString(), types, entities: total, added: result.added, updated: result.updated, skipped: result.skipped, deleted: result.deleted, failed: result.failed, ms: Math.round(performance.now() - t0) }));
    })();
    return { ...result, entities: total };
  }
}
