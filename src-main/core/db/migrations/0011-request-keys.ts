// Requests a page may send twice: when the app is stopped after an invoice or payment committed but
// before the page got the answer, the page sends the same request again with the same key. The key
// remembers what the first one made, so the second returns it instead of making another.
import type { Migration } from './types';

export const migration0011: Migration = {
  id: 11,
  name: '0011-request-keys',
  up(db) {
    db.exec(`
CREATE TABLE request_keys (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  applied_cents INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX request_keys_created ON request_keys(created_at);
`);
  },
};
