// The RAG facade the rest of the app uses (`app.rag`): the embedder, the indexer, the hybrid
// retriever and the in-memory vector index (loaded lazily on first use, checked against SQLite),
// plus the status figures of `ai rag status`.
import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import type { Logger } from '../logger';
import type { WorkerHost } from '../worker/worker-host';
import { Embedder, embeddingModelSpec, localModelLocation, type EmbedderStatus } from './embedder';
import { HybridRetriever } from './hybrid-retriever';
import { LAST_REINDEX_KEY, RagIndexer, trackedTypes } from './rag-indexer';
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

  status(): RagStatus {
    const s = this.settings();
    const rows = this.sqlite
      .prepare<[], { entity_type: RagEntityType; n: number; e: number }>(
        'SELECT entity_type, COUNT(*) AS n, SUM(embedding IS NOT NULL) AS e FROM rag_documents GROUP BY entity_type',
      )
      .all();
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
    const last = this.sqlite.prepare<[string], { value: string }>('SELECT value FROM app_state WHERE key = ?').get(LAST_REINDEX_KEY);
    const lastBatch = this.sqlite.prepare<[], { f: string | null }>('SELECT MAX(finished_at) AS f FROM reindex_batches').get();
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
      lastReindex: last ? (JSON.parse(last.value) as RagStatus['lastReindex']) : null,
      lastBatchAt: lastBatch?.f ?? null,
    };
  }
}
