// user_feedback (every rated, thumbed or corrected assistant answer) and feedback_daily (the per-day,
// per-agent rollup triggers keep). The grouped patterns read through the partial indexes of
// migration 0002 (INDEXED BY has no kysely form: those two statements are raw SQL, named below).
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Selectable } from 'kysely';
import type { FeedbackDailyTable, UserFeedbackTable } from '../db/schema';
import { inJson } from '../db/sql-helpers';
import { placeholders, qb, SqlRunner, template } from '../db/sql-runner';

/** One chat feedback row as written (columns of user_feedback). */
export interface ChatFeedbackWrite {
  agent_type: string;
  session_id: string | null;
  message_id: string | null;
  user_input: string;
  ai_response: string;
  user_correction: string | null;
  rating: number | null;
  thumb: 'up' | 'down' | null;
  comment: string | null;
  /** JSON text. */
  context: string | null;
  question_norm: string;
  response_norm: string;
  created_at: string;
}

/** A stored row with its id and the version that consumed it (export/import record shape). */
export interface StoredChatFeedback extends Omit<ChatFeedbackWrite, 'question_norm' | 'response_norm'> {
  id: number;
  consumed_by_version: string | null;
}

/** An exported row written back: under its own id, or a new one when `id` is null. */
export type StoredChatWrite = Omit<StoredChatFeedback, 'id'> & { id: number | null; question_norm: string; response_norm: string };

export type DailyRollup = Selectable<FeedbackDailyTable>;

export interface FeedbackListFilter {
  agentType?: string;
  thumb?: 'up' | 'down';
  minRating?: number;
  hasCorrection?: boolean;
  /** First timestamp included (ISO; a date compares as its midnight). */
  since?: string;
  /** Words looked up in the question, answer, correction and comment (LIKE, case-insensitive for ASCII). */
  search?: string;
}

export type FeedbackListRow = Omit<Selectable<UserFeedbackTable>, 'context' | 'consumed_by_version' | 'question_norm' | 'response_norm'>;

export interface QuestionGroup {
  key: string | null;
  n: number;
  last_id: number;
}

const STORED_COLUMNS = [
  'id',
  'created_at',
  'agent_type',
  'session_id',
  'message_id',
  'user_input',
  'ai_response',
  'user_correction',
  'rating',
  'thumb',
  'comment',
  'context',
  'consumed_by_version',
] as const;

const WRITE_COLUMNS = [
  'agent_type',
  'session_id',
  'message_id',
  'user_input',
  'ai_response',
  'user_correction',
  'rating',
  'thumb',
  'comment',
  'context',
  'question_norm',
  'response_norm',
  'created_at',
] as const satisfies readonly (keyof ChatFeedbackWrite)[];

const LIST_COLUMNS = ['id', 'agent_type', 'session_id', 'message_id', 'user_input', 'ai_response', 'user_correction', 'rating', 'thumb', 'comment', 'created_at'] as const;

// A version counts as deployed if it is active now or was deployed at some point: rows it was
// trained on are its audit trail.
const deployedVersions = qb
  .selectFrom('model_versions')
  .select('version')
  .where((eb) => eb.or([eb('deployed_at', 'is not', null), eb('status', '=', 'active')]));

/** Rows created before `cutoff`; unless `force`, not those a deployed version consumed. */
function retentionWhere(cutoff: string, force: boolean) {
  let q = qb.selectFrom('user_feedback').where('created_at', '<', cutoff);
  if (!force) q = q.where((eb) => eb.or([eb('consumed_by_version', 'is', null), eb('consumed_by_version', 'not in', deployedVersions)]));
  return q;
}

const Q = {
  insert: template((p: ChatFeedbackWrite) => qb.insertInto('user_feedback').values(placeholders(p, WRITE_COLUMNS))),
  // A NULL id lets SQLite assign the next one.
  insertStored: template((p: StoredChatWrite) =>
    qb.insertInto('user_feedback').values({ ...placeholders(p, WRITE_COLUMNS), id: p.id as number, consumed_by_version: p.consumed_by_version }),
  ),
  byId: template((p: { id: number }) => qb.selectFrom('user_feedback').select(STORED_COLUMNS).where('id', '=', p.id)),
  daily: template((p: { from: string; to: string }) =>
    qb
      .selectFrom('feedback_daily')
      .selectAll()
      .where('day', '>=', sql<string>`substr(${p.from}, 1, 10)`)
      .where('day', '<', p.to),
  ),
  example: template((p: { id: number }) => qb.selectFrom('user_feedback').select(['user_input', 'ai_response', 'user_correction', 'created_at']).where('id', '=', p.id)),
  // The grouped patterns: through the partial index their WHERE matches (migration 0002).
  correctedGroups: template((p: { from: string; to: string; top: number }) =>
    sql<QuestionGroup>`SELECT question_norm AS key, count(*) AS n, max(id) AS last_id FROM user_feedback INDEXED BY user_feedback_corrected_q
       WHERE user_correction IS NOT NULL AND created_at >= ${p.from} AND created_at < ${p.to} GROUP BY question_norm ORDER BY n DESC, last_id DESC LIMIT ${p.top}`,
  ),
  correctedAvg: template((p: { key: string | null; from: string; to: string }) =>
    sql<{ r: number | null }>`SELECT avg(rating) AS r FROM user_feedback INDEXED BY user_feedback_corrected_q
       WHERE user_correction IS NOT NULL AND question_norm IS ${p.key} AND created_at >= ${p.from} AND created_at < ${p.to}`,
  ),
  lowRatedGroups: template((p: { from: string; to: string; top: number }) =>
    sql<QuestionGroup>`SELECT question_norm AS key, count(*) AS n, max(id) AS last_id FROM user_feedback INDEXED BY user_feedback_low_rated
       WHERE rating <= 2 AND created_at >= ${p.from} AND created_at < ${p.to} GROUP BY question_norm ORDER BY n DESC, last_id DESC LIMIT ${p.top}`,
  ),
  lowRatedAvg: template((p: { key: string | null; from: string; to: string }) =>
    sql<{ r: number | null }>`SELECT avg(rating) AS r FROM user_feedback INDEXED BY user_feedback_low_rated
       WHERE rating <= 2 AND question_norm IS ${p.key} AND created_at >= ${p.from} AND created_at < ${p.to}`,
  ),
  latestCorrections: template((p: { agentTypes: string; limit: number }) =>
    qb
      .selectFrom('user_feedback')
      .select(['id', 'user_input', 'user_correction', 'created_at'])
      .where('agent_type', 'in', inJson<string>(p.agentTypes))
      .where('user_correction', 'is not', null)
      .where(sql<string>`trim(user_correction)`, '!=', '')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(p.limit)
      .$narrowType<{ user_correction: string }>(),
  ),
  countCorrections: template((p: { agentTypes: string }) =>
    qb
      .selectFrom('user_feedback')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('agent_type', 'in', inJson<string>(p.agentTypes))
      .where('user_correction', 'is not', null)
      .where(sql<string>`trim(user_correction)`, '!=', ''),
  ),
  onMessages: template((p: { ids: string }) =>
    qb
      .selectFrom('user_feedback')
      .select(['id', 'message_id', 'thumb', 'rating', 'user_correction'])
      .where('message_id', 'in', inJson<string>(p.ids))
      .orderBy('id')
      .$narrowType<{ message_id: string }>(),
  ),
  countSince: template((p: { since: string }) => qb.selectFrom('user_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', p.since)),
  countCorrectionsSince: template((p: { since: string }) =>
    qb.selectFrom('user_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', p.since).where('user_correction', 'is not', null),
  ),
  rowsSince: template((p: { since: string }) => qb.selectFrom('user_feedback').select(STORED_COLUMNS).where('created_at', '>=', p.since).orderBy('created_at').orderBy('id')),
  correctionsSince: template((p: { since: string }) =>
    qb.selectFrom('user_feedback').select(STORED_COLUMNS).where('created_at', '>=', p.since).where('user_correction', 'is not', null).orderBy('created_at').orderBy('id'),
  ),
  countOlderThan: template((p: { cutoff: string }) => qb.selectFrom('user_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '<', p.cutoff)),
  countRetention: template((p: { cutoff: string }) => retentionWhere(p.cutoff, false).select((eb) => eb.fn.countAll<number>().as('n'))),
  countRetentionForced: template((p: { cutoff: string }) => retentionWhere(p.cutoff, true).select((eb) => eb.fn.countAll<number>().as('n'))),
  deleteRetention: template((p: { cutoff: string }) =>
    qb.deleteFrom('user_feedback').where('created_at', '<', p.cutoff).where((eb) => eb.or([eb('consumed_by_version', 'is', null), eb('consumed_by_version', 'not in', deployedVersions)])),
  ),
  deleteRetentionForced: template((p: { cutoff: string }) => qb.deleteFrom('user_feedback').where('created_at', '<', p.cutoff)),
};

export class FeedbackRepository {
  private readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Inserts a row; returns its id. */
  insert(row: ChatFeedbackWrite): number {
    return this.sql.run(Q.insert, row).lastInsertRowid;
  }

  /** Inserts rows in one transaction (all or none); returns the first id. */
  insertMany(rows: readonly ChatFeedbackWrite[]): number | null {
    let firstId: number | null = null;
    this.sql.transaction(() => {
      for (const row of rows) {
        const id = this.insert(row);
        firstId ??= id;
      }
    });
    return firstId;
  }

  /** Re-inserts an exported row: under its own id, or a new one when `id` is null. */
  insertStored(row: StoredChatWrite): void {
    this.sql.run(Q.insertStored, row);
  }

  byId(id: number): StoredChatFeedback | undefined {
    return this.sql.first(Q.byId, { id });
  }

  /** A page of rows matching the filter, newest first, and how many match in all. */
  list(filter: FeedbackListFilter, page: { limit: number; offset: number }): { rows: FeedbackListRow[]; total: number } {
    let q = qb.selectFrom('user_feedback');
    if (filter.agentType) q = q.where('agent_type', '=', filter.agentType);
    if (filter.thumb) q = q.where('thumb', '=', filter.thumb);
    if (filter.minRating) q = q.where('rating', '>=', filter.minRating);
    if (filter.hasCorrection === true) q = q.where('user_correction', 'is not', null);
    if (filter.hasCorrection === false) q = q.where('user_correction', 'is', null);
    if (filter.since) q = q.where('created_at', '>=', filter.since);
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const match = (col: 'user_input' | 'ai_response' | 'user_correction' | 'comment') => sql<boolean>`${sql.ref(col)} LIKE ${like} ESCAPE '\\'`;
      q = q.where((eb) => eb.or([match('user_input'), match('ai_response'), match('user_correction'), match('comment')]));
    }
    const total = this.sql.first(q.select((eb) => eb.fn.countAll<number>().as('n')))!.n;
    const rows = this.sql.all(q.select(LIST_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset));
    return { rows, total };
  }

  /** The per-day rollup from `from` (a timestamp or date) to before the day `to`. */
  dailyRollup(from: string, to: string): DailyRollup[] {
    return this.sql.all(Q.daily, { from, to });
  }

  /** The most asked normalised questions among corrected rows (or low-rated rows), most frequent first. */
  questionGroups(kind: 'corrected' | 'low-rated', from: string, to: string, top: number): QuestionGroup[] {
    return this.sql.all(kind === 'corrected' ? Q.correctedGroups : Q.lowRatedGroups, { from, to, top });
  }

  /** The average rating within one group of `questionGroups`. */
  groupAverageRating(kind: 'corrected' | 'low-rated', key: string | null, from: string, to: string): number | null {
    return this.sql.first(kind === 'corrected' ? Q.correctedAvg : Q.lowRatedAvg, { key, from, to })!.r;
  }

  example(id: number): { user_input: string; ai_response: string; user_correction: string | null; created_at: string } | undefined {
    return this.sql.first(Q.example, { id });
  }

  /** The latest `limit` non-blank corrections given to these agents, newest first. */
  latestCorrections(agentTypes: readonly string[], limit: number): { id: number; user_input: string; user_correction: string; created_at: string }[] {
    return this.sql.all(Q.latestCorrections, { agentTypes: JSON.stringify(agentTypes), limit });
  }

  /** How many non-blank corrections these agents have received. */
  countCorrections(agentTypes: readonly string[]): number {
    return this.sql.first(Q.countCorrections, { agentTypes: JSON.stringify(agentTypes) })!.n;
  }

  /** The feedback rows given on these assistant messages, oldest first. */
  onMessages(messageIds: readonly string[]): { id: number; message_id: string; thumb: 'up' | 'down' | null; rating: number | null; user_correction: string | null }[] {
    return this.sql.all(Q.onMessages, { ids: JSON.stringify(messageIds) });
  }

  /** Rows created since `since` (every row, or only corrected ones), oldest first, streamed. */
  countSince(since: string, onlyCorrections: boolean): number {
    return this.sql.first(onlyCorrections ? Q.countCorrectionsSince : Q.countSince, { since })!.n;
  }

  rowsSince(since: string, onlyCorrections: boolean): IterableIterator<StoredChatFeedback> {
    return this.sql.iterate(onlyCorrections ? Q.correctionsSince : Q.rowsSince, { since });
  }

  countOlderThan(cutoff: string): number {
    return this.sql.first(Q.countOlderThan, { cutoff })!.n;
  }

  /** Rows retention would delete: older than the cutoff and, unless forced, not the audit trail of a deployed version. */
  countExpired(cutoff: string, force: boolean): number {
    return this.sql.first(force ? Q.countRetentionForced : Q.countRetention, { cutoff })!.n;
  }

  deleteExpired(cutoff: string, force: boolean): number {
    return this.sql.run(force ? Q.deleteRetentionForced : Q.deleteRetention, { cutoff }).changes;
  }
}
