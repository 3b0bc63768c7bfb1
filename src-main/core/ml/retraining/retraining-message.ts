// The texts of retraining (trigger details, the champion/challenger decision, run notes and known
// errors) as a stable code plus the figures they quote. Services log and print the English sentence
// (`englishText`), and store the structured form next to it so the UI can say the same thing in its
// own language with its own number formatting. Codes are stable: the UI's catalog keys on them.
import { AppError } from '../../errors';
import { INTRO_MESSAGE_CODES, type ErrorMetric, type KnownRetrainingMessage } from '../../../../src-shared/retraining-message';

/** A known message: its code and params as `RETRAINING_MESSAGE_PARAMS` (src-shared) defines them. */
export type RetrainingMessage = KnownRetrainingMessage;

export type { RetrainingMessageCode } from '../../../../src-shared/retraining-message';

/** Codes that introduce the next message: joined to it with ": " instead of "; ". */
export const INTRO_CODES = INTRO_MESSAGE_CODES;

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A figure the wire may carry as null (JSON has no NaN): shown as "n/a". */
const fixed2 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
const pctOrNa = (x: number | null): string => (x === null ? 'n/a' : pct(x));

/** A model's primary error as the texts quote it: the cash-flow MAE in days with two decimals, the
 * matcher's top-1 error rate as a percentage. A message stored without a metric is MAE.
 * `heading` heads a column or a line of figures ("MAE (days)"); `accuracy` names the model's accuracy. */
export function errorFigure(metric: ErrorMetric | undefined): { name: string; heading: string; accuracy: string; show: (x: number | null | undefined) => string } {
  const show = (f: (x: number | null) => string) => (x: number | null | undefined) => (x === undefined || (x !== null && !Number.isFinite(x)) ? 'n/a' : f(x));
  return metric === 'top1Error'
    ? { name: 'top-1 error rate', heading: 'Top-1 error rate', accuracy: 'Top-1 accuracy', show: show(pctOrNa) }
    : { name: 'MAE', heading: 'MAE (days)', accuracy: 'Accuracy (share within tolerance)', show: show(fixed2) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The English sentence of one message, as logs, the CLI and older rows have it. */
export function englishText(m: RetrainingMessage): string {
  switch (m.code) {
    case 'trigger-feedback-count': {
      const p = m.params;
      return `${p.count} new feedback/outcomes since ${p.version ? `${p.version} was trained` : 'the start'} (threshold ${p.threshold})`;
    }
    case 'trigger-no-active-model':
      return `no ${m.params.model} model has been deployed yet`;
    case 'trigger-model-age':
      return `${round(m.params.days, 1)} days since ${m.params.version} was trained (threshold ${m.params.threshold})`;
    case 'trigger-accuracy-unmeasured':
      return `${m.params.sample} ${m.params.label ?? 'resolved predictions'} of ${m.params.version} (needs ${m.params.needed} to measure live accuracy)`;
    case 'trigger-no-baseline':
      return `${m.params.version} has no baseline accuracy`;
    case 'trigger-accuracy-drift': {
      const p = m.params;
      return `live accuracy ${pct(p.accuracy)} over the latest ${p.sample} resolved predictions vs baseline ${pct(p.baseline)}: ${p.drop >= 0 ? 'drop' : 'gain'} of ${pct(Math.abs(p.drop))} (threshold ${pct(p.threshold)})`;
    }
    case 'first-model-deploy': {
      const p = m.params;
      const e = errorFigure(p.metric);
      return `first model: ${e.name} ${e.show(p.candidateMae)} beats the ${p.baseline} (${e.show(p.baselineMae)}) by ${pctOrNa(p.improvement)}`;
    }
    case 'first-model-keep': {
      const p = m.params;
      const e = errorFigure(p.metric);
      return `first model does not beat the ${p.baseline}: ${e.name} ${e.show(p.candidateMae)} vs ${e.show(p.baselineMae)}`;
    }
    case 'improvement-met': {
      const p = m.params;
      const e = errorFigure(p.metric);
      return `${e.name} ${e.show(p.candidateMae)} vs ${e.show(p.activeMae)} of ${p.activeVersion}: improvement ${pctOrNa(p.improvement)} ≥ ${pct(p.required)} required`;
    }
    case 'improvement-below-threshold': {
      const p = m.params;
      const e = errorFigure(p.metric);
      return `${e.name} ${e.show(p.candidateMae)} vs ${e.show(p.activeMae)} of ${p.activeVersion} on the same ${p.n} unseen ${p.metric === 'top1Error' ? 'answers' : 'rows'}: improvement ${pctOrNa(p.improvement)} < ${pct(p.required)} required`;
    }
    case 'holdout-too-small':
      return `only ${m.params.count} outcome(s) known since the active model's cutoff ${m.params.cutoff}; ${m.params.needed} are needed to compare models on unseen data`;
    case 'training-too-small':
      return `only ${m.params.count} outcome(s) known before the holdout cutoff ${m.params.cutoff}; at least ${m.params.needed} are needed to train`;
    case 'dry-run':
      return `dry run (would ${m.params.would === 'deploy' ? 'deploy' : 'keep the current model'})`;
    case 'fired-by-check':
      return `fired by check #${m.params.checkRunId}`;
    case 'manual-rollback':
      return 'manual rollback';
    case 'automatic-fallback':
      return `automatic fall-back: artifact of ${m.params.version} ${m.params.health}`;
    case 'interrupted':
      return 'interrupted: the process ended before the retrain finished';
    case 'insufficient-data':
      return `insufficient data (needs ≥${m.params.needed} ${m.params.label}, found ${m.params.found})`;
    case 'insufficient-data-because':
      return 'insufficient data';
    case 'active-changed':
      return `the active ${m.params.model} version changed during the retrain (${m.params.from ?? 'none'} → ${m.params.to}); nothing was deployed`;
    case 'trigger-outcomes-since-evaluation':
      return `${m.params.count} new ${m.params.label ?? 'outcome(s)'} since ${m.params.since ? `the last evaluation (${m.params.since.slice(0, 10)})` : 'the start'} (threshold ${m.params.threshold})`;
    case 'trigger-baseline-small':
      return `the baseline accuracy of ${m.params.version} rests on ${m.params.sample} prediction(s); ${m.params.needed} are needed before a drop from it can fire`;
    case 'trigger-accuracy-drop': {
      const p = m.params;
      return `live accuracy ${pct(p.accuracy)} (at most ${pct(p.upper)} at 95% confidence) over the latest ${p.sample} ${p.label ?? 'resolved predictions'} vs baseline ${pct(p.baseline)} on ${p.baselineSample}: ${p.drop >= 0 ? 'drop' : 'gain'} of ${pct(Math.abs(p.drop))} (threshold ${pct(p.threshold)})`;
    }
    case 'retrain-held-pinned':
      return `${m.params.version} is pinned by a rollback: automatic retrains wait until it is unpinned`;
    case 'retrain-held-no-outcomes':
      return `no new ${m.params.label ?? 'outcome'} since the last evaluation (${m.params.since.slice(0, 10)}): retraining on the same data would change nothing`;
    case 'holdout-latest': {
      const p = m.params;
      const unseen = p.unseen === null ? '' : `, ${p.unseen} of them unseen by the active version`;
      return p.label ? `holdout: the latest ${p.rows} ${p.label} (from ${p.from})${unseen}` : `holdout: the latest ${p.rows} paid invoices (issued from ${p.from})${unseen}`;
    }
    case 'champion-refit': {
      const p = m.params;
      const compared = `(${p.needed} needed to compare on data neither saw): compared with its settings retrained on the candidate's data`;
      return p.label ? `only ${p.unseen} ${p.label} since ${p.version} was trained ${compared}` : `only ${p.unseen} outcome(s) since ${p.version} was trained ${compared}`;
    }
    case 'holdout-since-active': {
      const p = m.params;
      return p.label
        ? `holdout: the ${p.rows} ${p.label} from ${p.cutoff}, unseen by ${p.version} and by the candidate (which learnt the ones before them)`
        : `holdout: the ${p.rows} invoices paid from ${p.cutoff}, unseen by ${p.version} and by the candidate (which learnt the outcomes before them)`;
    }
    case 'pin-cleared-by-retrain':
      return `the pin on ${m.params.version} was lifted by this retrain`;
    case 'cancelled':
      return 'cancelled';
  }
}

/** Several messages as one English text: an intro joins what follows with ": ", others with "; ". */
export function englishTexts(messages: readonly RetrainingMessage[]): string {
  let out = '';
  messages.forEach((m, i) => {
    const prev = messages[i - 1];
    out += (i === 0 ? '' : prev && INTRO_CODES.has(prev.code) ? ': ' : '; ') + englishText(m);
  });
  return out;
}

/** An error whose text is made of retraining messages, so a failed run can be shown in the UI's language. */
export class RetrainingError extends AppError {
  constructor(
    code: string,
    readonly messages: readonly RetrainingMessage[],
  ) {
    super(code, englishTexts(messages));
  }
}

/** The structured form of an error, when it has one. */
export function messagesOfError(e: unknown): readonly RetrainingMessage[] | null {
  return e instanceof RetrainingError ? e.messages : null;
}
