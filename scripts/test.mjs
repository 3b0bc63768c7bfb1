// The README's test command: the CLI bundle, typecheck, lint, unit + integration tests, the fault-injection suite, the
// security suite and the Playwright e2e specs (Debian Chromium through the browser host). Stops at the
// first failure and exits non-zero.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ensureNodeNative } from './ensure-native.mjs';

ensureNodeNative();

const steps = [
  // The tests spawn `bin/openfatture.js`, which runs the bundle: build it once, up front.
  ['CLI bundle', 'node', ['scripts/build-cli.mjs']],
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['unit + integration', 'npx', ['vitest', 'run', '--project', 'unit', '--project', 'integration']],
];
steps.push(['fault injection', 'npm', ['run', '-s', 'test:faults']]);
steps.push(['security', 'npm', ['run', '-s', 'test:security']]);
const hasE2e = fs.existsSync('e2e') && fs.readdirSync('e2e').some((f) => f.endsWith('.spec.ts'));
if (hasE2e) steps.push(['e2e', 'npm', ['run', '-s', 'test:e2e']]);

const results = [];
for (const [name, cmd, args] of steps) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  results.push({ name, ok: r.status === 0, s: ((Date.now() - t0) / 1000).toFixed(1) });
  if (r.status !== 0) break;
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.s} s)`);
const failed = results.filter((r) => !r.ok).length;
process.exit(failed || results.length < steps.length ? 1 : 0);
