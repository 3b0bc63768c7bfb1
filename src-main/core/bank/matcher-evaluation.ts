// Measuring a matcher against known answers (the user's confirmations, or a synthetic statement's
// truth): top-1 accuracy over the credits that pay invoices, and the precision and share of the
// credits that auto-accept would have recorded at a threshold. Also turns answered matches into the
// labelled candidate pairs a scorer is trained on.
import type { LabelledCandidate } from './match-scorers';
import { sameInvoices, type CreditMatch } from './payment-matcher';

/** credit key → the invoices it pays ([] = it pays none). */
export type MatchAnswers = ReadonlyMap<string, readonly number[]>;

export interface MatcherEvaluation {
  /** Credits with an answer. */
  credits: number;
  /** Credits with an answer that pays invoices. */
  paying: number;
  top1Correct: number;
  top1Accuracy: number;
  /** Paying credits whose answer is among the candidates at all: the most top-1 any scorer can reach. */
  answerRanked: number;
  autoAccepted: number;
  autoAcceptedCorrect: number;
  /** Correct / accepted (1 when nothing was accepted). */
  autoAcceptPrecision: number;
  /** Accepted / credits. */
  autoAcceptShare: number;
}

export function evaluateMatches(matches: readonly CreditMatch[], answers: MatchAnswers, threshold: number): MatcherEvaluation {
  let credits = 0;
  let paying = 0;
  let top1Correct = 0;
  let answerRanked = 0;
  let autoAccepted = 0;
  let autoAcceptedCorrect = 0;
  for (const m of matches) {
    const answer = answers.get(m.credit.key);
    if (answer === undefined) continue;
    credits++;
    const top = m.candidates[0];
    const correct = top !== undefined && answer.length > 0 && sameInvoices(top.invoiceIds, answer);
    if (answer.length > 0) {
      paying++;
      if (correct) top1Correct++;
      if (m.candidates.some((c) => sameInvoices(c.invoiceIds, answer))) answerRanked++;
    }
    if (top !== undefined && m.confidence >= threshold) {
      autoAccepted++;
      if (correct) autoAcceptedCorrect++;
    }
  }
  return {
    credits,
    paying,
    top1Correct,
    top1Accuracy: paying ? top1Correct / paying : NaN,
    answerRanked,
    autoAccepted,
    autoAcceptedCorrect,
    autoAcceptPrecision: autoAccepted ? autoAcceptedCorrect / autoAccepted : 1,
    autoAcceptShare: credits ? autoAccepted / credits : 0,
  };
}

/** Every candidate of an answered credit, labelled 1 when it is the answer. */
export function labelCandidates(matches: readonly CreditMatch[], answers: MatchAnswers): LabelledCandidate[] {
  const rows: LabelledCandidate[] = [];
  for (const m of matches) {
    const answer = answers.get(m.credit.key);
    if (answer === undefined) continue;
    for (const c of m.candidates) rows.push({ features: c.features, label: answer.length > 0 && sameInvoices(c.invoiceIds, answer) ? 1 : 0 });
  }
  return rows;
}
