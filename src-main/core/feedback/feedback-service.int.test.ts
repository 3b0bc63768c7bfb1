import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { InputError } from '../errors';
import { FeedbackService, type FeedbackSettings } from './feedback-service';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-fb-');
function setup(settings: Partial<FeedbackSettings> = {}) {
  const d = openTemp();
  const s: FeedbackSettings = { AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7, ...settings };
  return { d, svc: new FeedbackService(d.sqlite, () => s) };
}
const count = (d: Database, table: string) => (d.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

const seedChat = {
  agentType: 'chat',
  input: "What's my revenue this month?",
  response: 'Your revenue is €10,000',
  correction: 'Revenue is €12,500 including pending',
  rating: 3,
};

describe('FeedbackService', () => {
  it('stores chat feedback with its question, answer, correction, rating and context', () => {
    const { d, svc } = setup();
    const r = svc.recordChat({ ...seedChat, context: '{"sources":["invoice:12"],"provider":"builtin"}', thumb: 'down' });
    expect(r.collectionEnabled).toBe(true);
    const row = d.sqlite.prepare('SELECT * FROM user_feedback WHERE id = ?').get(r.id) as Record<string, unknown>;
    expect(row).toMatchObject({
      agent_type: 'chat',
      user_input: seedChat.input,
      ai_response: seedChat.response,
      user_correction: seedChat.correction,
      rating: 3,
      thumb: 'down',
      question_norm: 'what s my revenue this month',
    });
    expect(JSON.parse(row.context as string)).toEqual({ sources: ['invoice:12'], provider: 'builtin' });
  });

  it.each([
    [{ ...seedChat, rating: 6 }, /^rating: must be an integer from 1 to 5/],
    [{ ...seedChat, rating: 2.5 }, /^rating:/],
    [{ ...seedChat, input: '   ' }, /^input: must not be empty/],
    [{ ...seedChat, input: undefined }, /^input: required/],
    [{ ...seedChat, response: '' }, /^response: must not be empty/],
    [{ ...seedChat, context: '{not json' }, /^context: invalid JSON/],
    [{ ...seedChat, context: '[1,2]' }, /^context: expected a JSON object/],
    [{ ...seedChat, thumb: 'sideways' }, /^thumb: expected up or down/],
    [{ ...seedChat, agentType: 'chat bot' }, /^agentType:/],
    [{ agentType: 'chat', input: 'q', response: 'a' }, /^feedback: give at least one of/],
    [{ ...seedChat, correction: ' ' }, /^correction: must not be empty/],
    [{ ...seedChat, extra: 1 }, /Unrecognized key/],
  ])('rejects bad chat input %#, naming the field, and writes nothing', (input, message) => {
    const { d, svc } = setup();
    let err: unknown;
    try {
      svc.recordChat(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
    expect(count(d, 'user_feedback')).toBe(0);
    expect(count(d, 'feedback_daily')).toBe(0);
  });

  it('stores prediction feedback as the seed writes it, with the active model version', () => {
    const { d, svc } = setup();
    d.sqlite.prepare("INSERT INTO model_versions(model_name, version, status, deployed_at) VALUES ('cash_flow', '1.2.0', 'active', '2025-01-01T00:00:00.000Z')").run();
    const r = svc.recordPrediction({ model: 'cash_flow', prediction: '{"amount": 5000, "confidence": 0.8}', actual: '{"amount": 5500}', accurate: false });
    expect(r).toMatchObject({ model: 'cash_flow', version: '1.2.0', wasAccurate: false, errorDays: null });
    const row = d.sqlite.prepare('SELECT * FROM model_prediction_feedback').get() as Record<string, unknown>;
    expect(row).toMatchObject({ model_name: 'cash_flow', model_version: '1.2.0', was_accurate: 0, source: 'user' });
    expect(JSON.parse(row.prediction as string)).toEqual({ amount: 5000, confidence: 0.8 });
  });

  it('judges dated predictions with the tolerance when accurate is not given', () => {
    const { svc } = setup({ ML_TOLERANCE_DAYS: 3 });
    const near = svc.recordPrediction({ model: 'cash_flow', prediction: { date: '2025-02-15' }, actual: { date: '2025-02-17' } });
    expect(near).toMatchObject({ wasAccurate: true, errorDays: 2 });
    const far = svc.recordPrediction({ model: 'cash_flow', prediction: { date: '2025-02-15' }, actual: { date: '2025-02-10' } });
    expect(far).toMatchObject({ wasAccurate: false, errorDays: -5 });
  });

  it.each([
    [{ model: 'weather', prediction: '{"a":1}', accurate: true }, /^model: unknown model "weather" \(known: cash_flow, payment_matcher\)/],
    [{ model: '', prediction: '{"a":1}', accurate: true }, /^model: must not be empty/],
    [{ model: 'cash_flow', prediction: '{"a":', accurate: true }, /^prediction: invalid JSON/],
    [{ model: 'cash_flow', prediction: '{}', accurate: true }, /^prediction: must not be an empty object/],
    [{ model: 'cash_flow', prediction: '{"a":1}', actual: 'oops', accurate: true }, /^actual: invalid JSON/],
    [{ model: 'cash_flow', prediction: '{"a":1}', actual: '{"b":2}' }, /^accurate: required/],
    [{ model: 'cash_flow', version: 'v1', prediction: '{"a":1}', accurate: true }, /^version: expected a semantic version/],
  ])('rejects bad prediction input %#, naming the field, and writes nothing', (input, message) => {
    const { d, svc } = setup();
    expect(() => svc.recordPrediction(input)).toThrow(message);
    expect(count(d, 'model_prediction_feedback')).toBe(0);
  });

  it('still stores explicit submissions when collection is disabled, and says so', () => {
    const { d, svc } = setup({ AI_FEEDBACK_ENABLED: false });
    expect(svc.collectionEnabled).toBe(false);
    expect(svc.recordChat(seedChat).collectionEnabled).toBe(false);
    expect(count(d, 'user_feedback')).toBe(1);
  });

  it('stores a batch all or nothing, naming the bad row', () => {
    const { d, svc } = setup();
    expect(() => svc.recordChatBatch([seedChat, { ...seedChat, rating: 0 }])).toThrow(/^row 2: rating:/);
    expect(count(d, 'user_feedback')).toBe(0);
    expect(svc.recordChatBatch([seedChat, seedChat], ['2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z'])).toMatchObject({ inserted: 2 });
    expect(d.sqlite.prepare('SELECT day, total FROM feedback_daily ORDER BY day').all()).toEqual([
      { day: '2025-01-01', total: 1 },
      { day: '2025-01-02', total: 1 },
    ]);
  });
});
