// Assistant conversations, kept so they survive reloads and restarts and can be listed and deleted:
// one row per conversation (its id is the assistant's session id, the same that feedback rows carry)
// and one row per question and answer. Deleting a conversation deletes its turns (cascade), never the
// feedback given on them: corrections keep teaching the assistant.
import type { Migration } from './types';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

export const migration0008: Migration = {
  id: 8,
  name: '0008-conversations',
  up(db) {
    db.exec(`
CREATE TABLE conversations (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  title TEXT NOT NULL,
  language TEXT CHECK (language IN ('it', 'en')),
  turn_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (${NOW}),
  updated_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX conversations_updated ON conversations(updated_at DESC, id);
CREATE TABLE conversation_turns (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL UNIQUE,
  question TEXT NOT NULL,
  answer_json TEXT NOT NULL,
  reading_json TEXT,
  created_at TEXT NOT NULL DEFAULT (${NOW})
);
CREATE INDEX conversation_turns_conversation ON conversation_turns(conversation_id, id);
`);
  },
};
