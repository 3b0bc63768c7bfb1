// rag_documents (the indexed texts, their hashes and stored vectors; the FTS5 mirror is kept by
// triggers) and embedding_cache (vectors by content hash). SQLite is the source of truth of the
// index: the HNSW file is rebuilt from what this repository reads.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { RagEntityType } from '../db/schema';
import { inJson, SQL_NOW } from '../db/sql-helpers';
import { qb, SqlRunner, template } from '../db/sql-runner';

export interface ExistingDocument {
  id: number;
  entity_id: number;
  label: number;
  content_hash: string;
  embedding_hash: string | null;
  has_embedding: number;
}

/** What search results show of a document. */
export interface DocumentHit {
  id: number;
  entity_type: RagEntityType;
  entity_id: number;
  label: number;
  text: string;
}

export interface DocumentWrite {
  contentHash: string;
  text: string;
  embedding: Buffer | null;
  embeddingHash: string | null;
  modelId: string | null;
  lastError: string | null;
}

const ENTITY_TABLE = { invoice: 'invoices', client: 'clients', product: 'products' } as const;

const hit = ['id', 'entity_type', 'entity_id', 'label', 'text'] as const;
const Q = {
  existing: template((p: { type: RagEntityType; ids: string }) =>
    qb
      .selectFrom('rag_documents')
      .select(['id', 'entity_id', 'label', 'content_hash', 'embedding_hash', sql<number>`embedding IS NOT NULL`.as('has_embedding')])
      .where('entity_type', '=', p.type)
      .where('entity_id', 'in', inJson<number>(p.ids)),
  ),
  nextLabel: template(() => qb.selectFrom('rag_documents').select((eb) => sql<number>`${eb.fn.coalesce(eb.fn.max('label'), sql.lit(0))} + 1`.as('l'))),
  insert: template((p: { type: RagEntityType; id: number; label: number } & DocumentWrite) =>
    qb.insertInto('rag_documents').values({
      entity_type: p.type,
      entity_id: p.id,
      label: p.label,
      content_hash: p.contentHash,
      text: p.text,
      embedding: p.embedding,
      embedding_hash: p.embeddingHash,
      model_id: p.modelId,
      indexed_at: SQL_NOW,
      attempts: 0,
      last_error: p.lastError,
    }),
  ),
  update: template((p: { docId: number } & DocumentWrite) =>
    qb
      .updateTable('rag_documents')
      .set({ content_hash: p.contentHash, text: p.text, embedding: p.embedding, embedding_hash: p.embeddingHash, model_id: p.modelId, indexed_at: SQL_NOW, attempts: 0, last_error: p.lastError })
      .where('id', '=', p.docId),
  ),
  updateText: template((p: { docId: number; contentHash: string; text: string }) =>
    qb.updateTable('rag_documents').set({ content_hash: p.contentHash, text: p.text, indexed_at: SQL_NOW, attempts: 0, last_error: null }).where('id', '=', p.docId),
  ),
  byEntity: template((p: { type: RagEntityType; id: number }) => qb.selectFrom('rag_documents').select(hit).where('entity_type', '=', p.type).where('entity_id', '=', p.id)),
  delete: template((p: { docId: number }) => qb.deleteFrom('rag_documents').where('id', '=', p.docId)),
  idsOfType: template((p: { type: RagEntityType }) => qb.selectFrom('rag_documents').select('entity_id as id').where('entity_type', '=', p.type)),
  storedLabels: template((p: { model: string }) => qb.selectFrom('rag_documents').select('label').where('embedding', 'is not', null).where('model_id', '=', p.model)),
  storedCount: template((p: { model: string }) =>
    qb.selectFrom('rag_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('embedding', 'is not', null).where('model_id', '=', p.model),
  ),
  storedVectors: template((p: { model: string }) =>
    qb
      .selectFrom('rag_documents')
      .select(['label', 'embedding'])
      .where('embedding', 'is not', null)
      .where('model_id', '=', p.model)
      .orderBy('label')
      .$narrowType<{ embedding: Buffer }>(),
  ),
  countsByType: template(() =>
    qb
      .selectFrom('rag_documents')
      .select((eb) => ['entity_type', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(sql`embedding IS NOT NULL`).as('e')])
      .groupBy('entity_type'),
  ),
  byLabels: template((p: { labels: string }) => qb.selectFrom('rag_documents').select(hit).where('label', 'in', inJson<number>(p.labels))),
  labelTypes: template(() => qb.selectFrom('rag_documents').select(['label', 'entity_type']).where('embedding', 'is not', null)),
  textsOf: template((p: { keys: string }) =>
    qb
      .selectFrom('rag_documents')
      .select(['entity_type as type', 'entity_id as id', 'text'])
      .where(sql<string>`entity_type || ':' || entity_id`, 'in', inJson<string>(p.keys)),
  ),
  failedEmbeddings: template(() =>
    qb.selectFrom('rag_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('embedding', 'is', null).where('last_error', 'is not', null),
  ),
  clearEmbeddingErrors: template(() => qb.updateTable('rag_documents').set({ attempts: 0, last_error: null }).where('embedding', 'is', null).where('last_error', 'is not', null)),
  cacheGet: template((p: { hash: string; model: string }) => qb.selectFrom('embedding_cache').select('embedding').where('content_hash', '=', p.hash).where('model_id', '=', p.model)),
  cachePut: template((p: { hash: string; model: string; embedding: Buffer }) =>
    qb.insertInto('embedding_cache').orIgnore().values({ content_hash: p.hash, model_id: p.model, embedding: p.embedding }),
  ),
};

export class RagDocumentRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** The stored documents of these entities, by entity id. */
  existing(type: RagEntityType, ids: readonly number[]): Map<number, ExistingDocument> {
    return new Map(this.sql.all(Q.existing, { type, ids: JSON.stringify(ids) }).map((d) => [d.entity_id, d]));
  }

  /** The next free HNSW label (read inside the commit transaction). */
  nextLabel(): number {
    return this.sql.first(Q.nextLabel, {})!.l;
  }

  byEntity(type: RagEntityType, id: number): DocumentHit | undefined {
    return this.sql.first(Q.byEntity, { type, id });
  }

  insert(type: RagEntityType, id: number, label: number, doc: DocumentWrite): void {
    this.sql.run(Q.insert, { type, id, label, ...doc });
  }

  update(docId: number, doc: DocumentWrite): void {
    this.sql.run(Q.update, { docId, ...doc });
  }

  /** The text changed but the vector still stands (its embed text is unchanged). */
  updateText(docId: number, contentHash: string, text: string): void {
    this.sql.run(Q.updateText, { docId, contentHash, text });
  }

  delete(docId: number): void {
    this.sql.run(Q.delete, { docId });
  }

  /** Entity ids of documents of a type (every one, or only those whose entity no longer exists). */
  entityIds(type: RagEntityType, which: 'all' | 'orphaned'): number[] {
    if (which === 'all') return this.sql.all(Q.idsOfType, { type }).map((r) => r.id);
    const table = ENTITY_TABLE[type];
    return this.sql
      .all(
        qb
          .selectFrom('rag_documents as d')
          .select('d.entity_id as id')
          .where('d.entity_type', '=', type)
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom(table).select('id').whereRef(`${table}.id`, '=', 'd.entity_id')))),
      )
      .map((r) => r.id);
  }

  storedLabels(modelId: string): number[] {
    return this.sql.all(Q.storedLabels, { model: modelId }).map((r) => r.label);
  }

  storedCount(modelId: string): number {
    return this.sql.first(Q.storedCount, { model: modelId })!.n;
  }

  /** Every stored vector of a model, by label. */
  storedVectors(modelId: string): { label: number; embedding: Buffer }[] {
    return this.sql.all(Q.storedVectors, { model: modelId });
  }

  /** Documents and embedded documents per entity type. */
  countsByType(): { entity_type: RagEntityType; n: number; e: number }[] {
    return this.sql.all(Q.countsByType, {});
  }

  byLabels(labels: readonly number[]): DocumentHit[] {
    return this.sql.all(Q.byLabels, { labels: JSON.stringify(labels) });
  }

  /** Label → entity type of every embedded document (to filter vector hits by type). */
  labelTypes(): { label: number; entity_type: RagEntityType }[] {
    return this.sql.all(Q.labelTypes, {});
  }

  /** FTS5 keyword search (MATCH and bm25 ranking have no kysely form); `ftsQuery` is already escaped. */
  keywordSearch(ftsQuery: string, types: readonly RagEntityType[], limit: number): DocumentHit[] {
    return this.sql.all(
      sql<DocumentHit>`SELECT d.id, d.entity_type, d.entity_id, d.label, d.text FROM rag_fts
         JOIN rag_documents d ON d.id = rag_fts.rowid
        WHERE rag_fts MATCH ${ftsQuery} AND d.entity_type IN (SELECT value FROM json_each(${JSON.stringify(types)}))
        ORDER BY bm25(rag_fts) LIMIT ${limit}`,
    );
  }

  /** The stored text of these entities' documents (those that have one). */
  textsOf(entities: readonly { type: RagEntityType; id: number }[]): { type: RagEntityType; id: number; text: string }[] {
    return this.sql.all(Q.textsOf, { keys: JSON.stringify(entities.map((e) => `${e.type}:${e.id}`)) });
  }

  /** Documents stored without a vector because embedding them failed. */
  failedEmbeddingCount(): number {
    return this.sql.first(Q.failedEmbeddings, {})!.n;
  }

  clearEmbeddingErrors(): void {
    this.sql.run(Q.clearEmbeddingErrors, {});
  }

  cachedEmbedding(contentHash: string, modelId: string): Buffer | undefined {
    return this.sql.first(Q.cacheGet, { hash: contentHash, model: modelId })?.embedding;
  }

  /** Keeps a vector by content hash (a no-op when already cached); call inside the caller's write transaction. */
  cacheEmbedding(contentHash: string, modelId: string, embedding: Buffer): void {
    this.sql.run(Q.cachePut, { hash: contentHash, model: modelId, embedding });
  }
}
