// Assistant conversations in SQLite (migration 0007): each answered question is stored with its
// answer as the user saw it and the reading follow-ups build on, in the same transaction that
// creates or touches its conversation, so a reload or a restart shows the conversation as it was and
// "e il mese scorso?" still knows what it follows. Deleting a conversation removes its turns; the
// feedback given on them stays (it is what the assistant learns from).
import type BetterSqlite3 from 'better-sqlite3';
import type { AssistantAnswer } from './assistant-types';
import { ConversationRepository, type ConversationRow, type TurnRow } from './conversation-repository';
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

/** A turn and its conversation are written in one transaction. */
export class ConversationStore {
  private readonly rows: ConversationRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.rows = new ConversationRepository(connection);
  }

  /** Stores one answered question, creating the conversation on its first turn. */
  append(conversationId: string, turn: Omit<ConversationTurn, 'createdAt'>): void {
    const now = new Date().toISOString();
    this.rows.sql.transaction(() => {
      this.rows.touch(conversationId, conversationTitle(turn.question), turn.answer.language, now);
      this.rows.insertTurn({ conversationId, messageId: turn.messageId, question: turn.question, answer: JSON.stringify(turn.answer), reading: turn.reading ? JSON.stringify(turn.reading) : null, at: now });
    });
  }

  /** The latest `limit` turns of a conversation, oldest first (empty for an unknown id). */
  recentTurns(conversationId: string, limit: number): ConversationTurn[] {
    return this.rows.recentTurns(conversationId, limit).reverse().map(toTurn);
  }

  list(options: { limit: number; offset?: number }): { items: ConversationSummary[]; total: number } {
    return { items: this.rows.list(options.limit, options.offset ?? 0).map(toSummary), total: this.rows.count() };
  }

  /** A conversation with all its turns, or null when there is none with this id. */
  get(conversationId: string): (ConversationSummary & { items: ConversationTurn[] }) | null {
    const r = this.rows.byId(conversationId);
    if (!r) return null;
    return { ...toSummary(r), items: this.rows.turns(conversationId).map(toTurn) };
  }

  /** Deletes a conversation and its turns; false when there was none. */
  delete(conversationId: string): boolean {
    return this.rows.delete(conversationId);
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
