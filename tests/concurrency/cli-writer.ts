// A long-lived CLI writer for the concurrency test and bench: one process that runs real
// `openfatture` command lines in a loop through the CLI's own program (a fresh App per command, as
// `bin/openfatture.js` does), without paying the loader's start-up for every command.
//
// Usage: node --import tsx tests/concurrency/cli-writer.ts <spec.json>
// The spec names the data dir, the kinds of writes to cycle through, the pause between writes and
// the run time. Every command's outcome is appended as one JSON line to `spec.out`, so the parent
// can reconcile what each writer says it committed with what the database holds.
import fs from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src-main/cli/program';
import { EXIT_BAD_INPUT, reportError } from '../../src-main/cli/context';
import { commandLine, committedFrom, type WriteRecord, writerSpecSchema } from './writer-protocol';

const spec = writerSpecSchema.parse(JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')));

/** Runs one command line as `main.ts` does, capturing what it prints; returns its exit code. */
async function runCommand(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  // The command prints through process.stdout/stderr like the real CLI; both are captured so the
  // writer can read the JSON it printed and report any message a user would have seen.
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  let exit: number;
  try {
    process.exitCode = undefined;
    await (await buildProgram()).parseAsync(['node', 'openfatture', '--data-dir', spec.dataDir, ...args]);
    exit = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) exit = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    else exit = reportError(e);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  return { exit, stdout, stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const started = Date.now();
let n = 0;
fs.writeFileSync(spec.out, '');
while (Date.now() - started < spec.durationMs) {
  const kind = spec.kinds[n % spec.kinds.length]!;
  const t0 = performance.now();
  const r = await runCommand(commandLine(kind, n, spec));
  const ms = performance.now() - t0;
  const record: WriteRecord = { source: spec.tag, kind, n, exit: r.exit, ms, at: Date.now() };
  if (r.exit === 0) {
    try {
      Object.assign(record, committedFrom(kind, r.stdout));
    } catch (e) {
      record.error = `exit 0 but the output is not the expected JSON (${(e as Error).message}): ${r.stdout.slice(0, 200)}`;
    }
  } else record.error = r.stderr.trim() || `exit ${r.exit}`;
  fs.appendFileSync(spec.out, JSON.stringify(record) + '\n');
  n++;
  const wait = spec.intervalMs - ms;
  if (wait > 0) await sleep(wait);
}
process.exit(0);
