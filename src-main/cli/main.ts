// `openfatture` CLI entry (DESIGN §8). Each domain registers its commands from cli/commands/*; only
// the group the command line names is loaded (program.ts).
import { CommanderError } from 'commander';
import { buildProgram } from './program';

/** Commander's ways of ending after printing help or the version: not failures. */
const COMMANDER_DONE = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError && (e.exitCode === 0 || COMMANDER_DONE.has(e.code))) return 0;
    // Loaded only on failure: `--version` and help need none of the settings and error plumbing.
    const { EXIT_BAD_INPUT, reportError } = await import('./context');
    return e instanceof CommanderError ? EXIT_BAD_INPUT : reportError(e);
  }
}

const code = await main(process.argv);
// Let pending stdout flush before exiting; background handles (if any) must not keep a CLI alive.
process.stdout.write('', () => process.exit(code));
