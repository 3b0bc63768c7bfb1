// Property-based: every CLI command with flags, run in-process through the real commander program on
// a seeded data dir, with one flag (or positional) at a time given a random value — junk strings,
// negative, huge, badly formatted dates, JSON junk, unicode, empty. The outcome is either success or
// a clean error of a known kind (commander's own, InputError, SettingsError, AppError, ExitError)
// with a message, mapped to exit 2 or 1 as main.ts does; a failed command changes no table; nothing
// else is thrown and no promise rejection goes unhandled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src-main/cli/program';
import { EXIT_BAD_INPUT, EXIT_FAILURE, ExitError, reportError } from '../../src-main/cli/context';
import { SettingsError } from '../../src-main/core/config/settings';
import { openDatabase } from '../../src-main/core/db/database';
import { AppError, InputError } from '../../src-main/core/errors';
import { fuzzRuns, recordFuzz } from './fuzz-counter';

let root: string;
let dataDir: string;
let outDir: string;
let csvFile: string;
let cwdBefore: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

interface RunResult {
  code: number;
  error: unknown;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process the way main.ts does, capturing its output and exit code. */
async function run(args: string[]): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  const capture = (sink: string[]) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  let code = 0;
  let error: unknown = null;
  try {
    const program = await buildProgram();
    // Commander prints its own usage errors through these hooks; keep them in the capture.
    program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    await program.parseAsync(['node', 'openfatture', '--data-dir', dataDir, ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    error = e;
    if (e instanceof CommanderError) code = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code) || e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    else code = reportError(e);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = undefined;
  }
  return { code, error, stdout: out.join(''), stderr: err.join('') };
}

/** Row counts of every table: what a failed command must leave as it was. */
function counts(): Record<string, number> {
  const db = openDatabase(path.join(dataDir, 'openfatture.db'));
  try {
    const tables = db.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rag_fts_%' ORDER BY name")
      .all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, (db.sqlite.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  } finally {
    void db.close();
  }
}

const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1',
    '3',
    '1e9',
    '99999999999999999999',
    '2.5',
    '1,5',
    '1.234,56',
    'NaN',
    'Infinity',
    'abc',
    '12abc',
    '2025-02-30',
    '2025-13-01',
    '31/12/2025',
    '2025/01/01',
    '2025-1-1',
    '2025-03-01',
    '{"a":1}',
    '{bad json',
    '[]',
    'null',
    'true',
    'yes',
    '😀',
    'Ω≈ç√',
    '\u0000',
    '--json',
    '-x',
    'x'.repeat(5000),
    'TD01',
    'up',
    'cash_flow',
    '1.0.0',
    'invoice,client',
    'client_name=Cliente',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

type Spec = { cmd: string[]; base?: string[]; flags: Record<string, fc.Arbitrary<string>>; positional?: fc.Arbitrary<string> };

const isInt = (v: string) => /^\s*[+-]?\d+\s*$/.test(v);
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
/** Values that cannot be a valid count in [min, max]: for flags whose valid value would start long work. */
const badInt = (min: number, max: number) => junk.filter((v) => !isInt(v) || Number(v) < min || Number(v) > max);
const smallInt = fc.integer({ min: 1, max: 4 }).map(String);

function specs(): Spec[] {
  const j = junk;
  // Files inside the test's own folder only: junk names, missing folders, a folder given as a file.
  const outPath = fc.oneof(
    j.map((v) => path.join(outDir, v.replace(/[/\\]/g, '_') || '_')),
    fc.constantFrom(path.join(outDir, 'missing', 'dir', 'x.json'), outDir, path.join(outDir, '..', path.basename(outDir))),
  );
  const badBackupPath = fc.constantFrom(path.join(outDir, 'missing', 'dir', 'b.tar.gz'), outDir, `${outDir}/`);
  const badRestoreFile = fc.oneof(
    fc.constantFrom(path.join(outDir, 'missing.tar.gz'), outDir, csvFile, path.join(outDir, 'junk.tar.gz')),
    j.map((v) => path.join(outDir, 'nope', v.replace(/[/\\]/g, '_'))),
  );
  return [
    { cmd: ['fattura', 'lista'], flags: { '--anno': j, '--cliente': j, '--stato': j, '--dal': j, '--al': j, '--limite': j } },
    {
      cmd: ['fattura', 'crea'],
      base: ['--cliente', '1', '--riga', 'Consulenza;1;100;22'],
      flags: { '--cliente': j, '--riga': j, '--prodotto': j, '--data': j, '--numero': j, '--scadenza': j, '--termini': j, '--rate': j, '--ritenuta': j, '--bollo': j, '--note': j, '--tipo': j },
    },
    { cmd: ['fattura', 'paga'], positional: j, flags: { '--importo': j, '--data': j, '--metodo': j, '--riferimento': j, '--iban': j } },
    { cmd: ['fattura', 'mostra'], positional: j, flags: {} },
    { cmd: ['fattura', 'elimina'], positional: j, flags: {} },
    { cmd: ['cliente', 'crea'], base: ['--denominazione', 'Fuzz Srl'], flags: { '--denominazione': j, '--piva': j, '--cf': j, '--email': j, '--pec': j, '--sdi': j, '--provincia': j, '--cap': j, '--paese': j, '--termini': j } },
    { cmd: ['prodotto', 'crea'], base: ['--codice', 'FZ1', '--descrizione', 'Servizio', '--prezzo', '10'], flags: { '--codice': j, '--descrizione': j, '--prezzo': j, '--iva': j, '--unita': j, '--categoria': j } },
    {
      cmd: ['demo', 'seed'],
      base: ['--clients', '2', '--invoices', '3'],
      flags: { '--clients': fc.oneof(badInt(1, 5000), smallInt), '--invoices': fc.oneof(badInt(0, 500_000), smallInt), '--seed': j, '--today': j, '--years': fc.oneof(badInt(1, 15), smallInt), '--drift-client': j, '--drift-days': j, '--drift-from': j, '--batch-size': j },
    },
    {
      cmd: ['ai', 'feedback', 'submit'],
      base: ['--agent-type', 'chat', '--input', 'q', '--response', 'a', '--thumb', 'up'],
      flags: { '--agent-type': j, '--input': j, '--response': j, '--correction': j, '--rating': j, '--thumb': j, '--comment': j, '--context': j, '--session-id': j, '--message-id': j },
    },
    {
      cmd: ['ai', 'feedback', 'submit-prediction'],
      base: ['--model', 'cash_flow', '--prediction', '{"days":30}'],
      flags: { '--model': j, '--version': j, '--prediction': j, '--actual': j, '--accurate': j, '--invoice': j },
    },
    { cmd: ['ai', 'feedback', 'stats'], flags: { '--days': j, '--since': j, '--until': j, '--top': j } },
    { cmd: ['ai', 'feedback', 'export'], base: ['--output', path.join(outDir, 'feedback.jsonl')], flags: { '--output': outPath, '--format': j, '--since': j } },
    { cmd: ['ai', 'feedback', 'cleanup'], base: ['--yes'], flags: { '--older-than': j } },
    { cmd: ['ai', 'forecast'], flags: { '--days': j, '--client': j } },
    { cmd: ['ai', 'backtest'], flags: { '--split-date': junk.filter((v) => !isDate(v)), '--trees': badInt(1, 1000) } },
    { cmd: ['ai', 'retrain', 'status'], flags: { '--model': j } },
    { cmd: ['ai', 'retrain', 'list-versions'], flags: { '--model': j } },
    { cmd: ['ai', 'retrain', 'rollback'], base: ['--version', '9.9.9'], flags: { '--model': j, '--version': j } },
    { cmd: ['ai', 'rag', 'search'], base: ['--mode', 'keyword'], positional: j, flags: { '--k': j, '--type': j, '--mode': junk.filter((v) => !['hybrid', 'keyword', 'vector'].includes(v)) } },
    { cmd: ['ai', 'auto-update', 'pending'], flags: { '--limit': j } },
    { cmd: ['ai', 'auto-update', 'status'], flags: { '--bogus': j } },
    { cmd: ['ai', 'auto-update', 'run'], flags: { '--bogus': j } },
    { cmd: ['import', 'invoices'], base: ['--map', 'client_name=Cliente,issue_date=Data,total=Importo'], positional: fc.constant('CSV'), flags: { '--map': j, '--date-format': j, '--delimiter': j } },
    { cmd: ['config', 'show'], flags: { '--bogus': j } },
    { cmd: ['backup'], flags: { '--output': badBackupPath } },
    { cmd: ['restore'], positional: badRestoreFile, flags: {} },
  ];
}

/** One command line: the spec's base flags, then one fuzzed flag (as `--f v` or `--f=v`) or positional. */
function commandLine(all: Spec[]): fc.Arbitrary<{ args: string[]; target: string; command: string }> {
  return fc.constantFrom(...all).chain((s) => {
    const flagNames = Object.keys(s.flags);
    const choices: fc.Arbitrary<{ args: string[]; target: string }>[] = [];
    const positional = s.positional ?? null;
    const fixedPositional = s.cmd[0] === 'import' ? [csvFile] : s.cmd[0] === 'fattura' && s.positional ? ['1'] : s.cmd[1] === 'rag' ? ['Rossi'] : [];
    if (flagNames.length) {
      choices.push(
        fc.record({ flag: fc.constantFrom(...flagNames), eq: fc.boolean() }).chain(({ flag, eq }) =>
          s.flags[flag]!.map((v) => {
            // Base flags the fuzzed one replaces are dropped so each case exercises one value.
            const base = dropFlag(s.base ?? [], flag);
            return { args: [...s.cmd, ...fixedPositional, ...base, ...(eq ? [`${flag}=${v}`] : [flag, v])], target: flag };
          }),
        ),
      );
    }
    if (positional && s.cmd[0] !== 'import') {
      choices.push(positional.map((v) => ({ args: [...s.cmd, v, ...(s.base ?? []), ...(s.cmd[1] === 'elimina' ? ['--force'] : [])], target: '<positional>' })));
    }
    return fc.oneof(...choices).map((c) => ({ ...c, command: s.cmd.join(' ') }));
  });
}

function dropFlag(base: string[], flag: string): string[] {
  const i = base.indexOf(flag);
  return i < 0 ? base : [...base.slice(0, i), ...base.slice(i + 2)];
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'of-cli-fuzz-'));
  dataDir = path.join(root, 'data');
  outDir = path.join(root, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'junk.tar.gz'), 'not a tarball at all');
  csvFile = path.join(root, 'invoices.csv');
  fs.writeFileSync(csvFile, 'Cliente;Data;Importo\nRossi Srl;2025-01-15;100,00\nBianchi;2025-13-01;abc\n');
  // Commands that default to files in the working directory must not write into the repository.
  cwdBefore = process.cwd();
  process.chdir(root);
  const seeded = await run(['demo', 'seed', '--clients', '10', '--invoices', '120', '--seed', '7', '--json']);
  if (seeded.code !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);
  // The first forecast trains the cash-flow model, so later forecasts with valid flags are quick.
  const forecast = await run(['ai', 'forecast', '--json']);
  if (forecast.code !== 0) throw new Error(`forecast failed: ${forecast.stderr}`);
}, 120_000);

afterAll(() => {
  process.chdir(cwdBefore);
  process.off('unhandledRejection', onUnhandled);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('CLI flag fuzzing', () => {
  it('random flag values: success, or a clean error of a known kind with exit 1/2 and nothing written', async () => {
    const runs = fuzzRuns(250);
    let cases = 0;
    let failures = 0;
    const all = specs();
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandLine(all), async ({ args, command }) => {
        cases++;
        reached.add(command);
        const before = counts();
        const r = await run(args);
        const context = `openfatture ${args.map((a) => JSON.stringify(a).slice(0, 80)).join(' ')}\n${r.stderr.slice(0, 500)}`;
        if (r.error === null) {
          expect([0, EXIT_FAILURE, EXIT_BAD_INPUT], context).toContain(r.code);
          return;
        }
        failures++;
        const e = r.error;
        const known = e instanceof CommanderError || e instanceof InputError || e instanceof SettingsError || e instanceof AppError || e instanceof ExitError;
        expect(known, `${context}\nunexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack}`).toBe(true);
        expect([EXIT_FAILURE, EXIT_BAD_INPUT, 0], context).toContain(r.code);
        if (!(e instanceof ExitError)) expect((e as Error).message.length, context).toBeGreaterThan(0);
        if (e instanceof InputError || e instanceof SettingsError) {
          expect(r.code, context).toBe(EXIT_BAD_INPUT);
          // The message names what is wrong: "field: problem".
          expect((e as Error).message, context).toMatch(/^[^\s:]+( \d+)?( \([^)]*\))?: \S/u);
        }
        if (r.code !== 0) expect(counts(), context).toEqual(before);
      }),
      { numRuns: runs },
    );
    expect(unhandled).toEqual([]);
    expect(failures).toBeGreaterThan(cases / 4);
    // Every command in the table got cases.
    expect(reached.size).toBeGreaterThanOrEqual(all.length - 2);
    recordFuzz(`cli flags (${reached.size} commands, ${failures} rejected)`, cases);
  }, 120_000);

  // Regression: restore's "missing file" and "not an archive" errors did not name the argument.
  it('restore with a missing or unreadable file names the file argument and changes nothing', async () => {
    const before = counts();
    for (const file of [path.join(outDir, 'missing.tar.gz'), path.join(outDir, 'junk.tar.gz')]) {
      const r = await run(['restore', file]);
      expect(r.code).toBe(EXIT_BAD_INPUT);
      expect(r.error).toBeInstanceOf(InputError);
      expect(r.stderr).toMatch(/^Error: file: /m);
    }
    expect(counts()).toEqual(before);
  });
});
