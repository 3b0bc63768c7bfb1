// Hybrid search ranking on a real index (SQLite FTS5, HNSW, the embedding model): a number or a name
// the user types exactly comes first, ahead of documents that merely mention it or mean something
// close; text invoice numbers ("2025/A/0007", FatturaPA style) are matched as written; relevance is
// 1 for an exact match and a fraction of the best fused score otherwise.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app';
import { insertClient, insertInvoice, openTestApp, tempDataDir } from './testing/rag-fixtures';

let dir: string;
let app: App;
let rossi: number;
let inv358: number;
let textNumbered: number;
let mentions358: number;

beforeAll(async () => {
  dir = tempDataDir('of-hybrid-');
  app = await openTestApp(dir);
  const db = app.database.sqlite;
  rossi = insertClient(db, 'Rossi & Figli S.r.l.', '01234567897', 'Milano');
  const verdi = insertClient(db, 'Verdi Consulting Srl', '09876543210', 'Roma');
  // Documents that mention "358" and "rossi" without being what was asked for.
  mentions358 = insertInvoice(db, { number: 11, year: 2024, clientId: verdi, description: 'Fornitura 358 pannelli rossi', cents: 35_800 });
  insertInvoice(db, { number: 12, year: 2024, clientId: verdi, description: 'Vernice rossi e bianchi, lotto 358', cents: 20_000 });
  inv358 = insertInvoice(db, { number: 358, year: 2024, clientId: verdi, description: 'Consulenza organizzativa', cents: 90_000 });
  insertInvoice(db, { number: 5, year: 2025, clientId: rossi, description: 'Manutenzione impianto elettrico', cents: 100_000 });
  // A FatturaPA-style text number, stored as the database holds it.
  textNumbered = Number(
    db
      .prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, net_cents, vat_cents, total_cents) VALUES ('2025/A/0007', 2025, ?, '2025-05-02', '2025-06-01', 10000, 2200, 12200)")
      .run(verdi).lastInsertRowid,
  );
  await app.rag.indexer.reindexAll();
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hybrid search ranks exact matches first', () => {
  it('a bare invoice number finds that invoice first, ahead of documents that mention the number', async () => {
    const hits = await app.rag.retriever.search('358', { k: 5 });
    expect(hits[0]).toMatchObject({ entityType: 'invoice', entityId: inv358, exact: true, relevance: 1 });
    const mention = hits.find((h) => h.entityId === mentions358 && h.entityType === 'invoice');
    expect(mention?.exact).toBe(false);
    expect(mention!.relevance).toBeGreaterThan(0);
    expect(mention!.relevance).toBeLessThan(1);
    for (const h of hits) expect(h.relevance).toBeLessThanOrEqual(1);
  });

  it('one word of a client name finds the client first, then its invoices, ahead of documents using the word otherwise', async () => {
    const hits = await app.rag.retriever.search('Rossi', { k: 5 });
    expect(hits[0]).toMatchObject({ entityType: 'client', entityId: rossi, exact: true });
    expect(hits[1]).toMatchObject({ entityType: 'invoice', exact: true });
    expect(hits.findIndex((h) => h.entityId === mentions358 && h.entityType === 'invoice')).toBeGreaterThan(1);
  });

  it('matches a text invoice number as written', async () => {
    const hits = await app.rag.retriever.search('2025/A/0007', { k: 3 });
    expect(hits[0]).toMatchObject({ entityType: 'invoice', entityId: textNumbered, exact: true });
    const sentence = await app.rag.retriever.search('mostrami la fattura 2025/a/0007', { k: 3 });
    expect(sentence[0]).toMatchObject({ entityId: textNumbered });
  });

  it('a year alone is not an invoice number', async () => {
    const hits = await app.rag.retriever.search('2024', { k: 5 });
    expect(hits.some((h) => h.exact)).toBe(false);
  });
});
