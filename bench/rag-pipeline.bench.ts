// Embedding throughput in the indexing pipeline vs the raw model, and the main thread's event-loop
// lag during a full reindex of the demo data (≥ 10k invoices), all in the same run. The raw model
// runs in this process on the same document texts, before and after the reindex (the machine may
// be shared: the two measurements bracket the pipeline's). The stored embeddings are cached under
// bench/.cache/ for the HNSW bench.
// Run: npx tsx bench/rag-pipeline.bench.ts [invoices=600] [rawSample=128]
//      (or BENCH_INVOICES / BENCH_RAW_SAMPLE; BENCH_IDLE_SECONDS sets the idle baseline, default 15).
//      The size is a full reindex of 10,000 invoices (BENCH_INVOICES=10000, on a quiet machine);
//      `npx tsx bench/rag-pipeline.bench.ts 20000` also caches the 20k embeddings bench/rag-hnsw.bench.ts needs.
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateDemo } from '../src-main/core/demo/generate-demo';
import { DocumentBuilder } from '../src-main/core/rag/document-builder';
import { openTestApp, REPO_ROOT, SHARED_MODELS, tempDataDir } from '../src-main/core/rag/testing/rag-fixtures';
import { report } from './report';

const REQUIRED_INVOICES = 10_000;
const INVOICES = Number(process.argv[2] ?? process.env.BENCH_INVOICES ?? 600);
const SAMPLE = Number(process.argv[3] ?? process.env.BENCH_RAW_SAMPLE ?? 128);
const IDLE_S = Number(process.env.BENCH_IDLE_SECONDS ?? 15);
if (!Number.isInteger(INVOICES) || INVOICES < 50) throw new Error(`invoices must be an integer ≥ 50, got ${process.argv[2] ?? process.env.BENCH_INVOICES}`);
if (!Number.isInteger(SAMPLE) || SAMPLE < 32) throw new Error(`rawSample must be an integer ≥ 32, got ${process.argv[3] ?? process.env.BENCH_RAW_SAMPLE}`);
if (!(IDLE_S >= 1)) throw new Error(`BENCH_IDLE_SECONDS must be ≥ 1, got ${process.env.BENCH_IDLE_SECONDS}`);
const CACHE = path.join(REPO_ROOT, 'bench/.cache');

type Extractor = (texts: string[], o: { pooling: 'mean'; normalize: boolean }) => Promise<unknown>;

async function rawThroughput(extractor: Extractor, texts: string[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += 32) await extractor(texts.slice(i, i + 32), { pooling: 'mean', normalize: true });
  return texts.length / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const dir = tempDataDir('of-bench-pipeline-');
  const app = await openTestApp(dir, { OPENFATTURE_LOG_LEVEL: 'warn' });
  try {
    const db = app.database.sqlite;
    const t0 = performance.now();
    generateDemo(db, { clients: Math.max(20, Math.round(INVOICES / 50)), invoices: INVOICES, seed: 5, today: '2025-11-26' });
    db.prepare('DELETE FROM rag_changes').run();
    const clients = (db.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n;
    process.stdout.write(`Demo data: ${INVOICES} invoices, ${clients} clients (${((performance.now() - t0) / 1000).toFixed(1)}s)\n`);

    // Raw model baseline on a sample of the very texts the pipeline embeds (each document's embed text; random ids, fixed seed).
    const builder = new DocumentBuilder(db);
    // Same mix of document kinds as the reindex (invoices and clients), so the texts are comparable.
    const clientShare = clients / (clients + INVOICES);
    const nClients = Math.max(1, Math.round(SAMPLE * clientShare));
    const ids = Array.from({ length: SAMPLE - nClients }, (_, i) => 1 + ((i * 7919) % INVOICES));
    const cids = Array.from({ length: nClients }, (_, i) => 1 + ((i * 131) % clients));
    const texts = [...builder.build('invoice', ids).values(), ...builder.build('client', cids).values()].map((d) => d.embedText);
    const { env, pipeline } = await import('@xenova/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = SHARED_MODELS + path.sep;
    const extractor = (await pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2', { quantized: true })) as unknown as Extractor;
    await rawThroughput(extractor, texts.slice(0, 32)); // warm-up
    const rawBefore = await rawThroughput(extractor, texts);
    process.stdout.write(`Raw model (this process, batches of 32): ${rawBefore.toFixed(1)} texts/s\n`);

    await app.rag.embedder.embed(['warm-up']); // model loaded in the worker before timing
    // Baseline: the same histogram with the process idle, on the same (possibly shared) machine.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    idle.disable();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const r0 = performance.now();
    let lastPrint = 0;
    const r = await app.rag.indexer.reindexAll({
      onProgress: (p) => {
        if (performance.now() - lastPrint > 15_000) {
          lastPrint = performance.now();
          process.stdout.write(`  ${p.current}/${p.total} (${(p.current / ((performance.now() - r0) / 1000)).toFixed(1)}/s)\n`);
        }
      },
    });
    const secs = (performance.now() - r0) / 1000;
    lag.disable();
    const pipelineRate = (r.added + r.updated) / secs;
    const rawAfter = await rawThroughput(extractor, texts);
    const raw = (rawBefore + rawAfter) / 2;
    process.stdout.write(`\nFull reindex: ${r.entities} entities (${r.added} added, ${r.failed} failed) in ${secs.toFixed(1)}s\n`);
    process.stdout.write(`Raw model after: ${rawAfter.toFixed(1)} texts/s; raw mean ${raw.toFixed(1)} texts/s\n`);
    process.stdout.write(`Pipeline throughput: ${pipelineRate.toFixed(1)} docs/s = ${((pipelineRate / raw) * 100).toFixed(1)}% of the raw model (target >= 90%)\n`);
    // The histogram records the interval between 10 ms timer ticks: lag is what exceeds the 10 ms.
    const ms = (h: ReturnType<typeof monitorEventLoopDelay>, p: number) => Math.max(0, h.percentile(p) / 1e6 - 10);
    process.stdout.write(
      `Main event-loop lag during the reindex: p50 ${ms(lag, 50).toFixed(1)} ms, p99 ${ms(lag, 99).toFixed(1)} ms, max ${(lag.max / 1e6 - 10).toFixed(1)} ms (target p99 < 50 ms)\n` +
        `Idle baseline (same process, ${IDLE_S} s, no work): p50 ${ms(idle, 50).toFixed(1)} ms, p99 ${ms(idle, 99).toFixed(1)} ms, max ${(idle.max / 1e6 - 10).toFixed(1)} ms; p99 ratio ${(ms(lag, 99) / Math.max(0.1, ms(idle, 99))).toFixed(2)}x\n`,
    );

    // Cache the real embeddings for bench/rag-hnsw.ts.
    fs.mkdirSync(CACHE, { recursive: true });
    const rows = db.prepare('SELECT entity_type, entity_id, embedding FROM rag_documents WHERE embedding IS NOT NULL ORDER BY id').all() as { entity_type: string; entity_id: number; embedding: Buffer }[];
    const buf = Buffer.concat(rows.map((x) => x.embedding));
    fs.writeFileSync(path.join(CACHE, 'rag-embeddings.f32'), buf);
    fs.writeFileSync(path.join(CACHE, 'rag-embeddings.json'), JSON.stringify({ count: rows.length, dim: 384, model: 'all-MiniLM-L6-v2', invoices: INVOICES, clients, createdAt: new Date().toISOString() }));
    process.stdout.write(`Cached ${rows.length} embeddings in bench/.cache/ for bench/rag-hnsw.bench.ts\n`);

    const docs = r.added + r.updated;
    const belowSize = INVOICES < REQUIRED_INVOICES;
    report({
      bench: 'rag-pipeline',
      title: 'RAG indexing pipeline: embedding throughput and event-loop lag during a full reindex',
      command: `npx tsx bench/rag-pipeline.bench.ts ${INVOICES} ${SAMPLE}`,
      settings: { invoices: INVOICES, clients, documents: r.entities, rawSample: texts.length, idleSeconds: IDLE_S, lagResolutionMs: 10, demoSeed: 5 },
      figures: [
        { metric: 'pipeline embedding throughput', value: pipelineRate, unit: 'docs/s', baseline: { label: `raw model, mean of ${rawBefore.toFixed(1)} before and ${rawAfter.toFixed(1)} after`, value: raw }, target: '≥ 90% of the raw model', met: pipelineRate >= 0.9 * raw },
        { metric: 'main event-loop lag p99 during the full reindex', value: ms(lag, 99), unit: 'ms', baseline: { label: `idle, same process, ${IDLE_S} s`, value: ms(idle, 99) }, target: '< 50 ms', met: ms(lag, 99) < 50 },
        { metric: 'main event-loop lag p50 during the reindex', value: ms(lag, 50), unit: 'ms', baseline: { label: 'idle', value: ms(idle, 50) } },
        { metric: 'main event-loop lag max during the reindex', value: lag.max / 1e6 - 10, unit: 'ms', baseline: { label: 'idle', value: idle.max / 1e6 - 10 } },
        { metric: 'full reindex wall time', value: secs, unit: 's' },
      ],
      notes: [
        `Full reindex of demo data (seed 5): ${INVOICES} invoices + ${clients} clients = ${r.entities} documents (${r.added} added, ${r.updated} updated, ${r.failed} failed) through the real pipeline (document build, content hash, worker embedding, SQLite commit, HNSW insert), against the raw model (\`pipeline('feature-extraction')\` in the bench process, batches of 32) on a same-mix sample of ${texts.length} of the same document texts, before and after the reindex.`,
        `Pipeline ${docs} docs in ${secs.toFixed(1)} s = ${((pipelineRate / raw) * 100).toFixed(1)}% of the raw model. Lag figures are the excess over the 10 ms timer interval (monitorEventLoopDelay); the idle baseline shows what the machine's own scheduling adds.`,
        belowSize
          ? `Size used: ${INVOICES} invoices — BELOW the issue's required full reindex of ${REQUIRED_INVOICES.toLocaleString('en')} invoices, so the lag target is not demonstrated at the required size; run \`BENCH_INVOICES=${REQUIRED_INVOICES} npx tsx bench/rag-pipeline.bench.ts\` on a quiet machine.`
          : `Size used: ${INVOICES} invoices (the issue requires ${REQUIRED_INVOICES.toLocaleString('en')}).`,
      ],
    });
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
