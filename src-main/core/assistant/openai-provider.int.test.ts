// The OpenAI-compatible provider against a local server speaking the chat-completions protocol
// (127.0.0.1, random port): the request it sends (endpoint, auth, model, grounding facts, history),
// the answer it returns, and the visible fallback to the built-in prose on HTTP errors, timeouts,
// refused connections and a bad base URL. Also wired from the settings through the App.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadSettings } from '../config/load';
import { todayIso } from '../dates';
import { Assistant } from './assistant';
import { assistantFor } from './assistant-for-app';
import { createAssistantFixture, type AssistantFixture } from './assistant-fixture';
import { OpenAiProvider } from './openai-provider';

interface Received {
  method: string;
  url: string;
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[]; stream?: boolean };
}

type Behaviour = { kind: 'ok'; content: string } | { kind: 'error'; status: number; message: string } | { kind: 'hang' } | { kind: 'garbage' };

let server: http.Server;
let baseUrl: string;
let behaviour: Behaviour = { kind: 'ok', content: '' };
const received: Received[] = [];
const hanging: http.ServerResponse[] = [];
let fx: AssistantFixture;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: JSON.parse(raw) as Received['body'] });
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      switch (behaviour.kind) {
        case 'ok':
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'test-model', choices: [{ index: 0, message: { role: 'assistant', content: behaviour.content }, finish_reason: 'stop' }] }),
          );
          return;
        case 'error':
          res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: behaviour.message, type: 'server_error' } }));
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [] }));
          return;
        default:
          hanging.push(res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  fx = await createAssistantFixture(todayIso(), { invoices: 24 });
});

afterEach(() => {
  received.length = 0;
  for (const res of hanging.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fx?.close();
});

const assistantWith = (provider: () => OpenAiProvider) => new Assistant({ connection: fx.database.sqlite, provider });

describe('OpenAI-compatible provider', () => {
  it('sends the facts, sources and history in the protocol and returns the model prose', async () => {
    behaviour = { kind: 'ok', content: 'Hai 3 fatture scadute (risposta del modello).' };
    const assistant = assistantWith(() => new OpenAiProvider({ baseUrl, model: 'test-model', apiKey: 'sk-test' }));
    const first = await assistant.ask({ question: 'Which invoices are overdue?' });
    expect(first.answer).toBe('Hai 3 fatture scadute (risposta del modello).');
    expect(first.provider).toBe('openai');
    expect(first.model).toBe('test-model');
    expect(first.notes).toEqual([]);
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.auth).toBe('Bearer sk-test');
    expect(req.body.model).toBe('test-model');
    expect(req.body.stream).toBe(false);
    const [system, user] = req.body.messages;
    expect(system!.role).toBe('system');
    if (first.facts.intent !== 'overdue') throw new Error('wrong facts');
    // The grounding: the exact figures and the records they came from.
    expect(system!.content).toContain(`"overdueCents":${first.facts.overdueCents}`);
    for (const s of first.sources) expect(system!.content).toContain(`${s.entityType} ${s.entityId}: ${s.label}`);
    expect(user).toEqual({ role: 'user', content: 'Which invoices are overdue?' });

    // A follow-up in the same session carries the earlier turn.
    await assistant.ask({ question: 'And unpaid ones?', sessionId: first.sessionId });
    const follow = received[1]!.body.messages.map((m) => m.role);
    expect(follow).toEqual(['system', 'user', 'assistant', 'user']);
    expect(received[1]!.body.messages[2]!.content).toBe(first.answer);
  });

  it('falls back to the built-in prose with a visible note when the server answers an error', async () => {
    behaviour = { kind: 'error', status: 500, message: 'model "test-model" not loaded' };
    const assistant = assistantWith(() => new OpenAiProvider({ baseUrl, model: 'test-model' }));
    const r = await assistant.ask({ question: 'Which invoices are overdue?' });
    expect(received[0]!.auth).toBeUndefined();
    expect(r.provider).toBe('builtin');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toContain(`The openai (test-model) provider failed: ${baseUrl}/chat/completions answered HTTP 500: model "test-model" not loaded`);
    expect(r.answer).toMatch(/overdue/);
  });

  it('falls back on a timeout, an empty completion, a refused connection and a bad URL', async () => {
    behaviour = { kind: 'hang' };
    const slow = await assistantWith(() => new OpenAiProvider({ baseUrl, model: 'm', timeoutMs: 300 })).ask({ question: 'Top clients' });
    expect(slow.provider).toBe('builtin');
    expect(slow.notes[0]).toContain('did not answer within 0.3s');

    behaviour = { kind: 'garbage' };
    const empty = await assistantWith(() => new OpenAiProvider({ baseUrl, model: 'm' })).ask({ question: 'Top clients' });
    expect(empty.notes[0]).toContain('returned no message content');

    // A port nobody listens on.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await assistantWith(() => new OpenAiProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' })).ask({ question: 'Top clients' });
    expect(refused.notes[0]).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: ECONNREFUSED/);

    const badUrl = await assistantWith(() => new OpenAiProvider({ baseUrl: 'not a url', model: 'm' })).ask({ question: 'Top clients' });
    expect(badUrl.provider).toBe('builtin');
    expect(badUrl.notes[0]).toContain('AI_BASE_URL: not a valid URL: "not a url"');
    expect(badUrl.answer).toMatch(/top clients/i);
  });

  it('puts the matched correction into the prompt as an example exchange, and keeps it visible if the model leaves it out', async () => {
    const question = "Qual è l'importo medio delle fatture?";
    const correction = 'Conta solo le fatture emesse nel 2025';
    const info = fx.database.sqlite
      .prepare("INSERT INTO user_feedback(agent_type, user_input, ai_response, user_correction, thumb) VALUES ('chat', ?, '…', ?, 'down')")
      .run(question, correction);
    try {
      behaviour = { kind: 'ok', content: 'La media è calcolata.' };
      const assistant = assistantWith(() => new OpenAiProvider({ baseUrl, model: 'test-model' }));
      const r = await assistant.ask({ question: 'Mediamente quanto vale una fattura?' });
      const messages = received[0]!.body.messages;
      // system, the example (the corrected question and the user's answer to it), then the question.
      expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(messages[1]).toEqual({ role: 'user', content: question });
      expect(messages[2]).toEqual({ role: 'assistant', content: correction });
      expect(messages[3]).toEqual({ role: 'user', content: 'Mediamente quanto vale una fattura?' });
      expect(messages[0]!.content).toContain(`The user's correction “${correction}” restricts this question (solo le fatture emesse nel 2025); the facts were computed with it.`);
      if (r.facts.intent !== 'average_invoice') throw new Error('wrong facts');
      expect(r.facts.period).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
      // The model's prose left the correction out: the answer still starts by saying it was applied.
      expect(r.answer).toMatch(/^Applico la tua correzione del .*\n\nLa media è calcolata\.$/);
    } finally {
      fx.database.sqlite.prepare('DELETE FROM user_feedback WHERE id = ?').run(info.lastInsertRowid);
    }
  });

  it('is chosen by AI_PROVIDER=openai with AI_BASE_URL, AI_MODEL and AI_API_KEY', async () => {
    behaviour = { kind: 'ok', content: 'From the configured server.' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-provider-'));
    const env = { OPENFATTURE_AI_PROVIDER: 'openai', OPENFATTURE_AI_BASE_URL: baseUrl, OPENFATTURE_AI_MODEL: 'configured-model', OPENFATTURE_AI_API_KEY: 'sk-configured' };
    const app = await App.open({ settings: loadSettings({ env, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
    try {
      const r = await assistantFor(app).ask({ question: 'How many clients do I have?' });
      expect(r).toMatchObject({ answer: 'From the configured server.', provider: 'openai', model: 'configured-model' });
      expect(received[0]).toMatchObject({ auth: 'Bearer sk-configured', body: { model: 'configured-model' } });
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
