// Knowledge-index channels (auto-update queue, reindex, hybrid search).
import { z } from 'zod';
import { EntityType, Id, IsoTimestamp, Limit, LimitedText, NoArgs } from './common';

const Count = z.number().int().min(0);

export const IndexBatch = z.object({
  id: Id,
  startedAt: IsoTimestamp,
  finishedAt: IsoTimestamp,
  entities: Count,
  added: Count,
  updated: Count,
  skipped: Count,
  deleted: Count,
  failed: Count,
  durationMs: z.number().min(0),
  error: z.string().nullable(),
});
export type IndexBatch = z.infer<typeof IndexBatch>;

export const IndexStatus = z.object({
  enabled: z.boolean(),
  running: z.boolean(),
  paused: z.boolean(),
  pending: Count,
  failing: Count,
  maxQueueSize: Count,
  inFlight: Count,
  processed: Count,
  failed: Count,
  successRate: z.number().min(0).max(1).nullable(),
  averageBatchMs: z.number().nullable(),
  lastBatchAt: IsoTimestamp.nullable(),
  documents: z.object({ invoice: Count, client: Count, product: Count }),
  tracking: z.object({ invoice: z.boolean(), client: z.boolean(), product: z.boolean() }),
  debounceSeconds: z.number(),
  vectorSearch: z.object({ available: z.boolean(), model: z.string(), message: z.string().nullable() }),
});
export type IndexStatus = z.infer<typeof IndexStatus>;

export const PendingChange = z.object({
  entityType: EntityType,
  entityId: Id,
  op: z.enum(['upsert', 'delete']),
  /** What the record is called ("12/2025 — Rossi Srl", "Rossi Srl", "CONS-01 — Consulenza"); for a deleted one, its last indexed title; null when unknown. */
  label: z.string().nullable(),
  changedAt: IsoTimestamp,
  attempts: Count,
  lastError: z.string().nullable(),
  nextAttemptAt: IsoTimestamp.nullable(),
});
export type PendingChange = z.infer<typeof PendingChange>;

export const SearchHit = z.object({
  entityType: EntityType,
  entityId: Id,
  title: z.string(),
  snippet: z.string(),
  score: z.number(),
  /** Which indexes found it: keyword (FTS5), vector (HNSW) or both. */
  foundBy: z.array(z.enum(['keyword', 'vector'])),
  /** Named exactly by the query: an invoice number, a VAT number, a client's name, a product code. */
  exact: z.boolean(),
  /** 0–1 for the relevance bar: 1 for an exact match, else the fused score over the best possible. */
  relevance: z.number().min(0).max(1),
  /** Position in the keyword and vector lists, and the cosine similarity, for the bar's explanation. */
  keywordRank: z.number().int().positive().nullable(),
  vectorRank: z.number().int().positive().nullable(),
  similarity: z.number().nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const ReindexReport = z.object({ added: Count, updated: Count, skipped: Count, deleted: Count, failed: Count, durationMs: z.number().min(0) });

export const indexChannels = {
  'index:status': { args: NoArgs, result: IndexStatus },
  'index:pending': { args: z.object({ limit: Limit(1000, 100) }).strict(), result: z.object({ items: z.array(PendingChange), total: Count }) },
  'index:batches': { args: z.object({ limit: Limit(500, 20) }).strict(), result: z.object({ items: z.array(IndexBatch) }) },
  'index:pause': { args: NoArgs, result: IndexStatus },
  'index:resume': { args: NoArgs, result: IndexStatus },
  'index:reindex': { args: z.object({ entityTypes: z.array(EntityType).min(1).max(3).optional() }).strict(), result: ReindexReport },
  'index:search': {
    args: z.object({ query: LimitedText('shortText').trim().min(1), k: z.number().int().min(1).max(50).default(5) }).strict(),
    result: z.object({ hits: z.array(SearchHit), vectorAvailable: z.boolean() }),
  },
} as const;
