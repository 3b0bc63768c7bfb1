// The three retraining triggers of the seed (DESIGN §4): new feedback/outcomes since the model was
// last evaluated ≥ MIN_FEEDBACK_COUNT, days since training ≥ MAX_DAYS_SINCE_TRAINING (the app's
// clock), and live accuracy (share of the latest resolved predictions of the active version that
// were accurate) clearly below the version's baseline: by more than PERFORMANCE_DEGRADATION_THRESHOLD
// (relative) even at the upper confidence bound of the live figure, and only once the baseline rests
// on enough predictions. The baseline is measured at retrain time on the invoices paid after the
// candidate's cut-off — the same kind of invoices live accuracy resolves (recently paid ones), not
// only the quickly paid recent issues, against which an unchanged model looked 20% worse. A trigger that is met
// does not start a retrain while the active version is pinned by a rollback, nor when no outcome
// arrived since the last evaluation (the same data would give the same verdict). Every evaluation
// is written to retraining_runs with each figure and threshold, fired or not. The thresholds are the
// model's own (ModelSpec.thresholds): the seed's ML_RETRAINING_* for cash_flow, BANK_MATCHER_* for
// the payment matcher.
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../../db/database';
import { appNow, appNowIso } from '../../dates';
import type { Logger } from '../../logger';
import type { RetrainingThresholds } from '../model-spec';
import type { ModelVersionManager, VersionInfo } from '../registry/model-version-manager';
import { englishText, englishTexts, type RetrainingMessage } from './retraining-message';
import { latestResolvedOfVersion, outcomesSinceLastEvaluation } from './retraining-runs';
import { RetrainingRunRepository } from './retraining-run-repository';

export { pct } from './retraining-message';

export type TriggerName = 'min_feedback_count' | 'max_days_since_training' | 'performance_degradation' | 'no_active_model';

export interface TriggerValue {
  name: TriggerName;
  /** The measured figure (count, days, relative drop); null when it cannot be measured yet. */
  value: number | null;
  threshold: number;
  fired: boolean;
  /** The English sentence of `message`, for logs and the CLI. */
  detail: string;
  message: RetrainingMessage;
}

export interface TriggerEvaluation {
  model: string;
  evaluatedAt: string;
  activeVersion: string | null;
  /** A retrain should start: a trigger is met and nothing holds it. */
  fired: boolean;
  /** The triggers that are met (also when held). */
  reasons: TriggerName[];
  triggers: TriggerValue[];
  /** Why met triggers start no retrain: the active version is pinned, or nothing new since the last evaluation. */
  held: RetrainingMessage | null;
  /** Live accuracy figures behind performance_degradation. */
  /** Live accuracy over the latest resolved predictions, and the version's baseline and how many predictions it rests on. */
  live: { accuracy: number | null; sample: number; upper: number | null; baselineAccuracy: number | null; baselineSample: number };
  /** Outcomes and feedback recorded since the model was last evaluated (a retrain that compared a candidate). */
  feedbackSinceTraining: number;
  lastEvaluationAt: string | null;
  pinnedVersion: string | null;
  /** retraining_runs id when recorded. */
  runId: number | null;
}

/** Resolved predictions considered for live accuracy, newest first. Measured on the demo data
 * (drift-scenario.int.test.ts): over 50 predictions a seasonal month alone moved accuracy 24% below
 * baseline with no drift; over 100 the no-drift run stays above baseline and a drifting client still
 * shows a drop of ~40%. */
export const LIVE_ACCURACY_WINDOW = 100;
/** Below this many resolved predictions live accuracy is too noisy to act on. */
export const LIVE_ACCURACY_MIN_SAMPLE = 20;
/** Predictions a baseline accuracy must rest on before a drop from it may fire. */
export const BASELINE_MIN_SAMPLE = 50;
/** One-sided 95% normal quantile for the upper confidence bound of live accuracy. */
const Z_UPPER = 1.645;

/** Upper Wilson score bound of a proportion. */
export function wilsonUpper(p: number, n: number, z = Z_UPPER): number {
  if (n <= 0) return 1;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + margin) / (1 + z2 / n));
}

const DAY_MS = 86_400_000;

export class TriggerEvaluator {
  private readonly sqlite: BetterSqlite3.Database;

  constructor(
    database: Database,
    private readonly versions: ModelVersionManager,
    /** The model's thresholds under the current settings (its spec names which settings), and what
     * its feedback rows are when they are its examples (trigger texts count them by that name). */
    private readonly policy: (model: string) => { thresholds: RetrainingThresholds; examples: { model: string; label: string } | null },
    private readonly logger: Logger,
  ) {
    this.sqlite = database.sqlite;
  }

  feedbackSince(model: string): number {
    return outcomesSinceLastEvaluation(this.sqlite, model).count;
  }

  /** Live accuracy over the version's latest resolved predictions, with its stored baseline. */
  liveAccuracy(model: string, version: VersionInfo): TriggerEvaluation['live'] {
    const rows = latestResolvedOfVersion(this.sqlite, model, version.version, LIVE_ACCURACY_WINDOW);
    const base = { baselineAccuracy: version.baselineAccuracy, baselineSample: version.baselineSample ?? 0 };
    if (rows.length < LIVE_ACCURACY_MIN_SAMPLE) return { accuracy: null, sample: rows.length, upper: null, ...base };
    const accuracy = rows.filter((r) => r.was_accurate === 1).length / rows.length;
    return { accuracy, sample: rows.length, upper: wilsonUpper(accuracy, rows.length), ...base };
  }

  /** Measures every trigger; `record` writes the retraining_runs row and the seed's log lines. */
  evaluate(model: string, options: { record?: boolean; now?: Date } = {}): TriggerEvaluation {
    const record = options.record ?? true;
    const { thresholds: th, examples } = this.policy(model);
    const whose = examples ?? {};
    const at = options.now ?? appNow();
    if (record) this.logger.info(`Evaluating retraining triggers for ${model} model`);
    const active = this.versions.active(model);
    const { count: feedback, last } = outcomesSinceLastEvaluation(this.sqlite, model);
    const triggers: TriggerValue[] = [];
    const push = (t: Omit<TriggerValue, 'detail'>) => triggers.push({ ...t, detail: englishText(t.message) });
    push({
      name: 'min_feedback_count',
      value: feedback,
      threshold: th.minNewExamples,
      fired: feedback >= th.minNewExamples,
      message: { code: 'trigger-outcomes-since-evaluation', params: { count: feedback, threshold: th.minNewExamples, since: last?.at ?? null, ...whose } },
    });
    let live: TriggerEvaluation['live'] = { accuracy: null, sample: 0, upper: null, baselineAccuracy: null, baselineSample: 0 };
    if (!active) {
      push({ name: 'no_active_model', value: null, threshold: 0, fired: true, message: { code: 'trigger-no-active-model', params: { model } } });
    } else {
      const days = (at.getTime() - Date.parse(active.createdAt)) / DAY_MS;
      push({
        name: 'max_days_since_training',
        value: round(days, 2),
        threshold: th.maxDaysSinceTraining,
        fired: days >= th.maxDaysSinceTraining,
        message: { code: 'trigger-model-age', params: { days: round(days, 1), threshold: th.maxDaysSinceTraining, version: active.version } },
      });
      live = this.liveAccuracy(model, active);
      const base = live.baselineAccuracy;
      const threshold = th.degradationThreshold;
      if (base === null || base <= 0 || live.baselineSample < BASELINE_MIN_SAMPLE || live.accuracy === null) {
        push({
          name: 'performance_degradation',
          value: live.accuracy !== null && base !== null && base > 0 ? round((base - live.accuracy) / base, 4) : null,
          threshold,
          fired: false,
          message:
            base === null || base <= 0
              ? { code: 'trigger-no-baseline', params: { version: active.version } }
              : live.baselineSample < BASELINE_MIN_SAMPLE
                ? { code: 'trigger-baseline-small', params: { sample: live.baselineSample, needed: BASELINE_MIN_SAMPLE, version: active.version } }
                : { code: 'trigger-accuracy-unmeasured', params: { sample: live.sample, needed: LIVE_ACCURACY_MIN_SAMPLE, version: active.version, ...whose } },
        });
      } else {
        const drop = (base - live.accuracy) / base;
        // Fires only when even the optimistic (upper-bound) live accuracy is below the tolerated level.
        const fired = drop > threshold && live.upper! < base * (1 - threshold);
        push({
          name: 'performance_degradation',
          value: round(drop, 4),
          threshold,
          fired,
          message: {
            code: 'trigger-accuracy-drop',
            params: { accuracy: live.accuracy, sample: live.sample, upper: live.upper!, baseline: base, baselineSample: live.baselineSample, drop, threshold, ...whose },
          },
        });
      }
    }
    const reasons = triggers.filter((t) => t.fired).map((t) => t.name);
    const pinned = active ? this.versions.pinned(model) : null;
    let held: RetrainingMessage | null = null;
    if (reasons.length && active) {
      if (pinned) held = { code: 'retrain-held-pinned', params: { version: pinned.version } };
      else if (feedback === 0 && last) held = { code: 'retrain-held-no-outcomes', params: { since: last.at, ...whose } };
    }
    const evaluation: TriggerEvaluation = {
      model,
      evaluatedAt: at.toISOString(),
      activeVersion: active?.version ?? null,
      fired: reasons.length > 0 && held === null,
      reasons,
      triggers,
      held,
      live,
      feedbackSinceTraining: feedback,
      lastEvaluationAt: last?.at ?? null,
      pinnedVersion: pinned?.version ?? null,
      runId: null,
    };
    if (record) {
      const values = Object.fromEntries(triggers.map((t) => [t.name, { value: t.value, threshold: t.threshold, fired: t.fired, detail: t.detail, message: t.message }]));
      evaluation.runId = new RetrainingRunRepository(this.sqlite).insertCheck({
        model,
        startedAt: evaluation.evaluatedAt,
        finishedAt: appNowIso(),
        fired: evaluation.fired,
        reasons: JSON.stringify(reasons),
        triggerValues: JSON.stringify(values),
        outcome: evaluation.fired ? null : 'not-triggered',
        activeVersion: evaluation.activeVersion,
        notes: held ? englishText(held) : null,
        notesMessages: held ? JSON.stringify([held]) : null,
      });
      if (evaluation.fired) for (const r of reasons) this.logger.info(`Retraining triggered: ${r} condition met`);
      else if (held) this.logger.info(`Retraining conditions met for ${model} (${reasons.join(', ')}) but no retrain starts: ${englishTexts([held])}`);
      else this.logger.info(`No retraining trigger met for ${model}: ${triggers.map((t) => t.detail).join('; ')}`);
    }
    return evaluation;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
