// Forecast and model-registry channels (Forecast and Models pages).
import { z } from 'zod';
import { Cents, Id, IsoDate, IsoTimestamp, Limit, Metrics, ModelName, NoArgs, Semver } from './common';
import { ERROR_METRICS, RetrainingMessage, RetrainingMessages } from '../../src-shared/retraining-message';

export const ForecastInvoice = z.object({
  invoiceId: Id,
  label: z.string(),
  clientId: Id,
  clientName: z.string(),
  issueDate: IsoDate,
  dueDate: IsoDate,
  predictedDate: IsoDate,
  p10Date: IsoDate.nullable(),
  p90Date: IsoDate.nullable(),
  outstandingCents: Cents,
  /** Predicted payment date minus due date (positive = late). */
  predictedLateDays: z.number(),
  /** Probability (0–1) of a payment after the due date, given the invoice is unpaid today (1 once past due). */
  lateProbability: z.number().min(0).max(1),
  /** lateProbability at or above the flag threshold (0.5). */
  likelyLate: z.boolean(),
});

export const Forecast = z.object({
  model: z.string(),
  version: z.string(),
  generatedAt: IsoTimestamp,
  today: IsoDate,
  horizonDays: z.number().int(),
  totalCents: Cents,
  weeks: z.array(
    z.object({ weekStart: IsoDate, expectedCents: Cents, p10Cents: Cents, p90Cents: Cents, cumulativeCents: Cents }),
  ),
  days: z.array(z.object({ date: IsoDate, expectedCents: Cents })),
  invoices: z.array(ForecastInvoice),
});
export type Forecast = z.infer<typeof Forecast>;

export const TriggerState = z.object({
  id: z.string(),
  /** The trigger's figures as an English sentence; `message` is the same in structured form. */
  label: z.string(),
  message: RetrainingMessage.nullable(),
  current: z.number().nullable(),
  threshold: z.number(),
  unit: z.string(),
  fired: z.boolean(),
});

/** Nominal coverage of a central prediction interval vs the share of outcomes observed inside it. */
export const CoveragePoint = z.object({ nominal: z.number().min(0).max(1), observed: z.number().min(0).max(1).nullable(), meanWidth: z.number().nullable() });
export type CoveragePoint = z.infer<typeof CoveragePoint>;

export const ModelCard = z.object({
  name: z.string(),
  activeVersion: z.string().nullable(),
  trainedAt: IsoTimestamp.nullable(),
  trainingRows: z.number().int().nullable(),
  metrics: Metrics,
  /**
   * Set for a model that serves before any training (the payment matcher's rule-based version 0):
   * without a trained version it still serves every request, and this says how far its first
   * training is (labelled examples so far, examples needed). Null: the model serves nothing untrained.
   */
  servesUntrained: z.object({ examples: z.number().int().min(0), needed: z.number().int().min(0) }).nullable(),
  /** What the primary error (metrics.mae, the figure versions are ranked by) measures: MAE in days, or a top-1 error rate. */
  primaryMetric: z.enum(ERROR_METRICS),
  triggers: z.array(TriggerState),
  lastCheckAt: IsoTimestamp.nullable(),
  nextCheckAt: IsoTimestamp.nullable(),
  retraining: z.boolean(),
  schedulerEnabled: z.boolean(),
  dryRunSetting: z.boolean(),
  health: z.string().nullable(),
  /** The last automatic fall-back from a broken artifact (the UI words it; `error` is the technical detail). */
  fallback: z.object({ from: z.string().nullable(), to: z.string().nullable(), error: z.string().nullable() }).nullable(),
  /** Set by a rollback: automatic deploys wait until the user unpins. */
  pinned: z.object({ version: z.string(), at: IsoTimestamp }).nullable(),
  /** Why met triggers start no retrain now (pinned, nothing new since the last evaluation). */
  held: RetrainingMessage.nullable(),
  /** The active version's calibration on its holdout: nominal vs observed coverage (empty for models without intervals). */
  calibration: z.array(CoveragePoint).max(20),
  /** Holdout invoices behind the calibration. */
  calibrationRows: z.number().int().nullable(),
  /** The settings the active version was trained with, as chosen by time-series cross-validation. */
  settings: z.record(z.string(), z.union([z.number(), z.string()])).nullable(),
  settingsChosenBy: z.string().nullable(),
});
export type ModelCard = z.infer<typeof ModelCard>;

export const ModelVersion = z.object({
  version: z.string(),
  status: z.enum(['active', 'candidate', 'retired', 'rejected']),
  createdAt: IsoTimestamp,
  deployedAt: IsoTimestamp.nullable(),
  trainingRows: z.number().int(),
  trainingCutoff: z.string().nullable(),
  metrics: Metrics,
  triggerReasons: z.array(z.string()),
  parentVersion: z.string().nullable(),
  dryRun: z.boolean(),
  notes: z.string().nullable(),
  /** `notes` in structured form; null on versions older than it (show `notes`). */
  notesMessages: RetrainingMessages,
  pinnedAt: IsoTimestamp.nullable(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RetrainingRun = z.object({
  id: Id,
  model: z.string(),
  kind: z.enum(['check', 'retrain', 'rollback']),
  startedAt: IsoTimestamp,
  finishedAt: IsoTimestamp.nullable(),
  fired: z.boolean(),
  reasons: z.array(z.string()),
  outcome: z.string().nullable(),
  activeVersion: z.string().nullable(),
  candidateVersion: z.string().nullable(),
  improvement: z.number().nullable(),
  error: z.string().nullable(),
  notes: z.string().nullable(),
  /** `error` and `notes` in structured form; null on rows older than it (show the English text). */
  errorMessages: RetrainingMessages,
  notesMessages: RetrainingMessages,
});
export type RetrainingRun = z.infer<typeof RetrainingRun>;

export const modelsChannels = {
  'forecast:get': {
    args: z.object({ days: z.number().int().min(1).max(365).default(30), clientId: Id.optional() }).strict(),
    result: Forecast,
  },
  'models:status': { args: NoArgs, result: z.object({ models: z.array(ModelCard) }) },
  'models:versions': { args: z.object({ model: ModelName }).strict(), result: z.object({ items: z.array(ModelVersion) }) },
  'models:runs': {
    args: z.object({ model: ModelName.optional(), limit: Limit(500, 50) }).strict(),
    result: z.object({ items: z.array(RetrainingRun) }),
  },
  'models:retrain': {
    args: z.object({ model: ModelName, dryRun: z.boolean().optional() }).strict(),
    result: z.object({
      outcome: z.string(),
      version: z.string().nullable(),
      activeVersion: z.string().nullable(),
      improvement: z.number().nullable(),
      /** English; `messages` is the same in structured form. */
      message: z.string(),
      messages: RetrainingMessages,
    }),
  },
  'models:rollback': {
    args: z.object({ model: ModelName, version: Semver }).strict(),
    result: z.object({ activeVersion: z.string(), previousVersion: z.string().nullable() }),
  },
  'models:unpin': {
    args: z.object({ model: ModelName }).strict(),
    /** The version that was pinned; null when none was. */
    result: z.object({ unpinned: z.string().nullable() }),
  },
  'models:cancel-retrain': {
    args: z.object({ model: ModelName }).strict(),
    /** false when no retrain of the model was running in this app. */
    result: z.object({ cancelled: z.boolean() }),
  },
} as const;
