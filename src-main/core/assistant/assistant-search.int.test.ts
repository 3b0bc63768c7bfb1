// Free questions are answered with the best records of the RAG index (hybrid retrieval, the real
// embedding model in the worker), labelled from the database and cited as sources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadSettings } from '../config/load';
import { assistantFor } from './assistant-for-app';
import { validPartitaIva } from './assistant-fixture';

let dir: string;
let app: App;
let boiler: { id: number; number: string; year: number };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-assistant-search-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  const ferrari = app.clients.create({ denominazione: 'Ferrari Impianti Srl', partitaIva: validPartitaIva(41), city: 'Modena' });
  const lux = app.clients.create({ denominazione: 'Lux Web Agency Srl', partitaIva: validPartitaIva(42), city: 'Bologna' });
  boiler = app.invoices.create({ clientId: ferrari.id, lines: [{ description: 'Manutenzione caldaia e sostituzione bruciatore', quantity: 1, unitPriceCents: 48_000, vatRate: 22 }] }).invoice;
  app.invoices.create({ clientId: lux.id, lines: [{ description: 'Sviluppo sito e-commerce', quantity: 1, unitPriceCents: 250_000, vatRate: 22 }] });
  app.invoices.create({ clientId: lux.id, lines: [{ description: 'Campagna SEO trimestrale', quantity: 3, unitPriceCents: 60_000, vatRate: 22 }] });
  const indexed = await app.rag.indexer.reindexAll();
  expect(indexed.entities).toBe(5);
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('assistant search over the RAG index', () => {
  it('answers a free question with the best retrieved records as sources', async () => {
    const r = await assistantFor(app).ask({ question: 'lavori sulla caldaia' });
    expect(r.intent).toBe('search');
    if (r.facts.intent !== 'search') throw new Error('wrong facts');
    expect(r.facts.retrieval).toBe('hybrid');
    expect(r.facts.hits.length).toBeGreaterThan(0);
    const label = `Fattura ${boiler.number}/${boiler.year} — Ferrari Impianti Srl`;
    expect(r.sources[0]).toEqual({ entityType: 'invoice', entityId: boiler.id, label });
    expect(r.facts.hits[0]!.foundBy).toContain('keyword');
    // The passage shown is the one that answers the question, not the document's header.
    expect(r.facts.hits[0]!.snippet).toContain('Manutenzione caldaia e sostituzione bruciatore');
    expect(r.answer).toMatch(/^I record più pertinenti \(/);
    expect(r.answer).toContain(label);
  });
});
