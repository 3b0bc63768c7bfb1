// Lint, including the layer rules of DESIGN §2: only src-main/electron imports electron; only
// src-main/server imports the HTTP/WebSocket stack; the contract imports nothing from node,
// electron or the DOM; the renderer imports no node module. A wrong import fails `npm run lint`
// (lint-fixtures/ holds files that prove each rule bites; see scripts/lint-rules.test.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'net', 'http', 'https', 'crypto', 'stream', 'url', 'events', 'util', 'zlib'];
const NATIVE = ['better-sqlite3', 'hnswlib-node', '@xenova/transformers', 'kysely', 'pino', 'conf', 'ws', 'commander'];
const electron = { group: ['electron', 'electron/*', 'electron-store'], message: 'Only src-main/electron/** may import electron (DESIGN §2).' };
const httpStack = { group: ['ws', 'http', 'https', 'node:http', 'node:https', 'node:net', 'express', 'fastify'], message: 'The HTTP/WebSocket stack belongs to src-main/server/** (DESIGN §2).' };
const nodeOnly = { group: [...NODE_BUILTINS, ...NATIVE], message: 'This layer runs in the renderer or is the pure contract: no node modules (DESIGN §2).' };
const renderer = { group: ['**/src-main/**', '../src-main/*', '../../src-main/*'], message: 'The renderer talks to main only through the contract and its API client.' };

// Spreading an array into call arguments puts every element on the stack: past ~125,000 elements
// (Node 20) it throws "Maximum call stack size exceeded". Data-sized arrays use a loop or reduce.
const noDataSpread = [
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement", message: 'Math.max/min(...array) overflows the call stack on large arrays: use a loop or reduce.' },
  { selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement', message: 'push(...array) overflows the call stack on large arrays: use a loop (or concat).' },
  { selector: "CallExpression[callee.property.name='fromCharCode'] > SpreadElement", message: 'String.fromCharCode(...array) overflows the call stack on large arrays: decode in chunks.' },
];
const noDefaultExport = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };

export const layerRules = [
  { files: ['src-main/core/**/*.ts', 'src-main/worker/**/*.ts', 'src-main/ipc/**/*.ts', 'lint-fixtures/core/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [electron, httpStack] }] } },
  { files: ['src-main/cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [electron] }] } },
  { files: ['src-main/server/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [electron] }] } },
  { files: ['src-preload/contract/**/*.ts', 'lint-fixtures/contract/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [electron, nodeOnly] }] } },
  { files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx', 'lint-fixtures/renderer/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [electron, nodeOnly, renderer] }] } },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'dist-renderer/**', 'release/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**', 'lint-fixtures/**', 'patches/**', 'bench/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', noDefaultExport, ...noDataSpread],
    },
  },
  // Tests and fixtures spread small, known arrays (log lines of one chunk, a handful of texts).
  { files: ['**/*.test.ts', '**/*.fixture.ts', 'tests/**/*.ts', 'e2e/**/*.ts'], rules: { 'no-restricted-syntax': ['error', noDefaultExport] } },
  {
    files: ['src-renderer/**/*.tsx', 'src-renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-syntax': [
        'error',
        noDefaultExport,
        ...noDataSpread,
        // An expression-bodied effect returns its value as the cleanup: React then calls a non-function
        // (window.scrollTo returns a Promise in current Chromium) and the page goes blank.
        { selector: "CallExpression[callee.name=/^use(Layout)?Effect$/] > ArrowFunctionExpression[expression=true]:first-child", message: 'Give the effect a block body: whatever it returns becomes its cleanup.' },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  { files: ['eslint.config.js', 'vite.config.ts', 'vitest.config.ts', 'playwright.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  ...layerRules,
);
