// The read model of RAG auto-update: the seed's Monitoring figures (pending changes, processed
// entities, success rate, average batch time, queue size against the maximum), the index overview
// the Knowledge page shows, the pending list and the batch history. Read from the database, so any
// process (the CLI next to a running app, the GUI, `ai status`) sees the same figures; the IPC
// handlers and the CLI both use these functions.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import { readPaused, runningAutoIndexing, writePaused, type AutoIndexingService } from './auto-indexing-service';
import { cleanDocumentText } from '../assistant/builtin-provider';
import { DocumentSourceRepository } from './document-source-repository';
import { titleAndSnippet, type FoundBy } from './hybrid-retriever';
import { RagDocumentRepository } from './rag-document-repository';
import { RagOutbox } from './rag-outbox';
import type { RagService } from './rag-service';
import { ReindexBatchRepository, type BatchRecord, type ReindexBatchRow } from './reindex-batch-repository';

export interface AutoUpdateStats {
  pending: number;
  due: number;
  failing: number;
  processed: number;
  batches: number;
  failedEntities: number;
  successRate: number | null;
  averageBatchMs: number | null;
  queueSize: number;
  maxQueueSize: number;
  lastBatchAt: string | null;
  lastError: string | null;
}

export function autoUpdateStats(sqlite: BetterSqlite3.Database, settings: Settings): AutoUpdateStats {
  const c = new RagOutbox(sqlite, () => settings).counts();
  const b = new ReindexBatchRepository(sqlite).totals();
  return {
    pending: c.total,
    due: c.due,
    failing: c.failing,
    processed: b.processed,
    batches: b.batches,
    failedEntities: b.failed,
    successRate: b.successRate,
    averageBatchMs: b.averageBatchMs,
    queueSize: c.total,
    maxQueueSize: settings.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
    lastBatchAt: b.lastBatchAt,
    lastError: b.lastError,
  };
}

/** The Knowledge page's overview: queue, figures, documents per type, tracking, vector search. */
export interface IndexOverview {
  enabled: boolean;
  running: boolean;
  paused: boolean;
  pending: number;
  failing: number;
  maxQueueSize: number;
  inFlight: number;
  processed: number;
  failed: number;
  successRate: number | null;
  averageBatchMs: number | null;
  lastBatchAt: string | null;
  documents: Record<RagEntityType, number>;
  tracking: Record<RagEntityType, boolean>;
  debounceSeconds: number;
  vectorSearch: { available: boolean; model: string; message: string | null };
}

export function indexOverview(rag: RagService, service: AutoIndexingService | null, sqlite: BetterSqlite3.Database, s: Settings): IndexOverview {
  const stats = autoUpdateStats(sqlite, s);
  const live = service?.state() ?? null;
  const docs = new RagDocumentRepository(sqlite).countsByType();
  const doc = (t: RagEntityType) => docs.find((d) => d.entity_type === t)?.n ?? 0;
  const model = rag.embedder.status();
  return {
    enabled: s.RAG_AUTO_UPDATE_ENABLED,
    running: live?.running ?? false,
    paused: live?.paused ?? readPaused(sqlite),
    pending: stats.pending,
    failing: stats.failing,
    maxQueueSize: s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
    inFlight: live?.inFlight ?? 0,
    processed: stats.processed,
    failed: stats.failedEntities,
    successRate: stats.successRate,
    averageBatchMs: stats.averageBatchMs,
    lastBatchAt: stats.lastBatchAt,
    documents: { invoice: doc('invoice'), client: doc('client'), product: doc('product') },
    tracking: { invoice: s.RAG_AUTO_UPDATE_TRACK_INVOICES, client: s.RAG_AUTO_UPDATE_TRACK_CLIENTS, product: s.RAG_AUTO_UPDATE_TRACK_PRODUCTS },
    debounceSeconds: s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS,
    vectorSearch: {
      available: model.state !== 'unavailable',
      model: model.model,
      message: model.state === 'unavailable' ? rag.embedder.unavailableMessage() : model.error,
    },
  };
}

export interface PendingChangeView {
  entityType: RagEntityType;
  entityId: number;
  op: 'upsert' | 'delete';
  /** What the record is called ("12/2025 — Rossi Srl"); for a deleted one its last indexed title; null when unknown. */
  label: string | null;
  changedAt: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** The pending changes, coalesced per entity, with the errors of failing ones; and how many there are. */
export function pendingChanges(sqlite: BetterSqlite3.Database, settings: Settings, limit: number): { items: PendingChangeView[]; total: number } {
  const outbox = new RagOutbox(sqlite, () => settings);
  const pending = outbox.list(limit);
  const labels = entityLabels(sqlite, pending);
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
    total: outbox.counts().total,
  };
}

/**
 * What each record is called, from the database (a deleted record from the title of its last
 * indexed document), so the queue and the search read "12/2025 — Rossi Srl" rather than "Invoice #48".
 */
export function entityLabels(sqlite: BetterSqlite3.Database, entities: readonly { type: RagEntityType; id: number }[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!entities.length) return out;
  const ids = (type: RagEntityType) => entities.filter((e) => e.type === type).map((e) => e.id);
  for (const r of new DocumentSourceRepository(sqlite).labels(ids('invoice'), ids('client'), ids('product'))) out.set(`${r.type}:${r.id}`, r.label);
  const gone = entities.filter((e) => !out.has(`${e.type}:${e.id}`));
  for (const d of gone.length ? new RagDocumentRepository(sqlite).textsOf(gone) : []) out.set(`${d.type}:${d.id}`, titleAndSnippet(d.text).title);
  return out;
}

export interface IndexSearchHit {
  entityType: RagEntityType;
  entityId: number;
  title: string;
  snippet: string;
  score: number;
  foundBy: FoundBy[];
  exact: boolean;
  relevance: number;
  keywordRank: number | null;
  vectorRank: number | null;
  similarity: number | null;
}

/** The Knowledge page's search: hybrid hits titled by name, with the figures behind their relevance bar. */
export async function searchIndex(rag: RagService, sqlite: BetterSqlite3.Database, settings: Settings, query: string, k: number): Promise<{ hits: IndexSearchHit[]; vectorAvailable: boolean }> {
  const hits = await rag.retriever.search(query, { k });
  // Titles by name ("12/2025 — Rossi Srl"), as in the pending list; the type is shown beside them.
  const names = entityLabels(sqlite, hits.map((h) => ({ type: h.entityType, id: h.entityId })));
  const language = settings.UI_LANGUAGE === 'en' ? 'en' : 'it';
  return {
    hits: hits.map((h) => ({
      entityType: h.entityType,
      entityId: h.entityId,
      ...titleAndSnippet(cleanDocumentText(h.text, language)),
      ...(names.has(`${h.entityType}:${h.entityId}`) ? { title: names.get(`${h.entityType}:${h.entityId}`)! } : {}),
      score: h.score,
      foundBy: h.foundBy,
      exact: h.exact,
      relevance: h.relevance,
      keywordRank: h.ranks.keyword ?? null,
      vectorRank: h.ranks.vector ?? null,
      similarity: h.similarity === undefined ? null : Math.round(h.similarity * 1000) / 1000,
    })),
    vectorAvailable: rag.embedder.status().state !== 'unavailable',
  };
}

export interface BatchView extends BatchRecord {
  id: number;
}

const toBatchView = (r: ReindexBatchRow): BatchView => ({
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

/** The latest reindex batches, newest first. */
export function recentBatches(sqlite: BetterSqlite3.Database, limit: number): BatchView[] {
  return new ReindexBatchRepository(sqlite).recent(limit).map(toBatchView);
}

/** Pauses or resumes auto-indexing: through the running service when this process has one, else the persisted switch alone. */
export function setAutoIndexingPaused(sqlite: BetterSqlite3.Database, service: AutoIndexingService | null, paused: boolean): void {
  if (service) {
    if (paused) service.pause();
    else service.resume();
  } else writePaused(sqlite, paused);
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

/** The "RAG auto-update" section of `ai status`. */
export function ragAutoUpdateStatusSection(sqlite: BetterSqlite3.Database, settings: Settings): { id: string; title: string; rows: { label: string; value: string | number | boolean | null }[] } {
  const st = autoUpdateStats(sqlite, settings);
  const svc = runningAutoIndexing(sqlite);
  const docs = new RagDocumentRepository(sqlite).countsByType();
  const total = docs.reduce((n, d) => n + d.n, 0);
  const embedded = docs.reduce((n, d) => n + (d.e ?? 0), 0);
  return {
    id: 'rag-auto-update',
    title: 'RAG auto-update',
    rows: [
      { label: 'Enabled', value: settings.RAG_AUTO_UPDATE_ENABLED },
      { label: 'Service', value: svc ? `running (pid ${svc.pid})` : 'not running' },
      { label: 'Paused', value: readPaused(sqlite) },
      { label: 'Pending changes', value: st.pending },
      { label: 'Processed entities', value: st.processed },
      { label: 'Success rate', value: pct(st.successRate) },
      { label: 'Average batch time', value: st.averageBatchMs === null ? 'n/a' : `${(st.averageBatchMs / 1000).toFixed(2)}s` },
      { label: 'Queue size', value: `${st.queueSize} / ${st.maxQueueSize}` },
      { label: 'Failing (retrying)', value: st.failing },
      { label: 'Indexed documents', value: `${total} (${embedded} with embeddings)` },
      { label: 'Last batch', value: st.lastBatchAt ?? 'never' },
    ],
  };
}
