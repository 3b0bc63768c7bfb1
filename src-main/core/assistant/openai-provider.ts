// Optional prose provider speaking the OpenAI chat-completions protocol (OpenAI, Ollama, LM Studio,
// llama.cpp server): POST {base}/chat/completions with the facts and sources in the system prompt,
// and the user's corrections on similar questions as example exchanges before the conversation
// (question → the corrected answer). It only rewrites the figures the database gave; failures throw
// a clear error so the assistant falls back to the built-in prose with a visible note.
import { AppError } from '../errors';
import type { ProseInput, ProseProvider } from './builtin-provider';
import { writeAnswer, writeCorrectionLead } from './builtin-provider';

export interface OpenAiProviderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 30_000;

export class ProviderError extends AppError {
  constructor(message: string) {
    super('AI_PROVIDER_FAILED', message);
  }
}

interface ChatCompletion {
  choices?: { message?: { content?: unknown } }[];
  error?: { message?: string } | string;
}

export class OpenAiProvider implements ProseProvider {
  readonly name = 'openai';
  readonly model: string;
  private readonly endpoint: string;

  constructor(private readonly options: OpenAiProviderOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new ProviderError(`AI_BASE_URL: not a valid URL: "${options.baseUrl}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ProviderError(`AI_BASE_URL: expected an http(s) URL, got "${options.baseUrl}"`);
    this.endpoint = `${base.href.replace(/\/+$/, '')}/chat/completions`;
    this.model = options.model;
  }

  async write(input: ProseInput): Promise<string> {
    const body = {
      model: this.model,
      temperature: 0.2,
      stream: false,
      messages: [
        { role: 'system', content: systemPrompt(input) },
        ...correctionExamples(input),
        ...input.history.flatMap((t) => [
          { role: 'user', content: t.question },
          { role: 'assistant', content: t.answer },
        ]),
        { role: 'user', content: input.question },
      ],
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new ProviderError(`${this.endpoint} did not answer within ${timeoutMs / 1000}s`);
      throw new ProviderError(`cannot reach ${this.endpoint}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
    }
    const text = await res.text();
    let json: ChatCompletion | null = null;
    try {
      json = JSON.parse(text) as ChatCompletion;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const detail = typeof json?.error === 'string' ? json.error : (json?.error?.message ?? text.slice(0, 200));
      throw new ProviderError(`${this.endpoint} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    }
    const content = json?.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || !content.trim()) throw new ProviderError(`${this.endpoint} returned no message content`);
    return content.trim();
  }
}

/** The user's corrections as example exchanges: their question, then what they said the answer is. */
export function correctionExamples(input: ProseInput): { role: 'user' | 'assistant'; content: string }[] {
  return input.learnedFrom.flatMap((l) => [
    { role: 'user' as const, content: l.question },
    { role: 'assistant' as const, content: l.correction },
  ]);
}

/** The grounding: the figures from the database, the records they came from, and how a correction shaped them. */
export function systemPrompt(input: ProseInput): string {
  const language = input.lang === 'it' ? 'Italian' : 'English';
  const a = input.applied;
  return [
    'You are the assistant of OpenFatture, an invoicing app for Italian freelancers and small firms.',
    `Answer in ${language}, concisely, using ONLY the facts below (computed from the user's database). Never invent figures, invoices or clients.`,
    'Money amounts in the facts are integer euro cents: 123456 means €1,234.56. Dates are YYYY-MM-DD. Write amounts with thousands separators.',
    'Never tell the user to run a command: the app offers buttons for what they need.',
    input.learnedFrom.length
      ? 'The example exchanges before the conversation are the user\'s own corrections of earlier answers to similar questions: follow them.'
      : '',
    a?.kind === 'restriction'
      ? `The user's correction “${a.correction}” restricts this question (${a.description}); the facts were computed with it. Say so first.`
      : a?.kind === 'fact'
        ? `The user's correction “${a.correction}” states something the data cannot check: lead with it, then give the computed figures as what the recorded data shows, without contradicting the correction.`
        : '',
    '',
    `FACTS (JSON):\n${JSON.stringify(input.facts)}`,
    '',
    `SOURCES:\n${input.sources.map((s) => `- ${s.entityType} ${s.entityId}: ${s.label}`).join('\n') || '(none)'}`,
    '',
    `REFERENCE ANSWER written from the facts (you may rephrase it):\n${writeAnswer(input)}`,
    a ? `\nSTART THE ANSWER WITH THE CORRECTION, e.g.: ${writeCorrectionLead(a, input.lang)}` : '',
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
}
