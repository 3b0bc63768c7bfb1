// HNSW recall@10 against exact search on the real embeddings of the demo documents (cached by
// bench/rag-pipeline.ts under bench/.cache/, ≥ 20k vectors), with query p50 against the exact
// brute-force baseline in the same run, and the index settings.
// Run: npx tsx bench/rag-pipeline.bench.ts 20000   (once, embeds and caches)
//      npx tsx bench/rag-hnsw.bench.ts [vectors=all cached] [queries=300]
//      (or BENCH_VECTORS / BENCH_QUERIES). The issue's size is 20,000 indexed vectors; a smaller cache
//      (a small pipeline run) gives a smaller, plainly labelled run.
import fs from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { REPO_ROOT } from '../src-main/core/rag/testing/rag-fixtures';
import { DEFAULT_HNSW } from '../src-main/core/rag/vector-index';
import { report, type BenchFigure } from './report';

const CACHE = path.join(REPO_ROOT, 'bench/.cache');
const REQUIRED_VECTORS = 20_000;
const K = 10;
const vectorsArg = process.argv[2] ?? process.env.BENCH_VECTORS;
const queriesArg = process.argv[3] ?? process.env.BENCH_QUERIES;

function main(): void {
  const metaFile = path.join(CACHE, 'rag-embeddings.json');
  if (!fs.existsSync(metaFile)) throw new Error('no cached embeddings: run `npx tsx bench/rag-pipeline.ts 20000` first');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { count: number; dim: number; invoices?: number; clients?: number };
  const raw = fs.readFileSync(path.join(CACHE, 'rag-embeddings.f32'));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const dim = meta.dim;
  // Use the first `vectors` cached embeddings (all by default).
  const total = vectorsArg === undefined ? meta.count : Number(vectorsArg);
  if (!Number.isInteger(total) || total < 20 || total > meta.count) throw new Error(`vectors must be an integer between 20 and the ${meta.count} cached, got ${vectorsArg}`);
  const QUERIES = queriesArg === undefined ? Math.min(300, Math.floor(total / 2)) : Number(queriesArg);
  if (!Number.isInteger(QUERIES) || QUERIES < 1 || QUERIES > total / 2) throw new Error(`queries must be an integer between 1 and half the vectors (${Math.floor(total / 2)}), got ${queriesArg}`);
  meta.count = total;
  const n = meta.count - QUERIES;
  const vec = (i: number) => all.subarray(i * dim, (i + 1) * dim);
  // Held-out queries: every (count / QUERIES)-th document is a query and not in the index.
  const stride = Math.floor(meta.count / QUERIES);
  const isQuery = (i: number) => i % stride === 0 && i / stride < QUERIES;
  const base: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < meta.count; i++) (isQuery(i) ? queries : base).push(i);
  process.stdout.write(`Vectors: ${base.length} indexed (all-MiniLM-L6-v2, ${dim}-d, demo invoices + clients), ${queries.length} held-out queries, k=${K}\n`);
  if (base.length < REQUIRED_VECTORS) process.stdout.write(`WARNING: fewer than 20k indexed vectors (${n})\n`);

  // Exact baseline: brute-force cosine (vectors are normalised, so the dot product).
  const exact: number[][] = [];
  const exactMs: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    const qv = vec(q);
    const scores: [number, number][] = [];
    for (const b of base) {
      const bv = vec(b);
      let s = 0;
      for (let d = 0; d < dim; d++) s += qv[d]! * bv[d]!;
      scores.push([s, b]);
    }
    scores.sort((a, b) => b[0] - a[0]);
    exact.push(scores.slice(0, K).map((x) => x[1]));
    exactMs.push(performance.now() - t0);
  }

  const idx = new hnswlib.HierarchicalNSW('cosine', dim);
  const b0 = performance.now();
  idx.initIndex({ maxElements: base.length, m: DEFAULT_HNSW.m, efConstruction: DEFAULT_HNSW.efConstruction, randomSeed: 100 });
  for (const b of base) idx.addPoint(Array.from(vec(b)), b);
  const buildS = (performance.now() - b0) / 1000;
  const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`HNSW build: M=${DEFAULT_HNSW.m}, efConstruction=${DEFAULT_HNSW.efConstruction}: ${buildS.toFixed(1)}s (${(base.length / buildS).toFixed(0)} vectors/s)\n\n`);
  process.stdout.write(`${'efSearch'.padEnd(10)}${'recall@10'.padStart(10)}${'p50 ms'.padStart(10)}${'speedup vs exact'.padStart(18)}\n`);
  const exactP50 = p50(exactMs);
  const perEf: { ef: number; recall: number; p50: number }[] = [];
  for (const ef of [32, 64, DEFAULT_HNSW.efSearch, 256]) {
    idx.setEf(ef);
    let found = 0;
    const ms: number[] = [];
    queries.forEach((q, qi) => {
      const qa = Array.from(vec(q));
      const t0 = performance.now();
      const r = idx.searchKnn(qa, K);
      ms.push(performance.now() - t0);
      const truth = new Set(exact[qi]);
      found += r.neighbors.filter((l) => truth.has(l)).length;
    });
    const recall = found / (queries.length * K);
    perEf.push({ ef, recall, p50: p50(ms) });
    const mark = ef === DEFAULT_HNSW.efSearch ? ' (app setting)' : '';
    process.stdout.write(`${String(ef).padEnd(10)}${recall.toFixed(4).padStart(10)}${p50(ms).toFixed(3).padStart(10)}${(exactP50 / p50(ms)).toFixed(0).padStart(17)}x${mark}\n`);
  }
  process.stdout.write(`\nExact brute-force baseline: p50 ${exactP50.toFixed(2)} ms per query\n`);
  idx.setEf(DEFAULT_HNSW.efSearch);

  const app = perEf.find((e) => e.ef === DEFAULT_HNSW.efSearch)!;
  const others: BenchFigure[] = perEf
    .filter((e) => e.ef !== DEFAULT_HNSW.efSearch)
    .map((e) => ({ metric: `recall@10 at efSearch ${e.ef} (p50 ${e.p50.toFixed(3)} ms)`, value: e.recall, unit: '', baseline: { label: 'exact search', value: 1 } }));
  const belowSize = base.length < REQUIRED_VECTORS;
  report({
    bench: 'rag-hnsw',
    title: 'HNSW vector index: recall@10 and query time vs exact search',
    command: `npx tsx bench/rag-hnsw.bench.ts ${meta.count} ${QUERIES}`,
    settings: {
      space: 'cosine',
      dim,
      M: DEFAULT_HNSW.m,
      efConstruction: DEFAULT_HNSW.efConstruction,
      efSearch: DEFAULT_HNSW.efSearch,
      indexedVectors: base.length,
      heldOutQueries: queries.length,
      k: K,
    },
    figures: [
      { metric: `recall@10 at efSearch ${DEFAULT_HNSW.efSearch} (app setting)`, value: app.recall, unit: '', baseline: { label: 'exact brute-force search', value: 1 }, target: '≥ 0.98', met: app.recall >= 0.98 },
      { metric: `query p50 at efSearch ${DEFAULT_HNSW.efSearch}`, value: app.p50, unit: 'ms', baseline: { label: 'exact brute-force search', value: exactP50 } },
      ...others,
      { metric: 'index build', value: base.length / buildS, unit: 'vectors/s' },
    ],
    notes: [
      `Real all-MiniLM-L6-v2 embeddings of demo invoices and clients cached by bench/rag-pipeline.bench.ts${meta.invoices ? ` (${meta.invoices} invoices, ${meta.clients} clients)` : ''}; one vector in every ${stride} is a held-out query (not indexed); recall@10 = share of the exact top-10 found by HNSW.`,
      belowSize
        ? `Size used: ${base.length} indexed vectors — BELOW the issue's required ${REQUIRED_VECTORS.toLocaleString('en')}; at this size the figures say little about 20k. Run \`npx tsx bench/rag-pipeline.bench.ts 20000\` then \`npx tsx bench/rag-hnsw.bench.ts\` on a quiet machine.`
        : `Size used: ${base.length} indexed vectors (the issue requires ${REQUIRED_VECTORS.toLocaleString('en')}).`,
    ],
  });
}

main();
