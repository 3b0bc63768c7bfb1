// The Forecast page: forecast:get over N days, chart rows in euro, and "Record actual" which turns
// a real payment into prediction feedback (feedback:submitPrediction) for the served model version.
import { create } from 'zustand';
import type { ChannelArgs } from '../../src-preload/contract/channels';
import type { Forecast } from '../../src-preload/contract/models-channels';
import type { RetrainingMessages } from '../../src-shared/retraining-message';
import { isIsoDate, daysBetween } from '../format/dates';
import { parseAmountInput } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { ApiError, call, emptySlice, errorMessages, errorText, onConnection, subscribe, type Slice } from './call';

export const HORIZONS = [14, 30, 60, 90, 180] as const;

export type ForecastInvoice = Forecast['invoices'][number];

export type InvoiceOrder = 'date' | 'late';

/** Open invoices by predicted payment date, or most likely to be paid late first (then the larger amount). */
export function sortInvoices(invoices: readonly ForecastInvoice[], order: InvoiceOrder): ForecastInvoice[] {
  const list = [...invoices];
  if (order === 'late') list.sort((a, b) => b.lateProbability - a.lateProbability || b.outstandingCents - a.outstandingCents || a.invoiceId - b.invoiceId);
  else list.sort((a, b) => (a.predictedDate < b.predictedDate ? -1 : a.predictedDate > b.predictedDate ? 1 : a.invoiceId - b.invoiceId));
  return list;
}

/** Chart rows in euro (the axis unit); the band is [P10, P90] for recharts' range area. */
export function chartRows(f: Forecast): { week: string; expected: number; band: [number, number]; cumulative: number }[] {
  return f.weeks.map((w) => ({ week: w.weekStart, expected: w.expectedCents / 100, band: [w.p10Cents / 100, w.p90Cents / 100], cumulative: w.cumulativeCents / 100 }));
}

export interface ActualDraft {
  paidDate: string;
  amount: string;
}

/** Validates "Record actual" and builds the prediction feedback; accuracy uses ML_TOLERANCE_DAYS when known. */
export function actualFeedbackArgs(
  f: Pick<Forecast, 'model' | 'version' | 'today'>,
  inv: ForecastInvoice,
  d: ActualDraft,
  toleranceDays: number | null,
): { errors: Partial<Record<'paidDate' | 'amount', MessageKey>>; args: ChannelArgs<'feedback:submitPrediction'> | null } {
  const errors: Partial<Record<'paidDate' | 'amount', MessageKey>> = {};
  if (!isIsoDate(d.paidDate)) errors.paidDate = 'data.err.date';
  else if (d.paidDate < inv.issueDate) errors.paidDate = 'forecast.err.beforeIssue';
  const amount = parseAmountInput(d.amount);
  if (!amount.ok) errors.amount = amount.reason === 'empty' ? 'data.err.amountEmpty' : 'data.err.price';
  else if (amount.cents <= 0) errors.amount = 'data.err.amountPositive';
  if (Object.keys(errors).length > 0 || !amount.ok) return { errors, args: null };
  const errorDays = daysBetween(inv.predictedDate, d.paidDate);
  return {
    errors,
    args: {
      modelName: f.model,
      ...(/^\d+\.\d+\.\d+$/.test(f.version) ? { modelVersion: f.version } : {}),
      entityType: 'invoice',
      entityId: inv.invoiceId,
      prediction: { date: inv.predictedDate, p10: inv.p10Date, p90: inv.p90Date, amountCents: inv.outstandingCents, dueDate: inv.dueDate, servedOn: f.today },
      actualOutcome: { date: d.paidDate, amountCents: amount.cents, errorDays },
      ...(toleranceDays !== null ? { wasAccurate: Math.abs(errorDays) <= toleranceDays } : {}),
    },
  };
}

interface ForecastState {
  days: number;
  order: InvoiceOrder;
  setOrder: (order: InvoiceOrder) => void;
  forecast: Slice<Forecast>;
  /** No model trained yet (NO_MODEL): the page offers to train the first one. */
  noModel: boolean;
  training: boolean;
  /** Why the first training deployed nothing: English text, and the structured form when known. */
  trainError: { text: string; messages: RetrainingMessages } | null;
  setDays: (days: number) => void;
  load: () => Promise<void>;
  trainFirst: () => Promise<void>;
  recordActual: (args: ChannelArgs<'feedback:submitPrediction'>) => Promise<string>;
}

export const useForecastStore = create<ForecastState>((set, get) => ({
  days: 30,
  order: 'late',
  setOrder: (order) => set({ order }),
  forecast: emptySlice(),
  noModel: false,
  training: false,
  trainError: null,
  setDays: (days) => {
    set({ days });
    void get().load();
  },
  load: async () => {
    const days = get().days;
    set((s) => ({ forecast: { ...s.forecast, loading: true } }));
    try {
      const data = await call('forecast:get', { days });
      if (get().days === days) set({ forecast: { data, loading: false, error: null }, noModel: false });
    } catch (e) {
      set({ forecast: { data: null, loading: false, error: errorText(e) }, noModel: e instanceof ApiError && e.code === 'NO_MODEL' });
    }
  },
  trainFirst: async () => {
    set({ training: true, trainError: null });
    try {
      const res = await call('models:retrain', { model: 'cash_flow' });
      if (res.outcome !== 'deployed') set({ trainError: { text: res.message, messages: res.messages } });
    } catch (e) {
      set({ trainError: { text: errorText(e), messages: errorMessages(e) } });
    } finally {
      set({ training: false });
      await get().load();
    }
  },
  recordActual: async (args) => (await call('feedback:submitPrediction', args)).message,
}));

/** A deployed or rolled-back model changes the numbers: reload while the page is open. */
export function watchForecast(): () => void {
  void useForecastStore.getState().load();
  const offDeployed = subscribe('models:deployed', () => void useForecastStore.getState().load());
  const offConnection = onConnection((state) => {
    if (state === 'open' && useForecastStore.getState().forecast.error) void useForecastStore.getState().load();
  });
  return () => {
    offDeployed();
    offConnection();
  };
}
