// Each model retrains by its own thresholds: the cash-flow model by the seed's ML_RETRAINING_*, the
// payment matcher by BANK_MATCHER_*. On one real database holding outcomes of both, the same counts,
// ages and accuracy drops fire one model's trigger and not the other's, each way round.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../config/settings';
import { PredictionRepository } from '../../feedback/prediction-repository';
import { CASH_FLOW, createCashFlowSpec } from '../registry/cash-flow-spec';
import { createPaymentMatcherSpec, PAYMENT_MATCHER } from '../registry/payment-matcher-spec';
import { ModelLifecycle } from './model-lifecycle';
import { lifecycleFixture, type LifecycleFixture } from './tiny-model-spec.fixture';
import type { TriggerEvaluation, TriggerName } from './trigger-evaluator';

let fx: LifecycleFixture;
afterEach(async () => {
  await fx?.close();
});

function lifecycle(): ModelLifecycle {
  return new ModelLifecycle({
    database: fx.database,
    worker: fx.worker,
    logger: fx.log.logger,
    modelsDir: path.join(fx.dir, '.models'),
    settings: () => fx.settings,
    specs: [createCashFlowSpec(), createPaymentMatcherSpec()],
  });
}

function configure(lc: ModelLifecycle, s: Partial<Settings>): void {
  fx.settings = { ...fx.settings, ...s };
  lc.updateSettings(fx.settings);
}

let entity = 0;
/** `n` resolved outcomes of `model` (served by `version`), `accurate` of them right. */
function outcomes(model: string, n: number, opts: { version?: string | null; accurate?: number } = {}): void {
  const repo = new PredictionRepository(fx.database.sqlite);
  const accurate = opts.accurate ?? n;
  for (let i = 0; i < n; i++) {
    repo.insertFeedback({
      model_name: model,
      model_version: opts.version ?? null,
      entity_type: model === PAYMENT_MATCHER ? 'bank_entry' : 'invoice',
      entity_id: ++entity,
      prediction: '{}',
      actual_outcome: '{}',
      was_accurate: i < accurate ? 1 : 0,
      error_days: null,
      source: model === PAYMENT_MATCHER ? 'user' : 'auto-outcome',
      prediction_log_id: null,
      consumed_by_version: null,
      created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, entity)).toISOString(),
    });
  }
}

function trigger(e: TriggerEvaluation, name: TriggerName) {
  const t = e.triggers.find((x) => x.name === name);
  expect(t, `${e.model} has a ${name} trigger`).toBeDefined();
  return t!;
}

describe('retraining thresholds per model', () => {
  it('fires the new-examples trigger at each model’s own count', () => {
    fx = lifecycleFixture(0);
    const lc = lifecycle();
    outcomes(CASH_FLOW, 12);
    outcomes(PAYMENT_MATCHER, 12);

    configure(lc, { ML_RETRAINING_MIN_FEEDBACK_COUNT: 20, BANK_MATCHER_MIN_NEW_ANSWERS: 10 });
    let cash = trigger(lc.triggers.evaluate(CASH_FLOW), 'min_feedback_count');
    let matcher = trigger(lc.triggers.evaluate(PAYMENT_MATCHER), 'min_feedback_count');
    expect([cash.value, cash.threshold, cash.fired]).toEqual([12, 20, false]);
    expect([matcher.value, matcher.threshold, matcher.fired]).toEqual([12, 10, true]);

    configure(lc, { ML_RETRAINING_MIN_FEEDBACK_COUNT: 10, BANK_MATCHER_MIN_NEW_ANSWERS: 20 });
    cash = trigger(lc.triggers.evaluate(CASH_FLOW), 'min_feedback_count');
    matcher = trigger(lc.triggers.evaluate(PAYMENT_MATCHER), 'min_feedback_count');
    expect([cash.value, cash.threshold, cash.fired]).toEqual([12, 10, true]);
    expect([matcher.value, matcher.threshold, matcher.fired]).toEqual([12, 20, false]);
    // What the Models page and `ai retrain status` show: each model's own threshold, in its own words.
    const detail = (model: string) => lc.status(model).triggers.find((t) => t.name === 'min_feedback_count')!.detail;
    expect(detail(PAYMENT_MATCHER)).toBe('12 new answered suggestions since the start (threshold 20)');
    expect(detail(CASH_FLOW)).toBe('12 new outcome(s) since the start (threshold 10)');
  });

  it('fires the age and accuracy-drop triggers by each model’s own thresholds', async () => {
    fx = lifecycleFixture(0);
    const lc = lifecycle();
    // An active version of each, trained now, whose baseline (97% on 100 rows) live accuracy is
    // compared with: 85 right out of the latest 100 — a 12.4% relative drop.
    for (const model of [CASH_FLOW, PAYMENT_MATCHER]) {
      await lc.versions.register({
        model,
        artifact: JSON.stringify({ model }),
        status: 'active',
        triggerReasons: ['manual'],
        trainingRows: 100,
        trainingCutoff: '2025-01-01',
        metrics: {},
        baselineAccuracy: 0.97,
        baselineSample: 100,
        parentVersion: null,
        dryRun: false,
      });
      outcomes(model, 100, { version: '1.0.0', accurate: 85 });
    }
    const later = new Date(Date.parse(lc.versions.active(CASH_FLOW)!.createdAt) + 10 * 86_400_000);

    configure(lc, {
      ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 7,
      ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD: 0.2,
      BANK_MATCHER_MAX_DAYS_SINCE_TRAINING: 30,
      BANK_MATCHER_ACCURACY_DROP_THRESHOLD: 0.05,
    });
    let cash = lc.triggers.evaluate(CASH_FLOW, { now: later, record: false });
    let matcher = lc.triggers.evaluate(PAYMENT_MATCHER, { now: later, record: false });
    expect(trigger(cash, 'max_days_since_training')).toMatchObject({ threshold: 7, fired: true });
    expect(trigger(matcher, 'max_days_since_training')).toMatchObject({ threshold: 30, fired: false });
    expect(trigger(cash, 'performance_degradation')).toMatchObject({ value: 0.1237, threshold: 0.2, fired: false });
    expect(trigger(matcher, 'performance_degradation')).toMatchObject({ value: 0.1237, threshold: 0.05, fired: true });
    expect(trigger(matcher, 'performance_degradation').detail).toMatch(/over the latest 100 answered suggestions vs baseline 97\.0% on 100: drop of 12\.4% \(threshold 5\.0%\)$/);
    expect(trigger(cash, 'performance_degradation').detail).toMatch(/over the latest 100 resolved predictions vs baseline 97\.0% on 100: drop of 12\.4% \(threshold 20\.0%\)$/);

    configure(lc, {
      ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 30,
      ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD: 0.05,
      BANK_MATCHER_MAX_DAYS_SINCE_TRAINING: 7,
      BANK_MATCHER_ACCURACY_DROP_THRESHOLD: 0.2,
    });
    cash = lc.triggers.evaluate(CASH_FLOW, { now: later, record: false });
    matcher = lc.triggers.evaluate(PAYMENT_MATCHER, { now: later, record: false });
    expect(trigger(cash, 'max_days_since_training')).toMatchObject({ threshold: 30, fired: false });
    expect(trigger(matcher, 'max_days_since_training')).toMatchObject({ threshold: 7, fired: true });
    expect(trigger(cash, 'performance_degradation')).toMatchObject({ threshold: 0.05, fired: true });
    expect(trigger(matcher, 'performance_degradation')).toMatchObject({ threshold: 0.2, fired: false });
  });
});
