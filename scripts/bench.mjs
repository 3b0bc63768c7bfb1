// `npm run bench`: runs every benchmark in bench/ (bench/*.bench.ts) one after the other on a quiet
// machine, then writes docs/benchmarks.md from their results (bench/.results/*.json).
// `npm run bench -- name …` runs only the named benches; `--report-only` just rewrites the doc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const only = args.filter((a) => !a.startsWith('--'));
const benches = fs.readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).sort();
const selected = only.length ? benches.filter((b) => only.some((o) => b.includes(o))) : benches;
const failures = [];

if (!reportOnly) {
  for (const b of selected) {
    console.log(`\n=== bench/${b} ===`);
    const r = spawnSync('npx', ['tsx', path.join('bench', b)], { stdio: 'inherit' });
    if (r.status !== 0) failures.push(b);
  }
}

const resultsDir = path.join('bench', '.results');
const results = fs.existsSync(resultsDir)
  ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')))
  : [];
results.sort((a, b) => a.bench.localeCompare(b.bench));

const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));
const cpu = os.cpus()[0]?.model ?? 'unknown';
let md = `# Benchmarks\n\nWritten by \`npm run bench\` (scripts/bench.mjs) from the results of every benchmark in \`bench/\`.\n` +
  `Each figure is measured; each baseline is measured in the same run. Re-run one with \`npm run bench -- <name>\`.\n\n` +
  `Machine of the last full run: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.\n`;
const missed = [];
for (const r of results) {
  md += `\n## ${r.title}\n\nCommand: \`${r.command}\` — measured ${r.at.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cores} cores (load ${r.machine.loadavg.join(', ')}).\n\n`;
  if (r.settings && Object.keys(r.settings).length) md += `Settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')}\n\n`;
  md += `| figure | value | baseline (same run) | ratio | target |\n|---|---|---|---|---|\n`;
  for (const f of r.figures) {
    const ratio = f.baseline && f.baseline.value ? `${(f.value / f.baseline.value).toFixed(2)}×` : '';
    const target = f.target ? `${f.target} — ${f.met === undefined ? '' : f.met ? 'met' : '**missed**'}` : '';
    if (f.met === false) missed.push(`${r.title}: ${f.metric} = ${fmt(f.value)} ${f.unit} (target ${f.target})`);
    md += `| ${f.metric} | ${fmt(f.value)} ${f.unit} | ${f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.label})` : ''} | ${ratio} | ${target} |\n`;
  }
  for (const n of r.notes ?? []) md += `\n- ${n}`;
  md += '\n';
}
md += `\n## Targets missed\n\n${missed.length ? missed.map((m) => `- ${m}`).join('\n') : 'None: every target above is met.'}\n`;
fs.mkdirSync('docs', { recursive: true });
fs.writeFileSync(path.join('docs', 'benchmarks.md'), md);
console.log(`\nWrote docs/benchmarks.md (${results.length} benchmarks${missed.length ? `, ${missed.length} target(s) missed` : ''}).`);
if (failures.length) {
  console.error(`Benchmarks that failed to run: ${failures.join(', ')}`);
  process.exit(1);
}
