// The inline feedback prompt of the CLI chat: after an answer, "Helpful? [y/n/c=correct/Enter=skip]".
// It gives up silently after AI_FEEDBACK_PROMPT_TIMEOUT seconds and returns at once when input is
// not a terminal, so scripted or piped runs never block. It only asks; the caller stores the
// returned feedback with FeedbackService (and skips the prompt when collection is disabled).
import readline from 'node:readline';
import type { ChatFeedbackInput } from '../core/feedback/feedback-schemas';

export const FEEDBACK_PROMPT = 'Helpful? [y/n/c=correct/Enter=skip] ';
export const CORRECTION_PROMPT = 'Correct answer (Enter to cancel): ';

export interface AskFeedbackOptions {
  question: string;
  answer: string;
  context?: Record<string, unknown> | null;
  /** Seconds to wait for y/n/c; 0 means do not ask. */
  timeoutSec: number;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  agentType?: string;
  sessionId?: string;
  messageId?: string;
}

export type FeedbackPromptOutcome = 'up' | 'down' | 'rating' | 'correction' | 'skipped' | 'timeout' | 'not-interactive';

export interface FeedbackPromptResult {
  outcome: FeedbackPromptOutcome;
  /** Ready for FeedbackService.recordChat; null when the user gave nothing. */
  feedback: ChatFeedbackInput | null;
}

export async function askFeedback(options: AskFeedbackOptions): Promise<FeedbackPromptResult> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  if (!input.isTTY) return { outcome: 'not-interactive', feedback: null };
  if (options.timeoutSec <= 0) return { outcome: 'skipped', feedback: null };

  const rl = readline.createInterface({ input, output, terminal: false });
  const lines = new LineQueue(rl);
  const base = {
    agentType: options.agentType ?? 'chat',
    input: options.question,
    response: options.answer,
    context: options.context ?? null,
    sessionId: options.sessionId ?? null,
    messageId: options.messageId ?? null,
  };
  try {
    const first = await ask(lines, output, FEEDBACK_PROMPT, options.timeoutSec * 1000);
    if (first === null) return { outcome: 'timeout', feedback: null };
    const a = first.trim().toLowerCase();
    if (['y', 'yes', 's', 'si', 'sì'].includes(a)) return { outcome: 'up', feedback: { ...base, thumb: 'up' } };
    if (['n', 'no'].includes(a)) return { outcome: 'down', feedback: { ...base, thumb: 'down' } };
    if (/^[1-5]$/.test(a)) return { outcome: 'rating', feedback: { ...base, rating: Number(a) } };
    if (a === 'c') {
      // The user chose to type: no timeout here, an empty line cancels.
      const correction = await ask(lines, output, CORRECTION_PROMPT, null);
      if (correction && correction.trim()) {
        return { outcome: 'correction', feedback: { ...base, thumb: 'down', correction: correction.trim() } };
      }
    }
    return { outcome: 'skipped', feedback: null };
  } finally {
    rl.close();
  }
}

/**
 * Lines from a readline interface, queued from the start: pasted or fast input ("c\nmy fix\n")
 * arrives in one chunk, and the second line must still reach the correction prompt.
 */
class LineQueue {
  private readonly lines: string[] = [];
  private closed = false;
  private waiter: ((line: string | null) => void) | null = null;

  constructor(rl: readline.Interface) {
    rl.on('line', (line) => {
      if (this.waiter) this.take(line);
      else this.lines.push(line);
    });
    rl.on('close', () => {
      this.closed = true;
      this.take(null);
    });
  }

  private take(line: string | null): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(line);
  }

  /** The next line, or null at end of input or when `cancel` is called first. */
  next(): { line: Promise<string | null>; cancel: () => void } {
    if (this.lines.length) return { line: Promise.resolve(this.lines.shift()!), cancel: () => undefined };
    if (this.closed) return { line: Promise.resolve(null), cancel: () => undefined };
    const line = new Promise<string | null>((resolve) => (this.waiter = resolve));
    return { line, cancel: () => this.take(null) };
  }
}

/** Writes the prompt and waits for one line; null on timeout or end of input. */
async function ask(lines: LineQueue, output: NodeJS.WritableStream, prompt: string, timeoutMs: number | null): Promise<string | null> {
  output.write(prompt);
  const { line, cancel } = lines.next();
  let timedOut = false;
  const timer =
    timeoutMs === null
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          cancel();
        }, timeoutMs);
  const value = await line;
  clearTimeout(timer);
  // Move off the prompt line and carry on without a word.
  if (timedOut) output.write('\n');
  return value;
}
