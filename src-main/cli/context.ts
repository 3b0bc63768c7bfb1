// Shared plumbing for every CLI command: global flags → settings → App, output as table or JSON,
// and exit codes (0 ok, 1 failure, 2 bad input) with messages on stderr.
import type { Command } from 'commander';
import { App } from '../core/app';
import { loadSettings, type LoadedSettings } from '../core/config/load';
import { SettingsError, unknownEnvNames, type SettingKey } from '../core/config/settings';
import { errorMessage, InputError } from '../core/errors';
import type { LogLevel } from '../core/logger';

export interface GlobalOptions {
  envFile?: string;
  dataDir?: string;
  verbose?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
/** Partly done: something was written, some input was rejected (DESIGN §8). */
export const EXIT_PARTIAL = 3;

/** Thrown to end a command with a given exit code after it has printed what it needed to. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function cliSettings(cmd: Command, flags: Partial<Record<SettingKey, unknown>> = {}): LoadedSettings {
  const g = globalOptions(cmd);
  const env = process.env;
  const unknown = unknownEnvNames(env);
  if (unknown.length) process.stderr.write(`WARN  | unknown setting(s) ignored: ${unknown.join(', ')}\n`);
  return loadSettings({ env, envFile: g.envFile, flags: { ...(g.dataDir ? { DATA_DIR: g.dataDir } : {}), ...flags } });
}

export interface RunOptions {
  /** Start background services (auto-indexing, scheduler) when enabled — only long-running commands. */
  background?: boolean;
  flags?: Partial<Record<SettingKey, unknown>>;
}

/** Opens the app, runs `fn`, closes the app, and maps errors to exit codes. */
export async function withApp<T>(cmd: Command, fn: (app: App) => Promise<T>, options: RunOptions = {}): Promise<T> {
  const g = globalOptions(cmd);
  const settings = cliSettings(cmd, options.flags);
  const consoleLevel: LogLevel = g.verbose ? 'debug' : 'warn';
  const app = await App.open({ settings, host: 'cli', background: options.background ?? false, consoleLevel });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Writes to a stream, waiting for 'drain' when its buffer is full (so memory stays bounded). */
async function writeChunk(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/**
 * The same text as `printJson(value)` (two-space indentation), written piece by piece: each element
 * of the object's top-level arrays is serialised and written on its own, so a result with hundreds
 * of thousands of rows (an import's rejects) never becomes one giant string.
 */
export async function printJsonStreamed(value: Record<string, unknown>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const indent = (text: string, pad: string) => text.replace(/\n/g, '\n' + pad);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) return writeChunk(out, '{}\n');
  let pending = '{\n';
  const flush = async (force = false) => {
    if (force || pending.length >= 64 * 1024) {
      await writeChunk(out, pending);
      pending = '';
    }
  };
  for (let e = 0; e < entries.length; e++) {
    const [key, v] = entries[e]!;
    pending += `  ${JSON.stringify(key)}: `;
    if (Array.isArray(v) && v.length > 0) {
      pending += '[\n';
      for (let i = 0; i < v.length; i++) {
        // As JSON.stringify does: undefined, functions and symbols in arrays become null.
        const item: unknown = v[i];
        pending += '    ' + indent(JSON.stringify(item, null, 2) ?? 'null', '    ') + (i < v.length - 1 ? ',\n' : '\n');
        await flush();
      }
      pending += '  ]';
    } else pending += indent(JSON.stringify(v, null, 2), '  ');
    pending += e < entries.length - 1 ? ',\n' : '\n';
  }
  pending += '}\n';
  await flush(true);
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

/** A plain aligned text table; width-aware, no colours (works in pipes and logs). */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r) ?? '')));
  // A loop, not Math.max(...cells): spreading a data-sized array overflows the call stack.
  const widths = columns.map((c) => c.header.length);
  for (const row of cells) row.forEach((v, i) => (widths[i] = Math.max(widths[i]!, v.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/**
 * Prints a table of at most `limit` rows (a terminal budget), then a line saying how many more
 * there are; widths are computed from the rows shown.
 */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)', limit = Infinity): void {
  if (!rows.length) {
    process.stdout.write(empty + '\n');
    return;
  }
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  process.stdout.write(formatTable(shown, columns) + '\n');
  if (shown.length < rows.length) process.stdout.write(`… ${rows.length - shown.length} more row(s) not shown (of ${rows.length})\n`);
}

/** Maps an error to its exit code and prints it. */
export function reportError(e: unknown): number {
  if (e instanceof ExitError) {
    if (e.message) process.stderr.write(e.message + '\n');
    return e.exitCode;
  }
  if (e instanceof SettingsError || e instanceof InputError) {
    process.stderr.write(`Error: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const code = (e as { code?: string })?.code;
  if (code === 'commander.invalidArgument' || code === 'commander.missingMandatoryOptionValue') {
    return EXIT_BAD_INPUT;
  }
  process.stderr.write(`Error: ${errorMessage(e)}\n`);
  if (process.env.OPENFATTURE_DEBUG_STACK && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT_FAILURE;
}

/** Commander argument parsers that name the flag in their error. */
export const parse = {
  int(flag: string, min = -Infinity, max = Infinity) {
    return (v: string): number => {
      if (!/^[+-]?\d+$/.test(v.trim())) throw new InputError(`${flag}: expected an integer, got "${v}"`, flag);
      const n = Number(v);
      if (n < min || n > max) throw new InputError(`${flag}: must be between ${min} and ${max}, got ${n}`, flag);
      return n;
    };
  },
  number(flag: string, min = -Infinity, max = Infinity) {
    return (v: string): number => {
      const n = Number(v.trim());
      if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`${flag}: expected a number, got "${v}"`, flag);
      if (n < min || n > max) throw new InputError(`${flag}: must be between ${min} and ${max}, got ${n}`, flag);
      return n;
    };
  },
  date(flag: string) {
    return (v: string): string => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) || new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) !== v) {
        throw new InputError(`${flag}: expected a date as YYYY-MM-DD, got "${v}"`, flag);
      }
      return v;
    };
  },
  bool(flag: string) {
    return (v: string): boolean => {
      const s = v.trim().toLowerCase();
      if (['true', '1', 'yes', 'y', 'si', 'sì'].includes(s)) return true;
      if (['false', '0', 'no', 'n'].includes(s)) return false;
      throw new InputError(`${flag}: expected true or false, got "${v}"`, flag);
    };
  },
};
