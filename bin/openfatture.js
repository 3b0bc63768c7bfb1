#!/usr/bin/env node
// The `openfatture` command. Runs the CLI bundle (dist-cli/, built by scripts/build-cli.mjs at
// `npm install`). When a source file is newer than the bundle (a development checkout after an edit,
// a pull or a checkout), the bundle is rebuilt first (about a second), so the command never runs stale
// code. If it cannot be built, or with OPENFATTURE_CLI_FROM_SOURCE=1, the TypeScript sources run
// through tsx instead (slower start-up).
import { cliBundleFresh, ensureCliBundle } from '../scripts/build-cli.mjs';

async function runFromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli/main.ts');
}

if (process.env.OPENFATTURE_CLI_FROM_SOURCE === '1') {
  await runFromSource();
} else {
  let bundled = cliBundleFresh();
  if (!bundled) {
    // Said on a terminal only: scripts and pipes get the command's own output, nothing else.
    if (process.stderr.isTTY) process.stderr.write('openfatture: the CLI bundle is missing or older than the sources; building it ...\n');
    try {
      await ensureCliBundle();
      bundled = true;
    } catch (e) {
      process.stderr.write(`openfatture: could not build the CLI bundle (${e?.message ?? e}); running from the TypeScript sources.\n`);
    }
  }
  if (process.env.OPENFATTURE_DEBUG_STACK) process.setSourceMapsEnabled(true);
  if (bundled) await import('../dist-cli/openfatture.mjs');
  else await runFromSource();
}
