// SQL lives in the data layer only: statements are prepared by the runner
// and the migrator alone, PRAGMAs run in db/, and queries — kysely builders or raw `sql` text — are
// written in repositories (files named *-repository.ts, the RAG outbox) or in db/ itself. Tests read
// the database directly on purpose (they check what is on disk) and are not scanned.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const SCANNED = ['src-main', 'src-preload', 'src-renderer', 'src-shared'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !/[.-]fixture\.ts$/.test(e.name) ? [p] : [];
  });
}

const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
const files = SCANNED.flatMap((d) => sourceFiles(path.join(ROOT, d))).map((f) => ({ file: rel(f), text: fs.readFileSync(f, 'utf8') }));

/** The data layer: db/ (runner, migrator, migrations, maintenance) and the repositories. */
const isDataLayer = (f: string) => f.startsWith('src-main/core/db/') || /-repository\.ts$/.test(f) || f === 'src-main/core/rag/rag-outbox.ts';

function offenders(pattern: RegExp, allowed: (f: string) => boolean): string[] {
  return files.filter((f) => !allowed(f.file) && pattern.test(f.text)).map((f) => f.file);
}

describe('SQL stays in the data layer', () => {
  it('scans the application sources', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.file === 'src-main/core/db/sql-runner.ts')).toBe(true);
  });

  it('prepares statements only in the SQL runner, the migrator and migrations', () => {
    const allowed = (f: string) => f === 'src-main/core/db/sql-runner.ts' || f === 'src-main/core/db/migrator.ts' || f.startsWith('src-main/core/db/migrations/');
    expect(offenders(/\.prepare\s*[<(]/, allowed)).toEqual([]);
  });

  it('runs PRAGMAs and raw exec only in db/', () => {
    expect(offenders(/\.pragma\s*\(|\b(sqlite|db|connection)\.exec\s*\(/, (f) => f.startsWith('src-main/core/db/'))).toEqual([]);
  });

  it('writes queries (kysely builders or raw sql text) only in repositories and db/', () => {
    expect(offenders(/\.(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom)\s*\(|\bsql\s*(<[^>]*>)?\s*`|\bsql\.(raw|lit|ref|join|val)\s*\(/, isDataLayer)).toEqual([]);
  });

  it('runs no query through kysely’s async executor: repositories are synchronous', () => {
    expect(offenders(/\.(execute|executeTakeFirst|executeTakeFirstOrThrow)\s*\(/, () => false)).toEqual([]);
  });
});
