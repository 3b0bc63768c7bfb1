// Retraining texts in structured form (trigger details, the champion/challenger decision, run notes,
// known errors): a stable code plus the figures it quotes. One schema for the whole app:
// `RETRAINING_MESSAGE_PARAMS` gives each code's params, and `KnownRetrainingMessage` — the type the
// core's services build, log in English (core/ml/retraining/retraining-message.ts) and store — is
// inferred from it, so a code or a param added here is one the core must fill and the renderer's
// catalog must translate. The wire shape (`RetrainingMessage`) is lenient (any code, flat params) so
// a code this renderer does not know never breaks a page: `knownRetrainingMessage` checks the code
// and its params, and the caller shows the English text that travels alongside when it answers null.
import { z } from 'zod';

export const RetrainingMessage = z.object({
  code: z.string().min(1).max(64),
  params: z.record(z.string(), z.union([z.string().max(500), z.number(), z.null()])),
});
export type RetrainingMessage = z.infer<typeof RetrainingMessage>;

/** A list of messages as stored; null when the row predates the structured form. */
export const RetrainingMessages = z.array(RetrainingMessage).max(20).nullable();
export type RetrainingMessages = z.infer<typeof RetrainingMessages>;

/**
 * What a model's primary error measures. The registry ranks every model by one error (stored as
 * `mae`): the cash-flow model's mean absolute error in days, the payment matcher's top-1 error rate
 * (the share of answered suggestions whose first candidate was not the user's answer). Messages
 * that quote the error carry it, so each model's figures read in its own terms.
 */
export const ERROR_METRICS = ['mae', 'top1Error'] as const;
export type ErrorMetric = (typeof ERROR_METRICS)[number];

const Version = z.string().max(50);
/** Absent on messages stored before models had their own metric: those were MAE. */
const Metric = z.enum(ERROR_METRICS).optional();
/** Which model's examples a note counts, and what they are (its spec's examplesLabel); absent on
 * notes stored before models named them, and on trigger texts of a model whose feedback is outcomes
 * of its predictions (paid invoices, resolved predictions). */
const Examples = { model: z.string().max(64).optional(), label: z.string().max(100).optional() };
/** A figure that may be missing (NaN/Infinity become null in JSON). */
const Figure = z.number().nullable();
const Empty = z.object({}).strict();

export const RETRAINING_MESSAGE_PARAMS = {
  'trigger-feedback-count': z.object({ count: z.number(), threshold: z.number(), version: Version.nullable() }),
  'trigger-no-active-model': z.object({ model: z.string() }),
  'trigger-model-age': z.object({ days: z.number(), threshold: z.number(), version: Version }),
  'trigger-accuracy-unmeasured': z.object({ sample: z.number(), needed: z.number(), version: Version, ...Examples }),
  'trigger-no-baseline': z.object({ version: Version }),
  'trigger-accuracy-drift': z.object({ accuracy: z.number(), sample: z.number(), baseline: z.number(), drop: z.number(), threshold: z.number() }),
  'first-model-deploy': z.object({ candidateMae: Figure, baselineMae: Figure, improvement: Figure, model: z.string(), baseline: z.string(), metric: Metric }),
  'first-model-keep': z.object({ candidateMae: Figure, baselineMae: Figure, model: z.string(), baseline: z.string(), metric: Metric }),
  'improvement-met': z.object({ candidateMae: Figure, activeMae: Figure, activeVersion: Version, improvement: Figure, required: z.number(), metric: Metric }),
  'improvement-below-threshold': z.object({ candidateMae: Figure, activeMae: Figure, activeVersion: Version, improvement: Figure, required: z.number(), n: z.number(), metric: Metric }),
  'holdout-too-small': z.object({ count: z.number(), cutoff: z.string().nullable(), needed: z.number() }),
  'training-too-small': z.object({ count: z.number(), cutoff: z.string(), needed: z.number() }),
  'dry-run': z.object({ would: z.enum(['deploy', 'keep']) }),
  'fired-by-check': z.object({ checkRunId: z.number() }),
  'manual-rollback': Empty,
  'automatic-fallback': z.object({ version: Version, health: z.string() }),
  interrupted: Empty,
  'insufficient-data': z.object({ needed: z.number(), found: z.number(), model: z.string(), label: z.string() }),
  'insufficient-data-because': Empty,
  'active-changed': z.object({ model: z.string(), from: Version.nullable(), to: Version.nullable() }),
  'trigger-outcomes-since-evaluation': z.object({ count: z.number(), threshold: z.number(), since: z.string().nullable(), ...Examples }),
  'trigger-baseline-small': z.object({ sample: z.number(), needed: z.number(), version: Version }),
  'trigger-accuracy-drop': z.object({ accuracy: z.number(), sample: z.number(), upper: z.number(), baseline: z.number(), baselineSample: z.number(), drop: z.number(), threshold: z.number(), ...Examples }),
  'retrain-held-pinned': z.object({ version: Version }),
  'retrain-held-no-outcomes': z.object({ since: z.string(), ...Examples }),
  'holdout-latest': z.object({ rows: z.number(), from: z.string(), unseen: z.number().nullable(), ...Examples }),
  'champion-refit': z.object({ version: Version, unseen: z.number(), needed: z.number(), ...Examples }),
  'pin-cleared-by-retrain': z.object({ version: Version }),
  'holdout-since-active': z.object({ rows: z.number(), cutoff: z.string(), version: Version, ...Examples }),
  cancelled: Empty,
} as const;

export type RetrainingMessageCode = keyof typeof RETRAINING_MESSAGE_PARAMS;
export const RETRAINING_MESSAGE_CODES = Object.keys(RETRAINING_MESSAGE_PARAMS) as RetrainingMessageCode[];

/** Codes that introduce the message after them ("dry run (would deploy): …"). */
export const INTRO_MESSAGE_CODES: ReadonlySet<string> = new Set<RetrainingMessageCode>(['dry-run', 'insufficient-data-because']);

export type KnownRetrainingMessage = {
  [C in RetrainingMessageCode]: { code: C; params: z.infer<(typeof RETRAINING_MESSAGE_PARAMS)[C]> };
}[RetrainingMessageCode];

/** The message with its params checked against its code; null for an unknown code or params that do not fit. */
export function knownRetrainingMessage(m: RetrainingMessage): KnownRetrainingMessage | null {
  if (!Object.hasOwn(RETRAINING_MESSAGE_PARAMS, m.code)) return null;
  const code = m.code as RetrainingMessageCode;
  const params = RETRAINING_MESSAGE_PARAMS[code].safeParse(m.params);
  return params.success ? ({ code, params: params.data } as KnownRetrainingMessage) : null;
}
