// Worker side of the RAG embeddings (DESIGN §5): loads all-MiniLM-L6-v2 with @xenova/transformers
// from a local folder when one holds it, otherwise from the model hub (with download progress), and
// embeds batches of texts (mean pooling, normalised). The main thread never runs the model.
import fs from 'node:fs';
import path from 'node:path';
import type { EmbedJobArgs, EmbedJobResult, EmbeddingModelSpec } from '../core/rag/embedding-protocol';
import { AppError, errorMessage } from '../core/errors';
import { registerJob, type JobContext } from './jobs';

type FeatureExtractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

interface LoadedModel {
  key: string;
  extractor: FeatureExtractor;
  source: 'local' | 'remote';
  location: string;
  loadMs: number;
}

let loaded: Promise<LoadedModel> | null = null;
let loadedKey = '';

/** Where a local copy of the model lives: `{localModelPath, modelId}` as transformers.js resolves them. */
export function findLocalModel(spec: EmbeddingModelSpec): { localModelPath: string; modelId: string } | null {
  const names = [spec.name, `Xenova/${spec.name}`];
  for (const dir of spec.localDirs) {
    if (!dir) continue;
    // The folder may be the model itself (holding config.json) or a models dir holding it by name.
    if (fs.existsSync(path.join(dir, 'config.json')) && fs.existsSync(path.join(dir, 'onnx'))) {
      return { localModelPath: path.dirname(dir), modelId: path.basename(dir) };
    }
    for (const name of names) {
      if (fs.existsSync(path.join(dir, name, 'config.json'))) return { localModelPath: dir, modelId: name };
    }
  }
  return null;
}

async function loadModel(spec: EmbeddingModelSpec, ctx: JobContext): Promise<LoadedModel> {
  const t0 = performance.now();
  const transformers = await import('@xenova/transformers');
  const { env, pipeline } = transformers;
  const local = findLocalModel(spec);
  env.allowLocalModels = true;
  // Remote downloads only when no local copy exists: a local folder must never be shadowed by the hub.
  env.allowRemoteModels = local === null && spec.allowRemote;
  env.cacheDir = spec.cacheDir;
  let modelId: string;
  let source: 'local' | 'remote';
  let location: string;
  if (local) {
    env.localModelPath = local.localModelPath.endsWith(path.sep) ? local.localModelPath : local.localModelPath + path.sep;
    modelId = local.modelId;
    source = 'local';
    location = path.join(local.localModelPath, local.modelId);
  } else {
    if (!spec.allowRemote) {
      throw new AppError('MODEL_UNAVAILABLE', `no local copy found (looked in ${spec.localDirs.filter(Boolean).join(', ') || 'no folder'}) and downloads are disabled`);
    }
    env.localModelPath = spec.cacheDir + path.sep;
    modelId = spec.name.includes('/') ? spec.name : `Xenova/${spec.name}`;
    source = 'remote';
    location = `model hub (${modelId}, cached in ${spec.cacheDir})`;
    ctx.log('info', `Embedding model ${spec.name} not found locally; downloading ${modelId}`);
  }
  try {
    const extractor = (await pipeline('feature-extraction', modelId, {
      quantized: true,
      progress_callback: (p: { status?: string; file?: string; loaded?: number; total?: number }) => {
        if (p.status === 'progress' && typeof p.loaded === 'number' && typeof p.total === 'number') {
          ctx.progress({ step: `download ${p.file ?? modelId}`, current: p.loaded, total: p.total });
        }
      },
    })) as unknown as FeatureExtractor;
    return { key: specKey(spec), extractor, source, location, loadMs: performance.now() - t0 };
  } catch (e) {
    throw new AppError('MODEL_UNAVAILABLE', `${errorMessage(e)} (tried ${location})`);
  }
}

function specKey(spec: EmbeddingModelSpec): string {
  return JSON.stringify([spec.name, spec.localDirs, spec.cacheDir, spec.allowRemote]);
}

async function model(spec: EmbeddingModelSpec, ctx: JobContext): Promise<LoadedModel> {
  const key = specKey(spec);
  if (!loaded || loadedKey !== key) {
    loadedKey = key;
    loaded = loadModel(spec, ctx);
    // A failed load is retried on the next call (the model may have been copied in meanwhile).
    loaded.catch(() => {
      if (loadedKey === key) loaded = null;
    });
  }
  return loaded;
}

/**
 * One model run at a time: concurrent calls (batches in flight) would otherwise run onnxruntime
 * sessions side by side, each with its own thread pool, oversubscribing the cores.
 */
let modelRuns: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = modelRuns.then(fn, fn);
  modelRuns = run.catch(() => undefined);
  return run;
}

registerJob('rag.embed', async (args: EmbedJobArgs, ctx): Promise<EmbedJobResult> => {
  if (!Array.isArray(args.texts) || args.texts.some((t) => typeof t !== 'string')) {
    throw new AppError('BAD_INPUT', 'texts: expected an array of strings');
  }
  const m = await model(args.model, ctx);
  const t0 = performance.now();
  const vectors: string[] = new Array(args.texts.length);
  let dim = 0;
  // Sub-batches bound the tensor size. A batch is padded to its longest text, so texts of similar
  // length are batched together (sorted by length) and the results put back in input order.
  const order = args.texts.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const step = 32;
  for (let i = 0; i < order.length; i += step) {
    const idx = order.slice(i, i + step);
    const out = await serialised(() => m.extractor(idx.map((j) => args.texts[j]!), { pooling: 'mean', normalize: true }));
    dim = out.dims[out.dims.length - 1]!;
    idx.forEach((target, j) => {
      const v = out.data.subarray(j * dim, (j + 1) * dim);
      vectors[target] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    });
    if (order.length > step) ctx.progress({ step: 'embed', current: Math.min(i + step, order.length), total: order.length });
  }
  return { vectors, dim, ms: performance.now() - t0, source: m.source, location: m.location, loadMs: m.loadMs };
});
