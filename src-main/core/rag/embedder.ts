// Main-side embeddings: sends texts to the worker's `rag.embed` job, caches vectors by content hash
// (RAG_ENABLE_CACHING, table embedding_cache) and tracks whether the model can be had at all. When
// it cannot, it says so once, exactly, and callers fall back to keyword search.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import type { DataPaths } from '../config/paths';
import { errorCode, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { Progress } from '../worker/protocol';
import type { WorkerHost } from '../worker/worker-host';
import { blobToVector, decodeVector, vectorToBlob, type EmbeddingModelSpec } from './embedding-protocol';
import { RagDocumentRepository } from './rag-document-repository';

export const EMBEDDING_DIM = 384;

export type EmbedderState = 'unknown' | 'ready' | 'unavailable';

export interface EmbedderStatus {
  state: EmbedderState;
  model: string;
  /** Where the model was (or will be) loaded from. */
  location: string | null;
  source: 'local' | 'remote' | null;
  error: string | null;
}

/** The model cannot be loaded: keyword search still works, documents are embedded later. */
export class EmbeddingUnavailableError extends Error {
  readonly code = 'MODEL_UNAVAILABLE';
}

/** Repo root (two levels above src-main/core/rag), for the offline model copy beside a checkout. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function embeddingModelSpec(settings: Settings, paths: DataPaths): EmbeddingModelSpec {
  const localDirs = [
    settings.RAG_EMBEDDING_MODEL_PATH ? path.resolve(paths.dataDir, settings.RAG_EMBEDDING_MODEL_PATH) : '',
    path.join(paths.modelsDir, 'embeddings'),
    // A development checkout or CI run finds the converted offline copy beside the repo.
    path.resolve(REPO_ROOT, '../shared/models'),
  ].filter(Boolean);
  return {
    name: settings.RAG_EMBEDDING_MODEL,
    localDirs,
    cacheDir: path.join(paths.modelsDir, 'embeddings'),
    allowRemote: true,
  };
}

/** Where a local copy would load from, without starting the worker (for `ai rag status`). */
export function localModelLocation(spec: EmbeddingModelSpec): string | null {
  for (const dir of spec.localDirs) {
    if (fs.existsSync(path.join(dir, 'config.json'))) return dir;
    for (const name of [spec.name, `Xenova/${spec.name}`]) {
      if (fs.existsSync(path.join(dir, name, 'config.json'))) return path.join(dir, name);
    }
  }
  return null;
}

/** After a failed load, try again no sooner than this (a download may hang for long offline). */
const RETRY_UNAVAILABLE_MS = 5 * 60_000;

export class Embedder {
  private state: EmbedderState = 'unknown';
  private error: string | null = null;
  private location: string | null = null;
  private source: 'local' | 'remote' | null = null;
  private unavailableSince = 0;
  private readonly documents: RagDocumentRepository;

  constructor(
    private readonly worker: WorkerHost,
    connection: BetterSqlite3.Database,
    private readonly settings: () => Settings,
    private readonly paths: DataPaths,
    private readonly logger: Logger,
  ) {
    this.documents = new RagDocumentRepository(connection);
  }

  /** The model id stored with every vector and mixed into content hashes. */
  get modelId(): string {
    return this.settings().RAG_EMBEDDING_MODEL;
  }

  status(): EmbedderStatus {
    const spec = embeddingModelSpec(this.settings(), this.paths);
    return {
      state: this.state,
      model: this.modelId,
      location: this.location ?? localModelLocation(spec),
      source: this.source ?? (localModelLocation(spec) ? 'local' : null),
      error: this.error,
    };
  }

  /** False when a recent load failed; the next attempt happens after a cool-down or `retry()`. */
  available(): boolean {
    if (this.state !== 'unavailable') return true;
    return Date.now() - this.unavailableSince > RETRY_UNAVAILABLE_MS;
  }

  retry(): void {
    if (this.state === 'unavailable') this.state = 'unknown';
  }

  /** Embeds texts in the worker; throws EmbeddingUnavailableError when the model cannot be had. */
  async embed(texts: readonly string[], onProgress?: (p: Progress) => void): Promise<Float32Array[]> {
    if (!this.available()) throw new EmbeddingUnavailableError(this.unavailableMessage());
    try {
      const r = await this.worker.call('rag.embed', { texts: [...texts], model: embeddingModelSpec(this.settings(), this.paths) }, { onProgress });
      if (this.state !== 'ready') {
        this.logger.info(`Embedding model ${this.modelId} loaded from ${r.location} in ${(r.loadMs / 1000).toFixed(1)}s`);
      }
      this.state = 'ready';
      this.error = null;
      this.location = r.location;
      this.source = r.source;
      return r.vectors.map(decodeVector);
    } catch (e) {
      if (errorCode(e) === 'MODEL_UNAVAILABLE') {
        const first = this.state !== 'unavailable';
        this.state = 'unavailable';
        this.error = errorMessage(e);
        this.unavailableSince = Date.now();
        if (first) this.logger.warn(this.unavailableMessage());
        throw new EmbeddingUnavailableError(this.unavailableMessage());
      }
      throw e;
    }
  }

  /** One query vector, or null when the model is unavailable (callers then search by keywords only). */
  async embedQuery(text: string): Promise<Float32Array | null> {
    try {
      return (await this.embed([text]))[0] ?? null;
    } catch (e) {
      if (e instanceof EmbeddingUnavailableError) return null;
      throw e;
    }
  }

  /** Cached vectors by content hash (only when RAG_ENABLE_CACHING); missing hashes are absent. */
  cached(hashes: readonly string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    if (!this.settings().RAG_ENABLE_CACHING) return out;
    for (const h of hashes) {
      const blob = this.documents.cachedEmbedding(h, this.modelId);
      if (blob) out.set(h, blobToVector(blob));
    }
    return out;
  }

  /** Stores vectors in the cache; call inside the caller's write transaction. */
  remember(entries: readonly { hash: string; vector: Float32Array }[]): void {
    if (!this.settings().RAG_ENABLE_CACHING) return;
    for (const e of entries) this.documents.cacheEmbedding(e.hash, this.modelId, vectorToBlob(e.vector));
  }

  unavailableMessage(): string {
    return `Embedding model ${this.modelId} is not available: ${this.error ?? 'it could not be loaded'}; keyword search still works`;
  }
}
