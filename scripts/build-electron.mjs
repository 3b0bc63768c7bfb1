// Bundles the Electron side with esbuild into dist-electron/: main.cjs (package.json "main"),
// preload.cjs (sandboxed: everything inlined but electron), worker.cjs (the utilityProcess entry) and
// forest-thread.cjs (the worker's forest-training threads, started beside worker.cjs).
// Native modules and the embedding runtime stay external: electron-builder unpacks them from the asar.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist-electron');

export const NATIVE_EXTERNALS = ['electron', 'better-sqlite3', 'hnswlib-node', '@xenova/transformers', 'onnxruntime-node', 'sharp'];

// CommonJS output has no import.meta.url; modules that locate files from it get the bundle's own URL.
const importMetaShim = {
  banner: { js: "const __openfattureImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__openfattureImportMetaUrl' },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  external: NATIVE_EXTERNALS,
  ...importMetaShim,
};

export async function buildElectron() {
  const t0 = Date.now();
  await Promise.all([
    build({ ...common, entryPoints: [path.join(root, 'src-main/electron/main.ts')], outfile: path.join(out, 'main.cjs') }),
    build({ ...common, entryPoints: [path.join(root, 'src-preload/bridge.ts')], outfile: path.join(out, 'preload.cjs'), external: ['electron'] }),
    build({ ...common, entryPoints: [path.join(root, 'src-main/worker/entry.ts')], outfile: path.join(out, 'worker.cjs') }),
    build({ ...common, entryPoints: [path.join(root, 'src-main/core/ml/forest/tree-thread.ts')], outfile: path.join(out, 'forest-thread.cjs') }),
  ]);
  console.log(`Electron bundles written to ${path.relative(process.cwd(), out) || out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildElectron().catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
