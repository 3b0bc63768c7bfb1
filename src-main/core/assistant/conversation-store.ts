// Assistant conversations in SQLite (migration 0007): each answered question is stored with its
// answer as the user saw it and the reading follow-ups build on, in the same transaction that
// creates or touches its conversation, so a reload or a restart shows the conversation as it was and
// "e il mese scorso?" still knows what it follows. Deleting a conversation removes its turns; the
// feedback given on them stays (it is what the assistant learns from).
import type BetterSqlite3 from 'better-sqlite3';
import type { AssistantAnswer } from './assistant-types';
import type { Intent, Lang } from './parse-intent';
import type { Period } from './parse-period';

/** An answer as stored: everything the user saw, without the facts it was computed from. */
export type StoredAnswer = Omit<AssistantAnswer, 'facts' | 'sessionId' | 'messageId'>;

/** What a follow-up question needs from the previous one. */
export interface StoredReading {
  intent: Intent;
  period: Period | null;
  clientId: number | null;
  lang: Lang;
}

export interface ConversationTurn {
  messageId: string;
  question: string;
  answer: StoredAnswer;
  reading: StoredReading | null;
  createdAt: string;
}

export interface ConversationSummary {
  id: string;
  title: string;
  language: Lang | null;
  turns: number;
  createdAt: string;
  updatedAt: string;
}

const CONVERSATION_TITLE_LENGTH = 80;

export function conversationTitle(question: string): string {
  const q = question.replace(/\s+/g, ' ').trim();
  return q.length > CONVERSATION_TITLE_LENGTH ? `${q.slice(0, CONVERSATION_TITLE_LENGTH - 1)}…` : q;
}

interface TurnRow {
  message_id: string;
  question: string;
  answer_json: string;
  reading_json: string | null;
  created_at: string;
}

interface ConversationRow {
  id: string;
  title: string;
  language: Lang | null;
  turn_count: number;
  created_at: string;
  updated_at: string;
}

/** Synchronous better-sqlite3 statements: a turn and its conversation are written in one transaction. */
export class ConversationStore {
  private readonly stmts;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.stmts = {
      upsert: sqlite.prepare<[string, string, string, string, string, string]>(
        `INSERT INTO conversations(id, title, language, turn_count, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)
           ON CONFLICT(id) DO UPDATE SET turn_count = turn_count + 1, updated_at = excluded.updated_at, language = ?`,
      ),
      insertTurn: sqlite.prepare<[string, string, string, string, string | null, string]>(
        'INSERT INTO conversation_turns(conversation_id, message_id, question, answer_json, reading_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      recent: sqlite.prepare<[string, number], TurnRow>('SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?'),
      all: sqlite.prepare<[string], TurnRow>('SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY id'),
      list: sqlite.prepare<[number, number], ConversationRow>('SELECT * FROM conversations ORDER BY updated_at DESC, id LIMIT ? OFFSET ?'),
      count: sqlite.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM conversations'),
      one: sqlite.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
      delete: sqlite.prepare<[string]>('DELETE FROM conversations WHERE id = ?'),
    };
  }

  /** Stores one answered question, creating the conversation on its first turn. */
  append(conversationId: string, turn: Omit<ConversationTurn, 'createdAt'>): void {
    const now = new Date().toISOString();
    this.sqlite.transaction(() => {
      this.stmts.upsert.run(conversationId, conversationTitle(turn.question), turn.answer.language, now, now, turn.answer.language);
      this.stmts.insertTurn.run(conversationId, turn.messageId, turn.question, JSON.stringify(turn.answer), turn.reading ? JSON.stringify(turn.reading) : null, now);
    })();
  }

  /** The latest `limit` turns of a conversation, oldest first (empty for an unknown id). */
  recentTurns(conversationId: string, limit: number): ConversationTurn[] {
    return this.stmts.recent.all(conversationId, limit).reverse().map(toTurn);
  }

  list(options: { limit: number; offset?: number }): { items: ConversationSummary[]; total: number } {
    return { items: this.stmts.list.all(options.limit, options.offset ?? 0).map(toSummary), total: this.stmts.count.get()!.n };
  }

  /** A conversation with all its turns, or null when there is none with this id. */
  get(conversationId: string): (ConversationSummary & { items: ConversationTurn[] }) | null {
    const r = this.stmts.one.get(conversationId);
    if (!r) return null;
    return { ...toSummary(r), items: this.stmts.all.all(conversationId).map(toTurn) };
  }

  /** Deletes a conversation and its turns; false when there was none. */
  delete(conversationId: string): boolean {
    return this.stmts.delete.run(conversationId).changes > 0;
  }
}

function toSummary(r: ConversationRow): ConversationSummary {
  return { id: r.id, title: r.title, language: r.language, turns: r.turn_count, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toTurn(r: TurnRow): ConversationTurn {
  return {
    messageId: r.message_id,
    question: r.question,
    answer: JSON.parse(r.answer_json) as StoredAnswer,
    reading: r.reading_json ? (JSON.parse(r.reading_json) as StoredReading) : null,
    createdAt: r.created_at,
  };
}
