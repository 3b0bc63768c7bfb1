// conversations and conversation_turns: each answered question with its answer as the user saw it
// (JSON) and the reading follow-ups build on; a conversation row per session with its turn count.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { ConversationsTable, ConversationTurnsTable } from '../db/schema';
import { qb, SqlRunner, template } from '../db/sql-runner';

export type ConversationRow = Selectable<ConversationsTable>;
export type TurnRow = Selectable<ConversationTurnsTable>;

const Q = {
  upsert: template((p: { id: string; title: string; language: 'it' | 'en' | null; at: string }) =>
    qb
      .insertInto('conversations')
      .values({ id: p.id, title: p.title, language: p.language, turn_count: 1, created_at: p.at, updated_at: p.at })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ turn_count: eb('conversations.turn_count', '+', 1), updated_at: eb.ref('excluded.updated_at'), language: p.language }))),
  ),
  insertTurn: template((p: { conversationId: string; messageId: string; question: string; answer: string; reading: string | null; at: string }) =>
    qb.insertInto('conversation_turns').values({ conversation_id: p.conversationId, message_id: p.messageId, question: p.question, answer_json: p.answer, reading_json: p.reading, created_at: p.at }),
  ),
  recent: template((p: { id: string; limit: number }) => qb.selectFrom('conversation_turns').selectAll().where('conversation_id', '=', p.id).orderBy('id', 'desc').limit(p.limit)),
  all: template((p: { id: string }) => qb.selectFrom('conversation_turns').selectAll().where('conversation_id', '=', p.id).orderBy('id')),
  list: template((p: { limit: number; offset: number }) => qb.selectFrom('conversations').selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(p.limit).offset(p.offset)),
  count: template(() => qb.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n'))),
  one: template((p: { id: string }) => qb.selectFrom('conversations').selectAll().where('id', '=', p.id)),
  delete: template((p: { id: string }) => qb.deleteFrom('conversations').where('id', '=', p.id)),
};

export class ConversationRepository {
  readonly sql: SqlRunner;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
  }

  /** Creates the conversation with one turn, or counts one more turn and touches it. */
  touch(id: string, title: string, language: 'it' | 'en' | null, at: string): void {
    this.sql.run(Q.upsert, { id, title, language, at });
  }

  insertTurn(t: { conversationId: string; messageId: string; question: string; answer: string; reading: string | null; at: string }): void {
    this.sql.run(Q.insertTurn, t);
  }

  /** The latest `limit` turns, newest first. */
  recentTurns(id: string, limit: number): TurnRow[] {
    return this.sql.all(Q.recent, { id, limit });
  }

  turns(id: string): TurnRow[] {
    return this.sql.all(Q.all, { id });
  }

  /** Conversations most recently touched first. */
  list(limit: number, offset: number): ConversationRow[] {
    return this.sql.all(Q.list, { limit, offset });
  }

  count(): number {
    return this.sql.first(Q.count, {})!.n;
  }

  byId(id: string): ConversationRow | undefined {
    return this.sql.first(Q.one, { id });
  }

  /** Deletes a conversation (its turns go with it); false when there was none. */
  delete(id: string): boolean {
    return this.sql.run(Q.delete, { id }).changes > 0;
  }
}
