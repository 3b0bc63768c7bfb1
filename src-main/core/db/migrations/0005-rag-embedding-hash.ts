// Vectors are computed from a document's shorter "embed text" (see DocumentBuilder), so a document
// records which embed text its vector belongs to: a change that leaves the embed text alone (a
// payment, a client's totals) then updates the text without re-embedding. Documents indexed before
// this migration carry vectors of their full text; they are queued for re-embedding, which the
// auto-indexing service (or `ai rag reindex`) does in the background.
import type { Migration } from './types';

export const migration0005: Migration = {
  id: 5,
  name: '0005-rag-embedding-hash',
  up(db) {
    db.exec(`
ALTER TABLE rag_documents ADD COLUMN embedding_hash TEXT;
INSERT INTO rag_changes(entity_type, entity_id, op) SELECT entity_type, entity_id, 'upsert' FROM rag_documents ORDER BY id;
`);
  },
};
