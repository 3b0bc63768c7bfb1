// Acceptance (issues 5 and 14): a correction submitted on "What's my revenue this month?" shapes the
// answer to "How much revenue did I make this month?" — and not an unrelated question — using the
// real embedding model (../shared/models) in the real worker, through the App's services. A fact
// leads the answer, the computed figure following as the data's view; a restriction ("only 2019")
// makes the answer be computed again with it, for a paraphrase in either language.
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
import { money } from './builtin-provider';
import { formatDay } from './parse-period';

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
  it('leads with a correction the data cannot check on a similar question, the computed figure following as the data\'s view', async () => {
    const feedback = new FeedbackService(app.database.sqlite, () => app.settings);
    const stored = feedback.recordChat(SEED_CORRECTION);
    const createdAt = (app.database.sqlite.prepare('SELECT created_at FROM user_feedback WHERE id = ?').get(stored.id) as { created_at: string }).created_at;
    const assistant = assistantFor(app);

    const similar = await assistant.ask({ question: 'How much revenue did I make this month?' });
    expect(similar.intent).toBe('revenue');
    expect(similar.learnedFrom).toHaveLength(1);
    expect(similar.learnedFrom![0]).toMatchObject({ feedbackId: stored.id, question: SEED_CORRECTION.input, correction: SEED_CORRECTION.correction, createdAt, method: 'intent' });
    expect(similar.applied).toMatchObject({ feedbackId: stored.id, kind: 'fact', description: null });
    // The correction comes first; the figure from the database is labelled as what the data shows.
    const [lead, data] = similar.answer.split('The recorded data, which does not include it, shows:');
    expect(lead).toContain(`According to your correction of ${formatDay(createdAt.slice(0, 10), 'en')}: ${SEED_CORRECTION.correction}`);
    expect(data).toMatch(/Your revenue in .* is €12,200\.00/);
    expect(similar.answer.indexOf(SEED_CORRECTION.correction)).toBeLessThan(similar.answer.indexOf('€12,200.00'));

    const unrelated = await assistant.ask({ question: 'Which invoices are overdue?' });
    expect(unrelated.learnedFrom).toBeUndefined();
    expect(unrelated.answer).not.toContain(SEED_CORRECTION.correction);

    // Close words, different figure: last month's revenue is another period.
    const lastMonth = await assistant.ask({ question: 'What was my revenue last month?' });
    expect(lastMonth.learnedFrom).toBeUndefined();

    // The Italian paraphrase is the same reading; the answer is in Italian, the language of the question.
    const italian = await assistant.ask({ question: 'Quanto ho fatturato questo mese?', fallbackLanguage: 'en' });
    expect(italian.language).toBe('it');
    expect(italian.learnedFrom?.[0]).toMatchObject({ feedbackId: stored.id, method: 'intent' });
    expect(italian.answer).toContain(`Secondo la tua correzione del ${formatDay(createdAt.slice(0, 10), 'it')}: ${SEED_CORRECTION.correction}`);
    expect(italian.answer).toContain(money(1_220_000, 'it'));
    expect(money(1_220_000, 'it')).toMatch(/^12\.200,00\s€$/);
  });

  it('re-runs the query with a correction that restricts the question, for a paraphrase in another language', async () => {
    const feedback = new FeedbackService(app.database.sqlite, () => app.settings);
    const c = app.clients.create({ denominazione: 'Bianchi Costruzioni SpA', partitaIva: validPartitaIva(22) });
    app.invoices.create({ clientId: c.id, issueDate: '2019-06-10', lines: [{ description: 'Ristrutturazione', quantity: 1, unitPriceCents: 500_000, vatRate: 22 }] });
    app.invoices.create({ clientId: c.id, issueDate: '2019-09-10', lines: [{ description: 'Perizia', quantity: 1, unitPriceCents: 100_000, vatRate: 22 }] });
    const stored = feedback.recordChat({ agentType: 'chat', input: "Qual è l'importo medio delle fatture?", response: '…', correction: 'Conta solo le fatture emesse nel 2019', thumb: 'down' });
    const assistant = new Assistant({ connection: app.database.sqlite, embedder: app.rag.embedder });

    const a = await assistant.ask({ question: 'Mediamente quanto vale una fattura?' });
    expect(a.applied).toMatchObject({ feedbackId: stored.id, kind: 'restriction', description: 'solo le fatture emesse nel 2019' });
    if (a.facts.intent !== 'average_invoice') throw new Error(`wrong intent ${a.facts.intent}`);
    // The figure is the 2019 average, computed again: (6.100 € + 1.220 €) / 2.
    expect(a.facts).toMatchObject({ invoiceCount: 2, averageCents: 366_000, period: { from: '2019-01-01', to: '2019-12-31' } });
    expect(a.answer).toMatch(/^Applico la tua correzione del .* \(“Conta solo le fatture emesse nel 2019”\): solo le fatture emesse nel 2019\./);
    expect(a.answer).toContain(`L'importo medio delle fatture nel 2019 è ${money(366_000, 'it')}`);
    // The all-time figure, which the correction rules out, is not in the answer.
    const allTime = await new Assistant({ connection: app.database.sqlite, embedder: null, corrections: { window: 0 } }).ask({ question: "Qual è l'importo medio delle fatture?" });
    if (allTime.facts.intent !== 'average_invoice') throw new Error('wrong intent');
    expect(allTime.facts.averageCents).not.toBe(366_000);
    expect(a.answer).not.toContain(money(allTime.facts.averageCents, 'it'));

    // In English too, and an English question gets an English answer whatever the UI language.
    const en = await assistant.ask({ question: 'What is the average invoice amount?', fallbackLanguage: 'it' });
    expect(en.language).toBe('en');
    expect(en.answer).toMatch(/^Applying your correction of .*: only invoices issued in 2019\./);
    expect(en.answer).toContain(money(366_000, 'en'));
    expect(money(366_000, 'en')).toBe('€3,660.00');
  });

  it('matches by reading and concepts when no embedding model is available, with the same outcome', async () => {
    const offline = new Assistant({ connection: app.database.sqlite, embedder: null });
    const similar = await offline.ask({ question: 'How much revenue did I make this month?' });
    expect(similar.learnedFrom?.[0]).toMatchObject({ correction: SEED_CORRECTION.correction, method: 'intent' });
    const unrelated = await offline.ask({ question: 'Which invoices are overdue?' });
    expect(unrelated.learnedFrom).toBeUndefined();
  });
});
