// Global setup of the test projects: makes sure the CLI bundle (dist-cli/) is built from the current
// sources — the tests spawn `bin/openfatture.js`, which runs it — and lets workers started by
// in-process apps run the bundled worker too (OPENFATTURE_WORKER_BUNDLE), as the CLI does: a worker
// through tsx costs seconds of start-up per fork (much more on a loaded machine). Under `vitest
// --watch` the in-process workers keep running from the sources, so an edit made while watching is
// never run stale.
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { CLI_DIST, ensureCliBundle } from '../../scripts/build-cli.mjs';

export async function setup(project: TestProject): Promise<void> {
  await ensureCliBundle();
  if (!project.vitest.config.watch) process.env.OPENFATTURE_WORKER_BUNDLE = path.join(CLI_DIST, 'worker.mjs');
}
