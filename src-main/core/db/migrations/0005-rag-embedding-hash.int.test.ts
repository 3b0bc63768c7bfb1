import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0005-rag-embedding-hash', () => {
  it('keeps indexed documents searchable and queues each of them once for re-embedding', () => {
    const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-m5-')), 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.id < 5));
    const doc = db.prepare("INSERT INTO rag_documents(entity_type, entity_id, label, content_hash, text, embedding, model_id) VALUES (?, ?, ?, 'h', ?, x'00', 'm')");
    doc.run('invoice', 7, 1, 'Fattura n. 7/2025 Consulenza tecnica');
    doc.run('client', 3, 2, 'Cliente Rossi Srl');
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT entity_type, entity_id, embedding_hash FROM rag_documents ORDER BY id').all()).toEqual([
      { entity_type: 'invoice', entity_id: 7, embedding_hash: null },
      { entity_type: 'client', entity_id: 3, embedding_hash: null },
    ]);
    expect(db.prepare("SELECT entity_type, entity_id, op FROM rag_changes ORDER BY id").all()).toEqual([
      { entity_type: 'invoice', entity_id: 7, op: 'upsert' },
      { entity_type: 'client', entity_id: 3, op: 'upsert' },
    ]);
    expect(db.prepare("SELECT rowid FROM rag_fts WHERE rag_fts MATCH 'consulenza'").all()).toEqual([{ rowid: 1 }]);
    db.close();
  });
});
