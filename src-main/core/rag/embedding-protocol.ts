// The embedding job's contract between main and the worker: which model to load from where, and
// vectors back as base64 float32 (compact over IPC, decoded without copying into Float32Arrays).

export interface EmbeddingModelSpec {
  /** Model name as the settings give it, e.g. all-MiniLM-L6-v2. */
  name: string;
  /** Folders that may hold a local copy (the model folder itself, or a models dir holding it by name). */
  localDirs: string[];
  /** Where downloaded models are cached. */
  cacheDir: string;
  /** Download from the model hub when no local copy exists. */
  allowRemote: boolean;
}

export interface EmbedJobArgs {
  texts: string[];
  model: EmbeddingModelSpec;
}

export interface EmbedJobResult {
  /** One base64 little-endian float32 vector per text. */
  vectors: string[];
  dim: number;
  ms: number;
  source: 'local' | 'remote';
  location: string;
  loadMs: number;
}

declare module '../worker/protocol' {
  interface WorkerJobs {
    'rag.embed': { args: EmbedJobArgs; result: EmbedJobResult };
  }
}

export function decodeVector(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  // Copy into an aligned buffer: base64 decoding may return a pooled, unaligned slice.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Buffer | Uint8Array): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
