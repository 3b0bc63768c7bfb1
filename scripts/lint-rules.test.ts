// Proves each lint rule bites: every fixture in lint-fixtures/ breaks one rule (an import across the
// layers of DESIGN §2 in the wrong direction, a package no layer rule names, a node module in the
// contract or the renderer, electron or the HTTP stack outside their hosts, a file no layer claims,
// a floating or a misused promise, an argument spread of a data-sized array) and fails with that
// rule's message; the clean fixtures pass.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

type Found = { rule: string | null; message: string }[];
const results = new Map<string, Found>();

beforeAll(async () => {
  // The fixtures are ignored by the normal lint run; lint them explicitly here, all in one pass (the
  // type-aware rules build a TypeScript program once for them).
  const eslint = new ESLint({ ignorePatterns: ['!lint-fixtures/**'], overrideConfig: { ignores: [] } });
  for (const r of await eslint.lintFiles(['lint-fixtures/**/*.ts'])) {
    const rel = r.filePath.slice(r.filePath.lastIndexOf('lint-fixtures/'));
    results.set(rel, r.messages.map((m) => ({ rule: m.ruleId, message: m.message })));
  }
}, 180_000);

const of = (file: string): Found => {
  const found = results.get(`lint-fixtures/${file}`);
  if (!found) throw new Error(`fixture lint-fixtures/${file} was not linted`);
  return found;
};
const messages = (file: string, rule: string) => of(file).filter((m) => m.rule === rule).map((m) => m.message);

describe('architecture (eslint-plugin-boundaries, DESIGN §2)', () => {
  it('rejects an upward import: the core importing the IPC layer', () => {
    expect(messages('core/imports-ipc.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/^core may not import ipc/)]);
  });
  it('rejects a package no layer rule names', () => {
    expect(messages('core/imports-unclassified.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/^core may not import semver/)]);
  });
  it('rejects electron in the core', () => {
    expect(messages('core/imports-electron.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/Only src-main\/electron/)]);
  });
  it('rejects the WebSocket stack in the core', () => {
    expect(messages('core/imports-ws.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/src-main\/server/)]);
  });
  it('rejects node modules in the contract', () => {
    expect(messages('contract/imports-fs.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/^contract may not import node:fs/)]);
  });
  it('rejects node modules in the shared folder', () => {
    expect(messages('shared/imports-fs.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/^shared may not import node:fs/)]);
  });
  it('rejects native modules in the renderer', () => {
    expect(messages('renderer/imports-sqlite.ts', 'boundaries/dependencies')).toEqual([expect.stringMatching(/^renderer may not import better-sqlite3/)]);
  });
  it('rejects a file that no layer claims', () => {
    expect(of('unclassified/orphan.ts').map((m) => m.rule)).toContain('boundaries/no-unknown-files');
  });
  it('lets a test beside the core drive other layers with test packages', () => {
    expect(of('core/allowed-in-tests.test.ts')).toEqual([]);
  });
});

describe('SQL only in the data layer', () => {
  it('rejects prepare(), query builders and sql templates in an adapter', () => {
    const found = messages('adapters/sql-in-handler.ts', 'data-layer/no-sql-in-adapters');
    expect(found.map((m) => m.split(':')[0])).toEqual(['prepare()', 'selectFrom()', 'sql`…`', 'sql helper']);
    expect(found[0]).toMatch(/belongs in a repository of src-main\/core/);
  });
  it('accepts an adapter that calls the core (and RegExp.exec)', () => {
    expect(of('adapters/clean-handler.ts')).toEqual([]);
  });
});

describe('promises (type-aware)', () => {
  it('rejects a floating promise', () => {
    expect(messages('core/floating-promise.ts', '@typescript-eslint/no-floating-promises')).toHaveLength(1);
  });
  it('rejects an async callback where a plain one is expected, and a promise as a condition', () => {
    expect(messages('core/misused-promise.ts', '@typescript-eslint/no-misused-promises')).toEqual([
      expect.stringMatching(/void return was expected/),
      expect.stringMatching(/boolean conditional/),
    ]);
  });
});

describe('argument spreads that overflow the call stack on large arrays', () => {
  it('rejects Math.max/min(...xs), push/unshift(...xs) and fromCharCode(...xs)', () => {
    const found = messages('core/spreads-data.ts', 'no-restricted-syntax');
    expect(found.filter((m) => m.startsWith('push(...array)'))).toHaveLength(2);
    expect(found.filter((m) => m.startsWith('Math.max/min(...array)'))).toHaveLength(2);
    expect(found.filter((m) => m.startsWith('String.fromCharCode(...array)'))).toHaveLength(1);
  });
});

describe('clean code', () => {
  it('accepts allowed packages, node builtins and an intended, handled fire-and-forget', () => {
    expect(of('core/clean.ts')).toEqual([]);
  });
});
