// The assistant on the demo generator's data (realistic Italian clients, years of invoices, partial
// payments, disputes): its open/overdue figures agree with the generator's own accounting, its
// revenue and rankings with SQL, and every demo client is found by its name and by its P.IVA.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database';
import { generateDemo, type DemoSummary } from '../demo/generate-demo';
import { Assistant } from './assistant';

const TODAY = '2026-11-26';
let dir: string;
let database: Database;
let demo: DemoSummary;
let assistant: Assistant;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-assistant-demo-'));
  database = openDatabase(path.join(dir, 'openfatture.db'));
  demo = generateDemo(database.sqlite, { clients: 25, invoices: 600, seed: 7, today: TODAY });
  assistant = new Assistant({ connection: database.sqlite, today: () => TODAY });
});

afterAll(async () => {
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Assistant on demo data', () => {
  it("agrees with the generator's own count of open and overdue invoices", async () => {
    const unpaid = await assistant.ask({ question: 'Show unpaid invoices' });
    if (unpaid.facts.intent !== 'unpaid') throw new Error(`wrong intent ${unpaid.intent}`);
    expect(unpaid.facts.outstandingCents).toBe(demo.outstandingCents);
    const overdue = await assistant.ask({ question: 'Quali fatture sono scadute?' });
    if (overdue.facts.intent !== 'overdue') throw new Error(`wrong intent ${overdue.intent}`);
    expect(overdue.facts.overdueCount).toBe(demo.overdue);
    expect(overdue.facts.overdueCount).toBeGreaterThan(0);
    expect(overdue.language).toBe('it');
  });

  it('answers revenue per quarter and top clients as SQL computes them', async () => {
    const q = (await assistant.ask({ question: 'Fatturato Q1 2026' })).facts;
    const expected = database.sqlite
      .prepare(`SELECT SUM(total_cents) AS t, COUNT(*) AS n FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date BETWEEN '2026-01-01' AND '2026-03-31'`)
      .get() as { t: number; n: number };
    if (q.intent !== 'revenue') throw new Error('wrong facts');
    expect([q.totalCents, q.invoiceCount]).toEqual([expected.t, expected.n]);

    const top = (await assistant.ask({ question: 'Top 5 clients in 2025' })).facts;
    const rows = database.sqlite
      .prepare(`SELECT client_id FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY client_id ORDER BY SUM(total_cents) DESC, client_id LIMIT 5`)
      .all() as { client_id: number }[];
    if (top.intent !== 'top_clients') throw new Error('wrong facts');
    expect(top.clients.map((c) => c.clientId)).toEqual(rows.map((r) => r.client_id));
  });

  it('finds every demo client by its company name and by its P.IVA', async () => {
    const clients = database.sqlite.prepare('SELECT id, denominazione, partita_iva FROM clients ORDER BY id').all() as { id: number; denominazione: string; partita_iva: string }[];
    for (const c of clients) {
      const byName = await assistant.ask({ question: `Storico del cliente ${c.denominazione}` });
      if (byName.facts.intent !== 'client_history') throw new Error(`wrong intent ${byName.intent}`);
      expect(byName.facts.client?.id, c.denominazione).toBe(c.id);
      const byVat = await assistant.ask({ question: `How does ${c.partita_iva} pay?` });
      if (byVat.facts.intent !== 'client_history') throw new Error(`wrong intent ${byVat.intent}`);
      expect(byVat.facts.client?.id, c.partita_iva).toBe(c.id);
      const invoices = demo.clientList.find((d) => d.id === c.id)!.invoices;
      expect(byVat.facts.invoiceCount).toBeLessThanOrEqual(invoices);
    }
  });

  it('finds a client by one word of its name, and lists the candidates when several share it', async () => {
    const clients = database.sqlite.prepare('SELECT id, denominazione FROM clients ORDER BY id').all() as { id: number; denominazione: string }[];
    const words = (name: string) => name.toLowerCase().split(/[^a-zà-ù]+/).filter(Boolean);
    // Common words of company names ("Studio", "Consulting") are not evidence on their own.
    const common = new Set(['studio', 'consulting', 'italiana']);
    let unique = 0;
    let shared = 0;
    for (const c of clients) {
      const word = words(c.denominazione)[0]!;
      if (word.length < 5 || common.has(word)) continue;
      const owners = clients.filter((o) => words(o.denominazione).includes(word)).map((o) => o.id);
      const r = await assistant.ask({ question: `Come paga ${word[0]!.toUpperCase()}${word.slice(1)}?` });
      if (r.facts.intent !== 'client_history') throw new Error(`wrong intent ${r.intent}`);
      if (owners.length === 1) {
        unique++;
        expect(r.facts.client?.id, word).toBe(c.id);
      } else {
        shared++;
        expect(r.facts.client, word).toBeNull();
        expect(r.facts.candidates.map((x) => x.id).sort((a, b) => a - b), word).toEqual(owners);
        expect(r.answer).toMatch(/^Quale cliente intendi\?/);
      }
    }
    expect(unique).toBeGreaterThan(5);
    expect(shared).toBeGreaterThan(0);
  });
});
