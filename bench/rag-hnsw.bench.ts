// HNSW recall@10 against exact search on the real embeddings of the demo documents (cached by
// bench/rag-pipeline.ts under bench/.cache/, ≥ 20k vectors), with query p50 against the exact
// brute-force baseline in the same run, and the index settings.
// Run: npx tsx bench/rag-pipeline.ts 20000   (once, embeds and caches)
//      npx tsx bench/rag-hnsw.ts
import fs from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { REPO_ROOT } from '../src-main/core/rag/testing/rag-fixtures';
import { DEFAULT_HNSW } from '../src-main/core/rag/vector-index';

const CACHE = path.join(REPO_ROOT, 'bench/.cache');
const QUERIES = 300;
const K = 10;

function main(): void {
  const metaFile = path.join(CACHE, 'rag-embeddings.json');
  if (!fs.existsSync(metaFile)) throw new Error('no cached embeddings: run `npx tsx bench/rag-pipeline.ts 20000` first');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { count: number; dim: number };
  const raw = fs.readFileSync(path.join(CACHE, 'rag-embeddings.f32'));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const dim = meta.dim;
  const n = meta.count - QUERIES;
  const vec = (i: number) => all.subarray(i * dim, (i + 1) * dim);
  // Held-out queries: every (count / QUERIES)-th document is a query and not in the index.
  const stride = Math.floor(meta.count / QUERIES);
  const isQuery = (i: number) => i % stride === 0 && i / stride < QUERIES;
  const base: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < meta.count; i++) (isQuery(i) ? queries : base).push(i);
  process.stdout.write(`Vectors: ${base.length} indexed (all-MiniLM-L6-v2, ${dim}-d, demo invoices + clients), ${queries.length} held-out queries, k=${K}\n`);
  if (base.length < 20_000) process.stdout.write(`WARNING: fewer than 20k indexed vectors (${n})\n`);

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
    const mark = ef === DEFAULT_HNSW.efSearch ? ' (app setting)' : '';
    process.stdout.write(`${String(ef).padEnd(10)}${recall.toFixed(4).padStart(10)}${p50(ms).toFixed(3).padStart(10)}${(exactP50 / p50(ms)).toFixed(0).padStart(17)}x${mark}\n`);
  }
  process.stdout.write(`\nExact brute-force baseline: p50 ${exactP50.toFixed(2)} ms per query\n`);
  idx.setEf(DEFAULT_HNSW.efSearch);
}

main();
