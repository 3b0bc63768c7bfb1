// CLI start-up as a user's shell sees it: wall time of `openfatture --version` and of
// `openfatture fattura lista` on 2,000 demo invoices, each a fresh `node bin/openfatture.js` process
// running the bundle (dist-cli/). Same-run baselines: `node -e 0` (Node's own start-up) and the same
// commands run from the TypeScript sources through tsx (OPENFATTURE_CLI_FROM_SOURCE=1, how the CLI ran
// before it was bundled). Runs are interleaved round-robin, so a change in the machine's load hits
// every variant alike. Targets (issue 15): --version ≤ 300 ms, fattura lista ≤ 600 ms (medians).
// Run: npx tsx bench/cli-startup.bench.ts [--runs N] [--tsx-runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/build-cli.mjs';
import { percentile, report } from './report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin/openfatture.js');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 15);
const TSX_RUNS = arg('--tsx-runs', 10);
const INVOICES = 2000;

interface Variant {
  name: string;
  args: string[];
  env?: Record<string, string>;
  runs: number;
  /** Checks one run's output, so a fast failure is never measured as a fast start. */
  check?: (stdout: string) => void;
}

function timeOnce(v: Variant): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, v.args, { cwd: ROOT, env: { ...process.env, ...v.env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${v.name} exited ${r.status}: ${r.stderr}`);
  v.check?.(r.stdout);
  return ms;
}

async function main(): Promise<void> {
  const build = await buildCli();
  console.log(`bundle built in ${(build.ms / 1000).toFixed(1)} s (not timed below)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-cli-'));
  try {
    const seed = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'demo', 'seed', '--invoices', String(INVOICES), '--today', '2025-11-20'], { encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`demo seed failed: ${seed.stderr}`);
    const listed = (stdout: string) => {
      const rows = stdout.split('\n').filter((l) => /^\s*\d+\/\d{4}\s/.test(l)).length;
      if (rows !== INVOICES || !stdout.includes(`${INVOICES} fatture`)) throw new Error(`fattura lista printed ${rows} invoice rows, expected ${INVOICES}`);
    };
    const printsVersion = (stdout: string) => {
      if (stdout.trim() !== '0.1.0') throw new Error(`--version printed "${stdout.trim()}"`);
    };
    const fromSource = { OPENFATTURE_CLI_FROM_SOURCE: '1' };
    const variants: Variant[] = [
      { name: 'node -e 0', args: ['-e', '0'], runs: RUNS },
      { name: 'openfatture --version', args: [CLI, '--version'], runs: RUNS, check: printsVersion },
      { name: 'openfatture fattura lista', args: [CLI, '--data-dir', dataDir, 'fattura', 'lista'], runs: RUNS, check: listed },
      { name: 'tsx: openfatture --version', args: [CLI, '--version'], env: fromSource, runs: TSX_RUNS, check: printsVersion },
      { name: 'tsx: openfatture fattura lista', args: [CLI, '--data-dir', dataDir, 'fattura', 'lista'], env: fromSource, runs: TSX_RUNS, check: listed },
    ];
    // One warm-up each (file system cache), not counted.
    for (const v of variants) timeOnce(v);
    const loadBefore = os.loadavg()[0]!;
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (let round = 0; round < Math.max(RUNS, TSX_RUNS); round++) {
      for (const v of variants) if (round < v.runs) times.get(v.name)!.push(timeOnce(v));
      process.stdout.write(`round ${round + 1}/${Math.max(RUNS, TSX_RUNS)}\r`);
    }
    const loadAfter = os.loadavg()[0]!;
    const med = (name: string) => percentile(times.get(name)!, 50);
    const p90 = (name: string) => percentile(times.get(name)!, 90);
    const node = med('node -e 0');
    const version = med('openfatture --version');
    const list = med('openfatture fattura lista');
    report({
      bench: 'cli-startup',
      title: 'CLI start-up (bundled CLI, fresh process per command)',
      command: `npx tsx bench/cli-startup.bench.ts --runs ${RUNS} --tsx-runs ${TSX_RUNS}`,
      settings: { runs: RUNS, tsxRuns: TSX_RUNS, invoices: INVOICES, bundleFiles: build.files, bundleMB: Math.round(build.bytes / 1e5) / 10 },
      notes: [
        `Load average (1 min) ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after the timed runs on ${os.cpus().length} cores: the ratios to \`node -e 0\`, measured in the same interleaved rounds, are the figures that carry across machines and loads.`,
        'Median of the runs; each run is a new `node bin/openfatture.js …` process, timed from spawn to exit, output piped and checked (the version; 2,000 invoice rows and their total line).',
        'The tsx rows run the same commands from the TypeScript sources (OPENFATTURE_CLI_FROM_SOURCE=1), as the CLI ran before it was bundled.',
      ],
      figures: [
        { metric: '`openfatture --version` (median)', value: version, unit: 'ms', baseline: { label: 'node -e 0', value: node }, target: '≤ 300 ms', met: version <= 300 },
        { metric: '`openfatture --version` (median) vs the tsx path', value: version, unit: 'ms', baseline: { label: 'tsx path', value: med('tsx: openfatture --version') } },
        { metric: '`openfatture fattura lista`, 2,000 invoices (median)', value: list, unit: 'ms', baseline: { label: 'node -e 0', value: node }, target: '≤ 600 ms', met: list <= 600 },
        { metric: '`openfatture fattura lista`, 2,000 invoices (median) vs the tsx path', value: list, unit: 'ms', baseline: { label: 'tsx path', value: med('tsx: openfatture fattura lista') } },
        { metric: '`openfatture --version` (p90)', value: p90('openfatture --version'), unit: 'ms', baseline: { label: 'node -e 0, p90', value: p90('node -e 0') } },
        { metric: '`openfatture fattura lista` (p90)', value: p90('openfatture fattura lista'), unit: 'ms', baseline: { label: 'node -e 0, p90', value: p90('node -e 0') } },
      ],
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
