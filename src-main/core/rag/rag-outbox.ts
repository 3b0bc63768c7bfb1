// The RAG outbox (DESIGN §5): every read and write of rag_changes. SQLite triggers append rows inside
// every writer's transaction (so rolled-back changes never appear and changes from any process are
// seen); this module applies the TRACK_* settings, coalesces per entity (the latest op wins), hands
// out due entities, acknowledges rows inside the transaction that committed their documents, and
// reschedules failures with a backoff. Nothing else touches rag_changes.
// `next_attempt_at` means two things: on a row that failed (attempts > 0) it is the backoff; on a
// fresh row it defers a derived refresh (a client's totals after its invoices changed), so a
// stream of invoice changes refreshes each client once per window instead of once per batch.
// An entity is due when its backoff has passed and one of its fresh rows is due.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import { inJson, SQL_NOW } from '../db/sql-helpers';
import { qb, SqlRunner, template } from '../db/sql-runner';
import { RAG_ENTITY_TYPES } from './document-builder';
import { RagDocumentRepository } from './rag-document-repository';

export interface EntityChange {
  type: RagEntityType;
  id: number;
  op: 'upsert' | 'delete';
}

export interface PendingEntity extends EntityChange {
  /** Highest outbox id coalesced into this entity: acknowledging deletes rows up to it. */
  maxId: number;
  /** Outbox rows coalesced. */
  changes: number;
  firstChangedAt: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface OutboxCounts {
  /** Distinct pending entities of tracked types. */
  total: number;
  /** Of those, due now. */
  due: number;
  /** Of those, failed before (waiting for a retry). */
  failing: number;
}

export const entityKey = (e: { type: RagEntityType; id: number }): string => `${e.type}:${e.id}`;

/** Retry delay after `attempts` failures: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/** The entity types the settings track (TRACK_INVOICES / CLIENTS / PRODUCTS). */
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

const FAR_FUTURE = '9999-12-31T00:00:00.000Z';
const ALL_TYPES = JSON.stringify(RAG_ENTITY_TYPES);

/**
 * Per entity of the given types: backoff_at = the latest backoff of its failed rows; fresh_at = the
 * earliest time one of its fresh rows is due ('' = now; NULL = no fresh row).
 */
function entities(types: string) {
  return qb
    .selectFrom('rag_changes')
    .select((eb) => [
      'entity_type',
      'entity_id',
      eb.fn.max('id').as('max_id'),
      eb.fn.min('id').as('min_id'),
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('changed_at').as('first_at'),
      eb.fn.max('attempts').as('attempts'),
      eb.fn.max<string | null>(eb.case().when('attempts', '>', 0).then(eb.ref('next_attempt_at')).end()).as('backoff_at'),
      eb.fn.min<string | null>(eb.case().when('attempts', '=', 0).then(eb.fn.coalesce('next_attempt_at', sql.lit(''))).end()).as('fresh_at'),
    ])
    .where('entity_type', 'in', inJson<RagEntityType>(types))
    .groupBy(['entity_type', 'entity_id']);
}

/** Due at `now` (backoff) and `freshNow` (deferral; a far-future time ignores deferrals). Both NULL-safe. */
const due = (now: string, freshNow: string) => sql<SqlBool>`((g.backoff_at IS NULL OR g.backoff_at <= ${now}) AND (g.fresh_at IS NULL OR g.fresh_at <= ${freshNow}))`;

/** Coalesced entities: the op of the latest row, the latest error, when the entity is next due. */
function grouped(types: string) {
  return qb
    .selectFrom(entities(types).as('g'))
    .innerJoin('rag_changes as r', 'r.id', 'g.max_id')
    .select((eb) => [
      'g.entity_type',
      'g.entity_id',
      'r.op',
      'g.max_id',
      'g.n',
      'g.first_at',
      'g.attempts',
      sql<string | null>`NULLIF(MAX(COALESCE(g.backoff_at, ''), COALESCE(g.fresh_at, '')), '')`.as('next_at'),
      eb
        .selectFrom('rag_changes as e')
        .select('e.last_error')
        .whereRef('e.entity_type', '=', 'g.entity_type')
        .whereRef('e.entity_id', '=', 'g.entity_id')
        .where('e.last_error', 'is not', null)
        .orderBy('e.id', 'desc')
        .limit(1)
        .as('last_error'),
    ]);
}

type GroupedRow = {
  entity_type: RagEntityType;
  entity_id: number;
  op: 'upsert' | 'delete';
  max_id: number;
  n: number;
  first_at: string;
  attempts: number;
  next_at: string | null;
  last_error: string | null;
};

function toPending(r: GroupedRow): PendingEntity {
  return {
    type: r.entity_type,
    id: r.entity_id,
    op: r.op,
    maxId: r.max_id,
    changes: r.n,
    firstChangedAt: r.first_at,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_at,
  };
}

const Q = {
  maxId: template(() => qb.selectFrom('rag_changes').select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql.lit(0)).as('m'))),
  due: template((p: { types: string; now: string; freshNow: string; limit: number }) =>
    grouped(p.types).where(due(p.now, p.freshNow)).orderBy('g.min_id').limit(p.limit),
  ),
  list: template((p: { types: string; limit: number }) => grouped(p.types).orderBy('g.min_id').limit(p.limit)),
  counts: template((p: { types: string; now: string }) =>
    qb
      .selectFrom(entities(p.types).as('g'))
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.coalesce(eb.fn.sum<number>(due(p.now, p.now) as unknown as RawBuilder<number>), sql.lit(0)).as('due'),
        eb.fn.coalesce(eb.fn.sum<number>(sql`g.attempts > 0`), sql.lit(0)).as('failing'),
      ]),
  ),
  ack: template((p: { type: RagEntityType; id: number; maxId: number }) =>
    qb.deleteFrom('rag_changes').where('entity_type', '=', p.type).where('entity_id', '=', p.id).where('id', '<=', p.maxId),
  ),
  fail: template((p: { type: RagEntityType; id: number; maxId: number; attempts: number; error: string; at: string }) =>
    qb
      .updateTable('rag_changes')
      .set({ attempts: p.attempts, last_error: p.error, next_attempt_at: p.at })
      .where('entity_type', '=', p.type)
      .where('entity_id', '=', p.id)
      .where('id', '<=', p.maxId),
  ),
  insert: template((p: { type: RagEntityType; id: number; op: 'upsert' | 'delete'; changedAt: string }) =>
    qb.insertInto('rag_changes').values({ entity_type: p.type, entity_id: p.id, op: p.op, changed_at: p.changedAt }),
  ),
  refresh: template((p: { type: RagEntityType; id: number }) => qb.insertInto('rag_changes').values({ entity_type: p.type, entity_id: p.id, op: 'upsert' })),
  // A deferred refresh, unless one is already waiting (it will read the data as of its time).
  deferredRefresh: template((p: { type: RagEntityType; id: number; at: string; now: string }) =>
    qb
      .insertInto('rag_changes')
      .columns(['entity_type', 'entity_id', 'op', 'next_attempt_at'])
      .expression(
        qb
          .selectNoFrom((eb) => [eb.val(p.type).as('entity_type'), eb.val(p.id).as('entity_id'), sql<'upsert'>`'upsert'`.as('op'), eb.val(p.at).as('next_attempt_at')])
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('rag_changes')
                  .select(sql.lit(1).as('one'))
                  .where('entity_type', '=', p.type)
                  .where('entity_id', '=', p.id)
                  .where('attempts', '=', 0)
                  .where('next_attempt_at', '>', p.now),
              ),
            ),
          ),
      ),
  ),
  acknowledgeUpTo: template((p: { maxId: number; types: string }) => qb.deleteFrom('rag_changes').where('id', '<=', p.maxId).where('entity_type', 'in', inJson<RagEntityType>(p.types))),
  failureSummary: template(() =>
    qb
      .selectFrom('rag_changes')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max<number | null>('attempts').as('attempts')])
      .where((eb) => eb.or([eb('last_error', 'is not', null), eb('attempts', '>', 0)])),
  ),
  lastError: template(() => qb.selectFrom('rag_changes').select('last_error').where('last_error', 'is not', null).orderBy('id', 'desc').limit(1)),
  pendingEntities: template(() => qb.selectFrom('rag_changes').select(sql<number>`COUNT(DISTINCT entity_type || entity_id)`.as('n'))),
  resetBackoff: template(() =>
    qb
      .updateTable('rag_changes')
      .set({ attempts: 0, next_attempt_at: null, last_error: null })
      .where((eb) => eb.or([eb('last_error', 'is not', null), eb('attempts', '>', 0)])),
  ),
  requeueFailedEmbeddings: template(() =>
    qb
      .insertInto('rag_changes')
      .columns(['entity_type', 'entity_id', 'op'])
      .expression(qb.selectFrom('rag_documents').select(['entity_type', 'entity_id', sql<'upsert'>`'upsert'`.as('op')]).where('embedding', 'is', null).where('last_error', 'is not', null)),
  ),
  requeueFailed: template((p: { type: RagEntityType; id: number; error: string }) =>
    qb.insertInto('rag_changes').values({ entity_type: p.type, entity_id: p.id, op: 'upsert', attempts: 1, last_error: p.error, next_attempt_at: SQL_NOW }),
  ),
};

export class RagOutbox {
  private readonly sql: SqlRunner;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly settings: () => Settings,
  ) {
    this.sql = SqlRunner.of(connection);
  }

  private types(): string {
    return JSON.stringify(trackedTypes(this.settings()));
  }

  /** Cheap change detector: the outbox id only grows (other processes' commits included). */
  maxId(): number {
    return this.sql.first(Q.maxId, {})!.m;
  }

  /**
   * Up to `limit` due entities of tracked types (oldest first), skipping those in `exclude`.
   * `ignoreDeferral` also takes deferred refreshes (a flush); backoffs are always respected.
   */
  take(limit: number, exclude: ReadonlySet<string>, options: { now?: Date; ignoreDeferral?: boolean } = {}): PendingEntity[] {
    const out: PendingEntity[] = [];
    const now = (options.now ?? new Date()).toISOString();
    // Over-fetch by the excluded count so in-flight entities cannot starve the batch.
    for (const r of this.sql.all(Q.due, { types: this.types(), now, freshNow: options.ignoreDeferral ? FAR_FUTURE : now, limit: limit + exclude.size })) {
      const e = toPending(r);
      if (exclude.has(entityKey(e))) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  list(limit = 1000): PendingEntity[] {
    return this.sql.all(Q.list, { types: this.types(), limit }).map(toPending);
  }

  /** Distinct pending entities of tracked types: all of them, those due now, and those that failed before. */
  counts(now = new Date()): OutboxCounts {
    return this.sql.first(Q.counts, { types: this.types(), now: now.toISOString() })!;
  }

  /** Deletes the acknowledged rows; call inside the transaction that committed their documents. */
  ack(entities: readonly PendingEntity[]): void {
    for (const e of entities) this.sql.run(Q.ack, { type: e.type, id: e.id, maxId: e.maxId });
  }

  /** Keeps the rows, with the error and the time of the next attempt (exponential backoff). */
  fail(entities: readonly PendingEntity[], error: string, now = Date.now()): void {
    this.sql.transaction(() => {
      for (const e of entities) {
        const attempts = e.attempts + 1;
        this.sql.run(Q.fail, { type: e.type, id: e.id, maxId: e.maxId, attempts, error: error.slice(0, 2000), at: new Date(now + backoffMs(attempts)).toISOString() });
      }
    });
  }

  /** Re-imports changes (queue snapshot); entities already pending with the same op are left alone. */
  importChanges(entries: readonly { type: RagEntityType; id: number; op: 'upsert' | 'delete'; changedAt: string }[]): number {
    const pending = new Map(this.sql.all(Q.list, { types: ALL_TYPES, limit: 10_000_000 }).map((r) => [entityKey(toPending(r)), r.op]));
    let n = 0;
    this.sql.transaction(() => {
      for (const e of entries) {
        if (pending.get(entityKey(e)) === e.op) continue;
        this.sql.run(Q.insert, { type: e.type, id: e.id, op: e.op, changedAt: e.changedAt });
        pending.set(entityKey(e), e.op);
        n++;
      }
    });
    return n;
  }

  /** Queues a derived refresh due now (call inside the indexer's commit transaction). */
  enqueueRefresh(type: RagEntityType, id: number): void {
    this.sql.run(Q.refresh, { type, id });
  }

  /** Queues a derived refresh due at `at`, unless one is already waiting (it will read the data as of its time). */
  enqueueDeferredRefresh(type: RagEntityType, id: number, at: Date, now: Date): void {
    this.sql.run(Q.deferredRefresh, { type, id, at: at.toISOString(), now: now.toISOString() });
  }

  /** Rows that failed (of any type, tracked or not): how many, the most attempts, the latest error; and distinct entities pending. */
  failureSummary(): { failing: number; maxAttempts: number | null; lastError: string | null; pendingEntities: number } {
    const f = this.sql.first(Q.failureSummary, {})!;
    return { failing: f.n, maxAttempts: f.attempts, lastError: this.sql.first(Q.lastError, {})?.last_error ?? null, pendingEntities: this.sql.first(Q.pendingEntities, {})!.n };
  }

  /**
   * Retries everything now (doctor --fix): failed rows lose their back-off, and each document whose
   * embedding failed gets a fresh change so the next batch embeds it again.
   */
  retryFailuresNow(): void {
    this.sql.transaction(() => {
      this.sql.run(Q.resetBackoff, {});
      this.sql.run(Q.requeueFailedEmbeddings, {});
      new RagDocumentRepository(this.sql.connection).clearEmbeddingErrors();
    }, 'immediate');
  }

  /**
   * After a full pass: rows of these types up to `maxId` are reflected and deleted; the pass's
   * failures go back to the outbox with their error, due for a retry.
   */
  settleFullPass(maxId: number, types: readonly RagEntityType[], failures: readonly { type: RagEntityType; id: number; error: string }[]): void {
    this.sql.transaction(() => {
      this.sql.run(Q.acknowledgeUpTo, { maxId, types: JSON.stringify(types) });
      for (const f of failures) this.sql.run(Q.requeueFailed, { type: f.type, id: f.id, error: f.error });
    });
  }
}
