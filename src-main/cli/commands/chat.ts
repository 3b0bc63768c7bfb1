// `ai chat`: the assistant on the command line. Interactive (a readline loop; after each answer the
// feedback prompt asks "Helpful? [y/n/c=correct/Enter=skip]" and FeedbackService stores the reply)
// or one-shot with `--message "…"` (and `--json`). Piped input is read line by line without
// prompts, so a non-TTY run never blocks. The interactive session is long-running: it starts the
// background services (auto-indexing, retraining scheduler) when their settings enable them.
import readline from 'node:readline';
import type { Command } from 'commander';
import type { App } from '../../core/app';
import { assistantFor } from '../../core/assistant/assistant-for-app';
import type { AssistantAction, AssistantAnswer } from '../../core/assistant/assistant-types';
import { MAX_QUESTION_LENGTH } from '../../core/assistant/assistant';
import { InputError } from '../../core/errors';
import { FeedbackService } from '../../core/feedback/feedback-service';
import { askFeedback } from '../feedback-prompt';
import { printJson, withApp } from '../context';

interface ChatOpts {
  message?: string;
  json?: boolean;
  session?: string;
  lang?: 'it' | 'en';
  feedback?: boolean;
}

const EXIT_WORDS = new Set(['exit', 'quit', 'esci', 'bye', ':q', '/exit', '/quit']);

export function registerChatCommand(ai: Command): void {
  ai.command('chat')
    .description('ask the assistant about your invoices, clients and cash flow (Italian or English); rate or correct each answer')
    .option('-m, --message <text>', 'ask one question and exit (otherwise an interactive session)')
    .option('--json', 'with --message: print the answer, its sources, facts and learned corrections as JSON')
    .option('--session <id>', 'conversation id stored with the answer and its feedback (follow-ups such as "and last month?" are understood within one interactive session)')
    .option('--lang <lang>', 'answer language: it or en (default: the language of the question)', parseLang)
    .option('--no-feedback', 'do not ask for feedback after answers')
    .action(async (opts: ChatOpts, cmd: Command) => {
      if (opts.json && opts.message === undefined) throw new InputError('--json: needs --message "…" (the interactive session prints text)', '--json');
      if (opts.session !== undefined && (!opts.session.trim() || opts.session.length > 200)) {
        throw new InputError('--session: expected a non-empty id of at most 200 characters', '--session');
      }
      if (opts.message !== undefined) {
        const question = checkMessage(opts.message);
        await withApp(cmd, async (app) => {
          const answer = await ask(app, question, opts);
          if (opts.json) {
            printJson(answer);
            return;
          }
          printAnswer(answer);
          await collectFeedback(app, question, answer, opts);
        });
        return;
      }
      await withApp(cmd, (app) => interactive(app, opts), { background: true });
    });
}

function parseLang(v: string): 'it' | 'en' {
  const s = v.trim().toLowerCase();
  if (s === 'it' || s === 'en') return s;
  throw new InputError(`--lang: expected it or en, got "${v}"`, '--lang');
}

function checkMessage(message: string): string {
  const q = message.trim();
  if (!q) throw new InputError('--message: must not be empty', '--message');
  if (q.length > MAX_QUESTION_LENGTH) throw new InputError(`--message: longer than ${MAX_QUESTION_LENGTH} characters`, '--message');
  return q;
}

function ask(app: App, question: string, opts: ChatOpts): Promise<AssistantAnswer> {
  return assistantFor(app).ask({ question, sessionId: opts.session, language: opts.lang });
}

function printAnswer(a: AssistantAnswer): void {
  const out = process.stdout;
  out.write(`${a.answer}\n`);
  if (a.sources.length) {
    const shown = a.sources.slice(0, 10).map((s) => s.label);
    const more = a.sources.length - shown.length + a.moreSources;
    out.write(`\n${a.language === 'it' ? 'Fonti' : 'Sources'}: ${shown.join('; ')}${more > 0 ? ` (+${more} ${a.language === 'it' ? 'altre' : 'more'})` : ''}\n`);
  }
  for (const note of a.notes) out.write(`${a.language === 'it' ? 'Nota' : 'Note'}: ${note}\n`);
  // The app offers these as buttons; on the command line they are the commands that do the same.
  for (const action of a.actions) out.write(`${ACTION_COMMANDS[action][a.language]}\n`);
}

const ACTION_COMMANDS: Record<AssistantAction, Record<'it' | 'en', string>> = {
  'train-model': { it: 'Per addestrare il modello: openfatture ai forecast --retrain', en: 'To train the model: openfatture ai forecast --retrain' },
  'rebuild-index': { it: "Per costruire l'indice: openfatture ai rag reindex", en: 'To build the index: openfatture ai rag reindex' },
};

/** The inline prompt after an answer; the reply is stored with the answer's context. */
async function collectFeedback(app: App, question: string, a: AssistantAnswer, opts: ChatOpts): Promise<void> {
  if (opts.feedback === false || !process.stdin.isTTY) return;
  const feedback = new FeedbackService(app.database.sqlite, () => app.settings);
  if (!feedback.collectionEnabled) return;
  const result = await askFeedback({
    question,
    answer: a.answer,
    timeoutSec: app.settings.AI_FEEDBACK_PROMPT_TIMEOUT,
    sessionId: a.sessionId,
    messageId: a.messageId,
    context: {
      intent: a.intent,
      language: a.language,
      provider: a.provider,
      model: a.model,
      sources: a.sources,
      learnedFrom: (a.learnedFrom ?? []).map((l) => l.feedbackId),
    },
  });
  if (!result.feedback) return;
  const stored = feedback.recordChat(result.feedback);
  const it = a.language === 'it';
  process.stdout.write(
    result.outcome === 'correction'
      ? it
        ? `Correzione salvata (#${stored.id}): la userò per domande simili.\n`
        : `Correction saved (#${stored.id}): I'll use it for similar questions.\n`
      : it
        ? `Grazie, feedback salvato (#${stored.id}).\n`
        : `Thanks, feedback saved (#${stored.id}).\n`,
  );
}

async function interactive(app: App, opts: ChatOpts): Promise<void> {
  const tty = Boolean(process.stdin.isTTY);
  let sessionId = opts.session;
  const turn = async (line: string) => {
    const question = line.trim();
    if (!question) return;
    if (question.length > MAX_QUESTION_LENGTH) {
      process.stderr.write(`Error: question longer than ${MAX_QUESTION_LENGTH} characters\n`);
      return;
    }
    const answer = await ask(app, question, { ...opts, session: sessionId });
    sessionId = answer.sessionId;
    printAnswer(answer);
    await collectFeedback(app, question, answer, opts);
    process.stdout.write('\n');
  };

  if (!tty) {
    // Piped or scripted: every line is a question, no prompts, ends at end of input.
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) {
      if (EXIT_WORDS.has(line.trim().toLowerCase())) break;
      await turn(line);
    }
    rl.close();
    return;
  }

  process.stdout.write('OpenFatture assistant — ask about revenue, unpaid or overdue invoices, clients, the cash-flow forecast. "exit" to quit.\n');
  for (;;) {
    // One readline per question: the feedback prompt opens its own on the same terminal in between.
    const line = await readOneLine('> ');
    if (line === null || EXIT_WORDS.has(line.trim().toLowerCase())) break;
    try {
      await turn(line);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      process.stderr.write(`Error: ${e.message}\n`);
    }
  }
}

/** One line from the terminal, or null on Ctrl+D / Ctrl+C. */
function readOneLine(prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) {
        process.stdout.write('\n');
        resolve(null);
      }
    });
    rl.question(prompt, (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
  });
}
