import { describe, expect, it } from 'vitest';
import { evaluateMatches, labelCandidates } from './matcher-evaluation';
import { loadMatcher, ruleScorer, serializeMatcher, trainLogistic } from './match-scorers';
import { answersOf, replayMonths, statementMonths } from './statement-replay';
import { generateBook, generateStatement } from './synthetic-statements';

describe('matching noisy synthetic statements month by month', () => {
  const book = generateBook({ seed: 11, clients: 50, invoices: 1200, from: '2024-01-01', days: 540 });
  const statement = generateStatement({ ...book, seed: 12 });
  const answers = answersOf(statement);
  const months = statementMonths(statement);
  const half = Math.floor(months.length / 2);

  it('version 0 ranks the right invoices first for most credits and auto-accepts only right ones', () => {
    const e = evaluateMatches(replayMonths(book, statement, months.slice(half), ruleScorer()).matches, answers, 0.98);
    expect(e.paying).toBeGreaterThan(300);
    expect(e.top1Accuracy).toBeGreaterThan(0.9);
    expect(e.autoAcceptPrecision).toBeGreaterThanOrEqual(0.99);
    // The ceiling counts credits whose answer is ranked at all: at least the top-1 hits, and most credits.
    expect(e.answerRanked).toBeGreaterThanOrEqual(e.top1Correct);
    expect(e.answerRanked / e.paying).toBeGreaterThan(0.95);
  });

  it('a credit whose answer is not among its candidates counts as paying but not as ranked', () => {
    const matches = replayMonths(book, statement, months.slice(half), ruleScorer()).matches;
    const m = matches.find((x) => (answers.get(x.credit.key)?.length ?? 0) > 0 && x.candidates.length > 0)!;
    const missing = new Map([[m.credit.key, [-1]]]);
    const e = evaluateMatches([m], missing, 0.98);
    expect(e).toMatchObject({ paying: 1, top1Correct: 0, answerRanked: 0 });
    expect(evaluateMatches([m], answers, 0.98).answerRanked).toBe(1);
  });

  it('a model trained on the earlier months confirmations does at least as well on the later ones and auto-accepts more', () => {
    const train = replayMonths(book, statement, months.slice(0, half), ruleScorer());
    const model = loadMatcher(serializeMatcher(trainLogistic(labelCandidates(train.matches, answers))), '1.0.0');
    const test = months.slice(half);
    const v0 = evaluateMatches(replayMonths(book, statement, test, ruleScorer()).matches, answers, 0.98);
    const trained = evaluateMatches(replayMonths(book, statement, test, model).matches, answers, 0.98);
    expect(trained.top1Accuracy).toBeGreaterThanOrEqual(v0.top1Accuracy - 0.005);
    expect(trained.autoAcceptPrecision).toBeGreaterThanOrEqual(0.99);
    expect(trained.autoAccepted).toBeGreaterThan(v0.autoAccepted);
  });

  it('matches partial and combined payments', () => {
    const matches = replayMonths(book, statement, months, ruleScorer()).matches;
    const kindOf = new Map(statement.truth.map((t) => [t.key, t.kind]));
    const right = (kind: string) => {
      const ms = matches.filter((m) => kindOf.get(m.credit.key) === kind);
      const ok = ms.filter((m) => m.candidates[0] && [...m.candidates[0].invoiceIds].join() === [...answers.get(m.credit.key)!].sort((a, b) => a - b).join());
      return { n: ms.length, ok: ok.length };
    };
    const partial = right('partial');
    const combined = right('combined');
    expect(partial.n).toBeGreaterThan(10);
    expect(combined.n).toBeGreaterThan(10);
    expect(partial.ok / partial.n).toBeGreaterThan(0.7);
    expect(combined.ok / combined.n).toBeGreaterThan(0.8);
  });
});
