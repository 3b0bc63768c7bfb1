// index:* channels → the RAG service and the auto-update service (src-main/core/rag): queue status
// and the seed's Monitoring figures, the pending list with failures, recent batches, pause/resume
// (persisted, also when this host runs no auto-update service), full reindex, hybrid search.
import type { App } from '../../core/app';
import { writePaused, readPaused } from '../../core/rag/auto-indexing-service';
import { ChangeTracker } from '../../core/rag/change-tracker';
import { cleanDocumentText } from '../../core/assistant/builtin-provider';
import type { IndexBatch, IndexStatus, SearchHit } from '../../../src-preload/contract/index-channels';
import type { EmitEvent, PartialHandlers } from '../ipc-router';

type IndexChannel = 'index:status' | 'index:pending' | 'index:batches' | 'index:pause' | 'index:resume' | 'index:reindex' | 'index:search';

type BatchRow = { id: number; started_at: string; finished_at: string; entities: number; added: number; updated: number; skipped: number; deleted: number; failed: number; duration_ms: number; error: string | null };

const toBatch = (r: BatchRow): IndexBatch => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  entities: r.entities,
  added: r.added,
  updated: r.updated,
  skipped: r.skipped,
  deleted: r.deleted,
  failed: r.failed,
  durationMs: r.duration_ms,
  error: r.error,
});

async function recentBatches(app: App, limit: number): Promise<IndexBatch[]> {
  const rows = await app.database.db.selectFrom('reindex_batches').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toBatch);
}

export async function indexStatus(app: App): Promise<IndexStatus> {
  const s = app.settings;
  const tracker = new ChangeTracker(app.database.sqlite, () => app.settings);
  const counts = tracker.counts();
  const live = app.autoIndexing?.state() ?? null;
  const agg = await app.database.db
    .selectFrom('reindex_batches')
    .select((eb) => [
      eb.fn.sum<number | null>('entities').as('entities'),
      eb.fn.sum<number | null>('failed').as('failed'),
      eb.fn.avg<number | null>('duration_ms').as('avg'),
      eb.fn.max<string | null>('finished_at').as('last'),
    ])
    .executeTakeFirstOrThrow();
  const processed = Number(agg.entities ?? 0);
  const failed = Number(agg.failed ?? 0);
  const rag = app.rag.status();
  const doc = (t: 'invoice' | 'client' | 'product') => rag.documents.find((d) => d.type === t)?.documents ?? 0;
  const model = rag.model;
  return {
    enabled: s.RAG_AUTO_UPDATE_ENABLED,
    running: live?.running ?? false,
    paused: live?.paused ?? readPaused(app.database.sqlite),
    pending: counts.total,
    failing: counts.failing,
    maxQueueSize: s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
    inFlight: live?.inFlight ?? 0,
    processed,
    failed,
    successRate: processed ? (processed - failed) / processed : null,
    averageBatchMs: agg.avg === null ? null : Number(agg.avg),
    lastBatchAt: agg.last,
    documents: { invoice: doc('invoice'), client: doc('client'), product: doc('product') },
    tracking: { invoice: s.RAG_AUTO_UPDATE_TRACK_INVOICES, client: s.RAG_AUTO_UPDATE_TRACK_CLIENTS, product: s.RAG_AUTO_UPDATE_TRACK_PRODUCTS },
    debounceSeconds: s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS,
    vectorSearch: {
      available: model.state !== 'unavailable',
      model: model.model,
      message: model.state === 'unavailable' ? app.rag.embedder.unavailableMessage() : model.error,
    },
  };
}

/**
 * What each pending record is called, from the database (a deleted record from the title of its
 * last indexed document), so the queue reads "12/2025 — Rossi Srl" rather than "Invoice #48".
 */
export function entityLabels(app: App, entities: readonly { type: 'invoice' | 'client' | 'product'; id: number }[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!entities.length) return out;
  const db = app.database.sqlite;
  const ids = (type: string) => JSON.stringify(entities.filter((e) => e.type === type).map((e) => e.id));
  const rows = [
    ...(db
      .prepare(
        `SELECT 'invoice' AS type, i.id, CAST(i.number AS TEXT) || '/' || i.year || ' — ' || c.denominazione AS label
           FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id IN (SELECT value FROM json_each(?))`,
      )
      .all(ids('invoice')) as { type: string; id: number; label: string }[]),
    ...(db.prepare(`SELECT 'client' AS type, id, denominazione AS label FROM clients WHERE id IN (SELECT value FROM json_each(?))`).all(ids('client')) as { type: string; id: number; label: string }[]),
    ...(db
      .prepare(`SELECT 'product' AS type, id, code || ' — ' || description AS label FROM products WHERE id IN (SELECT value FROM json_each(?))`)
      .all(ids('product')) as { type: string; id: number; label: string }[]),
  ];
  for (const r of rows) out.set(`${r.type}:${r.id}`, r.label);
  const gone = entities.filter((e) => !out.has(`${e.type}:${e.id}`));
  if (gone.length) {
    const docs = db
      .prepare(`SELECT entity_type AS type, entity_id AS id, text FROM rag_documents WHERE (entity_type || ':' || entity_id) IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(gone.map((e) => `${e.type}:${e.id}`))) as { type: string; id: number; text: string }[];
    for (const d of docs) out.set(`${d.type}:${d.id}`, splitDocument(d.text).title);
  }
  return out;
}

/** First line of a document is its title (e.g. "Fattura 12/2025 — Rossi Srl"); the rest is the snippet. */
function splitDocument(text: string): { title: string; snippet: string } {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const title = (lines[0] ?? '').slice(0, 200);
  const snippet = lines.slice(1).join(' · ').slice(0, 300);
  return { title, snippet };
}

export function indexHandlers(app: App, emit: EmitEvent): PartialHandlers<IndexChannel> {
  const setPaused = async (paused: boolean) => {
    if (app.autoIndexing) {
      if (paused) app.autoIndexing.pause();
      else app.autoIndexing.resume();
    } else writePaused(app.database.sqlite, paused);
    const status = await indexStatus(app);
    emit('index:status', status);
    return status;
  };
  return {
    'index:status': () => indexStatus(app),
    'index:pending': ({ limit }) => {
      const tracker = new ChangeTracker(app.database.sqlite, () => app.settings);
      const pending = tracker.list(limit);
      const labels = entityLabels(app, pending.map((p) => ({ type: p.type, id: p.id })));
      return {
        items: pending.map((p) => ({
          entityType: p.type,
          entityId: p.id,
          op: p.op,
          label: labels.get(`${p.type}:${p.id}`) ?? null,
          changedAt: p.firstChangedAt,
          attempts: p.attempts,
          lastError: p.lastError,
          nextAttemptAt: p.nextAttemptAt,
        })),
        total: tracker.counts().total,
      };
    },
    'index:batches': async ({ limit }) => ({ items: await recentBatches(app, limit) }),
    'index:pause': () => setPaused(true),
    'index:resume': () => setPaused(false),
    'index:reindex': async ({ entityTypes }) => {
      await app.rag.vectors();
      const t0 = performance.now();
      const r = await app.rag.indexer.reindexAll({
        types: entityTypes,
        onProgress: (p) => emit('index:progress', { step: p.step, current: p.current, total: p.total }),
      });
      await app.rag.saveIndex('browser host reindex');
      const result = { added: r.added, updated: r.updated, skipped: r.skipped, deleted: r.deleted, failed: r.failed, durationMs: performance.now() - t0 };
      emit('index:status', await indexStatus(app));
      return result;
    },
    'index:search': async ({ query, k }) => {
      const hits = await app.rag.retriever.search(query, { k });
      // Titles by name ("12/2025 — Rossi Srl"), as in the pending list; the type is shown beside them.
      const names = entityLabels(app, hits.map((h) => ({ type: h.entityType, id: h.entityId })));
      return {
        hits: hits.map(
          (h): SearchHit => ({
            entityType: h.entityType,
            entityId: h.entityId,
            ...splitDocument(cleanDocumentText(h.text, app.settings.UI_LANGUAGE === 'en' ? 'en' : 'it')),
            ...(names.has(`${h.entityType}:${h.entityId}`) ? { title: names.get(`${h.entityType}:${h.entityId}`)! } : {}),
            score: h.score,
            foundBy: h.foundBy,
            exact: h.exact,
            relevance: h.relevance,
            keywordRank: h.ranks.keyword ?? null,
            vectorRank: h.ranks.vector ?? null,
            similarity: h.similarity === undefined ? null : Math.round(h.similarity * 1000) / 1000,
          }),
        ),
        vectorAvailable: app.rag.embedder.status().state !== 'unavailable',
      };
    },
  };
}

/** Forwards the auto-update service's progress, batches and state changes as pushes. */
export function bindIndexEvents(app: App, emit: EmitEvent): () => void {
  const service = app.autoIndexing;
  if (!service) return () => undefined;
  const onProgress = (p: { step: string; current: number; total: number }) => emit('index:progress', { step: p.step, current: p.current, total: p.total });
  const onBatch = () => {
    void (async () => {
      const [latest] = await recentBatches(app, 1);
      const status = await indexStatus(app);
      if (latest) emit('index:batch', { batch: latest, pending: status.pending });
      emit('index:status', status);
    })().catch((e: unknown) => app.logger.warn(`index push failed: ${(e as Error).message}`));
  };
  const onState = () => {
    void indexStatus(app)
      .then((s) => emit('index:status', s))
      .catch((e: unknown) => app.logger.warn(`index push failed: ${(e as Error).message}`));
  };
  service.on('progress', onProgress);
  service.on('batch', onBatch);
  service.on('state', onState);
  return () => {
    service.off('progress', onProgress);
    service.off('batch', onBatch);
    service.off('state', onState);
  };
}
