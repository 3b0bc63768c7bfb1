import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { insertClient, insertInvoice, openTestApp, tempDataDir } from './testing/rag-fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('RAG indexing with the real model, SQLite and HNSW', () => {
  let app: App;
  let rossi: number;
  let bianchi: number;
  let inv12: number;
  beforeAll(async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    app = await openTestApp(dir);
    const db = app.database.sqlite;
    rossi = insertClient(db, 'Rossi Impianti Srl', '01234567897', 'Milano');
    bianchi = insertClient(db, 'Bianchi Consulting', '09876543210', 'Torino');
    inv12 = insertInvoice(db, { number: 12, year: 2025, clientId: rossi, description: 'Manutenzione impianto elettrico', cents: 100_000 });
    insertInvoice(db, { number: 13, year: 2025, clientId: bianchi, description: 'Consulenza sviluppo sito web e-commerce', cents: 50_000 });
    insertInvoice(db, { number: 14, year: 2025, clientId: bianchi, description: 'Corso di formazione sulla sicurezza informatica', cents: 80_000 });
  });
  afterAll(async () => app?.close());

  it('reindex is idempotent: the first run adds everything, a second run skips everything', async () => {
    const progress: number[] = [];
    const first = await app.rag.indexer.reindexAll({ onProgress: (p) => progress.push(p.current) });
    expect(first).toMatchObject({ entities: 5, added: 5, updated: 0, skipped: 0, deleted: 0, failed: 0, embeddingPending: 0 });
    expect(progress.at(-1)).toBe(5);
    const second = await app.rag.indexer.reindexAll();
    expect(second).toMatchObject({ added: 0, updated: 0, skipped: 5, deleted: 0, failed: 0 });
    const embedded = app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM rag_documents WHERE embedding IS NOT NULL AND length(embedding) = 384 * 4').get() as { n: number };
    expect(embedded.n).toBe(5);
    // Everything captured before the pass is acknowledged.
    expect((app.database.sqlite.prepare("SELECT COUNT(*) AS n FROM rag_changes WHERE entity_type IN ('invoice','client')").get() as { n: number }).n).toBe(0);
  });

  it('finds invoices by number, clients by VAT number and name, and meaning by vectors', async () => {
    const byNumber = await app.rag.retriever.search('fattura 12/2025', { k: 3 });
    expect(byNumber[0]).toMatchObject({ entityType: 'invoice', entityId: inv12 });
    expect(byNumber[0]!.foundBy).toContain('keyword');
    const ft = await app.rag.retriever.search('FT-12', { k: 3 });
    expect(ft[0]).toMatchObject({ entityType: 'invoice', entityId: inv12 });
    const vat = await app.rag.retriever.search('IT09876543210', { k: 3 });
    expect(vat[0]).toMatchObject({ entityType: 'client', entityId: bianchi });
    const name = await app.rag.retriever.search('rossi impianti', { k: 3, types: ['client'] });
    expect(name[0]).toMatchObject({ entityType: 'client', entityId: rossi });
    const meaning = await app.rag.retriever.search('online shop website development', { k: 5, types: ['invoice'], mode: 'vector' });
    expect(meaning[0]!.text).toMatch(/sito web/);
    expect(meaning[0]!.foundBy).toEqual(['vector']);
    // Diacritics are folded: "citta" matches "città" in a note.
    app.database.sqlite.prepare("UPDATE invoices SET notes = 'Consegna in città' WHERE id = ?").run(inv12);
    await app.rag.indexer.process([{ type: 'invoice', id: inv12, op: 'upsert' }]);
    expect((await app.rag.retriever.search('consegna citta', { k: 1, mode: 'keyword' }))[0]).toMatchObject({ entityId: inv12 });
  });

  it("a change to figures only (a client's totals after a new invoice) updates the text and keeps the vector, without the model", async () => {
    const db = app.database.sqlite;
    const doc = () => db.prepare("SELECT text, embedding, embedding_hash FROM rag_documents WHERE entity_type = 'client' AND entity_id = ?").get(rossi) as { text: string; embedding: Buffer; embedding_hash: string };
    await app.rag.indexer.reindexAll();
    const before = doc();
    const inv = insertInvoice(db, { number: 15, year: 2025, clientId: rossi, description: 'Sostituzione quadro elettrico', cents: 200_000 });
    const embedded: string[] = [];
    const embed = app.rag.embedder.embed.bind(app.rag.embedder);
    app.rag.embedder.embed = async (texts, onProgress) => {
      embedded.push(...texts);
      return embed(texts, onProgress);
    };
    try {
      const r = await app.rag.indexer.process([{ type: 'invoice', id: inv, op: 'upsert' }, { type: 'client', id: rossi, op: 'upsert' }]);
      expect(r).toMatchObject({ added: 1, updated: 1, failed: 0 });
    } finally {
      app.rag.embedder.embed = embed;
    }
    const after = doc();
    expect(after.text).not.toBe(before.text);
    expect(after.text).toMatch(/Fatture: 2/);
    expect(after.embedding.equals(before.embedding)).toBe(true);
    expect(after.embedding_hash).toBe(before.embedding_hash);
    // Only the new invoice went through the model, as its short embed text.
    expect(embedded).toHaveLength(1);
    expect(embedded[0]).toMatch(/^Fattura 15\/2025 — Rossi Impianti Srl \(Milano\) — .*Sostituzione quadro elettrico/);
  });

  it("invoice changes queue one deferred refresh of their client's totals per window", async () => {
    const db = app.database.sqlite;
    db.prepare("DELETE FROM rag_changes WHERE entity_type = 'client'").run();
    const a = insertInvoice(db, { number: 16, year: 2025, clientId: rossi, description: 'Audit sicurezza rete', cents: 30_000 });
    const b = insertInvoice(db, { number: 17, year: 2025, clientId: rossi, description: 'Audit sicurezza server', cents: 40_000 });
    const t0 = Date.now();
    expect((await app.rag.indexer.process([{ type: 'invoice', id: a, op: 'upsert' }])).cascaded).toBe(1);
    expect((await app.rag.indexer.process([{ type: 'invoice', id: b, op: 'upsert' }])).cascaded).toBe(1);
    const rows = db.prepare("SELECT entity_id, next_attempt_at FROM rag_changes WHERE entity_type = 'client'").all() as { entity_id: number; next_attempt_at: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.entity_id).toBe(rossi);
    // Debounce 5 s by default: the refresh waits 5 s, then reads both invoices at once.
    expect(Date.parse(rows[0]!.next_attempt_at) - t0).toBeGreaterThanOrEqual(4_900);
    expect(Date.parse(rows[0]!.next_attempt_at) - t0).toBeLessThan(5_000 + (Date.now() - t0));
  });

  it('a document whose vector predates embed texts (migration 0005) is re-embedded although its text is unchanged', async () => {
    const db = app.database.sqlite;
    await app.rag.indexer.reindexAll();
    const doc = () => db.prepare("SELECT embedding, embedding_hash FROM rag_documents WHERE entity_type = 'invoice' AND entity_id = ?").get(inv12) as { embedding: Buffer; embedding_hash: string | null };
    const current = doc();
    // What an upgraded database holds: the full text's vector, no embedding hash.
    const old = (await app.rag.embedder.embed([(db.prepare("SELECT text FROM rag_documents WHERE entity_type = 'invoice' AND entity_id = ?").get(inv12) as { text: string }).text]))[0]!;
    db.prepare("UPDATE rag_documents SET embedding = ?, embedding_hash = NULL WHERE entity_type = 'invoice' AND entity_id = ?").run(Buffer.from(old.buffer), inv12);
    const r = await app.rag.indexer.process([{ type: 'invoice', id: inv12, op: 'upsert' }]);
    expect(r).toMatchObject({ updated: 1, skipped: 0 });
    expect(doc().embedding_hash).toBe(current.embedding_hash);
    expect(doc().embedding.equals(current.embedding)).toBe(true);
    expect((await app.rag.indexer.reindexAll()).updated).toBe(0);
  });

  it('a rolled-back transaction queues nothing; a committed one queues its entity', () => {
    const db = app.database.sqlite;
    const before = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM rag_changes').get() as { m: number }).m;
    expect(() =>
      db.transaction(() => {
        insertInvoice(db, { number: 99, year: 2025, clientId: rossi, description: 'annullata', cents: 1000 });
        throw new Error('user cancelled');
      })(),
    ).toThrow('user cancelled');
    expect((db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM rag_changes').get() as { m: number }).m).toBe(before);
    db.prepare('UPDATE clients SET city = ? WHERE id = ?').run('Bergamo', bianchi);
    const rows = db.prepare('SELECT entity_type, entity_id, op FROM rag_changes WHERE id > ?').all(before);
    expect(rows).toEqual([{ entity_type: 'client', entity_id: bianchi, op: 'upsert' }]);
  });

  it('a client change refreshes that client\'s invoice documents (and only when their text changes)', async () => {
    const db = app.database.sqlite;
    const before = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM rag_changes').get() as { m: number }).m;
    db.prepare('UPDATE clients SET denominazione = ? WHERE id = ?').run('Bianchi Consulting SpA', bianchi);
    const r = await app.rag.indexer.process([{ type: 'client', id: bianchi, op: 'upsert' }]);
    expect(r).toMatchObject({ updated: 1, cascaded: 2 });
    const queued = db.prepare("SELECT entity_id FROM rag_changes WHERE id > ? AND entity_type = 'invoice' ORDER BY entity_id").all(before) as { entity_id: number }[];
    expect(queued).toHaveLength(2);
    const inv = await app.rag.indexer.process(queued.map((q) => ({ type: 'invoice' as const, id: q.entity_id, op: 'upsert' as const })));
    expect(inv.updated).toBe(2);
    expect((await app.rag.retriever.search('Bianchi Consulting SpA', { k: 3, types: ['invoice'], mode: 'keyword' })).length).toBe(2);
  });

  it('an upsert of an entity that no longer exists is a delete; DELETE_ON_REMOVAL removes it from both indexes', async () => {
    const db = app.database.sqlite;
    const id = insertInvoice(db, { number: 20, year: 2025, clientId: rossi, description: 'Fornitura pannelli fotovoltaici', cents: 300_000 });
    expect((await app.rag.indexer.process([{ type: 'invoice', id, op: 'upsert' }])).added).toBe(1);
    const label = (db.prepare("SELECT label FROM rag_documents WHERE entity_type = 'invoice' AND entity_id = ?").get(id) as { label: number }).label;
    const vectors = await app.rag.vectors();
    expect(vectors.has(label)).toBe(true);
    db.prepare('DELETE FROM invoices WHERE id = ?').run(id); // cascade: lines/payments log upserts of the gone invoice
    expect((await app.rag.indexer.process([{ type: 'invoice', id, op: 'upsert' }])).deleted).toBe(1);
    expect(vectors.has(label)).toBe(false);
    expect((await app.rag.retriever.search('pannelli fotovoltaici', { k: 5, mode: 'keyword' })).filter((h) => h.entityId === id && h.entityType === 'invoice')).toEqual([]);
  });

  it('the vector index file is rebuilt from stored embeddings when missing, stale or corrupt', async () => {
    await app.rag.saveIndex('test');
    const vi = await app.rag.vectors();
    const { VectorIndex } = await import('./vector-index');
    const fresh = () => new VectorIndex(app.paths.vectorDir, app.rag.embedder.modelId, app.logger);
    expect(await fresh().open(app.database.sqlite)).toBeNull();
    const buf = fs.readFileSync(vi.file);
    buf[buf.length - 10] ^= 0xff;
    fs.writeFileSync(vi.file, buf);
    const repaired = fresh();
    expect(await repaired.open(app.database.sqlite)).toMatch(/corrupt/);
    expect(repaired.size).toBe(vi.size);
    fs.writeFileSync(vi.file, buf.subarray(0, 100));
    expect(await fresh().open(app.database.sqlite)).toMatch(/corrupt/);
  });
});

describe('without an embedding model', () => {
  it('says exactly that, stores documents for keyword search, and embeds them once a model is there', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const app = await openTestApp(dir, { OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: dir, OPENFATTURE_RAG_EMBEDDING_MODEL: 'no-such-model' });
    try {
      const c = insertClient(app.database.sqlite, 'Verdi Edilizia', '11111111111');
      insertInvoice(app.database.sqlite, { number: 1, year: 2025, clientId: c, description: 'Ristrutturazione bagno', cents: 400_000 });
      const r = await app.rag.indexer.reindexAll();
      expect(r).toMatchObject({ added: 2, embeddingPending: 2, failed: 0 });
      expect(app.rag.embedder.status().state).toBe('unavailable');
      expect(app.rag.embedder.unavailableMessage()).toMatch(/^Embedding model no-such-model is not available: .+; keyword search still works$/);
      const hits = await app.rag.retriever.search('ristrutturazione', { k: 3 });
      expect(hits[0]).toMatchObject({ entityType: 'invoice', foundBy: ['keyword'] });
    } finally {
      await app.close();
    }
    // The model becomes available: a reindex embeds the keyword-only documents.
    const app2 = await openTestApp(dir);
    try {
      const r = await app2.rag.indexer.reindexAll();
      expect(r).toMatchObject({ added: 0, updated: 2, embeddingPending: 0, failed: 0 });
      expect((await app2.rag.retriever.search('bathroom renovation', { k: 1, mode: 'vector', types: ['invoice'] }))[0]).toMatchObject({ entityType: 'invoice', foundBy: ['vector'] });
    } finally {
      await app2.close();
    }
  });
});

// The auto-update service indexes a batch incrementally (INCREMENTAL_UPDATES=true) or by rebuilding
// the types it names (false). Either way a batch must leave the documents of other types alone: a
// rebuild once treated every type absent from the batch as untracked and deleted its documents.
describe.each([
  { mode: 'incremental', incremental: 'true' },
  { mode: 'rebuild of the named types', incremental: 'false' },
])('a mixed batch through the auto-update service ($mode)', ({ incremental }) => {
  it('changes only what the batch names; invoice, client and product documents of the others stay', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const app = await openTestApp(
      dir,
      {
        OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
        OPENFATTURE_RAG_AUTO_UPDATE_TRACK_PRODUCTS: 'true',
        OPENFATTURE_RAG_AUTO_UPDATE_INCREMENTAL_UPDATES: incremental,
      },
      { background: true },
    );
    try {
      const svc = app.autoIndexing!;
      svc.pause(); // flush() is the only path that indexes here
      const db = app.database.sqlite;
      const count = (type: string) => (db.prepare('SELECT COUNT(*) AS n FROM rag_documents WHERE entity_type = ?').get(type) as { n: number }).n;
      const counts = () => ({ invoice: count('invoice'), client: count('client'), product: count('product') });
      const docText = (type: string, id: number) => (db.prepare('SELECT text FROM rag_documents WHERE entity_type = ? AND entity_id = ?').get(type, id) as { text: string } | undefined)?.text;
      const productRows = () => db.prepare("SELECT entity_id, label, indexed_at FROM rag_documents WHERE entity_type = 'product' ORDER BY entity_id").all();
      const outbox = () => (db.prepare('SELECT COUNT(*) AS n FROM rag_changes').get() as { n: number }).n;

      const rossi = insertClient(db, 'Rossi Impianti Srl', '01234567897', 'Milano');
      const bianchi = insertClient(db, 'Bianchi Consulting', '09876543210', 'Torino');
      const verdi = insertClient(db, 'Verdi Edilizia', '11111111111', 'Napoli');
      const rossiInvoices = [
        insertInvoice(db, { number: 1, year: 2025, clientId: rossi, description: 'Manutenzione impianto elettrico', cents: 100_000 }),
        insertInvoice(db, { number: 2, year: 2025, clientId: rossi, description: 'Sostituzione quadro elettrico', cents: 200_000 }),
      ];
      insertInvoice(db, { number: 3, year: 2025, clientId: bianchi, description: 'Consulenza sito web', cents: 50_000 });
      const gone = insertInvoice(db, { number: 4, year: 2025, clientId: verdi, description: 'Ristrutturazione bagno', cents: 400_000 });
      const verdiKept = insertInvoice(db, { number: 5, year: 2025, clientId: verdi, description: 'Rifacimento tetto', cents: 900_000 });
      db.prepare("INSERT INTO products(code, description, unit_price_cents) VALUES ('CONS-H', 'Consulenza oraria', 9000), ('MANUT', 'Manutenzione annuale', 120000)").run();
      await svc.flush();
      expect(counts()).toEqual({ invoice: 5, client: 3, product: 2 });
      expect(outbox()).toBe(0);
      const products = productRows();

      // One batch of mixed changes: a client renamed, an invoice added, an invoice deleted.
      db.prepare('UPDATE clients SET denominazione = ? WHERE id = ?').run('Rossi Impianti SpA', rossi);
      const added = insertInvoice(db, { number: 6, year: 2025, clientId: bianchi, description: 'Hosting annuale', cents: 30_000 });
      db.prepare('DELETE FROM invoices WHERE id = ?').run(gone);
      await svc.flush();
      expect(counts()).toEqual({ invoice: 5, client: 3, product: 2 });
      expect(docText('invoice', added)).toMatch(/Hosting annuale/);
      expect(docText('invoice', gone)).toBeUndefined();
      // The rename reaches the renamed client's invoices (a derived refresh), in both modes.
      for (const id of rossiInvoices) expect(docText('invoice', id)).toMatch(/Cliente: Rossi Impianti SpA/);
      expect(productRows()).toEqual(products);
      expect(outbox()).toBe(0);

      // A batch holding one client change only: the 5 invoice documents stay (and follow the change).
      db.prepare('UPDATE clients SET city = ? WHERE id = ?').run('Salerno', verdi);
      await svc.flush();
      expect(counts()).toEqual({ invoice: 5, client: 3, product: 2 });
      expect(docText('client', verdi)).toMatch(/Salerno/);
      expect(docText('invoice', verdiKept)).toMatch(/Cliente: Verdi Edilizia \(P\.IVA 11111111111, Salerno\)/);
      expect(productRows()).toEqual(products);
      expect(outbox()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
