import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { InputError } from '../errors';
import { exportFeedback, importFeedback, readFeedbackFile } from './feedback-export';
import { feedbackRecordSchema } from './feedback-record';
import { FeedbackService } from './feedback-service';
import { resolvePredictionOutcome } from './prediction-outcome';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-exp-');

function newDb() {
  const d = openTemp();
  const dir = path.dirname(d.path);
  return { d, dir, svc: new FeedbackService(d.sqlite, () => ({ AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7 })) };
}

function populate(d: Database, svc: FeedbackService) {
  svc.recordChat({ agentType: 'chat', input: "What's my revenue this month?", response: 'Your revenue is €10,000', correction: 'Revenue is €12,500 including pending', rating: 3 });
  svc.recordChat({
    agentType: 'chat',
    input: 'Quote "this", then a, comma\nand a newline',
    response: '  spaced  ',
    thumb: 'up',
    comment: 'ok',
    context: { sources: ['invoice:1'], provider: 'builtin', nested: { n: 1.5 } },
    sessionId: 's1',
    messageId: 'm1',
  });
  svc.recordPrediction({ model: 'cash_flow', prediction: '{"amount": 5000, "confidence": 0.8}', actual: '{"amount": 5500}', accurate: false });
  d.sqlite.prepare("INSERT INTO clients(id, denominazione) VALUES (1, 'Rossi Srl')").run();
  d.sqlite.prepare("INSERT INTO invoices(id, number, year, client_id, issue_date, due_date) VALUES (1, 1, 2025, 1, '2025-01-10', '2025-02-09')").run();
  d.sqlite.prepare("INSERT INTO prediction_log(model_name, model_version, invoice_id, predicted_days, predicted_date) VALUES ('cash_flow', '1.0.0', 1, 30, '2025-02-09')").run();
  resolvePredictionOutcome(d.sqlite, 1, { fullyPaid: true, paidDate: '2025-02-12' }, 7);
}

describe('feedback export and import', () => {
  it.each(['feedback.json', 'feedback.jsonl', 'feedback.csv'])('%s re-imports losslessly into a fresh database', (name) => {
    const a = newDb();
    populate(a.d, a.svc);
    const file = path.join(a.dir, name);
    const r = exportFeedback(a.d.sqlite, { output: file });
    expect(r).toMatchObject({ chat: 2, predictions: 2, written: 4 });
    const records = readFeedbackFile(file);
    expect(records.every((rec) => feedbackRecordSchema.safeParse(rec).success)).toBe(true);

    const b = newDb();
    const imp = importFeedback(b.d.sqlite, file);
    // The fresh database has no prediction_log: the one link is reported, everything else is identical.
    expect(imp).toMatchObject({ chat: 2, predictions: 2, skipped: 0, renumbered: 0, unlinked: 1 });
    const again = path.join(b.dir, 'again.json');
    exportFeedback(b.d.sqlite, { output: again });
    const strip = (recs: ReturnType<typeof readFeedbackFile>) => recs.map((x) => (x.kind === 'prediction' ? { ...x, prediction_log_id: null } : x));
    expect(readFeedbackFile(again)).toEqual(strip(readFeedbackFile(file)));

    // Importing the same file again into the original database adds nothing.
    expect(importFeedback(a.d.sqlite, file)).toMatchObject({ chat: 0, predictions: 0, skipped: 4, unlinked: 0 });
  });

  it('--format openai-chat writes the corrections as chat fine-tuning JSONL', () => {
    const a = newDb();
    populate(a.d, a.svc);
    const file = path.join(a.dir, 'train.jsonl');
    expect(exportFeedback(a.d.sqlite, { output: file, format: 'openai-chat' })).toMatchObject({ written: 1 });
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { messages: [{ role: 'user', content: "What's my revenue this month?" }, { role: 'assistant', content: 'Revenue is €12,500 including pending' }] },
    ]);
  });

  it('--since keeps only rows from that day on', () => {
    const a = newDb();
    a.svc.recordChatBatch(
      [
        { agentType: 'chat', input: 'old', response: 'r', rating: 1 },
        { agentType: 'chat', input: 'new', response: 'r', rating: 5 },
      ],
      ['2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z'],
    );
    const file = path.join(a.dir, 'f.json');
    exportFeedback(a.d.sqlite, { output: file, since: '2025-03-01' });
    expect(readFeedbackFile(file).map((r) => (r.kind === 'chat' ? r.user_input : ''))).toEqual(['new']);
  });

  it('refuses an existing file unless forced, and then replaces it whole', () => {
    const a = newDb();
    populate(a.d, a.svc);
    const file = path.join(a.dir, 'notes.csv');
    fs.writeFileSync(file, 'my notes');
    expect(() => exportFeedback(a.d.sqlite, { output: file })).toThrow(/^output: .*notes\.csv already exists; choose another name$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes');
    expect(exportFeedback(a.d.sqlite, { output: file, force: true })).toMatchObject({ file, written: 4 });
    expect(readFeedbackFile(file)).toHaveLength(4);
    expect(fs.readdirSync(a.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a valid empty file when there is nothing to export', () => {
    const a = newDb();
    const file = path.join(a.dir, 'empty.json');
    exportFeedback(a.d.sqlite, { output: file });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('rejects bad export options and bad import files by name, writing nothing', () => {
    const a = newDb();
    populate(a.d, a.svc);
    expect(() => exportFeedback(a.d.sqlite, { output: path.join(a.dir, 'f.txt') })).toThrow(/^output: cannot tell the format/);
    expect(() => exportFeedback(a.d.sqlite, { output: path.join(a.dir, 'nope', 'f.json') })).toThrow(/^output: folder .* does not exist/);
    expect(() => exportFeedback(a.d.sqlite, { output: path.join(a.dir, 'f.json'), since: '2025-02-30' })).toThrow(/^since:/);
    // The extension must fit the format, whether the format is given or implied.
    expect(() => exportFeedback(a.d.sqlite, { output: path.join(a.dir, 'f.json'), format: 'jsonl' })).toThrow(/^output: "f.json" does not fit format jsonl: the name must end in .jsonl or .ndjson/);
    // The database being exported is never an output, even forced and with a matching format.
    expect(() => exportFeedback(a.d.sqlite, { output: path.join(a.dir, 'db.sqlite'), format: 'jsonl', force: true })).toThrow(/^output: .*db\.sqlite is the database of the data folder/);
    expect(fs.readdirSync(a.dir).filter((f) => f !== 'db.sqlite' && !f.startsWith('db.sqlite-'))).toEqual([]);

    const b = newDb();
    const bad = path.join(b.dir, 'bad.jsonl');
    const good = JSON.stringify({ kind: 'chat', id: 1, created_at: '2025-01-01T00:00:00.000Z', agent_type: 'chat', session_id: null, message_id: null, user_input: 'q', ai_response: 'a', user_correction: null, rating: 4, thumb: null, comment: null, context: null, consumed_by_version: null });
    fs.writeFileSync(bad, good + '\n' + good.replace('"rating":4', '"rating":9').replace('"id":1', '"id":2') + '\n');
    let err: unknown;
    try {
      importFeedback(b.d.sqlite, bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^file: line 2: rating:/);
    fs.writeFileSync(bad, good + '\n{"kind":');
    expect(() => importFeedback(b.d.sqlite, bad)).toThrow(/^file: line 2: invalid JSON/);
    expect(b.d.sqlite.prepare('SELECT count(*) AS n FROM user_feedback').get()).toEqual({ n: 0 });
    expect(() => importFeedback(b.d.sqlite, path.join(b.dir, 'missing.json'))).toThrow(/^file: cannot read/);
  });
});
