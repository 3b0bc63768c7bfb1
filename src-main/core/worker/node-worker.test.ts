// Which worker a Node host forks: the bundled one when told (the CLI bundle forks its own worker.mjs;
// tests point OPENFATTURE_WORKER_BUNDLE at it), otherwise the TypeScript entry through tsx.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_ENTRY, workerCommand } from './node-worker';

describe('workerCommand', () => {
  it('runs the sources through tsx when no bundled worker is named', () => {
    const cmd = workerCommand({});
    expect(cmd.entry).toBe(WORKER_ENTRY);
    expect(cmd.entry.endsWith(path.join('src-main', 'worker', 'entry.ts'))).toBe(true);
    expect(cmd.execArgv[0]).toBe('--import');
    expect(cmd.execArgv[1]).toMatch(/^file:\/\/.*\/tsx\//);
  });

  it('forks a bundled worker as plain Node, with no loader', () => {
    const cmd = workerCommand({ OPENFATTURE_WORKER_BUNDLE: 'dist-cli/worker.mjs' });
    expect(cmd).toEqual({ entry: path.resolve('dist-cli/worker.mjs'), execArgv: [] });
  });
});
