// Retraining texts (trigger details, the champion/challenger decision, run notes, known errors) in
// the UI's language: each structured message becomes its catalog sentence with its figures in the
// locale's number, percent and date formats. A row older than the structured form, or a code this
// renderer does not know, shows the English text that main sent alongside. Figures of a model's
// primary error read as the message's metric says: MAE in days, or the matcher's top-1 error rate
// as a percentage.
import { INTRO_MESSAGE_CODES, knownRetrainingMessage, type ErrorMetric, type KnownRetrainingMessage, type RetrainingMessage } from '../../src-shared/retraining-message';
import { MESSAGES, type Language, type MessageKey } from '../i18n/catalog';
import { translate, type Vars } from '../i18n/translate';
import { formatDate } from './dates';
import { formatNumber, formatPercent } from './money';

type Figure = number | null;

/** A catalog message whose key is built from data, or `fallback` when the catalog lacks it. */
function named(lang: Language, key: string, fallback: string): string {
  return key in MESSAGES ? translate(lang, key as MessageKey, undefined) : fallback;
}

function sentence(m: KnownRetrainingMessage, lang: Language): string {
  const num = (n: Figure, digits = 0) => (n === null || !Number.isFinite(n) ? '—' : formatNumber(n, lang, digits));
  const mae = (n: Figure) => num(n, 2);
  // A count that picks a plural form goes in as a number: translate() groups it and chooses the form.
  const qty = (n: Figure): number | string => (n === null || !Number.isFinite(n) ? '—' : n);
  const pct = (n: Figure) => (n === null || !Number.isFinite(n) ? '—' : formatPercent(n, lang, 1));
  const say = (key: MessageKey, vars: Vars = {}) => translate(lang, key, vars);
  // The primary error in its own terms; a message stored without a metric is MAE.
  const top1 = (metric: ErrorMetric | undefined) => metric === 'top1Error';
  const err = (metric: ErrorMetric | undefined, n: Figure) => (top1(metric) ? pct(n) : mae(n));
  // What a model's examples are called in this language (the spec's English label otherwise).
  const examples = (p: { model?: string; label?: string }) => named(lang, `models.examples.${p.model ?? ''}`, p.label ?? '');
  switch (m.code) {
    case 'trigger-feedback-count': {
      const { count, threshold, version } = m.params;
      return version === null
        ? say('models.msg.trigger-feedback-count.start', { count: qty(count), threshold: num(threshold) })
        : say('models.msg.trigger-feedback-count', { count: qty(count), threshold: num(threshold), version });
    }
    case 'trigger-no-active-model':
      return say('models.msg.trigger-no-active-model', { model: m.params.model });
    case 'trigger-model-age':
      return say('models.msg.trigger-model-age', { days: num(m.params.days, 1), threshold: num(m.params.threshold), version: m.params.version });
    case 'trigger-accuracy-unmeasured': {
      const p = m.params;
      const vars = { sample: num(p.sample), needed: num(p.needed), version: p.version };
      return p.label ? say('models.msg.trigger-accuracy-unmeasured.examples', { ...vars, label: examples(p) }) : say('models.msg.trigger-accuracy-unmeasured', vars);
    }
    case 'trigger-no-baseline':
      return say('models.msg.trigger-no-baseline', { version: m.params.version });
    case 'trigger-accuracy-drift': {
      const p = m.params;
      const vars = { accuracy: pct(p.accuracy), sample: num(p.sample), baseline: pct(p.baseline), drop: pct(Math.abs(p.drop)), threshold: pct(p.threshold) };
      return say(p.drop >= 0 ? 'models.msg.trigger-accuracy-drift' : 'models.msg.trigger-accuracy-drift.gain', vars);
    }
    case 'first-model-deploy': {
      const p = m.params;
      const baseline = named(lang, `models.baseline.${p.model}`, p.baseline);
      const vars = { candidateMae: err(p.metric, p.candidateMae), baselineMae: err(p.metric, p.baselineMae), improvement: pct(p.improvement), baseline };
      return say(top1(p.metric) ? 'models.msg.first-model-deploy.top1' : 'models.msg.first-model-deploy', vars);
    }
    case 'first-model-keep': {
      const p = m.params;
      const baseline = named(lang, `models.baseline.${p.model}`, p.baseline);
      const vars = { candidateMae: err(p.metric, p.candidateMae), baselineMae: err(p.metric, p.baselineMae), baseline };
      return say(top1(p.metric) ? 'models.msg.first-model-keep.top1' : 'models.msg.first-model-keep', vars);
    }
    case 'improvement-met': {
      const p = m.params;
      const vars = { candidateMae: err(p.metric, p.candidateMae), activeMae: err(p.metric, p.activeMae), activeVersion: p.activeVersion, improvement: pct(p.improvement), required: pct(p.required) };
      return say(top1(p.metric) ? 'models.msg.improvement-met.top1' : 'models.msg.improvement-met', vars);
    }
    case 'improvement-below-threshold': {
      const p = m.params;
      return say(top1(p.metric) ? 'models.msg.improvement-below-threshold.top1' : 'models.msg.improvement-below-threshold', {
        candidateMae: err(p.metric, p.candidateMae),
        activeMae: err(p.metric, p.activeMae),
        activeVersion: p.activeVersion,
        improvement: pct(p.improvement),
        required: pct(p.required),
        n: num(p.n),
      });
    }
    case 'holdout-too-small':
      return say('models.msg.holdout-too-small', { count: qty(m.params.count), cutoff: m.params.cutoff ? formatDate(m.params.cutoff, lang) : '—', needed: num(m.params.needed) });
    case 'training-too-small':
      return say('models.msg.training-too-small', { count: qty(m.params.count), cutoff: formatDate(m.params.cutoff, lang), needed: num(m.params.needed) });
    case 'dry-run':
      return say(m.params.would === 'deploy' ? 'models.msg.dry-run' : 'models.msg.dry-run.keep');
    case 'fired-by-check':
      return say('models.msg.fired-by-check', { checkRunId: m.params.checkRunId });
    case 'manual-rollback':
      return say('models.msg.manual-rollback');
    case 'automatic-fallback':
      return say('models.msg.automatic-fallback', { version: m.params.version, health: named(lang, `models.artifactHealth.${m.params.health}`, m.params.health) });
    case 'interrupted':
      return say('models.msg.interrupted');
    case 'insufficient-data': {
      const p = m.params;
      return say('models.msg.insufficient-data', { needed: num(p.needed), found: num(p.found), label: named(lang, `models.examples.${p.model}`, p.label) });
    }
    case 'insufficient-data-because':
      return say('models.msg.insufficient-data-because');
    case 'active-changed':
      return say('models.msg.active-changed', { model: m.params.model, from: m.params.from ?? '—', to: m.params.to ?? '—' });
    case 'trigger-outcomes-since-evaluation': {
      const { count, threshold, since, label } = m.params;
      const vars = { count: num(count), threshold: num(threshold), ...(label ? { label: examples(m.params) } : {}) };
      if (since === null) return say(label ? 'models.msg.trigger-outcomes-since-evaluation.examples.start' : 'models.msg.trigger-outcomes-since-evaluation.start', vars);
      return say(label ? 'models.msg.trigger-outcomes-since-evaluation.examples' : 'models.msg.trigger-outcomes-since-evaluation', { ...vars, since: formatDate(since.slice(0, 10), lang) });
    }
    case 'trigger-baseline-small':
      return say('models.msg.trigger-baseline-small', { sample: num(m.params.sample), needed: num(m.params.needed), version: m.params.version });
    case 'trigger-accuracy-drop': {
      const p = m.params;
      const vars = { accuracy: pct(p.accuracy), upper: pct(p.upper), sample: num(p.sample), baseline: pct(p.baseline), baselineSample: num(p.baselineSample), drop: pct(Math.abs(p.drop)), threshold: pct(p.threshold) };
      if (p.label) return say(p.drop >= 0 ? 'models.msg.trigger-accuracy-drop.examples' : 'models.msg.trigger-accuracy-drop.examples.gain', { ...vars, label: examples(p) });
      return say(p.drop >= 0 ? 'models.msg.trigger-accuracy-drop' : 'models.msg.trigger-accuracy-drop.gain', vars);
    }
    case 'retrain-held-pinned':
      return say('models.msg.retrain-held-pinned', { version: m.params.version });
    case 'retrain-held-no-outcomes':
      return m.params.label
        ? say('models.msg.retrain-held-no-outcomes.examples', { since: formatDate(m.params.since.slice(0, 10), lang), label: examples(m.params) })
        : say('models.msg.retrain-held-no-outcomes', { since: formatDate(m.params.since.slice(0, 10), lang) });
    case 'holdout-latest': {
      const p = m.params;
      const vars = { rows: num(p.rows), from: formatDate(p.from, lang) };
      return p.label ? say('models.msg.holdout-latest.examples', { ...vars, label: examples(p) }) : say('models.msg.holdout-latest', vars);
    }
    case 'holdout-since-active': {
      const p = m.params;
      const vars = { rows: num(p.rows), cutoff: formatDate(p.cutoff, lang), version: p.version };
      return p.label ? say('models.msg.holdout-since-active.examples', { ...vars, label: examples(p) }) : say('models.msg.holdout-since-active', vars);
    }
    case 'champion-refit': {
      const p = m.params;
      const vars = { version: p.version, unseen: num(p.unseen), needed: num(p.needed) };
      return p.label ? say('models.msg.champion-refit.examples', { ...vars, label: examples(p) }) : say('models.msg.champion-refit', vars);
    }
    case 'pin-cleared-by-retrain':
      return say('models.msg.pin-cleared-by-retrain', { version: m.params.version });
    case 'cancelled':
      return say('models.msg.cancelled');
  }
}

/**
 * The messages as one text in `lang` (an intro such as "dry run" joins the next message with ": ",
 * others are separated by "; "), or `fallback` when there are none or one of them is not known.
 */
export function formatRetrainingMessages(messages: readonly RetrainingMessage[] | null | undefined, fallback: string | null, lang: Language): string | null {
  if (!messages || messages.length === 0) return fallback;
  const known = messages.map(knownRetrainingMessage);
  if (known.some((m) => m === null)) return fallback;
  let text = '';
  known.forEach((m, i) => {
    const prev = known[i - 1];
    text += (i === 0 ? '' : prev && INTRO_MESSAGE_CODES.has(prev.code) ? ': ' : '; ') + sentence(m!, lang);
  });
  return text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);
}

/** One message (a trigger's detail), or `fallback`. */
export function formatRetrainingMessage(message: RetrainingMessage | null | undefined, fallback: string, lang: Language): string {
  return formatRetrainingMessages(message ? [message] : null, fallback, lang) ?? fallback;
}
