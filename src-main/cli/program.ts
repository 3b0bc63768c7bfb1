// Builds the commander program with global options and the command groups. A group's module (and
// everything it imports) loads only when the command line names one of its commands, so
// `openfatture fattura lista` pays for the invoice commands, not for the server, the importers or the
// model trainer. Help, `help <cmd>`, an unknown command or a bare `openfatture` load every group, so
// usage texts and commander's "did you mean" stay complete. program.test.ts checks that the names
// below are exactly the commands each group registers.
import { Command } from 'commander';

type Register = (program: Command, ai: Command) => void;

export interface CommandGroup {
  /** Top-level commands (and their aliases) the group registers. */
  root: readonly string[];
  /** Subcommands of `ai` (and their aliases) the group registers. */
  ai: readonly string[];
  load: () => Promise<Register>;
}

/** In the order the full program registers them (the order of the root help). */
export const COMMAND_GROUPS = {
  system: { root: ['init-db', 'config'], ai: ['status'], load: async () => (await import('./commands/system')).registerSystemCommands },
  domain: { root: ['cliente', 'client', 'prodotto', 'product', 'fattura', 'invoice'], ai: [], load: async () => (await import('./commands/domain')).registerDomainCommands },
  demo: { root: ['demo'], ai: [], load: async () => (await import('./commands/demo')).registerDemoCommands },
  chat: { root: [], ai: ['chat'], load: async () => onAi((await import('./commands/chat')).registerChatCommand) },
  rag: { root: [], ai: ['rag', 'auto-update'], load: async () => onAi((await import('./commands/rag')).registerRagCommands) },
  retrain: { root: [], ai: ['retrain'], load: async () => onAi((await import('./commands/retrain')).registerRetrainCommands) },
  forecast: { root: [], ai: ['forecast'], load: async () => onAi((await import('./commands/forecast')).registerForecastCommand) },
  backtest: { root: [], ai: ['backtest'], load: async () => onAi((await import('./commands/backtest')).registerBacktestCommand) },
  evaluate: { root: [], ai: ['evaluate'], load: async () => onAi((await import('./commands/evaluate')).registerEvaluateCommand) },
  import: { root: ['import'], ai: [], load: async () => (await import('./commands/import')).registerImportCommands },
  feedback: { root: [], ai: ['feedback'], load: async () => onAi((await import('./commands/feedback')).registerFeedbackCommands) },
  serve: { root: ['serve'], ai: [], load: async () => (await import('./commands/serve')).registerServeCommand },
  ops: {
    root: ['backup', 'restore', 'doctor'],
    ai: [],
    load: async () => {
      const ops = await import('./commands/ops');
      return (program) => {
        ops.registerOpsCommands(program);
        ops.registerDoctorCommand(program);
      };
    },
  },
} satisfies Record<string, CommandGroup>;

export type CommandGroupName = keyof typeof COMMAND_GROUPS;

const GROUP_NAMES = Object.keys(COMMAND_GROUPS) as CommandGroupName[];
const GROUPS: Record<CommandGroupName, CommandGroup> = COMMAND_GROUPS;

function onAi(register: (ai: Command) => void): Register {
  return (_program, ai) => register(ai);
}

/** Root options that take a value: their value is not the command name. */
const ROOT_OPTIONS_WITH_VALUE = new Set(['--env-file', '--data-dir']);

/**
 * The groups a command line needs: the one owning its command, or every group when it asks for help,
 * names no command or names one no group owns. `--version` before any command needs none.
 */
export function groupsFor(argv: readonly string[]): CommandGroupName[] {
  const args = argv.slice(2);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    if (a === '-V' || a === '--version') return [];
    if (a === '-h' || a === '--help') return GROUP_NAMES;
    if (ROOT_OPTIONS_WITH_VALUE.has(a)) i++;
  }
  const command = args[i];
  if (command === undefined) return GROUP_NAMES;
  if (command === 'ai') {
    const sub = args[i + 1];
    const owner = sub === undefined ? undefined : GROUP_NAMES.find((g) => GROUPS[g].ai.includes(sub));
    return owner ? [owner] : GROUP_NAMES;
  }
  const owner = GROUP_NAMES.find((g) => GROUPS[g].root.includes(command));
  return owner ? [owner] : GROUP_NAMES;
}

/** The program for a command line (only the groups it needs), or with every group when `argv` is omitted. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  return buildProgramWith(argv ? groupsFor(argv) : GROUP_NAMES);
}

export async function buildProgramWith(groups: readonly CommandGroupName[]): Promise<Command> {
  const program = new Command('openfatture');
  program
    .description('OpenFatture — invoicing assistant that learns from its users (feedback, cash-flow model, RAG index)')
    .version('0.1.0')
    // Global options go before the command (as in the seed's `openfatture --env-file F ai …`): so a
    // command's own flags such as `ai retrain rollback --version 1.1.0` are not taken as the root's.
    .enablePositionalOptions()
    .option('--env-file <file>', 'read OPENFATTURE_* settings from this file (default: ./.env when present)')
    .option('--data-dir <dir>', 'data folder (default: ~/.openfatture or OPENFATTURE_DATA_DIR)')
    .option('-v, --verbose', 'print debug logs to stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const ai = program.command('ai').description('self-learning: status, assistant, forecast, feedback, retraining, RAG');
  const registers = await Promise.all(GROUP_NAMES.filter((g) => groups.includes(g)).map((g) => GROUPS[g].load()));
  for (const register of registers) register(program, ai);
  return program;
}
