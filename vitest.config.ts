import { defineConfig } from 'vitest/config';

// unit: pure logic next to the code (*.test.ts). integration: real SQLite, HNSW, model, processes
// (*.int.test.ts). faults: kill -9 / corruption suite (*.fault.test.ts). security: one case per attack
// class, with fast-check generators (tests/security/*.security.test.ts). Every project first makes sure
// the CLI bundle is current (tests/support/cli-bundle-setup.ts).
const BUNDLE = 'tests/support/cli-bundle-setup.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    // Integration files mostly wait on child processes, timers and debounces: run three files at a
    // time (the default on 2 cores would be one).
    maxWorkers: 3,
    projects: [
      { test: { name: 'unit', include: ['src-main/**/*.test.ts', 'src-preload/**/*.test.ts', 'src-shared/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'], exclude: ['**/*.int.test.ts', '**/*.fault.test.ts', '**/*.security.test.ts', '**/node_modules/**'], testTimeout: 20_000, globalSetup: [BUNDLE] } },
      { test: { name: 'integration', include: ['src-main/**/*.int.test.ts', 'tests/**/*.int.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, globalSetup: [BUNDLE] } },
      { test: { name: 'faults', include: ['src-main/**/*.fault.test.ts', 'tests/**/*.fault.test.ts'], testTimeout: 300_000, hookTimeout: 120_000, fileParallelism: false, globalSetup: [BUNDLE, 'tests/faults/fault-table-setup.ts'] } },
      { test: { name: 'security', include: ['tests/security/**/*.security.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, globalSetup: [BUNDLE, 'tests/security/security-table-setup.ts'] } },
    ],
  },
});
