// The payment matcher on the generic model lifecycle: the user's answers to suggestions (recorded as
// BankService writes them, dated as they were given over months of statements) count toward the
// matcher's min_feedback_count trigger; a retrain trains in the worker, is compared with the
// rule-based version 0 and with the active version on answers neither saw, deploys only when better,
// and can be rolled back.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PredictionRepository } from '../feedback/prediction-repository';
import { ModelLifecycle } from '../ml/retraining/model-lifecycle';
import { RetrainingRunRepository } from '../ml/retraining/retraining-run-repository';
import { lifecycleFixture, type LifecycleFixture } from '../ml/retraining/tiny-model-spec.fixture';
import { createPaymentMatcherSpec, PAYMENT_MATCHER } from '../ml/registry/payment-matcher-spec';
import { MATCHER_ENTITY_TYPE, predictionOf, wasAccurate, type MatchAction } from './matcher-feedback';
import { ruleScorer } from './match-scorers';
import { sameInvoices } from './payment-matcher';
import { answersOf, replayMonths, statementMonths } from './statement-replay';
import { generateBook, generateStatement } from './synthetic-statements';

let fx: LifecycleFixture;
const savedToday = process.env.OPENFATTURE_TODAY;
afterEach(async () => {
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
  await fx?.close();
});

const book = generateBook({ seed: 31, clients: 60, invoices: 1500, from: '2023-01-01', days: 540 });
const statement = generateStatement({ ...book, seed: 32 });
const answers = answersOf(statement);
const months = statementMonths(statement);

/** The user's answers to the months' suggestions, dated on the day of each credit (as BankService records them). */
function answer(predictions: PredictionRepository, ms: string[]): number {
  let n = 0;
  for (const m of replayMonths(book, statement, ms, ruleScorer()).matches) {
    const truth = [...answers.get(m.credit.key)!];
    const prediction = predictionOf(m, '0.0.0');
    const top = m.candidates[0];
    const action: MatchAction = truth.length === 0 ? 'rejected' : top && sameInvoices(top.invoiceIds, truth) ? 'confirmed' : 'corrected';
    const outcome = { action, invoiceIds: truth };
    predictions.insertFeedback({
      model_name: PAYMENT_MATCHER,
      model_version: '0.0.0',
      entity_type: MATCHER_ENTITY_TYPE,
      entity_id: n + 1,
      prediction: JSON.stringify(prediction),
      actual_outcome: JSON.stringify(outcome),
      was_accurate: wasAccurate(prediction, outcome) ? 1 : 0,
      error_days: null,
      source: 'user',
      prediction_log_id: null,
      consumed_by_version: null,
      created_at: `${m.credit.bookingDate}T12:00:00.000Z`,
    });
    n++;
  }
  return n;
}

describe('payment_matcher on the model registry', () => {
  it('counts answers toward its trigger, retrains in the worker, deploys only when better than version 0 and the active version, rolls back', async () => {
    fx = lifecycleFixture(0, { BANK_MATCHER_MIN_NEW_ANSWERS: 50 });
    const lc = new ModelLifecycle({ database: fx.database, worker: fx.worker, logger: fx.log.logger, modelsDir: path.join(fx.dir, '.models'), settings: () => fx.settings, specs: [createPaymentMatcherSpec()] });
    const predictions = new PredictionRepository(fx.database.sqlite);
    const third = Math.floor(months.length / 3);
    const first = months.slice(0, 2 * third);
    const later = months.slice(2 * third);
    process.env.OPENFATTURE_TODAY = `${first.at(-1)}-28`;

    expect(lc.triggers.feedbackSince(PAYMENT_MATCHER)).toBe(0);
    const given = answer(predictions, first);
    expect(lc.triggers.feedbackSince(PAYMENT_MATCHER)).toBe(given);
    const triggers = lc.triggers.evaluate(PAYMENT_MATCHER, { record: true });
    expect(triggers.fired).toBe(true);

    const r1 = await lc.retrain(PAYMENT_MATCHER, { reasons: triggers.reasons });
    expect(r1.outcome).toBe('deployed');
    expect(r1.candidateVersion).toBe('1.0.0');
    // Compared with version 0 on answers it was not trained on: a lower top-1 error rate.
    expect(r1.holdout!.rows).toBeGreaterThan(50);
    expect(r1.candidate!.mae).toBeLessThanOrEqual(r1.baseline!.mae);
    expect(r1.candidate!.accuracy).toBeGreaterThan(0.9);
    expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe('1.0.0');

    // A retrain with nothing new keeps 1.0.0.
    const same = await lc.retrain(PAYMENT_MATCHER, { reasons: ['manual'] });
    expect(same.outcome).toBe('kept-current');
    expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe('1.0.0');

    // Months later: more answers fire the trigger again; the candidate is deployed only if it beats 1.0.0.
    process.env.OPENFATTURE_TODAY = `${later.at(-1)}-28`;
    answer(predictions, later);
    expect(lc.triggers.evaluate(PAYMENT_MATCHER).reasons).toContain('min_feedback_count');
    fx.settings = { ...fx.settings, BANK_MATCHER_MIN_IMPROVEMENT: 0 };
    lc.updateSettings(fx.settings);
    const r2 = await lc.retrain(PAYMENT_MATCHER, { reasons: ['min_feedback_count'] });
    if (r2.outcome === 'deployed') {
      expect(r2.candidate!.mae).toBeLessThanOrEqual(r2.active!.mae);
      expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe(r2.candidateVersion);
      const back = lc.rollback(PAYMENT_MATCHER, '1.0.0');
      expect(back.to.version).toBe('1.0.0');
      expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe('1.0.0');
    } else {
      expect(r2.outcome).toBe('kept-current');
      expect(r2.candidate!.mae).toBeGreaterThan(r2.active!.mae);
      expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe('1.0.0');
    }
  }, 240_000);

  it('deploys by the matcher’s own minimum improvement, never the cash-flow model’s', async () => {
    // The cash-flow setting would let anything through; the matcher's asks for half its errors gone.
    fx = lifecycleFixture(0, { ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 0, BANK_MATCHER_MIN_IMPROVEMENT: 0.5 });
    const lc = new ModelLifecycle({ database: fx.database, worker: fx.worker, logger: fx.log.logger, modelsDir: path.join(fx.dir, '.models'), settings: () => fx.settings, specs: [createPaymentMatcherSpec()] });
    const ms = months.slice(0, Math.floor((2 * months.length) / 3));
    process.env.OPENFATTURE_TODAY = `${ms.at(-1)}-28`;
    answer(new PredictionRepository(fx.database.sqlite), ms);
    expect((await lc.retrain(PAYMENT_MATCHER, { reasons: ['manual'] })).candidateVersion).toBe('1.0.0');

    // Retrained on the same answers, the candidate ties with 1.0.0: an improvement of 0.
    const kept = await lc.retrain(PAYMENT_MATCHER, { reasons: ['manual'] });
    expect(kept.outcome).toBe('kept-current');
    expect(kept.improvement).toBe(0);
    expect(kept.reasonMessages).toContainEqual(expect.objectContaining({ code: 'improvement-below-threshold', params: expect.objectContaining({ required: 0.5 }) }));

    fx.settings = { ...fx.settings, ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 1, BANK_MATCHER_MIN_IMPROVEMENT: 0 };
    lc.updateSettings(fx.settings);
    const deployed = await lc.retrain(PAYMENT_MATCHER, { reasons: ['manual'] });
    expect(deployed.outcome).toBe('deployed');
    expect(deployed.reasonMessages).toContainEqual(expect.objectContaining({ code: 'improvement-met', params: expect.objectContaining({ required: 0 }) }));
    expect(lc.versions.active(PAYMENT_MATCHER)!.version).toBe(deployed.candidateVersion);

    // Every reason stored for the matcher speaks its top-1 error rate in percent, never MAE in days.
    const stored = [
      ...lc.versions.list(PAYMENT_MATCHER).map((v) => v.notes ?? ''),
      ...new RetrainingRunRepository(fx.database.sqlite).history(PAYMENT_MATCHER, 50).map((r) => `${r.notes ?? ''} ${r.error ?? ''}`),
    ];
    expect(stored.filter((n) => n.includes('top-1 error rate')).length).toBeGreaterThanOrEqual(3);
    for (const n of stored) expect(n).not.toMatch(/MAE|days|invoices|outcome/);
    expect(stored.join('\n')).toMatch(/holdout: the latest \d+ answered suggestions \(from \d{4}-\d\d-\d\d\)/);
    expect(kept.reason).toMatch(/^top-1 error rate \d+\.\d% vs \d+\.\d% of 1\.0\.0 on the same \d+ unseen answers: improvement 0\.0% < 50\.0% required/);
  }, 240_000);
});
