// What a confirmation, correction or rejection of a suggested match records as feedback, and how the
// matcher learns and is judged from those records. The prediction keeps every candidate that was
// offered with its features (as the matcher computed them at the time, so retraining never depends
// on invoices that have since been paid), the outcome keeps the invoices the user settled on. From
// them: the labelled candidate pairs a scorer is trained on, and top-1 accuracy of any scorer on
// held-out confirmations (the candidates re-scored, the best compared with the user's answer).
import { z } from 'zod';
import { MATCH_FEATURE_COUNT } from './match-features';
import type { LabelledCandidate } from './match-scorers';
import { sameInvoices, type CandidateScorer, type CreditMatch } from './payment-matcher';

export const MATCHER_AGENT_TYPE = 'payment_matcher';
export const MATCHER_ENTITY_TYPE = 'bank_entry';

/** How the user answered a suggestion. `auto` = recorded by auto-accept; `undone` = an automatic match the user took back. */
export const MATCH_ACTIONS = ['confirmed', 'corrected', 'rejected', 'auto', 'undone'] as const;
export type MatchAction = (typeof MATCH_ACTIONS)[number];

/** Candidates kept per record: the feedback JSON stays well under its 64 KiB limit. */
export const MAX_RECORDED_CANDIDATES = 20;

const candidateSchema = z.object({
  kind: z.enum(['single', 'combined', 'partial']),
  invoiceIds: z.array(z.number().int().positive()).min(1).max(50),
  score: z.number().min(0).max(1),
  features: z.array(z.number().finite()).length(MATCH_FEATURE_COUNT),
});

export const matchPredictionSchema = z.object({
  modelVersion: z.string().min(1).max(40),
  confidence: z.number().min(0).max(1),
  candidates: z.array(candidateSchema).max(MAX_RECORDED_CANDIDATES),
});
export type MatchPrediction = z.infer<typeof matchPredictionSchema>;

export const matchOutcomeSchema = z.object({
  action: z.enum(MATCH_ACTIONS),
  /** The invoices the credit pays, as the user settled it ([] = none of them: rejected). */
  invoiceIds: z.array(z.number().int().positive()).max(50),
});
export type MatchOutcome = z.infer<typeof matchOutcomeSchema>;

/** Rounded so the JSON stays small; 6 decimals keep every feature's meaning. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function predictionOf(match: CreditMatch, modelVersion: string): MatchPrediction {
  return {
    modelVersion,
    confidence: round6(match.confidence),
    candidates: match.candidates.slice(0, MAX_RECORDED_CANDIDATES).map((c) => ({ kind: c.kind, invoiceIds: [...c.invoiceIds], score: round6(c.score), features: Array.from(c.features, round6) })),
  };
}

/** Whether the suggestion shown first was what the user settled on. */
export function wasAccurate(prediction: MatchPrediction, outcome: MatchOutcome): boolean {
  const top = prediction.candidates[0];
  if (outcome.invoiceIds.length === 0) return top === undefined;
  return top !== undefined && sameInvoices(top.invoiceIds, outcome.invoiceIds);
}

export interface MatchFeedback {
  prediction: MatchPrediction;
  outcome: MatchOutcome;
}

/** Outcomes a model learns from: an undone automatic match says the suggestion was wrong, not what was right. */
const teaches = (o: MatchOutcome) => o.action !== 'auto';

/** Labelled candidate pairs: the settled candidate 1, every other offered candidate 0 (all 0 for a rejection or an undo). */
export function trainingRows(records: readonly MatchFeedback[]): LabelledCandidate[] {
  const rows: LabelledCandidate[] = [];
  for (const { prediction, outcome } of records) {
    if (!teaches(outcome)) continue;
    for (const c of prediction.candidates) {
      const right = outcome.action !== 'undone' && outcome.invoiceIds.length > 0 && sameInvoices(c.invoiceIds, outcome.invoiceIds);
      if (outcome.action === 'undone' && !sameInvoices(c.invoiceIds, prediction.candidates[0]?.invoiceIds ?? [])) continue;
      rows.push({ features: c.features, label: right ? 1 : 0 });
    }
  }
  return rows;
}

export interface HoldoutScore {
  /** Records whose answer was among the offered candidates. */
  n: number;
  top1Correct: number;
  top1Accuracy: number;
}

/** Top-1 accuracy of a scorer on confirmed and corrected matches whose answer was among the candidates. */
export function holdoutTop1(scorer: CandidateScorer, records: readonly MatchFeedback[]): HoldoutScore {
  let n = 0;
  let correct = 0;
  for (const { prediction, outcome } of records) {
    if (outcome.action !== 'confirmed' && outcome.action !== 'corrected') continue;
    if (outcome.invoiceIds.length === 0 || !prediction.candidates.some((c) => sameInvoices(c.invoiceIds, outcome.invoiceIds))) continue;
    n++;
    let best = -1;
    let bestIds: number[] = [];
    for (const c of prediction.candidates) {
      const s = scorer.score(Float64Array.from(c.features));
      if (s > best) {
        best = s;
        bestIds = c.invoiceIds;
      }
    }
    if (sameInvoices(bestIds, outcome.invoiceIds)) correct++;
  }
  return { n, top1Correct: correct, top1Accuracy: n ? correct / n : NaN };
}
