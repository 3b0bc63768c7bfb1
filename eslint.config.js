// Lint, including the architecture of DESIGN §2 (eslint-plugin-boundaries):
//
//   renderer ──▶ contract ◀── preload            cli ──▶ server ──▶ ipc ──▶ core ──▶ contract
//                                     electron ──▶ server, ipc, core, contract      worker ──▶ core
//   shared (src-shared: runtime-free domain code) ◀── every layer above it, contract included
//
// Every file belongs to one layer (a file no layer claims fails lint), a layer imports only the layers
// its row allows (an upward import fails), and every package import must be allowed for the importing
// layer by a policy below: a package no policy names fails lint, so adding a dependency means saying
// who may use it. Only src-main/electron imports electron; only src-main/server the HTTP/WebSocket
// stack; the contract imports nothing but zod; the renderer no node module. Tests, benches, e2e specs
// and scripts may import any layer and any declared package.
// Type-aware rules run too: no floating or misused promises. The adapters (ipc, cli, server) write no
// SQL: queries live in the core's repositories (docs/architecture.md).
// lint-fixtures/ holds files that prove each rule bites (scripts/lint-rules.test.ts).
import fs from 'node:fs';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const pkg = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// Tests and tooling may use any declared package, and the internals they test directly: ml-cart (the
// forest's tree builder, patched in patches/) and electron-builder's own packages (its fuses and
// packaging settings).
const DECLARED_PACKAGES = [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }), 'ml-cart', 'app-builder-lib', 'builder-util'];

/** Layers, by folder; the first that contains a file gives its layer (the contract before the rest of src-preload). */
export const LAYERS = [
  { type: 'test', pattern: ['tests', 'e2e', 'bench'] },
  { type: 'tooling', pattern: ['scripts', 'bin'] },
  { type: 'shared', pattern: ['src-shared', 'lint-fixtures/shared'] },
  { type: 'contract', pattern: ['src-preload/contract', 'lint-fixtures/contract'] },
  { type: 'preload', pattern: ['src-preload'] },
  { type: 'renderer', pattern: ['src-renderer', 'lint-fixtures/renderer'] },
  { type: 'core', pattern: ['src-main/core', 'lint-fixtures/core'] },
  { type: 'worker', pattern: ['src-main/worker'] },
  { type: 'ipc', pattern: ['src-main/ipc', 'lint-fixtures/adapters'] },
  { type: 'server', pattern: ['src-main/server'] },
  { type: 'electron', pattern: ['src-main/electron'] },
  { type: 'cli', pattern: ['src-main/cli'] },
].map((l) => ({ ...l, partialMatch: false }));

/** Files with a role of their own wherever they sit: tests and their helpers beside the code, root configs. */
export const FILE_CATEGORIES = [
  { category: 'test', pattern: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/*.fixture.ts'] },
  { category: 'config', pattern: ['*.config.ts', '*.config.js'] },
];

/** Which layers each layer may import (besides itself). */
export const LAYER_IMPORTS = {
  shared: [],
  contract: ['shared'],
  preload: ['contract', 'shared'],
  renderer: ['contract', 'shared'],
  core: ['contract', 'shared'],
  worker: ['core', 'contract', 'shared'],
  ipc: ['core', 'contract', 'shared'],
  server: ['ipc', 'core', 'contract', 'shared'],
  electron: ['server', 'ipc', 'core', 'contract', 'shared'],
  cli: ['server', 'core', 'contract', 'shared'],
  test: LAYERS.map((l) => l.type),
  tooling: LAYERS.map((l) => l.type),
};
const ALL_LAYERS = LAYERS.map((l) => l.type);

const NODE_LAYERS = ['core', 'worker', 'ipc', 'server', 'electron', 'cli', 'test', 'tooling'];
const HTTP_STACK = ['http', 'https', 'net', 'tls', 'http2', 'node:http', 'node:https', 'node:net', 'node:tls', 'node:http2', 'ws'];

/** Which packages each layer may import: every package the app uses is named here, for its users. */
export const LAYER_PACKAGES = {
  shared: ['zod'],
  contract: ['zod'],
  preload: ['electron'],
  renderer: ['react', 'react-dom', 'zustand', 'recharts'],
  core: ['better-sqlite3', 'kysely', 'zod', 'pino', 'rotating-file-stream', 'conf', 'dotenv', 'csv-parse', 'tar', 'hnswlib-node', 'ml-random-forest', 'fast-xml-parser', 'iconv-lite', 'asn1js', 'pkijs', 'yauzl'],
  worker: ['@xenova/transformers', 'better-sqlite3'],
  ipc: ['zod'],
  server: ['ws', 'vite', 'zod'],
  electron: ['electron', 'electron-store'],
  cli: ['commander', 'cli-progress'],
  test: DECLARED_PACKAGES,
  tooling: DECLARED_PACKAGES,
};

const from = (type) => ({ element: { type } });

export const architecturePolicies = [
  ...Object.entries(LAYER_IMPORTS).map(([type, layers]) => ({
    from: from(type),
    allow: { to: { element: { types: { anyOf: [type, ...layers] } } } },
  })),
  ...Object.entries(LAYER_PACKAGES).map(([type, packages]) => ({
    from: from(type),
    allow: { to: { module: { origin: 'external', source: packages } } },
  })),
  { from: { element: { types: { anyOf: NODE_LAYERS } } }, allow: { to: { module: { origin: 'core' } } } },
  // Later policies win over earlier ones: these carve the hosts' modules out of the grants above.
  {
    from: { element: { types: { noneOf: ['server', 'test', 'tooling'] } } },
    disallow: { to: { module: { source: HTTP_STACK } } },
    message: 'The HTTP/WebSocket stack belongs to src-main/server/** (DESIGN §2).',
  },
  {
    from: { element: { types: { noneOf: ['electron', 'preload', 'test', 'tooling'] } } },
    disallow: { to: { module: { source: ['electron', 'electron-store'] } } },
    message: 'Only src-main/electron/** (and the preload bridge) may import electron (DESIGN §2).',
  },
  // Tests (wherever they sit), test helpers, scripts and configs drive every layer with any declared package.
  {
    from: [{ file: { categories: { anyOf: ['test', 'config'] } } }, { element: { types: { anyOf: ['test', 'tooling'] } } }],
    allow: { to: [{ element: { types: { anyOf: ALL_LAYERS } } }, { file: { categories: { anyOf: ['test', 'config'] } } }, { module: { origin: 'external', source: DECLARED_PACKAGES } }, { module: { origin: 'core' } }] },
  },
];

// Spreading an array into call arguments puts every element on the stack: past ~125,000 elements
// (Node 20) it throws "Maximum call stack size exceeded". Data-sized arrays use a loop or reduce.
const noDataSpread = [
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement", message: 'Math.max/min(...array) overflows the call stack on large arrays: use a loop or reduce.' },
  { selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement', message: 'push(...array) overflows the call stack on large arrays: use a loop (or concat).' },
  { selector: "CallExpression[callee.property.name='fromCharCode'] > SpreadElement", message: 'String.fromCharCode(...array) overflows the call stack on large arrays: decode in chunks.' },
];
const noDefaultExport = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };

// Query builders, statement preparation and SQL text: the data layer's tools, never an adapter's.
const SQL_CALLS = new Set(['prepare', 'pragma', 'selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);
const isSqlTag = (node) => (node.type === 'Identifier' && node.name === 'sql') || (node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'sql');
export const dataLayer = {
  rules: {
    'no-sql-in-adapters': {
      meta: { type: 'problem', schema: [], messages: { sql: '{{what}}: SQL belongs in a repository of src-main/core (docs/architecture.md); call the core service or read model instead.' } },
      create(context) {
        return {
          CallExpression(node) {
            const c = node.callee;
            if (c.type === 'MemberExpression' && c.property.type === 'Identifier' && SQL_CALLS.has(c.property.name)) context.report({ node, messageId: 'sql', data: { what: `${c.property.name}()` } });
            else if (c.type === 'MemberExpression' && isSqlTag(c)) context.report({ node, messageId: 'sql', data: { what: 'sql helper' } });
          },
          TaggedTemplateExpression(node) {
            if (isSqlTag(node.tag)) context.report({ node, messageId: 'sql', data: { what: 'sql`…`' } });
          },
        };
      },
    },
  },
};

const noSqlInAdapters = {
  files: ['src-main/ipc/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/server/**/*.ts', 'lint-fixtures/adapters/**/*.ts'],
  // Tests read the database directly to check what is on disk.
  ignores: ['**/*.test.ts'],
  plugins: { 'data-layer': dataLayer },
  rules: { 'data-layer/no-sql-in-adapters': 'error' },
};

const boundariesConfig = {
  files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': LAYERS,
    'boundaries/files': FILE_CATEGORIES,
    'boundaries/include': ['src-main/**', 'src-preload/**', 'src-shared/**', 'src-renderer/**', 'tests/**', 'bench/**', 'e2e/**', 'scripts/**', 'bin/**', 'lint-fixtures/**', '*.config.ts', '*.config.js'],
    'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'] } },
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkAllOrigins: true,
        checkUnknownLocals: true,
        message: '{{from.element.type}} may not import {{to.element.type}}{{to.module.source}}: no rule in eslint.config.js allows it (LAYER_IMPORTS for layers, LAYER_PACKAGES for packages; DESIGN §2).',
        policies: architecturePolicies,
      },
    ],
    'boundaries/no-unknown-files': 'error',
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'dist-cli/**', 'dist-renderer/**', 'release/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**', 'lint-fixtures/**', 'patches/**', 'bench/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
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
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } } },
  { files: ['eslint.config.js', 'vite.config.ts', 'vitest.config.ts', 'playwright.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  boundariesConfig,
  noSqlInAdapters,
);
