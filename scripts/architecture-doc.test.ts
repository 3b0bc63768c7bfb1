// Keeps docs/architecture.md true as the code moves: every file or folder it names in backticks
// exists, its layer table says what eslint.config.js enforces, it lists every repository, and it
// claims no exception to the SQL-confinement test that the test does not have.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const DOC = 'docs/architecture.md';
const doc = fs.readFileSync(path.join(ROOT, DOC), 'utf8');

/** Top-level folders of the repository: a backticked token starting with one of them is a path. */
const ROOT_DIRS = ['src-main', 'src-preload', 'src-renderer', 'src-shared', 'tests', 'scripts', 'docs', 'bench', 'e2e', 'lint-fixtures', 'bin', 'patches'];
/** A token ending like a file is a path from the repository root too (`eslint.config.js`). */
const FILE_END = /\.(ts|tsx|js|mjs|cjs|json|md|yml|yaml)$/;

/** Inline code spans outside fenced blocks. */
function inlineCode(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    for (const m of line.matchAll(/`([^`]+)`/g)) out.push(m[1]!.trim());
  }
  return out;
}

/** The repository paths among the code spans, with glob tails cut (`src-main/ipc/**` → `src-main/ipc`). */
function namedPaths(markdown: string): string[] {
  const paths = new Set<string>();
  for (const token of inlineCode(markdown)) {
    if (/[\s<>(){}=,;'"]/.test(token)) continue;
    const isRooted = ROOT_DIRS.some((d) => token === d || token.startsWith(`${d}/`));
    if (!isRooted && !FILE_END.test(token)) continue;
    const cut = token.split('/').findIndex((seg) => seg.includes('*'));
    const p = (cut === -1 ? token : token.split('/').slice(0, cut).join('/')).replace(/\/$/, '');
    if (p) paths.add(p);
  }
  return [...paths];
}

const missing = (paths: string[]) => paths.filter((p) => !fs.existsSync(path.join(ROOT, p)));

/** The backticked paths between `<!-- name:start -->` and `<!-- name:end -->`. */
function section(name: string): string {
  const m = doc.match(new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`));
  if (!m) throw new Error(`${DOC} has no <!-- ${name}:start --> … <!-- ${name}:end --> section`);
  return m[1]!;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : [path.relative(ROOT, p).split(path.sep).join('/')];
  });
}

describe(DOC, () => {
  it('finds the paths a text names in backticks, and reports the ones that do not exist', () => {
    const sample = [
      'See `src-main/core/db/sql-runner.ts`, `src-main/ipc/**`, `eslint.config.js` and `src-main/core/db/gone-repository.ts`.',
      'Not paths: `openfatture serve`, `@xenova/transformers`, `.models/<model>/<version>.json`, `BAD_INPUT`.',
      '```',
      '`src-main/only-in-a-fence.ts`',
      '```',
    ].join('\n');
    expect(namedPaths(sample)).toEqual(['src-main/core/db/sql-runner.ts', 'src-main/ipc', 'eslint.config.js', 'src-main/core/db/gone-repository.ts']);
    expect(missing(namedPaths(sample))).toEqual(['src-main/core/db/gone-repository.ts']);
  });

  it('names only files and folders that exist', () => {
    const paths = namedPaths(doc);
    // The document walks the code by file: a parser that found nothing would prove nothing.
    expect(paths.length).toBeGreaterThan(60);
    expect(missing(paths)).toEqual([]);
  });

  it('lists every repository of src-main and the RAG outbox', () => {
    const repositories = sourceFiles(path.join(ROOT, 'src-main')).filter((f) => /-repository\.ts$/.test(f));
    expect(repositories.length).toBeGreaterThan(10);
    const named = new Set(namedPaths(doc));
    expect([...repositories, 'src-main/core/rag/rag-outbox.ts'].filter((f) => !named.has(f))).toEqual([]);
  });

  it('names no file as exempt from the SQL-confinement test: the test has no exception list', () => {
    // Every statement lives in a repository; an exception list in the test would have to be
    // documented here, and a section listing files still to move would be stale.
    const testText = fs.readFileSync(path.join(ROOT, 'src-main/core/db/sql-confinement.test.ts'), 'utf8');
    expect(testText).toContain('prepares statements only in the SQL runner, the migrator and migrations');
    expect(testText).not.toMatch(/NOT_YET_MOVED|const \w+ = \[\s*'src-main\//);
    expect(doc).not.toMatch(/<!-- not-yet-moved:start -->|NOT_YET_MOVED/);
  });

  it('has the layer table lint enforces (LAYERS and LAYER_IMPORTS of eslint.config.js)', async () => {
    const config = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.js')).href)) as {
      LAYERS: { type: string; pattern: string[] }[];
      LAYER_IMPORTS: Record<string, string[]>;
    };
    const rows = new Map<string, { folder: string; imports: string[] }>();
    for (const line of section('layers').split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const layer = cells[1]?.match(/^`([a-z]+)`$/)?.[1];
      if (!layer) continue;
      rows.set(layer, { folder: cells[2]!, imports: [...cells[3]!.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!) });
    }
    const app = config.LAYERS.filter((l) => l.type !== 'test' && l.type !== 'tooling');
    expect([...rows.keys()].sort()).toEqual(app.map((l) => l.type).sort());
    for (const l of app) {
      const row = rows.get(l.type)!;
      expect(row.imports.sort(), `layer ${l.type}`).toEqual([...config.LAYER_IMPORTS[l.type]!].sort());
      // The folder the table gives is the layer's source folder in the config (fixtures aside).
      const folder = l.pattern.find((p) => !p.startsWith('lint-fixtures'))!;
      expect(row.folder, `layer ${l.type}`).toContain(`\`${folder}/\``);
    }
  });
});
