// The RAG facade the rest of the app uses (`app.rag`): the embedder, the indexer, the hybrid
// retriever and the in-memory vector index (loaded lazily on first use, checked against SQLite),
// plus the status figures of `ai rag status`.
import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import type { Logger } from '../logger';
import { AppStateRepository } from '../db/app-state-repository';
import type { WorkerHost } from '../worker/worker-host';
import { Embedder, embeddingModelSpec, localModelLocation, type EmbedderStatus } from './embedder';
import { HybridRetriever } from './hybrid-retriever';
import { RagDocumentRepository } from './rag-document-repository';
import { LAST_REINDEX_KEY, RagIndexer, type IndexResult, type ReindexProgress } from './rag-indexer';
import { trackedTypes } from './rag-outbox';
import { ReindexBatchRepository } from './reindex-batch-repository';
import { readGeneration, VectorIndex, type HnswSettings, type VectorIndexMeta } from './vector-index';

export interface RagStatus {
  documents: { type: RagEntityType; documents: number; embedded: number; pendingEmbedding: number }[];
  trackedTypes: RagEntityType[];
  model: EmbedderStatus & { provider: string; localCopy: string | null };
  index: { file: string; bytes: number | null; vectors: number | null; generation: number; databaseGeneration: number; upToDate: boolean; hnsw: HnswSettings | null };
  lastReindex: { at: string; added: number; updated: number; skipped: number; deleted: number; failed: number; ms: number } | null;
  lastBatchAt: string | null;
}

export class RagService {
  readonly embedder: Embedder;
  readonly indexer: RagIndexer;
  readonly retriever: HybridRetriever;
  private vectorIndex: VectorIndex | null = null;
  private opening: Promise<VectorIndex> | null = null;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    worker: WorkerHost,
    private readonly settings: () => Settings,
    private readonly paths: DataPaths,
    private readonly logger: Logger,
  ) {
    this.embedder = new Embedder(worker, sqlite, settings, paths, logger);
    this.indexer = new RagIndexer(sqlite, this.embedder, () => this.vectorIndex, settings, logger);
    this.retriever = new HybridRetriever(sqlite, this.embedder, () => this.vectors());
  }

  /** The vector index, opened (and repaired if needed) on first use, resynchronised when another process changed the documents. */
  async vectors(): Promise<VectorIndex> {
    if (this.vectorIndex) {
      const vi = this.vectorIndex;
      await vi.settled();
      if (vi.generation !== readGeneration(this.sqlite)) await vi.rebuild(this.sqlite);
      return vi;
    }
    this.opening ??= (async () => {
      const vi = new VectorIndex(this.paths.vectorDir, this.embedder.modelId, this.logger);
      await vi.open(this.sqlite);
      this.vectorIndex = vi;
      return vi;
    })();
    return this.opening;
  }

  /** Writes the index file if this process may (writer lock); a no-op when nothing was loaded. */
  async saveIndex(owner: string): Promise<boolean> {
    if (!this.vectorIndex) return false;
    const meta = this.vectorIndex.readMeta();
    if (meta && meta.generation === this.vectorIndex.generation && meta.count === this.vectorIndex.size) return true;
    return this.vectorIndex.save(this.sqlite, owner);
  }

  /**
   * A full idempotent reindex (the types given, or every tracked type) with the vector index opened
   * first and its file written after, if this process may write it.
   */
  async reindex(options: { types?: RagEntityType[]; onProgress?: (p: ReindexProgress) => void; owner: string }): Promise<IndexResult & { entities: number; durationMs: number; indexFileWritten: boolean }> {
    await this.vectors();
    const t0 = performance.now();
    const r = await this.indexer.reindexAll({ types: options.types, onProgress: options.onProgress });
    const indexFileWritten = await this.saveIndex(options.owner);
    return { ...r, durationMs: performance.now() - t0, indexFileWritten };
  }

  status(): RagStatus {
    const s = this.settings();
    const rows = new RagDocumentRepository(this.sqlite).countsByType();
    const documents = (['invoice', 'client', 'product'] as RagEntityType[]).map((type) => {
      const r = rows.find((x) => x.entity_type === type);
      return { type, documents: r?.n ?? 0, embedded: r?.e ?? 0, pendingEmbedding: (r?.n ?? 0) - (r?.e ?? 0) };
    });
    const vi = new VectorIndex(this.paths.vectorDir, this.embedder.modelId, this.logger);
    const meta: VectorIndexMeta | null = vi.readMeta();
    const dbGen = readGeneration(this.sqlite);
    let bytes: number | null = null;
    try {
      bytes = fs.statSync(vi.file).size;
    } catch {
      bytes = null;
    }
    const lastReindex = new AppStateRepository(this.sqlite).getJson<RagStatus['lastReindex']>(LAST_REINDEX_KEY) ?? null;
    const lastBatchAt = new ReindexBatchRepository(this.sqlite).totals().lastBatchAt;
    return {
      documents,
      trackedTypes: trackedTypes(s),
      model: { ...this.embedder.status(), provider: s.RAG_EMBEDDING_PROVIDER, localCopy: localModelLocation(embeddingModelSpec(s, this.paths)) },
      index: {
        file: vi.file,
        bytes,
        vectors: meta?.count ?? null,
        generation: meta?.generation ?? -1,
        databaseGeneration: dbGen,
        upToDate: !!meta && meta.generation === dbGen,
        hnsw: meta?.hnsw ?? null,
      },
      lastReindex,
      lastBatchAt,
    };
  }
}
