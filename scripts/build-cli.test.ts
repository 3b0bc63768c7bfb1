// What each command of the bundled CLI loads before it runs, read from esbuild's metafile of the
// current bundle (dist-cli/meta.json; the test setup rebuilds the bundle when a source is newer):
// `--version` loads commander and nothing of the app; `fattura lista` loads the invoice commands and
// the core, but not the forest, tar, the HTTP stack, the CSV parser or the embedding runtime; the
// worker is its own entry. Start-up time follows from this (bench/cli-startup.bench.ts measures it).
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_DIST, cliBundleFresh } from './build-cli.mjs';

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const meta = JSON.parse(fs.readFileSync(path.join(CLI_DIST, 'meta.json'), 'utf8')) as Metafile;
const outputs = Object.entries(meta.outputs).filter(([file]) => file.endsWith('.mjs'));

const outputOf = (predicate: (o: Metafile['outputs'][string]) => boolean): string => {
  const found = outputs.filter(([, o]) => predicate(o)).map(([file]) => file);
  if (found.length !== 1) throw new Error(`expected one output, found ${found.length}`);
  return found[0]!;
};
const entry = (source: string) => outputOf((o) => o.entryPoint === source);
const holding = (source: string) => outputOf((o) => source in o.inputs);

/** Everything loaded with `files` before any `import()` runs: their static imports, transitively. */
function staticClosure(files: string[]): { inputs: string[]; externals: string[] } {
  const seen = new Set<string>();
  const externals = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of meta.outputs[file]!.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) externals.add(imp.path);
      else visit(imp.path);
    }
  };
  files.forEach(visit);
  return { inputs: [...seen].flatMap((f) => Object.keys(meta.outputs[f]!.inputs)), externals: [...externals] };
}

const packagesIn = (inputs: string[]) => [...new Set(inputs.filter((i) => i.startsWith('node_modules/')).map((i) => i.split('/').slice(1, i.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')))].sort();

describe('the CLI bundle', () => {
  it('is current: no source is newer than the bundle', () => {
    expect(cliBundleFresh()).toBe(true);
    expect(fs.existsSync(path.join(root, 'dist-cli/openfatture.mjs'))).toBe(true);
  });

  it('`--version` (and help routing) loads commander and the program, nothing of the app', () => {
    const { inputs, externals } = staticClosure([entry('src-main/cli/main.ts')]);
    expect(packagesIn(inputs)).toEqual(['commander']);
    expect(inputs.filter((i) => i.startsWith('src-main/'))).toEqual(expect.arrayContaining(['src-main/cli/main.ts', 'src-main/cli/program.ts']));
    expect(inputs.filter((i) => i.startsWith('src-main/') && !i.startsWith('src-main/cli/'))).toEqual([]);
    expect(externals.filter((e) => !isBuiltin(e))).toEqual([]);
  });

  it('`fattura lista` loads the invoice commands and the core, not the heavy modules other commands use', () => {
    const { inputs, externals } = staticClosure([entry('src-main/cli/main.ts'), holding('src-main/cli/commands/domain.ts')]);
    expect(inputs).toContain('src-main/core/app.ts');
    const packages = packagesIn(inputs);
    expect(packages).toEqual(expect.arrayContaining(['commander', 'kysely', 'zod']));
    for (const heavy of ['ml-random-forest', 'ml-cart', 'tar', 'ws', 'csv-parse', 'cli-progress']) expect(packages, heavy).not.toContain(heavy);
    expect(inputs.filter((i) => i.startsWith('src-main/server/') || i.startsWith('src-main/worker/'))).toEqual([]);
    // Natives load from node_modules; the vector index's addon is required on first use, not here.
    expect(externals.filter((e) => !isBuiltin(e))).toEqual(['better-sqlite3']);
  });

  it('the worker the CLI forks is bundled as its own entry, beside the CLI', () => {
    const worker = entry('src-main/worker/entry.ts');
    expect(path.basename(worker)).toBe('worker.mjs');
    const { inputs } = staticClosure([worker]);
    expect(packagesIn(inputs)).not.toContain('commander');
    expect(inputs).toEqual(expect.arrayContaining(['src-main/worker/rag-jobs.ts', 'src-main/worker/ml-jobs.ts']));
  });

  it("the worker's forest-training threads start from their own bundled entry, beside the worker, without tsx", () => {
    const thread = entry('src-main/core/ml/forest/tree-thread.ts');
    expect(path.basename(thread)).toBe('forest-thread.mjs');
    const { inputs, externals } = staticClosure([thread]);
    expect(inputs).toContain('src-main/core/ml/forest/regression-tree.ts');
    expect(packagesIn(inputs)).toEqual([]);
    expect(externals.filter((e) => !isBuiltin(e))).toEqual([]);
  });
});

describe('cliBundleFresh (when bin/openfatture.js rebuilds)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  function project() {
    const from = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bundle-fresh-'));
    dirs.push(from);
    const dist = path.join(from, 'dist-cli');
    fs.mkdirSync(path.join(from, 'src'), { recursive: true });
    fs.mkdirSync(path.join(from, 'node_modules'), { recursive: true });
    fs.mkdirSync(dist);
    const past = (Date.now() - 60_000) / 1000;
    for (const f of ['src/a.ts', 'src/b.ts', 'node_modules/.package-lock.json']) {
      fs.writeFileSync(path.join(from, f), '');
      fs.utimesSync(path.join(from, f), past, past);
    }
    fs.writeFileSync(path.join(dist, 'openfatture.mjs'), '');
    fs.writeFileSync(path.join(dist, 'build.json'), JSON.stringify({ builtAt: Date.now() - 30_000, inputs: ['src/a.ts', 'src/b.ts'], outputs: ['openfatture.mjs'] }));
    const touch = (f: string) => fs.utimesSync(path.join(from, f), new Date(), new Date());
    return { from, dist, touch, fresh: () => cliBundleFresh({ dist, from }) };
  }

  it('is fresh when every source and the installed packages are older than the build', () => {
    expect(project().fresh()).toBe(true);
  });
  it('is stale after a source is edited', () => {
    const p = project();
    p.touch('src/b.ts');
    expect(p.fresh()).toBe(false);
  });
  it('is stale after a source is deleted or moved', () => {
    const p = project();
    fs.rmSync(path.join(p.from, 'src/a.ts'));
    expect(p.fresh()).toBe(false);
  });
  it('is stale after an npm install', () => {
    const p = project();
    p.touch('node_modules/.package-lock.json');
    expect(p.fresh()).toBe(false);
  });
  it('is stale when an output is missing or there was never a build', () => {
    const p = project();
    fs.rmSync(path.join(p.dist, 'openfatture.mjs'));
    expect(p.fresh()).toBe(false);
    fs.rmSync(path.join(p.dist, 'build.json'));
    expect(p.fresh()).toBe(false);
  });
});
