// Builds the commander program with global options and every command group.
import { Command } from 'commander';
import { registerSystemCommands } from './commands/system';
import { registerDomainCommands } from './commands/domain';
import { registerDemoCommands } from './commands/demo';
import { registerChatCommand } from './commands/chat';
import { registerRagCommands } from './commands/rag';
import { registerRetrainCommands } from './commands/retrain';
import { registerForecastCommand } from './commands/forecast';
import { registerBacktestCommand } from './commands/backtest';
import { registerEvaluateCommand } from './commands/evaluate';
import { registerImportCommands } from './commands/import';
import { registerFeedbackCommands } from './commands/feedback';
import { registerServeCommand } from './commands/serve';
import { registerDoctorCommand, registerOpsCommands } from './commands/ops';

export function buildProgram(): Command {
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
  registerSystemCommands(program, ai);
  registerDomainCommands(program);
  registerDemoCommands(program);
  registerChatCommand(ai);
  registerRagCommands(ai);
  registerRetrainCommands(ai);
  registerForecastCommand(ai);
  registerBacktestCommand(ai);
  registerEvaluateCommand(ai);
  registerImportCommands(program);
  registerFeedbackCommands(ai);
  registerServeCommand(program);
  registerOpsCommands(program);
  registerDoctorCommand(program);
  return program;
}
