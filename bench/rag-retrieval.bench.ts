// Retrieval quality on the demo data (DESIGN §5): a labelled set of queries — invoice numbers, VAT
// numbers, client names, Italian descriptions, paraphrases in English and Italian — scored as
// recall@5 for hybrid, keyword-only and vector-only retrieval, all in the same run.
// Run: npx tsx bench/rag-retrieval.bench.ts [invoices=800] [clients=60]
//      (or BENCH_INVOICES / BENCH_CLIENTS; the issue sets no corpus size for this figure)
import fs from 'node:fs';
import { generateDemo } from '../src-main/core/demo/generate-demo';
import { openTestApp, tempDataDir } from '../src-main/core/rag/testing/rag-fixtures';
import type { RagEntityType } from '../src-main/core/db/schema';
import { report } from './report';

const INVOICES = Number(process.argv[2] ?? process.env.BENCH_INVOICES ?? 800);
const CLIENTS = Number(process.argv[3] ?? process.env.BENCH_CLIENTS ?? 60);
if (!Number.isInteger(INVOICES) || INVOICES < 100) throw new Error(`invoices must be an integer ≥ 100, got ${process.argv[2] ?? process.env.BENCH_INVOICES}`);
if (!Number.isInteger(CLIENTS) || CLIENTS < 20) throw new Error(`clients must be an integer ≥ 20, got ${process.argv[3] ?? process.env.BENCH_CLIENTS}`);

interface Labelled {
  kind: 'number' | 'vat' | 'name' | 'description' | 'paraphrase';
  query: string;
  /** Any of these documents in the top 5 counts as a hit. */
  relevant: Set<string>;
}

const PARAPHRASES: [string, string][] = [
  ['website creation for a company', 'SITO-WEB'],
  ['realizzazione di un sito internet aziendale', 'SITO-WEB'],
  ['yearly server hosting fee', 'HOST-ANNO'],
  ['copia di sicurezza dei dati online', 'BACKUP-MESE'],
  ['laptop computer', 'NB-I7'],
  ['schermo da 27 pollici', 'MON-27'],
  ['colour laser printer', 'STAMP-MF'],
  ['staff training day', 'FORM-GG'],
  ['search engine optimisation campaign', 'SEO-CAMP'],
  ['logo and brand identity design', 'GRAFICA'],
  ['privacy compliance and security review', 'AUDIT-GDPR'],
  ['travel and hotel expenses', 'TRASFERTA'],
  ['food for the training event', 'CATERING'],
  ['monthly software maintenance fee', 'MANUT-MESE'],
  ['requirements analysis document', 'ANALISI'],
  ['network cabling materials', 'CABL-RETE'],
];

const DESCRIPTIONS: [string, string][] = [
  ['consulenza tecnica specialistica', 'CONS-ORA'],
  ['sviluppo software su commessa', 'SVIL-GG'],
  ['canone di manutenzione applicativa', 'MANUT-MESE'],
  ['assistenza tecnica presso la sede del cliente', 'ASSIST-ORA'],
  ['licenza software gestionale', 'LIC-GEST'],
  ['stampante multifunzione', 'STAMP-MF'],
  ['manuali tecnici e pubblicazioni', 'MANUALI'],
  ['servizio catering', 'CATERING'],
  ['rimborso spese di trasferta', 'TRASFERTA'],
  ['formazione del personale', 'FORM-GG'],
];

async function main(): Promise<void> {
  const dir = tempDataDir('of-bench-retrieval-');
  const app = await openTestApp(dir, { OPENFATTURE_RAG_AUTO_UPDATE_TRACK_PRODUCTS: 'true', OPENFATTURE_LOG_LEVEL: 'warn' });
  try {
    const db = app.database.sqlite;
    const demo = generateDemo(db, { clients: CLIENTS, invoices: INVOICES, seed: 11, today: '2025-11-26' });
    const t0 = performance.now();
    const r = await app.rag.indexer.reindexAll();
    const indexS = (performance.now() - t0) / 1000;
    process.stdout.write(`Indexed ${r.entities} demo documents (${JSON.stringify(demo).slice(0, 80)}…) in ${indexS.toFixed(1)}s\n`);

    // The labelled set, drawn deterministically from the data (every 7th row) plus hand-written queries.
    const set: Labelled[] = [];
    const invoices = db.prepare('SELECT id, number, year FROM invoices ORDER BY id').all() as { id: number; number: number; year: number }[];
    for (let i = 0; i < 10; i++) {
      const inv = invoices[(i * 79) % invoices.length]!;
      set.push({ kind: 'number', query: i % 2 ? `fattura ${inv.number}/${inv.year}` : `FT-${inv.number}/${inv.year}`, relevant: new Set([`invoice:${inv.id}`]) });
    }
    const clients = db.prepare('SELECT id, denominazione, partita_iva FROM clients WHERE partita_iva IS NOT NULL ORDER BY id').all() as { id: number; denominazione: string; partita_iva: string }[];
    for (let i = 0; i < 10; i++) {
      const c = clients[(i * 7) % clients.length]!;
      set.push({ kind: 'vat', query: i % 2 ? `P.IVA ${c.partita_iva}` : `IT${c.partita_iva}`, relevant: new Set([`client:${c.id}`]) });
      const c2 = clients[(i * 7 + 3) % clients.length]!;
      set.push({ kind: 'name', query: c2.denominazione, relevant: new Set([`client:${c2.id}`]) });
    }
    const withProduct = (code: string): Set<string> => {
      const p = db.prepare('SELECT id, description FROM products WHERE code = ?').get(code) as { id: number; description: string } | undefined;
      if (!p) throw new Error(`demo product ${code} missing`);
      const inv = db.prepare('SELECT DISTINCT invoice_id AS id FROM invoice_lines WHERE description = ?').all(p.description) as { id: number }[];
      return new Set([`product:${p.id}`, ...inv.map((x) => `invoice:${x.id}`)]);
    };
    for (const [q, code] of DESCRIPTIONS) set.push({ kind: 'description', query: q, relevant: withProduct(code) });
    for (const [q, code] of PARAPHRASES) set.push({ kind: 'paraphrase', query: q, relevant: withProduct(code) });

    const modes = ['hybrid', 'keyword', 'vector'] as const;
    const hits: Record<string, Record<string, number>> = {};
    const totals: Record<string, number> = {};
    const latency: Record<string, number[]> = { hybrid: [], keyword: [], vector: [] };
    const misses: string[] = [];
    for (const l of set) totals[l.kind] = (totals[l.kind] ?? 0) + 1;
    for (const mode of modes) {
      hits[mode] = {};
      for (const l of set) {
        const q0 = performance.now();
        const res = await app.rag.retriever.search(l.query, { k: 5, mode });
        latency[mode]!.push(performance.now() - q0);
        const ok = res.some((h) => l.relevant.has(`${h.entityType as RagEntityType}:${h.entityId}`));
        if (ok) hits[mode]![l.kind] = (hits[mode]![l.kind] ?? 0) + 1;
        else if (mode === 'hybrid') misses.push(`${l.kind}: "${l.query}"`);
      }
    }
    const recall = (mode: string, kind?: string) => {
      const kinds = kind ? [kind] : Object.keys(totals);
      const h = kinds.reduce((s, k) => s + (hits[mode]![k] ?? 0), 0);
      const n = kinds.reduce((s, k) => s + totals[k]!, 0);
      return h / n;
    };
    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`\nLabelled queries: ${set.length} (${Object.entries(totals).map(([k, n]) => `${k} ${n}`).join(', ')})\n\n`);
    process.stdout.write(`${'kind'.padEnd(12)}${modes.map((m) => m.padStart(10)).join('')}\n`);
    for (const kind of Object.keys(totals)) process.stdout.write(`${kind.padEnd(12)}${modes.map((m) => recall(m, kind).toFixed(2).padStart(10)).join('')}\n`);
    process.stdout.write(`${'ALL r@5'.padEnd(12)}${modes.map((m) => recall(m).toFixed(3).padStart(10)).join('')}\n`);
    process.stdout.write(`${'p50 ms'.padEnd(12)}${modes.map((m) => p50(latency[m]!).toFixed(1).padStart(10)).join('')}\n\n`);
    process.stdout.write(`Hybrid vs keyword-only: ${(recall('hybrid') / recall('keyword')).toFixed(2)}x; hybrid vs vector-only: ${(recall('hybrid') / recall('vector')).toFixed(2)}x\n`);
    process.stdout.write(`Target hybrid recall@5 >= 0.90: ${recall('hybrid') >= 0.9 ? 'MET' : 'NOT MET'}\n`);
    if (misses.length) process.stdout.write(`Hybrid misses:\n  ${misses.join('\n  ')}\n`);

    const byKind = (mode: string) => Object.keys(totals).map((k) => `${k} ${recall(mode, k).toFixed(2)}`).join(', ');
    report({
      bench: 'rag-retrieval',
      title: 'RAG retrieval quality (hybrid vs keyword-only vs vector-only)',
      command: `npx tsx bench/rag-retrieval.bench.ts ${INVOICES} ${CLIENTS}`,
      settings: { invoices: INVOICES, clients: CLIENTS, documents: r.entities, queries: set.length, k: 5, demoSeed: 11 },
      figures: [
        { metric: 'hybrid recall@5', value: recall('hybrid'), unit: '', baseline: { label: 'keyword-only', value: recall('keyword') }, target: '≥ 0.9', met: recall('hybrid') >= 0.9 },
        { metric: 'hybrid recall@5 vs vector-only', value: recall('hybrid'), unit: '', baseline: { label: 'vector-only', value: recall('vector') }, target: '≥ 0.9', met: recall('hybrid') >= 0.9 },
        { metric: 'hybrid query p50', value: p50(latency.hybrid!), unit: 'ms', baseline: { label: 'keyword-only', value: p50(latency.keyword!) } },
        { metric: 'vector-only query p50', value: p50(latency.vector!), unit: 'ms', baseline: { label: 'keyword-only', value: p50(latency.keyword!) } },
        { metric: 'full index of the demo documents', value: indexS, unit: 's' },
      ],
      notes: [
        `Demo data (seed 11): ${CLIENTS} clients, ${INVOICES} invoices, products tracked = ${r.entities} documents; ${set.length} labelled queries (${Object.entries(totals).map(([k, n]) => `${k} ${n}`).join(', ')}). A hit is a relevant document in the top 5 (the invoice, the client, or for descriptions/paraphrases the product or any invoice carrying that line).`,
        `recall@5 by kind — hybrid: ${byKind('hybrid')}; keyword-only: ${byKind('keyword')}; vector-only: ${byKind('vector')}.`,
        misses.length ? `Hybrid misses: ${misses.join('; ')}.` : 'Hybrid missed no query.',
      ],
    });
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
