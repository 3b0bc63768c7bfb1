// Bundles the CLI (src-main/cli/main.ts), the worker process it forks (src-main/worker/entry.ts) and
// the worker's forest-training threads (src-main/core/ml/forest/tree-thread.ts) with esbuild into
// dist-cli/: ES modules with code splitting, so a command loads only the chunks it imports
// (program.ts loads one command group; heavy modules are imported where they are used).
// Native modules and the embedding runtime stay external and load from node_modules.
//
// dist-cli/build.json records when the build started and every project source it read;
// bin/openfatture.js compares their modification times with it and rebuilds (through ensureCliBundle
// below) when a source is newer, so a development checkout never runs stale code.
//
// Run by `npm install` (the prepare script), by scripts/test.mjs before the tests, and by hand:
// `node scripts/build-cli.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIST = path.join(root, 'dist-cli');
const MANIFEST = path.join(CLI_DIST, 'build.json');
const METAFILE = path.join(CLI_DIST, 'meta.json');
const LOCK = path.join(CLI_DIST, '.build.lock');

export const CLI_EXTERNALS = [
  // Native addons and the embedding runtime (onnxruntime, sharp) load their binaries relative to
  // their own package folder.
  'better-sqlite3',
  'hnswlib-node',
  '@xenova/transformers',
  'onnxruntime-node',
  'sharp',
  // Only `openfatture serve` on a development checkout without a built renderer imports vite (to
  // build it); it is a development tool, not part of the CLI.
  'vite',
  'electron',
];

// Every output file (entries and chunks, all in dist-cli/) starts with this: CommonJS dependencies
// inside the bundle get a working `require` for Node's built-ins, and the bundle's own URL is known.
const BANNER = [
  "import { createRequire as __openfattureCreateRequire } from 'node:module';",
  'const require = __openfattureCreateRequire(import.meta.url);',
  'const __openfattureBundleUrl = import.meta.url;',
].join(' ');

/**
 * Project sources locate files relative to themselves (`import.meta.url`: the renderer build, the
 * offline model copy, the repository root). In the bundle each keeps the URL of its own source file,
 * computed from the bundle's location, so those paths resolve exactly as when run from the sources.
 */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const fromDist = path.relative(CLI_DIST, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromDist)}, __openfattureBundleUrl).href`), loader: 'ts' };
    });
  },
};

/** Builds dist-cli/ and returns what it wrote. Safe to run while CLI processes use an older build. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { openfatture: 'src-main/cli/main.ts', worker: 'src-main/worker/entry.ts', 'forest-thread': 'src-main/core/ml/forest/tree-thread.ts' },
    outdir: CLI_DIST,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    external: CLI_EXTERNALS,
    banner: { js: BANNER },
    // node-worker.ts forks the bundled worker when it runs inside the bundle (see there).
    define: { __OPENFATTURE_BUNDLE_URL__: '__openfattureBundleUrl' },
    plugins: [sourceUrlPlugin],
    metafile: true,
    write: false,
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.startsWith('node_modules/') && !f.includes('/node_modules/'))
    .concat([path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/')])
    .sort();
  fs.mkdirSync(CLI_DIST, { recursive: true });
  const written = result.outputFiles.map((f) => path.basename(f.path));
  // Chunks first (their names carry a content hash, so a running CLI's chunks are never replaced),
  // then the entries, then the manifest: a CLI starting meanwhile sees an old or a new build, whole.
  const order = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
  for (const file of order) writeAtomically(file.path, file.contents);
  // esbuild's record of what each output holds and imports, statically or on demand
  // (scripts/build-cli.test.ts checks from it what each command loads).
  writeAtomically(METAFILE, JSON.stringify(result.metafile));
  writeAtomically(MANIFEST, JSON.stringify({ builtAt: startedAt, inputs, outputs: written }, null, 1) + '\n');
  pruneOldChunks(new Set([...written, path.basename(MANIFEST), path.basename(METAFILE)]));
  return { ms: Date.now() - startedAt, files: written.length, bytes: result.outputFiles.reduce((n, f) => n + f.contents.length, 0) };
}

function rank(file) {
  const base = path.basename(file);
  return base.startsWith('chunk-') ? 0 : 1;
}

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/** Chunks of earlier builds: kept an hour for CLI processes still running on them, then removed. */
function pruneOldChunks(keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of fs.readdirSync(CLI_DIST)) {
    if (keep.has(name) || name === path.basename(LOCK)) continue;
    const file = path.join(CLI_DIST, name);
    try {
      if (fs.statSync(file).mtimeMs < hourAgo) fs.rmSync(file, { force: true });
    } catch {
      // Removed by a concurrent build.
    }
  }
}

/**
 * True when dist-cli/ holds a build at least as new as every source it was built from and as the
 * installed packages. (`dist` and `from` point elsewhere in tests.)
 */
export function cliBundleFresh({ dist = CLI_DIST, from = root } = {}) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8'));
  } catch {
    return false;
  }
  // npm records every install in this file: a dependency changed since the build.
  if (mtimeOf(path.join(from, 'node_modules/.package-lock.json')) > manifest.builtAt) return false;
  for (const rel of manifest.inputs) {
    try {
      if (fs.statSync(path.join(from, rel)).mtimeMs > manifest.builtAt) return false;
    } catch {
      return false; // a source was moved or deleted
    }
  }
  return manifest.outputs.every((f) => fs.existsSync(path.join(dist, f)));
}

function mtimeOf(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const LOCK_WAIT_MS = 120_000;

/**
 * Builds when the bundle is missing or stale; one process builds while the others wait for it
 * (a lock file; a lock left by a dead process is taken over).
 */
export async function ensureCliBundle() {
  const deadline = Date.now() + LOCK_WAIT_MS;
  fs.mkdirSync(CLI_DIST, { recursive: true });
  for (;;) {
    if (cliBundleFresh()) return false;
    let fd;
    try {
      fd = fs.openSync(LOCK, 'wx');
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (lockAbandoned() || Date.now() > deadline) fs.rmSync(LOCK, { force: true });
      else await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      if (!cliBundleFresh()) await buildCli();
      return true;
    } finally {
      fs.closeSync(fd);
      fs.rmSync(LOCK, { force: true });
    }
  }
}

function lockAbandoned() {
  try {
    const pid = Number(fs.readFileSync(LOCK, 'utf8'));
    if (!pid) return Date.now() - fs.statSync(LOCK).mtimeMs > 10_000; // created, pid not yet written
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH' || e.code === 'ENOENT';
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildCli().then(
    (r) => console.log(`CLI bundle written to ${path.relative(process.cwd(), CLI_DIST) || CLI_DIST}: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`),
    (e) => {
      console.error(e.message ?? e);
      process.exit(1);
    },
  );
}
