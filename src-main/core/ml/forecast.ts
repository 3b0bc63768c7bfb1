// Cash-flow forecast (DESIGN §4): for every open invoice, the active cash_flow model's predicted
// payment date with its calibrated P10–P90 interval and its probability of being paid late (the due
// date shown as the baseline), given that it is still unpaid today; and the outstanding amounts
// bucketed by day and by week over the next N days. Every served prediction is logged to
// prediction_log in one transaction, so a later payment can resolve it (auto-outcome).
import type { Database } from '../db/database';
import { addDays, appNowIso, daysBetween, startOfWeek, todayIso } from '../dates';
import { AppError, InputError } from '../errors';
import type { WorkerHost } from '../worker/worker-host';
import { buildForecastRows, termsDaysOf } from './cash-flow/training-set';
import { givenUnpaidAfter } from './cash-flow/cash-flow-model';
import { predictSerializedInWorker } from './registry/serialized-model-jobs';
import { CASH_FLOW } from './registry/cash-flow-spec';
import type { ModelVersionManager } from './registry/model-version-manager';
import { invoiceLabel } from '../domain/invoice-number';
import { InvoiceRepository } from '../domain/invoice-repository';
import { PredictionRepository } from '../feedback/prediction-repository';
import { SqlRunner } from '../db/sql-runner';

export interface ForecastInvoice {
  invoiceId: number;
  label: string;
  clientId: number;
  clientName: string;
  issueDate: string;
  dueDate: string;
  predictedDate: string;
  p10Date: string | null;
  p90Date: string | null;
  outstandingCents: number;
  /** Predicted payment date minus due date (positive = late). */
  predictedLateDays: number;
  /** Probability (0–1) that it is paid after its due date, given it is unpaid today (1 once past due). */
  lateProbability: number;
  /** lateProbability ≥ LATE_FLAG_PROBABILITY: shown with a flag. */
  likelyLate: boolean;
  /** The model put the payment in the past: the invoice is overdue and expected from today. */
  overdue: boolean;
  /** The model's own prediction (issue date + predicted days), before moving past dates to today. */
  modelDate: string;
  modelP10Date: string;
  modelP90Date: string;
  modelDays: number;
  inHorizon: boolean;
}

export interface ForecastWeek {
  weekStart: string;
  expectedCents: number;
  /** Cash-in of the week if every invoice paid at its P10 / P90 date. */
  p10Cents: number;
  p90Cents: number;
  cumulativeCents: number;
}

export interface CashFlowForecast {
  model: string;
  version: string;
  generatedAt: string;
  today: string;
  horizonDays: number;
  totalCents: number;
  /** Outstanding on open invoices, inside and beyond the horizon. */
  outstandingCents: number;
  /** What the due dates alone would put in the horizon (the baseline). */
  dueDateTotalCents: number;
  weeks: ForecastWeek[];
  days: { date: string; expectedCents: number }[];
  invoices: ForecastInvoice[];
}

export interface ForecastOptions {
  days: number;
  clientId?: number;
  today?: string;
}

export interface ForecastDeps {
  database: Database;
  worker: WorkerHost;
  versions: ModelVersionManager;
}

export const MAX_FORECAST_DAYS = 365;
/** From this probability of a late payment an open invoice is flagged. */
export const LATE_FLAG_PROBABILITY = 0.5;

export async function forecastCashFlow(deps: ForecastDeps, options: ForecastOptions): Promise<CashFlowForecast> {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_FORECAST_DAYS) {
    throw new InputError(`--days: must be an integer between 1 and ${MAX_FORECAST_DAYS}, got ${options.days}`, '--days');
  }
  const loaded = deps.versions.loadActive(CASH_FLOW);
  if (!loaded) throw new AppError('NO_MODEL', 'no cash_flow model has been trained yet: run `openfatture ai forecast --retrain`');
  const today = options.today ?? todayIso();
  const end = addDays(today, options.days - 1);
  const sqlite = deps.database.sqlite;
  const rows = buildForecastRows(sqlite, today, options.clientId === undefined ? {} : { clientId: options.clientId });
  const predictions = rows.length ? await predictSerializedInWorker(deps.worker, loaded.artifact, rows.map((r) => r.features)) : [];
  const meta = new Map(new InvoiceRepository(sqlite).numbersAndClients(rows.map((r) => r.invoiceId)).map((m) => [m.id, m]));
  const atLeastToday = (d: string) => (d < today ? today : d);
  const invoices: ForecastInvoice[] = rows
    .map((r, i) => ({ r, p: predictions[i]! }))
    .filter(({ r }) => r.outstandingCents > 0)
    .map(({ r, p }) => {
      // What the user sees is conditioned on the invoice being unpaid today; the unconditional
      // prediction (as at issue) is what gets logged and later scored.
      const shown = givenUnpaidAfter(p, r.daysElapsed, termsDaysOf(r.features));
      const raw = addDays(r.issueDate, p.days);
      const predictedDate = atLeastToday(addDays(r.issueDate, shown.days));
      const m = meta.get(r.invoiceId);
      return {
        invoiceId: r.invoiceId,
        label: m ? invoiceLabel(m.number, m.year) : String(r.invoiceId),
        clientId: r.clientId,
        clientName: m?.denominazione ?? '',
        issueDate: r.issueDate,
        dueDate: r.dueDate,
        predictedDate,
        p10Date: atLeastToday(addDays(r.issueDate, shown.p10)),
        p90Date: atLeastToday(addDays(r.issueDate, shown.p90)),
        outstandingCents: r.outstandingCents,
        predictedLateDays: daysBetween(r.dueDate, predictedDate),
        lateProbability: shown.lateProbability,
        likelyLate: shown.lateProbability >= LATE_FLAG_PROBABILITY,
        overdue: raw < today,
        modelDate: raw,
        modelP10Date: addDays(r.issueDate, p.p10),
        modelP90Date: addDays(r.issueDate, p.p90),
        modelDays: p.days,
        inHorizon: predictedDate <= end,
      };
    })
    .sort((a, b) => (a.predictedDate < b.predictedDate ? -1 : a.predictedDate > b.predictedDate ? 1 : a.invoiceId - b.invoiceId));

  const byDay = new Map<string, number>();
  const weeks = new Map<string, ForecastWeek>();
  for (let d = today; d <= end; d = addDays(d, 1)) {
    const w = startOfWeek(d);
    if (!weeks.has(w)) weeks.set(w, { weekStart: w, expectedCents: 0, p10Cents: 0, p90Cents: 0, cumulativeCents: 0 });
  }
  const weekOf = (d: string | null) => (d && d <= end ? weeks.get(startOfWeek(d)) : undefined);
  for (const inv of invoices) {
    if (inv.inHorizon) {
      byDay.set(inv.predictedDate, (byDay.get(inv.predictedDate) ?? 0) + inv.outstandingCents);
      weekOf(inv.predictedDate)!.expectedCents += inv.outstandingCents;
    }
    const w10 = weekOf(inv.p10Date);
    if (w10) w10.p10Cents += inv.outstandingCents;
    const w90 = weekOf(inv.p90Date);
    if (w90) w90.p90Cents += inv.outstandingCents;
  }
  let cumulative = 0;
  const weekList = [...weeks.values()];
  for (const w of weekList) {
    cumulative += w.expectedCents;
    w.cumulativeCents = cumulative;
  }
  const days = [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, expectedCents]) => ({ date, expectedCents }));
  const version = loaded.version.version;
  const generatedAt = appNowIso();
  const predictionsLog = new PredictionRepository(sqlite);
  SqlRunner.of(sqlite).transaction(() => {
    for (const inv of invoices) {
      // The model's own prediction is logged, not the date moved to today for display: a payment that
      // comes long after the model said measures as a miss, which is what live accuracy must see.
      predictionsLog.recordServed({
        model_name: CASH_FLOW,
        model_version: version,
        invoice_id: inv.invoiceId,
        predicted_days: inv.modelDays,
        predicted_date: inv.modelDate,
        p10_date: inv.modelP10Date,
        p90_date: inv.modelP90Date,
        amount_cents: inv.outstandingCents,
        created_at: generatedAt,
      });
    }
  });
  return {
    model: CASH_FLOW,
    version,
    generatedAt,
    today,
    horizonDays: options.days,
    totalCents: cumulative,
    outstandingCents: invoices.reduce((s, i) => s + i.outstandingCents, 0),
    dueDateTotalCents: invoices.filter((i) => atLeastToday(i.dueDate) <= end).reduce((s, i) => s + i.outstandingCents, 0),
    weeks: weekList,
    days,
    invoices,
  };
}
