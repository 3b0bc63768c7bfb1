// reindex_batches: one row per committed (or failed) reindex batch and reconcile pass, from any
// process. The seed's Monitoring figures (processed entities, success rate, average batch time,
// last batch, last error) are computed here and only here.
import type BetterSqlite3 from 'better-sqlite3';
import type { ReindexBatchesTable } from '../db/schema';
import { qb, SqlRunner, template } from '../db/sql-runner';
import type { Selectable } from 'kysely';

export type ReindexBatchRow = Selectable<ReindexBatchesTable>;

export interface BatchRecord {
  startedAt: string;
  finishedAt: string;
  entities: number;
  added: number;
  updated: number;
  skipped: number;
  deleted: number;
  failed: number;
  durationMs: number;
  error: string | null;
}

export interface BatchTotals {
  batches: number;
  /** Entities processed over all batches. */
  processed: number;
  failed: number;
  successRate: number | null;
  averageBatchMs: number | null;
  lastBatchAt: string | null;
  lastError: string | null;
}

const Q = {
  insert: template((p: BatchRecord) =>
    qb.insertInto('reindex_batches').values({
      started_at: p.startedAt,
      finished_at: p.finishedAt,
      entities: p.entities,
      added: p.added,
      updated: p.updated,
      skipped: p.skipped,
      deleted: p.deleted,
      failed: p.failed,
      duration_ms: p.durationMs,
      error: p.error,
    }),
  ),
  recent: template((p: { limit: number }) => qb.selectFrom('reindex_batches').selectAll().orderBy('id', 'desc').limit(p.limit)),
  totals: template(() =>
    qb
      .selectFrom('reindex_batches')
      .select((eb) => [
        eb.fn.countAll<number>().as('batches'),
        eb.fn.sum<number | null>('entities').as('entities'),
        eb.fn.sum<number | null>('failed').as('failed'),
        eb.fn.avg<number | null>('duration_ms').as('avg'),
        eb.fn.max<string | null>('finished_at').as('last'),
      ]),
  ),
  lastError: template(() => qb.selectFrom('reindex_batches').select('error').where('error', 'is not', null).orderBy('id', 'desc').limit(1)),
};

export class ReindexBatchRepository {

  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  record(batch: BatchRecord): void {
    this.sql.run(Q.insert, batch);
  }

  /** The latest batches, newest first. */
  recent(limit: number): ReindexBatchRow[] {
    return this.sql.all(Q.recent, { limit });
  }

  totals(): BatchTotals {
    const t = this.sql.first(Q.totals, {})!;
    const processed = t.entities ?? 0;
    const failed = t.failed ?? 0;
    return {
      batches: t.batches,
      processed,
      failed,
      successRate: processed ? (processed - failed) / processed : null,
      averageBatchMs: t.avg,
      lastBatchAt: t.last,
      lastError: this.sql.first(Q.lastError, {})?.error ?? null,
    };
  }
}
