// The Forecast page: forecast:get over N days, chart rows in euro, and the outcomes of the payments
// recorded from the page. A payment is recorded with payments:record (the one action it shares with
// the Data page), which resolves the served prediction in main; the page keeps each recorded row with
// its outcome, also once the invoice, now paid, leaves the list of open invoices.
import { create } from 'zustand';
import type { Forecast } from '../../src-preload/contract/models-channels';
import type { RetrainingMessages } from '../../src-shared/retraining-message';
import { daysBetween } from '../format/dates';
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

export interface ChartRow {
  week: string;
  /** Expected cash-in of the week (bars, left axis). */
  expected: number;
  /** Cumulative expected cash-in (line, right axis). */
  cumulative: number;
  /**
   * The P10–P90 range of the cumulative line, low first: what has come in by the end of the week if
   * every invoice paid at its late (P90) date, and if every one paid at its early (P10) date.
   */
  band: [number, number];
}

/**
 * Chart rows in euro. The weeks' P10 and P90 figures are the cash-in of each week under the early and
 * the late scenario; neither is a bound of the week's own amount (the early scenario can put more in
 * the first week and less later), so the band is drawn around the cumulative line, where the early
 * scenario is always at or above the late one, and ordered low → high for the range area.
 */
export function chartRows(f: Pick<Forecast, 'weeks'>): ChartRow[] {
  let early = 0;
  let late = 0;
  return f.weeks.map((w) => {
    early += w.p10Cents;
    late += w.p90Cents;
    const low = Math.min(early, late, w.cumulativeCents);
    const high = Math.max(early, late, w.cumulativeCents);
    return { week: w.weekStart, expected: w.expectedCents / 100, cumulative: w.cumulativeCents / 100, band: [low / 100, high / 100] };
  });
}

/** The top of the right axis: the band's and the line's highest point, so nothing is drawn above it. */
export function cumulativeAxisTop(rows: readonly ChartRow[]): number {
  return rows.reduce((m, r) => Math.max(m, r.band[1], r.cumulative), 0);
}

/**
 * An axis from 0 to `top` rounded up to a round step (1, 2, 2.5 or 5 times a power of ten), with its
 * evenly spaced ticks: 6.900 € becomes 0, 2.000, 4.000, 6.000, 8.000, so no tick label crowds the top one.
 */
export function roundAxis(top: number, steps = 4): { top: number; ticks: number[] } {
  if (!(top > 0) || !Number.isFinite(top)) return { top: 1, ticks: [0, 1] };
  const magnitude = 10 ** Math.floor(Math.log10(top / steps));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s * steps >= top) ?? 10 * magnitude;
  const n = Math.ceil(top / step - 1e-9);
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { top: ticks[n]!, ticks };
}

/** What a payment recorded from the Forecast page did to the prediction of its invoice. */
export interface RecordedOutcome {
  invoice: ForecastInvoice;
  paidDate: string;
  amountCents: number;
  fullyPaid: boolean;
  /** Paid date minus predicted date: positive = later than predicted. */
  daysFromPrediction: number;
}

export function recordedOutcome(invoice: ForecastInvoice, paidDate: string, amountCents: number, outstandingAfterCents: number): RecordedOutcome {
  return { invoice, paidDate, amountCents, fullyPaid: outstandingAfterCents <= 0, daysFromPrediction: daysBetween(invoice.predictedDate, paidDate) };
}

/** The forecast's open invoices followed by the recorded ones that have left it, each once. */
export function rowsWithOutcomes(open: readonly ForecastInvoice[], outcomes: Readonly<Record<number, RecordedOutcome>>): ForecastInvoice[] {
  const ids = new Set(open.map((i) => i.invoiceId));
  return [...open, ...Object.values(outcomes).filter((o) => !ids.has(o.invoice.invoiceId)).map((o) => o.invoice)];
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
  /** Payments recorded from this page, by invoice id, with their outcome against the prediction. */
  outcomes: Record<number, RecordedOutcome>;
  addOutcome: (o: RecordedOutcome) => void;
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
  outcomes: {},
  addOutcome: (o) => {
    set((s) => ({ outcomes: { ...s.outcomes, [o.invoice.invoiceId]: o } }));
    // The payment moved money out of the forecast and resolved its prediction: show the new numbers.
    void get().load();
  },
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
