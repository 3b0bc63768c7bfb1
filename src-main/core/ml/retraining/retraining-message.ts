// The texts of retraining (trigger details, the champion/challenger decision, run notes and known
// errors) as a stable code plus the figures they quote. Services log and print the English sentence
// (`englishText`), and store the structured form next to it so the UI can say the same thing in its
// own language with its own number formatting. Codes are stable: the UI's catalog keys on them.
import { AppError } from '../../errors';

export type RetrainingMessage =
  | { code: 'trigger-feedback-count'; params: { count: number; threshold: number; version: string | null } }
  | { code: 'trigger-no-active-model'; params: { model: string } }
  | { code: 'trigger-model-age'; params: { days: number; threshold: number; version: string } }
  | { code: 'trigger-accuracy-unmeasured'; params: { sample: number; needed: number; version: string } }
  | { code: 'trigger-no-baseline'; params: { version: string } }
  /** `drop` is relative to the baseline: positive = worse, negative = better. */
  | { code: 'trigger-accuracy-drift'; params: { accuracy: number; sample: number; baseline: number; drop: number; threshold: number } }
  | { code: 'first-model-deploy'; params: { candidateMae: number; baselineMae: number; improvement: number; model: string; baseline: string } }
  | { code: 'first-model-keep'; params: { candidateMae: number; baselineMae: number; model: string; baseline: string } }
  | { code: 'improvement-met'; params: { candidateMae: number; activeMae: number; activeVersion: string; improvement: number; required: number } }
  | { code: 'improvement-below-threshold'; params: { candidateMae: number; activeMae: number; activeVersion: string; improvement: number; required: number; n: number } }
  | { code: 'holdout-too-small'; params: { count: number; cutoff: string | null; needed: number } }
  | { code: 'training-too-small'; params: { count: number; cutoff: string; needed: number } }
  /** Introduces the decision that follows it ("dry run (would deploy): …"). */
  | { code: 'dry-run'; params: { would: 'deploy' | 'keep' } }
  | { code: 'fired-by-check'; params: { checkRunId: number } }
  | { code: 'manual-rollback'; params: Record<string, never> }
  | { code: 'automatic-fallback'; params: { version: string; health: string } }
  | { code: 'interrupted'; params: Record<string, never> }
  | { code: 'insufficient-data'; params: { needed: number; found: number; model: string; label: string } }
  /** Introduces the reason that follows it ("insufficient data: only 4 outcome(s) …"). */
  | { code: 'insufficient-data-because'; params: Record<string, never> }
  | { code: 'active-changed'; params: { model: string; from: string | null; to: string | null } }
  /** Outcomes and feedback recorded since the model was last evaluated (`since`: that evaluation's time). */
  | { code: 'trigger-outcomes-since-evaluation'; params: { count: number; threshold: number; since: string | null } }
  | { code: 'trigger-baseline-small'; params: { sample: number; needed: number; version: string } }
  /** `baselineSample`: predictions behind the baseline; `upper`: the upper confidence bound of live
   * accuracy; fires when it is below baseline × (1 − threshold). */
  | { code: 'trigger-accuracy-drop'; params: { accuracy: number; sample: number; upper: number; baseline: number; baselineSample: number; drop: number; threshold: number } }
  | { code: 'retrain-held-pinned'; params: { version: string } }
  | { code: 'retrain-held-no-outcomes'; params: { since: string } }
  /** The holdout: the latest invoices by issue date; `unseen` of them were not known when the active version was trained. */
  | { code: 'holdout-latest'; params: { rows: number; from: string; unseen: number | null } }
  /** Too few outcomes since the active version's cutoff: it is compared through its settings retrained on the candidate's data. */
  | { code: 'champion-refit'; params: { version: string; unseen: number; needed: number } }
  | { code: 'pin-cleared-by-retrain'; params: { version: string } }
  /** The holdout: the later outcomes among those since `version`'s cutoff, from `cutoff` on (neither model saw them). */
  | { code: 'holdout-since-active'; params: { rows: number; cutoff: string; version: string } }
  | { code: 'cancelled'; params: Record<string, never> };

export type RetrainingMessageCode = RetrainingMessage['code'];

/** Codes that introduce the next message: joined to it with ": " instead of "; ". */
export const INTRO_CODES: ReadonlySet<RetrainingMessageCode> = new Set(['dry-run', 'insufficient-data-because']);

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
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
      return `${m.params.sample} resolved predictions of ${m.params.version} (needs ${m.params.needed} to measure live accuracy)`;
    case 'trigger-no-baseline':
      return `${m.params.version} has no baseline accuracy`;
    case 'trigger-accuracy-drift': {
      const p = m.params;
      return `live accuracy ${pct(p.accuracy)} over the latest ${p.sample} resolved predictions vs baseline ${pct(p.baseline)}: ${p.drop >= 0 ? 'drop' : 'gain'} of ${pct(Math.abs(p.drop))} (threshold ${pct(p.threshold)})`;
    }
    case 'first-model-deploy': {
      const p = m.params;
      return `first model: MAE ${p.candidateMae.toFixed(2)} beats the ${p.baseline} (${p.baselineMae.toFixed(2)}) by ${pct(p.improvement)}`;
    }
    case 'first-model-keep': {
      const p = m.params;
      return `first model does not beat the ${p.baseline}: MAE ${p.candidateMae.toFixed(2)} vs ${p.baselineMae.toFixed(2)}`;
    }
    case 'improvement-met': {
      const p = m.params;
      return `MAE ${p.candidateMae.toFixed(2)} vs ${p.activeMae.toFixed(2)} of ${p.activeVersion}: improvement ${pct(p.improvement)} ≥ ${pct(p.required)} required`;
    }
    case 'improvement-below-threshold': {
      const p = m.params;
      return `MAE ${p.candidateMae.toFixed(2)} vs ${p.activeMae.toFixed(2)} of ${p.activeVersion} on the same ${p.n} unseen rows: improvement ${pct(p.improvement)} < ${pct(p.required)} required`;
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
      return `${m.params.count} new outcome(s) since ${m.params.since ? `the last evaluation (${m.params.since.slice(0, 10)})` : 'the start'} (threshold ${m.params.threshold})`;
    case 'trigger-baseline-small':
      return `the baseline accuracy of ${m.params.version} rests on ${m.params.sample} prediction(s); ${m.params.needed} are needed before a drop from it can fire`;
    case 'trigger-accuracy-drop': {
      const p = m.params;
      return `live accuracy ${pct(p.accuracy)} (at most ${pct(p.upper)} at 95% confidence) over the latest ${p.sample} resolved predictions vs baseline ${pct(p.baseline)} on ${p.baselineSample}: ${p.drop >= 0 ? 'drop' : 'gain'} of ${pct(Math.abs(p.drop))} (threshold ${pct(p.threshold)})`;
    }
    case 'retrain-held-pinned':
      return `${m.params.version} is pinned by a rollback: automatic retrains wait until it is unpinned`;
    case 'retrain-held-no-outcomes':
      return `no new outcome since the last evaluation (${m.params.since.slice(0, 10)}): retraining on the same data would change nothing`;
    case 'holdout-latest':
      return `holdout: the latest ${m.params.rows} paid invoices (issued from ${m.params.from})${m.params.unseen === null ? '' : `, ${m.params.unseen} of them unseen by the active version`}`;
    case 'champion-refit':
      return `only ${m.params.unseen} outcome(s) since ${m.params.version} was trained (${m.params.needed} needed to compare on data neither saw): compared with its settings retrained on the candidate's data`;
    case 'holdout-since-active':
      return `holdout: the ${m.params.rows} invoices paid from ${m.params.cutoff}, unseen by ${m.params.version} and by the candidate (which learnt the outcomes before them)`;
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
