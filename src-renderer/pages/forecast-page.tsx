// Forecast page: expected cash-in over the next N days (weekly bars, cumulative line, P10–P90 band),
// the N selector, and the open invoices with predicted date, interval, due date and amount; "Record
// actual" on a row opens a small form that submits prediction feedback.
// e2e handles: horizon buttons in group "Orizzonte"/"Horizon" named "30 giorni"/"30 days"; total
// data-testid "forecast-total"; served model version data-testid "forecast-version"; chart
// data-testid "forecast-chart"; rows data-testid "forecast-row" (predicted date in a cell with
// data-testid "predicted-date"); "Registra esito"/"Record actual" opens dialog data-testid
// "actual-dialog" with "Data pagamento"/"Payment date" and "Importo pagato (€)"/"Amount paid (€)".
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Forecast } from '../../src-preload/contract/models-channels';
import { Dialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Alert, EmptyState, ErrorState, LoadingState } from '../components/states';
import { Badge, Segmented, StatCard } from '../components/widgets';
import { formatDate, formatShortDate, formatTimestamp, localTodayIso } from '../format/dates';
import { centsToInput, formatCents, formatCentsCompact } from '../format/money';
import { formatRetrainingMessages } from '../format/retraining-messages';
import { useT } from '../i18n/translate';
import { errorText } from '../stores/call';
import { actualFeedbackArgs, chartRows, HORIZONS, useForecastStore, watchForecast, type ActualDraft, type ForecastInvoice } from '../stores/forecast-store';
import { useSettingsStore } from '../stores/settings-store';
import { useUiStore } from '../stores/ui-store';

export function ForecastPage(): ReactElement {
  const { t, lang } = useT();
  const { days, forecast, noModel, training, trainError, setDays, load, trainFirst } = useForecastStore();
  const [recording, setRecording] = useState<ForecastInvoice | null>(null);
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
            {t('forecast.servedBy')} <Badge tone="primary">{f.model} <span data-testid="forecast-version">{f.version}</span></Badge> · {formatTimestamp(f.generatedAt, lang)}
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
            <StatCard label={t('forecast.late')} value={f.invoices.filter((i) => i.predictedLateDays > 0).length} sub={t('forecast.lateHint')} />
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
            </div>
            {f.invoices.length === 0 ? (
              <EmptyState icon="invoice" title={t('forecast.noOpen')} />
            ) : (
              <div className="table-wrap" style={{ maxHeight: 560, overflowY: 'auto' }}>
                <table>
                  <thead>
                    <tr>
                      <th>{t('data.col.number')}</th>
                      <th>{t('data.col.client')}</th>
                      <th>{t('data.col.dueDate')}</th>
                      <th>{t('forecast.predicted')}</th>
                      <th>{t('forecast.interval')}</th>
                      <th className="num">{t('forecast.vsDue')}</th>
                      <th className="num">{t('common.amount')}</th>
                      <th className="num">{t('common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {f.invoices.map((inv) => (
                      <tr key={inv.invoiceId} data-testid="forecast-row">
                        <td className="nowrap">
                          <strong>{inv.label}</strong>
                        </td>
                        <td>{inv.clientName}</td>
                        <td className="nowrap">{formatDate(inv.dueDate, lang)}</td>
                        <td className="nowrap" data-testid="predicted-date">
                          <strong>{formatDate(inv.predictedDate, lang)}</strong>
                        </td>
                        <td className="nowrap small muted">{inv.p10Date && inv.p90Date ? `${formatShortDate(inv.p10Date, lang)} – ${formatShortDate(inv.p90Date, lang)}` : '—'}</td>
                        <td className="num">
                          <LateBadge days={inv.predictedLateDays} />
                        </td>
                        <td className="num">{formatCents(inv.outstandingCents, lang)}</td>
                        <td className="num">
                          <button type="button" className="btn btn-sm" onClick={() => setRecording(inv)} aria-label={t('forecast.recordActualFor', { label: inv.label })}>
                            <Icon name="check" size={14} /> {t('forecast.recordActual')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          {recording && <ActualDialog f={f} inv={recording} onClose={() => setRecording(null)} />}
        </>
      )}
    </>
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
  // Recharts sizes the axis from bars and lines only; include the band's top so it is not clipped.
  const top = rows.reduce((m, r) => Math.max(m, r.band[1], r.expected), 0);
  const euro = (v: number) => formatCents(Math.round(v * 100), lang);
  return (
    <div className="chart-box" data-testid="forecast-chart" role="img" aria-label={t('forecast.chartTitle', { days: f.horizonDays })}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="week" tickFormatter={(w: string) => formatShortDate(w, lang)} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" />
          <YAxis yAxisId="week" domain={[0, Math.ceil(top * 1.05)]} tickFormatter={(v: number) => formatCentsCompact(v * 100, lang)} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={72} />
          <YAxis yAxisId="cum" orientation="right" tickFormatter={(v: number) => formatCentsCompact(v * 100, lang)} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={72} />
          <Tooltip
            contentStyle={{ background: 'var(--bg-elevated)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
            labelFormatter={(w) => t('forecast.weekOf', { date: formatDate(String(w), lang) })}
            formatter={(v, name) => [Array.isArray(v) ? `${euro(Number(v[0]))} – ${euro(Number(v[1]))}` : euro(Number(v)), String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />
          <Area yAxisId="week" dataKey="band" name={t('forecast.band')} fill="var(--chart-band)" stroke="var(--chart-1)" strokeOpacity={0.35} strokeDasharray="4 3" isAnimationActive={false} />
          <Bar yAxisId="week" dataKey="expected" name={t('forecast.weekly')} fill="var(--chart-1)" radius={[4, 4, 0, 0]} maxBarSize={48} isAnimationActive={false} />
          <Line yAxisId="cum" dataKey="cumulative" name={t('forecast.cumulative')} stroke="var(--chart-2)" strokeWidth={2.5} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function ActualDialog({ f, inv, onClose }: { f: Forecast; inv: ForecastInvoice; onClose: () => void }): ReactElement {
  const { t, lang } = useT();
  const recordActual = useForecastStore((s) => s.recordActual);
  const tolerance = useSettingsStore((s) => s.snapshot?.settings.find((x) => x.key === 'ML_TOLERANCE_DAYS')?.value);
  const toast = useUiStore((s) => s.toast);
  const [draft, setDraft] = useState<ActualDraft>({ paidDate: localTodayIso(), amount: centsToInput(inv.outstandingCents) });
  const [errors, setErrors] = useState<ReturnType<typeof actualFeedbackArgs>['errors']>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const { errors: errs, args } = actualFeedbackArgs(f, inv, draft, typeof tolerance === 'number' ? tolerance : null);
    setErrors(errs);
    if (!args) return;
    setBusy(true);
    setServerError(null);
    try {
      await recordActual(args);
      toast('success', t('forecast.actualSaved', { label: inv.label }));
      onClose();
    } catch (err) {
      setServerError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('forecast.recordActualFor', { label: inv.label })} onClose={onClose} testId="actual-dialog">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <p className="small muted">
          {t('forecast.predictedWas', { date: formatDate(inv.predictedDate, lang), amount: formatCents(inv.outstandingCents, lang) })}
        </p>
        <Alert kind="info">{t('forecast.actualHint')}</Alert>
        {serverError && <Alert kind="error">{serverError}</Alert>}
        <div className="grid grid-2">
          <div className="field">
            <label className="field-label" htmlFor="actual-date">
              {t('data.paidDate')}
            </label>
            <input id="actual-date" className="input" type="date" value={draft.paidDate} aria-invalid={!!errors.paidDate} aria-describedby={errors.paidDate ? 'actual-date-err' : undefined} onChange={(e) => setDraft({ ...draft, paidDate: e.target.value })} />
            {errors.paidDate && (
              <span className="field-error" id="actual-date-err">
                {t(errors.paidDate)}
              </span>
            )}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="actual-amount">
              {t('data.paymentAmount')}
            </label>
            <input id="actual-amount" className="input num" inputMode="decimal" value={draft.amount} aria-invalid={!!errors.amount} aria-describedby={errors.amount ? 'actual-amount-err' : undefined} onChange={(e) => setDraft({ ...draft, amount: e.target.value })} />
            {errors.amount && (
              <span className="field-error" id="actual-amount-err">
                {t(errors.amount)}
              </span>
            )}
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-close>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy && <span className="spinner" />} {t('forecast.saveActual')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
