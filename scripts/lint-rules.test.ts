// Proves the layer rules bite: each fixture with a forbidden import fails lint, the clean one passes.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

async function lint(file: string, rule = 'no-restricted-imports') {
  // The fixtures are ignored by the normal lint run; lint them explicitly here.
  const eslint = new ESLint({ ignorePatterns: ['!lint-fixtures/**'], overrideConfig: { ignores: [] } });
  const [result] = await eslint.lintFiles([file]);
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('layer lint rules (DESIGN §2)', () => {
  it('rejects electron in the core', async () => {
    expect((await lint('lint-fixtures/core/imports-electron.ts')).join()).toMatch(/Only src-main\/electron/);
  });
  it('rejects the WebSocket stack in the core', async () => {
    expect((await lint('lint-fixtures/core/imports-ws.ts')).join()).toMatch(/src-main\/server/);
  });
  it('rejects node modules in the contract', async () => {
    expect((await lint('lint-fixtures/contract/imports-fs.ts')).join()).toMatch(/no node modules/);
  });
  it('rejects native modules in the renderer', async () => {
    expect((await lint('lint-fixtures/renderer/imports-sqlite.ts')).join()).toMatch(/no node modules/);
  });
  it('accepts allowed imports in the core', async () => {
    expect(await lint('lint-fixtures/core/clean.ts')).toEqual([]);
    expect(await lint('lint-fixtures/core/clean.ts', 'no-restricted-syntax')).toEqual([]);
  });
});

describe('argument spreads that overflow the call stack on large arrays', () => {
  it('rejects Math.max/min(...xs), push/unshift(...xs) and fromCharCode(...xs)', async () => {
    const messages = await lint('lint-fixtures/core/spreads-data.ts', 'no-restricted-syntax');
    expect(messages.filter((m) => m.startsWith('push(...array)'))).toHaveLength(2);
    expect(messages.filter((m) => m.startsWith('Math.max/min(...array)'))).toHaveLength(2);
    expect(messages.filter((m) => m.startsWith('String.fromCharCode(...array)'))).toHaveLength(1);
  });
});
