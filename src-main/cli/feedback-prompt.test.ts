import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askFeedback, CORRECTION_PROMPT, FEEDBACK_PROMPT } from './feedback-prompt';
import { waitUntil } from '../../tests/support/wait';

function fakeTty(isTTY = true) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let written = '';
  output.on('data', (c) => (written += String(c)));
  return { input, output, written: () => written };
}

const base = { question: "What's my revenue?", answer: '€10,000', context: { provider: 'builtin' } };

describe('askFeedback', () => {
  it('y records a thumb up with the question, answer and context', async () => {
    const t = fakeTty();
    const p = askFeedback({ ...base, timeoutSec: 5, input: t.input, output: t.output });
    t.input.write('y\n');
    const r = await p;
    expect(r.outcome).toBe('up');
    expect(r.feedback).toMatchObject({ agentType: 'chat', input: base.question, response: base.answer, thumb: 'up', context: base.context });
    expect(t.written()).toBe(FEEDBACK_PROMPT);
  });

  it('n records a thumb down; a digit records a rating', async () => {
    const t = fakeTty();
    const p = askFeedback({ ...base, timeoutSec: 5, input: t.input, output: t.output });
    t.input.write('n\n');
    expect((await p).feedback).toMatchObject({ thumb: 'down' });
    const t2 = fakeTty();
    const p2 = askFeedback({ ...base, timeoutSec: 5, input: t2.input, output: t2.output });
    t2.input.write('4\n');
    expect((await p2).feedback).toMatchObject({ rating: 4 });
  });

  it('c opens a correction prompt and records the correction', async () => {
    const t = fakeTty();
    const p = askFeedback({ ...base, timeoutSec: 5, input: t.input, output: t.output });
    t.input.write('c\n');
    await waitUntil('the correction prompt', () => t.written().includes(CORRECTION_PROMPT), { timeoutMs: 10_000 });
    t.input.write('  Revenue is €12,500 including pending \n');
    const r = await p;
    expect(r.outcome).toBe('correction');
    expect(r.feedback).toMatchObject({ thumb: 'down', correction: 'Revenue is €12,500 including pending' });
  });

  it('Enter skips; an empty correction cancels', async () => {
    const t = fakeTty();
    const p = askFeedback({ ...base, timeoutSec: 5, input: t.input, output: t.output });
    t.input.write('\n');
    expect(await p).toEqual({ outcome: 'skipped', feedback: null });
    const t2 = fakeTty();
    const p2 = askFeedback({ ...base, timeoutSec: 5, input: t2.input, output: t2.output });
    t2.input.write('c\n\n');
    expect(await p2).toEqual({ outcome: 'skipped', feedback: null });
  });

  it('gives up silently after the timeout', async () => {
    const t = fakeTty();
    const started = Date.now();
    const r = await askFeedback({ ...base, timeoutSec: 0.2, input: t.input, output: t.output });
    expect(r).toEqual({ outcome: 'timeout', feedback: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(t.written()).toBe(FEEDBACK_PROMPT + '\n');
    // A late answer is not consumed by the finished prompt.
    t.input.write('y\n');
  });

  it('returns at once without asking when input is not a terminal', async () => {
    const t = fakeTty(false);
    const started = Date.now();
    expect(await askFeedback({ ...base, timeoutSec: 30, input: t.input, output: t.output })).toEqual({ outcome: 'not-interactive', feedback: null });
    expect(Date.now() - started).toBeLessThan(100);
    expect(t.written()).toBe('');
  });

  it('ends cleanly when input closes', async () => {
    const t = fakeTty();
    const p = askFeedback({ ...base, timeoutSec: 30, input: t.input, output: t.output });
    t.input.end();
    expect(await p).toEqual({ outcome: 'timeout', feedback: null });
  });
});
