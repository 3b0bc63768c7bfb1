// Forecast page: expected cash-in over the next N days (weekly bars, the cumulative line with its
// P10–P90 band as a range area under the axis top), the N selector, and the open invoices with
// predicted date, interval, due date and amount. "Record payment" on a row is the Data page's action
// (record-payment-dialog.tsx): the payment resolves the prediction, and the row stays with its
// outcome (paid on, days from the prediction) even once the invoice has left the open list. Each row
// shows the probability of a late payment, flagged from 50%, and the list can put the most likely late first.
// e2e handles: horizon buttons in group "Orizzonte"/"Horizon" named "30 giorni"/"30 days"; total
// data-testid "forecast-total"; served model version data-testid "forecast-version"; chart
// data-testid "forecast-chart"; rows data-testid "forecast-row" (predicted date in a cell with
// data-testid "predicted-date", late probability in data-testid "late-probability", data-likely-late
// "true" on flagged rows); order buttons in group "Ordine"/"Order"; "Registra pagamento"/"Record payment" opens dialog data-testid
// "payment-dialog"; a recorded row has data-testid "forecast-outcome" in its actions cell.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Forecast } from '../../src-preload/contract/models-channels';
import { Icon } from '../components/icons';
import { Alert, EmptyState, ErrorState, LoadingState } from '../components/states';
import { Badge, Segmented, StatCard } from '../components/widgets';
import { formatDate, formatShortDate, formatTimestamp } from '../format/dates';
import { formatCents, formatCentsCompact, formatNumber } from '../format/money';
import { formatRetrainingMessages } from '../format/retraining-messages';
import { useT } from '../i18n/translate';
import { modelLabel } from '../i18n/model-label';
import { chartRows, cumulativeAxisTop, HORIZONS, roundAxis, recordedOutcome, rowsWithOutcomes, sortInvoices, useForecastStore, watchForecast, type ForecastInvoice, type InvoiceOrder, type RecordedOutcome } from '../stores/forecast-store';
import { DataTable, type Column } from '../components/data-table';
import { RecordPaymentDialog } from './record-payment-dialog';

export function ForecastPage(): ReactElement {
  const { t, lang } = useT();
  const { days, order, forecast, noModel, training, trainError, setDays, setOrder, load, trainFirst, outcomes, addOutcome } = useForecastStore();
  const [recording, setRecording] = useState<ForecastInvoice | null>(null);
  const rows = useMemo(() => rowsWithOutcomes(sortInvoices(forecast.data?.invoices ?? [], order), outcomes), [forecast.data, order, outcomes]);
  const columns: Column<ForecastInvoice>[] = [
    { id: 'number', header: t('data.col.number'), nowrap: true, cell: (inv) => <strong>{inv.label}</strong> },
    { id: 'client', header: t('data.col.client'), priority: 2, cell: (inv) => inv.clientName },
    { id: 'due', header: t('data.col.dueDate'), priority: 3, nowrap: true, cell: (inv) => formatDate(inv.dueDate, lang) },
    {
      id: 'predicted',
      header: t('forecast.predicted'),
      nowrap: true,
      cell: (inv) => (
        <strong data-testid="predicted-date">{formatDate(inv.predictedDate, lang)}</strong>
      ),
    },
    { id: 'interval', header: t('forecast.interval'), priority: 4, nowrap: true, className: 'small muted', cell: (inv) => (inv.p10Date && inv.p90Date ? `${formatShortDate(inv.p10Date, lang)} – ${formatShortDate(inv.p90Date, lang)}` : '—') },
    { id: 'late', header: t('forecast.vsDue'), priority: 3, align: 'end', cell: (inv) => <LateBadge days={inv.predictedLateDays} /> },
    {
      id: 'lateProbability',
      header: t('forecast.lateProbability'),
      priority: 2,
      align: 'end',
      cell: (inv) => (
        <span data-testid="late-probability">
          <LateRisk p={inv.lateProbability} flagged={inv.likelyLate} />
        </span>
      ),
    },
    { id: 'amount', header: t('common.amount'), priority: 2, align: 'end', nowrap: true, cell: (inv) => formatCents(inv.outstandingCents, lang) },
    {
      id: 'actions',
      header: t('common.actions'),
      headerHidden: true,
      align: 'end',
      cell: (inv) => {
        const outcome = outcomes[inv.invoiceId];
        const pay = (
          <button type="button" className="btn btn-sm" onClick={() => setRecording(inv)} aria-label={t('data.recordPaymentFor', { label: inv.label })}>
            <Icon name="payment" size={14} /> {t('data.recordPayment')}
          </button>
        );
        if (!outcome) return pay;
        return (
          <div className="stack" style={{ gap: 4, alignItems: 'flex-end' }}>
            <OutcomeBadge outcome={outcome} />
            {!outcome.fullyPaid && forecast.data?.invoices.some((i) => i.invoiceId === inv.invoiceId) && pay}
          </div>
        );
      },
    },
  ];
  useEffect(() => {
    return watchForecast();
  }, []);
  const f = forecast.data;
  return (
    <>
      <div className="row">
        <Segmented label={t('forecast.horizon')} options={HORIZONS.map((d) => ({ value: d, label: t('common.days', { count: d }) }))} value={days} onChange={setDays} />
        <span className="grow" />
        {forecast.loading && <span className="spinner" aria-label={t('common.loading')} />}
        {f && (
          <span className="small muted">
            {t('forecast.servedBy')} <Badge tone="primary">{modelLabel(t, f.model)} <span data-testid="forecast-version">{f.version}</span></Badge> · {formatTimestamp(f.generatedAt, lang)}
          </span>
        )}
      </div>
      {noModel && !f ? (
        <div className="card">
          <EmptyState
            icon="models"
            title={t('forecast.noModel')}
            action={
              <button type="button" className="btn btn-primary" onClick={() => void trainFirst()} disabled={training}>
                {training ? <span className="spinner" /> : <Icon name="models" size={15} />} {training ? t('forecast.training') : t('forecast.trainFirst')}
              </button>
            }
          >
            {t('forecast.noModelHint')}
          </EmptyState>
          {trainError && <Alert kind="error">{formatRetrainingMessages(trainError.messages, trainError.text, lang)}</Alert>}
        </div>
      ) : forecast.error && !f ? (
        <div className="card">
          <ErrorState message={forecast.error} onRetry={() => void load()} />
        </div>
      ) : !f ? (
        <div className="card">
          <LoadingState rows={6} />
        </div>
      ) : (
        <>
          <div className="grid grid-4">
            <StatCard label={t('forecast.total', { days: f.horizonDays })} value={<span data-testid="forecast-total">{formatCents(f.totalCents, lang)}</span>} sub={t('forecast.invoicesCount', { count: f.invoices.length })} />
            <StatCard label={t('forecast.nextWeek')} value={formatCents(f.weeks[0]?.expectedCents ?? 0, lang)} sub={f.weeks[0] ? t('forecast.weekOf', { date: formatDate(f.weeks[0].weekStart, lang) }) : '—'} />
            <StatCard label={t('forecast.late')} value={<span data-testid="likely-late-count">{f.invoices.filter((i) => i.likelyLate).length}</span>} sub={t('forecast.lateHint')} />
            <StatCard label={t('forecast.avgDelay')} value={f.invoices.length ? t('common.daysShort', { count: Math.round(f.invoices.reduce((a, i) => a + i.predictedLateDays, 0) / f.invoices.length) }) : '—'} sub={t('forecast.avgDelayHint')} />
          </div>
          <section className="card" aria-labelledby="fc-chart">
            <div className="card-header">
              <h2 id="fc-chart">{t('forecast.chartTitle', { days: f.horizonDays })}</h2>
              <span className="hint">{t('forecast.chartHint')}</span>
            </div>
            {f.weeks.length === 0 || f.totalCents === 0 ? <EmptyState icon="forecast" title={t('forecast.nothing')}>{t('forecast.nothingHint')}</EmptyState> : <ForecastChart f={f} />}
          </section>
          <section className="card" aria-labelledby="fc-table">
            <div className="card-header">
              <h2 id="fc-table">{t('forecast.openInvoices')}</h2>
              <span className="hint">{t('forecast.tableHint')}</span>
              <span className="grow" />
              <Segmented<InvoiceOrder> label={t('forecast.order')} options={[{ value: 'late', label: t('forecast.orderLate') }, { value: 'date', label: t('forecast.orderDate') }]} value={order} onChange={setOrder} />
            </div>
            {f.invoices.length === 0 ? (
              <EmptyState icon="invoice" title={t('forecast.noOpen')} />
            ) : (
              <DataTable
                label={t('forecast.openInvoices')}
                maxHeight={560}
                columns={columns}
                rows={rows}
                rowKey={(inv) => inv.invoiceId}
                rowProps={(inv) => ({ 'data-testid': 'forecast-row', 'data-recorded': outcomes[inv.invoiceId] ? 'true' : undefined, 'data-likely-late': inv.likelyLate ? 'true' : 'false', className: inv.likelyLate ? 'row-flagged' : undefined })}
              />
            )}
          </section>
          {recording && (
            <RecordPaymentDialog
              invoice={{ ...recording, id: recording.invoiceId }}
              context={t('forecast.paymentContext', { date: formatDate(recording.predictedDate, lang) })}
              onClose={() => setRecording(null)}
              onRecorded={(r) => addOutcome(recordedOutcome(recording, r.paidDate, r.amountCents, r.invoice.outstandingCents))}
            />
          )}
        </>
      )}
    </>
  );
}

/** The probability of a late payment; flagged (with the warning tone) from 50%. */
function LateRisk({ p, flagged }: { p: number; flagged: boolean }): ReactElement {
  const { t, lang } = useT();
  const text = `${formatNumber(Math.round(p * 100), lang, 0)}%`;
  if (!flagged) return <span className="muted">{text}</span>;
  return (
    <Badge tone={p >= 0.8 ? 'danger' : 'warning'}>
      <span aria-label={t('forecast.likelyLate')} title={t('forecast.likelyLate')}>
        ⚑
      </span>{' '}
      {text}
    </Badge>
  );
}

function LateBadge({ days }: { days: number }): ReactElement {
  const { t } = useT();
  const d = Math.round(days);
  if (d > 0) return <Badge tone={d > 14 ? 'danger' : 'warning'}>{t('forecast.lateBy', { count: d })}</Badge>;
  if (d < 0) return <Badge tone="success">{t('forecast.earlyBy', { count: -d })}</Badge>;
  return <Badge tone="success">{t('forecast.onTime')}</Badge>;
}

function ForecastChart({ f }: { f: Forecast }): ReactElement {
  const { t, lang } = useT();
  const rows = useMemo(() => chartRows(f), [f]);
  // Each axis is sized from what is drawn on it, band included, so nothing is clipped at the top.
  const weekAxis = roundAxis(rows.reduce((m, r) => Math.max(m, r.expected), 0));
  const cumAxis = roundAxis(cumulativeAxisTop(rows));
  const euro = (v: number) => formatCents(Math.round(v * 100), lang);
  const axis = { fill: 'var(--text-muted)', fontSize: 12 };
  return (
    <div className="chart-box" data-testid="forecast-chart" role="img" aria-label={t('forecast.chartTitle', { days: f.horizonDays })}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="week" tickFormatter={(w: string) => formatShortDate(w, lang)} tick={axis} stroke="var(--border)" />
          <YAxis yAxisId="week" domain={[0, weekAxis.top]} ticks={weekAxis.ticks} allowDataOverflow={false} tickFormatter={(v: number) => formatCentsCompact(v * 100, lang)} tick={axis} stroke="var(--border)" width={72} />
          <YAxis yAxisId="cum" orientation="right" domain={[0, cumAxis.top]} ticks={cumAxis.ticks} tickFormatter={(v: number) => formatCentsCompact(v * 100, lang)} tick={axis} stroke="var(--border)" width={72} />
          <Tooltip
            contentStyle={{ background: 'var(--bg-elevated)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
            labelFormatter={(w) => t('forecast.weekOf', { date: formatDate(String(w), lang) })}
            formatter={(v, name) => {
              if (!Array.isArray(v)) return [euro(Number(v)), String(name)];
              const [low, high] = [Number(v[0]), Number(v[1])].sort((a, b) => a - b);
              return [`${euro(low)} – ${euro(high)}`, String(name)];
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />
          <Bar yAxisId="week" dataKey="expected" name={t('forecast.weekly')} fill="var(--chart-1)" radius={[4, 4, 0, 0]} maxBarSize={48} isAnimationActive={false} />
          <Area yAxisId="cum" type="monotone" dataKey="band" name={t('forecast.band')} legendType="square" fill="var(--chart-band-2)" stroke="var(--chart-2)" strokeOpacity={0.45} strokeDasharray="4 3" isAnimationActive={false} />
          <Line yAxisId="cum" type="monotone" dataKey="cumulative" name={t('forecast.cumulative')} stroke="var(--chart-2)" strokeWidth={2.5} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A recorded payment against its prediction: "Paid on 05/03/2026 · 3 days after the prediction". */
function OutcomeBadge({ outcome }: { outcome: RecordedOutcome }): ReactElement {
  const { t, lang } = useT();
  const d = outcome.daysFromPrediction;
  const when = outcome.fullyPaid ? t('forecast.paidOn', { date: formatDate(outcome.paidDate, lang) }) : t('forecast.partlyPaidOn', { amount: formatCents(outcome.amountCents, lang), date: formatDate(outcome.paidDate, lang) });
  const vs = d === 0 ? t('forecast.asPredicted') : d > 0 ? t('forecast.laterThanPredicted', { days: d }) : t('forecast.earlierThanPredicted', { days: -d });
  return (
    <span className="outcome" data-testid="forecast-outcome" data-days={d}>
      <Badge tone={outcome.fullyPaid ? 'success' : 'warning'}>
        <Icon name="check" size={12} /> {when}
      </Badge>
      <span className="xs muted">{vs}</span>
    </span>
  );
}
