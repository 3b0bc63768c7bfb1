import { describe, expect, it } from 'vitest';
import { answersOf, replayMonths, statementMonths } from './statement-replay';
import { generateBook, generateStatement } from './synthetic-statements';
import { holdoutTop1, matchOutcomeSchema, matchPredictionSchema, predictionOf, trainingRows, wasAccurate, type MatchFeedback } from './matcher-feedback';
import { loadMatcher, ruleScorer, serializeMatcher, trainLogistic } from './match-scorers';
import { sameInvoices } from './payment-matcher';

const book = generateBook({ seed: 21, clients: 40, invoices: 900, from: '2024-01-01', days: 420 });
const statement = generateStatement({ ...book, seed: 22 });
const answers = answersOf(statement);
const months = statementMonths(statement);
const half = Math.floor(months.length / 2);

/** What the user's answers to the suggestions would record. */
function feedbackFor(ms: string[]): MatchFeedback[] {
  return replayMonths(book, statement, ms, ruleScorer()).matches.map((m) => {
    const answer = [...answers.get(m.credit.key)!];
    const top = m.candidates[0];
    const action = answer.length === 0 ? 'rejected' : top && sameInvoices(top.invoiceIds, answer) ? 'confirmed' : 'corrected';
    return { prediction: predictionOf(m, '0.0.0'), outcome: { action, invoiceIds: answer } };
  });
}

describe('matcher feedback', () => {
  const train = feedbackFor(months.slice(0, half));
  const held = feedbackFor(months.slice(half));

  it('records fit their schemas and the feedback size limit', () => {
    for (const r of train.slice(0, 200)) {
      expect(matchPredictionSchema.parse(JSON.parse(JSON.stringify(r.prediction)))).toEqual(r.prediction);
      expect(matchOutcomeSchema.parse(r.outcome)).toEqual(r.outcome);
      expect(JSON.stringify(r.prediction).length).toBeLessThan(64 * 1024);
    }
  });

  it('marks a confirmed suggestion accurate and a corrected one not', () => {
    const confirmed = train.find((r) => r.outcome.action === 'confirmed')!;
    const corrected = train.find((r) => r.outcome.action === 'corrected')!;
    expect(wasAccurate(confirmed.prediction, confirmed.outcome)).toBe(true);
    expect(wasAccurate(corrected.prediction, corrected.outcome)).toBe(false);
  });

  it('a model trained on the confirmations scores at least as well as version 0 on held-out confirmations', () => {
    const rows = trainingRows(train);
    expect(rows.filter((r) => r.label === 1).length).toBeGreaterThan(200);
    const model = loadMatcher(serializeMatcher(trainLogistic(rows)), '1.0.0');
    const v0 = holdoutTop1(ruleScorer(), held);
    const trained = holdoutTop1(model, held);
    expect(v0.n).toBeGreaterThan(200);
    expect(trained.n).toBe(v0.n);
    expect(trained.top1Accuracy).toBeGreaterThanOrEqual(v0.top1Accuracy - 0.005);
    expect(trained.top1Accuracy).toBeGreaterThan(0.9);
  });

  it('an undone automatic match teaches that its suggestion was wrong, and nothing else', () => {
    const r = train.find((x) => x.prediction.candidates.length >= 2 && x.outcome.action === 'confirmed')!;
    const rows = trainingRows([{ prediction: r.prediction, outcome: { action: 'undone', invoiceIds: r.outcome.invoiceIds } }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBe(0);
    expect(trainingRows([{ prediction: r.prediction, outcome: { action: 'auto', invoiceIds: r.outcome.invoiceIds } }])).toEqual([]);
  });
});
