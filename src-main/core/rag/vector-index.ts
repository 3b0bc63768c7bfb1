// The HNSW vector index (hnswlib-node, cosine, 384-d) held in memory, and its file under
// <data>/.vectors: a cache of the embeddings stored in rag_documents, never the source of truth.
// The file is written atomically (temp + fsync + rename) with a meta JSON carrying the SQLite
// generation, count and checksum; on load a mismatch or a corrupt file means a rebuild from the
// stored embeddings (no re-embedding). One process writes the file at a time (a lock row in app_state).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import type { HierarchicalNSW } from 'hnswlib-node';
import { AppStateRepository } from '../db/app-state-repository';
import { SqlRunner } from '../db/sql-runner';
import { commitTempFile, tempPathFor, writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../logger';
import { blobToVector } from './embedding-protocol';
import { EMBEDDING_DIM } from './embedder';
import { RagDocumentRepository } from './rag-document-repository';

export interface HnswSettings {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 200, efSearch: 128 };

export interface VectorIndexMeta {
  generation: number;
  count: number;
  dim: number;
  model: string;
  sha256: string;
  bytes: number;
  hnsw: HnswSettings;
  writtenAt: string;
}

export interface VectorHit {
  label: number;
  /** Cosine distance (1 − similarity). */
  distance: number;
}

// The native addon loads on the first index built or read, not with every module that imports this one.
const requireHere = createRequire(import.meta.url);
let hnswlibModule: typeof import('hnswlib-node') | undefined;
const hnswlib = (): typeof import('hnswlib-node') => (hnswlibModule ??= requireHere('hnswlib-node') as typeof import('hnswlib-node'));

const GENERATION_KEY = 'rag.index_generation';
const WRITER_KEY = 'rag.index_writer';

/** The generation of rag_documents' embeddings: bumped in every transaction that changes them. */
export function readGeneration(sqlite: BetterSqlite3.Database): number {
  const value = new AppStateRepository(sqlite).get(GENERATION_KEY);
  return value === undefined ? 0 : Number(value);
}

/** Call inside the write transaction that changes embeddings; returns [previous, new]. */
export function bumpGeneration(sqlite: BetterSqlite3.Database): [number, number] {
  const prev = readGeneration(sqlite);
  new AppStateRepository(sqlite).set(GENERATION_KEY, String(prev + 1));
  return [prev, prev + 1];
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the index-file writer lock if it is free, stale (dead pid) or already ours. */
export function acquireWriterLock(sqlite: BetterSqlite3.Database, owner: string): boolean {
  const state = new AppStateRepository(sqlite);
  return SqlRunner.of(sqlite).transaction(() => {
    const held = state.getJson<{ pid: number; owner: string }>(WRITER_KEY);
    if (held && held.pid !== process.pid && pidAlive(held.pid)) return false;
    state.setJson(WRITER_KEY, { pid: process.pid, owner, at: new Date().toISOString() });
    return true;
  }, 'immediate');
}

export function releaseWriterLock(sqlite: BetterSqlite3.Database): void {
  new AppStateRepository(sqlite).deleteIfOwnedBy(WRITER_KEY, process.pid);
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class VectorIndex {
  private index: HierarchicalNSW;
  private readonly labels = new Set<number>();
  /** The rag_documents generation this in-memory index reflects. */
  generation = -1;
  private rebuilding: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly modelId: string,
    private readonly logger: Logger,
    readonly settings: HnswSettings = DEFAULT_HNSW,
  ) {
    this.index = this.fresh(1024);
  }

  get file(): string {
    return path.join(this.dir, 'index.hnsw');
  }

  get metaFile(): string {
    return path.join(this.dir, 'index.meta.json');
  }

  get size(): number {
    return this.labels.size;
  }

  has(label: number): boolean {
    return this.labels.has(label);
  }

  private fresh(capacity: number): HierarchicalNSW {
    const idx = new (hnswlib().HierarchicalNSW)('cosine', EMBEDDING_DIM);
    idx.initIndex({ maxElements: capacity, m: this.settings.m, efConstruction: this.settings.efConstruction, randomSeed: 100 });
    idx.setEf(this.settings.efSearch);
    return idx;
  }

  readMeta(): VectorIndexMeta | null {
    try {
      return JSON.parse(fs.readFileSync(this.metaFile, 'utf8')) as VectorIndexMeta;
    } catch {
      return null;
    }
  }

  /**
   * Loads the file when it matches SQLite (generation, count, model, checksum); otherwise rebuilds
   * from the stored embeddings. Returns why it rebuilt, or null when the file was used.
   */
  async open(sqlite: BetterSqlite3.Database): Promise<string | null> {
    const generation = readGeneration(sqlite);
    const count = this.storedCount(sqlite);
    const meta = this.readMeta();
    let reason: string | null = null;
    if (!meta || !fs.existsSync(this.file)) reason = 'no index file';
    else if (meta.generation !== generation) reason = `index generation ${meta.generation} ≠ database generation ${generation}`;
    else if (meta.count !== count) reason = `index holds ${meta.count} vectors, database ${count}`;
    else if (meta.model !== this.modelId || meta.dim !== EMBEDDING_DIM) reason = `index built for ${meta.model}/${meta.dim}`;
    else {
      const buf = fs.readFileSync(this.file);
      const sha = crypto.createHash('sha256').update(buf).digest('hex');
      if (buf.length !== meta.bytes || sha !== meta.sha256) reason = 'index file is corrupt (checksum mismatch)';
      else {
        try {
          const idx = new (hnswlib().HierarchicalNSW)('cosine', EMBEDDING_DIM);
          await idx.readIndex(this.file);
          idx.setEf(this.settings.efSearch);
          // The file also lists deleted points; the live labels are the database's.
          const inFile = new Set(idx.getIdsList());
          const labels = this.storedLabels(sqlite);
          const missing = labels.filter((l) => !inFile.has(l)).length;
          if (missing) reason = `index file lacks ${missing} of the database's vectors`;
          else {
            this.index = idx;
            this.labels.clear();
            for (const l of labels) this.labels.add(l);
            this.generation = generation;
            return null;
          }
        } catch (e) {
          reason = `index file cannot be read: ${(e as Error).message}`;
        }
      }
    }
    if (/corrupt|cannot be read/.test(reason)) this.logger.error(`Vector index file ${this.file}: ${reason}; rebuilding from stored embeddings`);
    else if (reason !== 'no index file' || count > 0) this.logger.warn(`Vector index out of date (${reason}); rebuilding from stored embeddings`);
    await this.rebuild(sqlite);
    return reason;
  }

  private storedLabels(sqlite: BetterSqlite3.Database): number[] {
    return new RagDocumentRepository(sqlite).storedLabels(this.modelId);
  }

  storedCount(sqlite: BetterSqlite3.Database): number {
    return new RagDocumentRepository(sqlite).storedCount(this.modelId);
  }

  /** Rebuilds in memory from rag_documents, yielding to the event loop between chunks. */
  rebuild(sqlite: BetterSqlite3.Database): Promise<void> {
    this.rebuilding ??= (async () => {
      // One read transaction: the rows and the generation they belong to.
      const { generation, rows } = SqlRunner.of(sqlite).transaction(() => ({
        generation: readGeneration(sqlite),
        rows: new RagDocumentRepository(sqlite).storedVectors(this.modelId),
      }));
      const t0 = performance.now();
      const idx = this.fresh(Math.max(1024, Math.ceil(rows.length * 1.25)));
      for (let i = 0; i < rows.length; i++) {
        idx.addPoint(Array.from(blobToVector(rows[i]!.embedding)), rows[i]!.label);
        if (i % 200 === 199) await yieldToLoop();
      }
      this.index = idx;
      this.labels.clear();
      for (const r of rows) this.labels.add(r.label);
      this.generation = generation;
      if (rows.length) this.logger.info(`Vector index rebuilt from ${rows.length} stored embeddings in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    })().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  get rebuildInProgress(): boolean {
    return this.rebuilding !== null;
  }

  /** Waits for a running rebuild; updates must land on the index that replaces the old one. */
  async settled(): Promise<void> {
    while (this.rebuilding) await this.rebuilding;
  }

  upsert(label: number, vector: Float32Array): void {
    if (!this.labels.has(label)) {
      const max = this.index.getMaxElements();
      // getCurrentCount counts deleted points too, so capacity is checked against it.
      if (this.index.getCurrentCount() + 1 > max) this.index.resizeIndex(Math.ceil(max * 1.5) + 16);
    }
    this.index.addPoint(Array.from(vector), label);
    this.labels.add(label);
  }

  remove(label: number): void {
    if (!this.labels.has(label)) return;
    this.index.markDelete(label);
    this.labels.delete(label);
  }

  search(vector: Float32Array, k: number, filter?: (label: number) => boolean): VectorHit[] {
    const n = Math.min(k, this.labels.size);
    if (n === 0) return [];
    if (this.index.getEf() < n) this.index.setEf(n);
    const r = this.index.searchKnn(Array.from(vector), n, filter);
    return r.neighbors.map((label, i) => ({ label, distance: r.distances[i]! }));
  }

  /** Writes the file atomically; returns false (and writes nothing) when another process holds the writer lock. */
  async save(sqlite: BetterSqlite3.Database, owner: string): Promise<boolean> {
    await this.settled();
    if (!acquireWriterLock(sqlite, owner)) return false;
    fs.mkdirSync(this.dir, { recursive: true });
    const generation = this.generation;
    const count = this.labels.size;
    const tmp = tempPathFor(this.file);
    await this.index.writeIndex(tmp);
    const buf = fs.readFileSync(tmp);
    const meta: VectorIndexMeta = {
      generation,
      count,
      dim: EMBEDDING_DIM,
      model: this.modelId,
      sha256: crypto.createHash('sha256').update(buf).digest('hex'),
      bytes: buf.length,
      hnsw: this.settings,
      writtenAt: new Date().toISOString(),
    };
    // Meta first would describe a file not yet in place; so: index file, then meta. A crash in
    // between leaves a checksum mismatch, which the next open detects and repairs.
    commitTempFile(tmp, this.file);
    writeFileAtomic(this.metaFile, JSON.stringify(meta, null, 2));
    return true;
  }
}
