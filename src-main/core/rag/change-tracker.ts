// Reads the rag_changes outbox that SQLite triggers fill inside every writer's transaction (so
// rolled-back changes never appear and changes from any process are seen), applies the TRACK_*
// settings, coalesces per entity (the latest op wins), and acknowledges or reschedules rows.
// Rows are deleted only by `ack`, inside the transaction that committed their documents.
// `next_attempt_at` means two things: on a row that failed (attempts > 0) it is the backoff; on a
// fresh row it defers a derived refresh (a client's totals after its invoices changed), so a
// stream of invoice changes refreshes each client once per window instead of once per batch.
// An entity is due when its backoff has passed and one of its fresh rows is due.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import type { RagEntityType } from '../db/schema';
import { trackedTypes, type EntityChange } from './rag-indexer';

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

export const entityKey = (e: { type: RagEntityType; id: number }): string => `${e.type}:${e.id}`;

/** Retry delay after `attempts` failures: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

interface Row {
  entity_type: RagEntityType;
  entity_id: number;
  op: 'upsert' | 'delete';
  max_id: number;
  n: number;
  first_at: string;
  attempts: number;
  last_error: string | null;
  next_at: string | null;
}

// Per entity: backoff_at = the latest backoff of its failed rows; fresh_at = the earliest time one
// of its fresh rows is due ('' = now; NULL = no fresh row). Both NULL-safe in the comparisons below.
const ENTITIES = `
  SELECT entity_type, entity_id, MAX(id) AS max_id, MIN(id) AS min_id, COUNT(*) AS n, MIN(changed_at) AS first_at, MAX(attempts) AS attempts,
         MAX(CASE WHEN attempts > 0 THEN next_attempt_at END) AS backoff_at,
         MIN(CASE WHEN attempts = 0 THEN COALESCE(next_attempt_at, '') END) AS fresh_at
    FROM rag_changes WHERE entity_type IN (SELECT value FROM json_each(?))
   GROUP BY entity_type, entity_id`;

/** Due at `now` (backoff) and `freshNow` (deferral; a far-future time ignores deferrals). */
const DUE = `(g.backoff_at IS NULL OR g.backoff_at <= ?) AND (g.fresh_at IS NULL OR g.fresh_at <= ?)`;

const GROUPED = `
  SELECT g.entity_type, g.entity_id, r.op, g.max_id, g.n, g.first_at, g.attempts,
         NULLIF(MAX(COALESCE(g.backoff_at, ''), COALESCE(g.fresh_at, '')), '') AS next_at,
         (SELECT last_error FROM rag_changes e WHERE e.entity_type = g.entity_type AND e.entity_id = g.entity_id AND e.last_error IS NOT NULL ORDER BY e.id DESC LIMIT 1) AS last_error
    FROM (${ENTITIES}) g
    JOIN rag_changes r ON r.id = g.max_id`;

const FAR_FUTURE = '9999-12-31T00:00:00.000Z';

export class ChangeTracker {
  private readonly stmts;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly settings: () => Settings,
  ) {
    this.stmts = {
      maxId: sqlite.prepare<[], { m: number }>('SELECT COALESCE(MAX(id), 0) AS m FROM rag_changes'),
      due: sqlite.prepare<[string, string, string, number], Row>(`${GROUPED} WHERE ${DUE} ORDER BY g.min_id LIMIT ?`),
      list: sqlite.prepare<[string, number], Row>(`${GROUPED} ORDER BY g.min_id LIMIT ?`),
      counts: sqlite.prepare<[string, string, string], { total: number; due: number; failing: number }>(
        `SELECT COUNT(*) AS total, COALESCE(SUM(${DUE}), 0) AS due, COALESCE(SUM(g.attempts > 0), 0) AS failing FROM (${ENTITIES}) g`,
      ),
      ack: sqlite.prepare('DELETE FROM rag_changes WHERE entity_type = ? AND entity_id = ? AND id <= ?'),
      fail: sqlite.prepare('UPDATE rag_changes SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE entity_type = ? AND entity_id = ? AND id <= ?'),
      insert: sqlite.prepare('INSERT INTO rag_changes(entity_type, entity_id, op, changed_at) VALUES (?, ?, ?, ?)'),
    };
  }

  private types(): string {
    return JSON.stringify(trackedTypes(this.settings()));
  }

  /** Cheap change detector: the outbox id only grows (other processes' commits included). */
  maxId(): number {
    return this.stmts.maxId.get()!.m;
  }

  /**
   * Up to `limit` due entities of tracked types (oldest first), skipping those in `exclude`.
   * `ignoreDeferral` also takes deferred refreshes (a flush); backoffs are always respected.
   */
  take(limit: number, exclude: ReadonlySet<string>, options: { now?: Date; ignoreDeferral?: boolean } = {}): PendingEntity[] {
    const out: PendingEntity[] = [];
    const now = (options.now ?? new Date()).toISOString();
    // Over-fetch by the excluded count so in-flight entities cannot starve the batch.
    for (const r of this.stmts.due.all(this.types(), now, options.ignoreDeferral ? FAR_FUTURE : now, limit + exclude.size)) {
      const e = toPending(r);
      if (exclude.has(entityKey(e))) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  list(limit = 1000): PendingEntity[] {
    return this.stmts.list.all(this.types(), limit).map(toPending);
  }

  /** Distinct pending entities of tracked types: all of them, those due now, and those that failed before. */
  counts(now = new Date()): { total: number; due: number; failing: number } {
    return this.stmts.counts.get(now.toISOString(), now.toISOString(), this.types())!;
  }

  /** Deletes the acknowledged rows; call inside the transaction that committed their documents. */
  ack(entities: readonly PendingEntity[]): void {
    for (const e of entities) this.stmts.ack.run(e.type, e.id, e.maxId);
  }

  /** Keeps the rows, with the error and the time of the next attempt (exponential backoff). */
  fail(entities: readonly PendingEntity[], error: string, now = Date.now()): void {
    this.sqlite.transaction(() => {
      for (const e of entities) {
        const attempts = e.attempts + 1;
        this.stmts.fail.run(attempts, error.slice(0, 2000), new Date(now + backoffMs(attempts)).toISOString(), e.type, e.id, e.maxId);
      }
    })();
  }

  /** Re-imports changes (queue snapshot); entities already pending with the same op are left alone. */
  importChanges(entries: readonly { type: RagEntityType; id: number; op: 'upsert' | 'delete'; changedAt: string }[]): number {
    const pending = new Map(this.stmts.list.all(JSON.stringify(['invoice', 'client', 'product']), 10_000_000).map((r) => [entityKey(toPending(r)), r.op]));
    let n = 0;
    this.sqlite.transaction(() => {
      for (const e of entries) {
        if (pending.get(entityKey(e)) === e.op) continue;
        this.stmts.insert.run(e.type, e.id, e.op, e.changedAt);
        pending.set(entityKey(e), e.op);
        n++;
      }
    })();
    return n;
  }
}

function toPending(r: Row): PendingEntity {
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
