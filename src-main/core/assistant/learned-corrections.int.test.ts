// Acceptance (issue 5): a correction submitted on "What's my revenue this month?" appears with the
// answer to "How much revenue did I make this month?" — and not with an unrelated question — using
// the real embedding model (../shared/models) in the real worker, through the App's services.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadSettings } from '../config/load';
import { FeedbackService } from '../feedback/feedback-service';
import { assistantFor } from './assistant-for-app';
import { Assistant } from './assistant';
import { validPartitaIva } from './assistant-fixture';

let dir: string;
let app: App;

const SEED_CORRECTION = {
  agentType: 'chat',
  input: "What's my revenue this month?",
  response: 'Your revenue is €10,000',
  correction: 'Revenue is €12,500 including pending',
  rating: 3,
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-learned-'));
  app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
  const client = app.clients.create({ denominazione: 'Rossi & Figli S.r.l.', partitaIva: validPartitaIva(21) });
  app.invoices.create({ clientId: client.id, lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: 1_000_000, vatRate: 22 }] });
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('learning from corrections', () => {
  it('shows and applies a correction on a similar question, with the real embedding model', async () => {
    const feedback = new FeedbackService(app.database.sqlite, () => app.settings);
    const stored = feedback.recordChat(SEED_CORRECTION);
    const createdAt = (app.database.sqlite.prepare('SELECT created_at FROM user_feedback WHERE id = ?').get(stored.id) as { created_at: string }).created_at;
    const assistant = assistantFor(app);

    const similar = await assistant.ask({ question: 'How much revenue did I make this month?' });
    expect(similar.intent).toBe('revenue');
    expect(similar.learnedFrom).toHaveLength(1);
    expect(similar.learnedFrom![0]).toMatchObject({ feedbackId: stored.id, question: SEED_CORRECTION.input, correction: SEED_CORRECTION.correction, createdAt, method: 'embedding' });
    expect(similar.answer).toContain(`Learned from your correction on ${createdAt.slice(0, 10)}`);
    expect(similar.answer).toContain(SEED_CORRECTION.correction);
    // The answer still carries the figures from the database.
    expect(similar.answer).toMatch(/Your revenue in .* is €12,200\.00/);

    const unrelated = await assistant.ask({ question: 'Which invoices are overdue?' });
    expect(unrelated.learnedFrom).toBeUndefined();
    expect(unrelated.answer).not.toContain(SEED_CORRECTION.correction);

    // Question embeddings are cached: asking again embeds nothing new.
    const cached = () => (app.database.sqlite.prepare('SELECT COUNT(*) AS n FROM embedding_cache').get() as { n: number }).n;
    const before = cached();
    expect(before).toBeGreaterThanOrEqual(3);
    await assistant.ask({ question: 'How much revenue did I make this month?' });
    expect(cached()).toBe(before);

    // Close words, different figure: last month's revenue embeds at ~0.89 but is another period.
    const lastMonth = await assistant.ask({ question: 'What was my revenue last month?' });
    expect(lastMonth.learnedFrom).toBeUndefined();

    // The Italian paraphrase (which the English-trained model scores near 0) is the same reading.
    const italian = await assistant.ask({ question: 'Quanto ho fatturato questo mese?', language: 'it' });
    expect(italian.learnedFrom?.[0]).toMatchObject({ feedbackId: stored.id, method: 'intent' });
    expect(italian.answer).toContain('Appreso dalla tua correzione del');
  });

  it('falls back to shared words when no embedding model is available, with the same outcome', async () => {
    const offline = new Assistant({ db: app.database.db, embedder: null });
    const similar = await offline.ask({ question: 'How much revenue did I make this month?' });
    expect(similar.learnedFrom?.[0]).toMatchObject({ correction: SEED_CORRECTION.correction, method: 'jaccard' });
    const unrelated = await offline.ask({ question: 'Which invoices are overdue?' });
    expect(unrelated.learnedFrom).toBeUndefined();
  });
});
