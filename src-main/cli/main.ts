// `openfatture` CLI entry (DESIGN §8). Each domain registers its commands from cli/commands/*.
import { CommanderError } from 'commander';
import { buildProgram } from './program';
import { EXIT_BAD_INPUT, reportError } from './context';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    return reportError(e);
  }
}

const code = await main(process.argv);
// Let pending stdout flush before exiting; background handles (if any) must not keep a CLI alive.
process.stdout.write('', () => process.exit(code));
