// Feedback page: the analyzer's statistics with a weekly trend chart, the most corrected and
// lowest rated questions, prediction accuracy, a filterable list, export (JSON, JSONL, CSV, OpenAI
// chat) as a file download, and retention cleanup behind a confirmation.
// e2e handles: stat tiles data-testid "fb-total" / "fb-rating" / "fb-thumbs" / "fb-corrections";
// chart data-testid "fb-trend"; filters labelled "Tipo di agente"/"Agent type", "Pollice"/"Thumb",
// "Valutazione minima"/"Minimum rating", "Con correzione"/"With correction", "Cerca nel
// feedback"/"Search feedback"; rows data-testid "feedback-row"; export select "Formato"/"Format"
// and button "Esporta"/"Export"; cleanup input "Più vecchi di (giorni)"/"Older than (days)" and
// button "Pulisci"/"Clean up" (confirm dialog data-testid "confirm-dialog").
import { useEffect, useState, type ReactElement } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ConfirmDialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Async, EmptyState } from '../components/states';
import { Badge, Segmented, StatCard } from '../components/widgets';
import { formatShortDate, formatTimestamp } from '../format/dates';
import { formatNumber, formatPercent } from '../format/money';
import { MESSAGES, type MessageKey } from '../i18n/catalog';
import { useT, type Translate } from '../i18n/translate';
import { modelLabel } from '../i18n/model-label';
import { DataTable, type Column } from '../components/data-table';
import type { FeedbackItem, FeedbackStats } from '../../src-preload/contract/feedback-channels';
import { errorText } from '../stores/call';
import { EXPORT_FORMATS, LIST_PAGE, saveExport, useFeedbackStore, type ExportFormat } from '../stores/feedback-store';
import { useUiStore } from '../stores/ui-store';

/** "Assistente" for the chat agent; an agent type named elsewhere (CLI, import) is shown as given. */
function agentLabel(t: Translate, agentType: string): string {
  const key = `fb.agent.${agentType}` as MessageKey;
  return key in MESSAGES ? t(key) : agentType;
}

type PredictionRow = FeedbackStats['predictionAccuracy'][number];

export function FeedbackPage(): ReactElement {
  const { t, lang } = useT();
  const { stats, periodDays, setPeriod, loadStats, loadList } = useFeedbackStore();
  const predictionColumns: Column<PredictionRow>[] = [
    { id: 'model', header: t('fb.model'), cell: (p) => modelLabel(t, p.model) },
    { id: 'version', header: t('models.version'), className: 'mono', cell: (p) => p.version ?? '—' },
    { id: 'source', header: t('fb.source'), priority: 2, cell: (p) => <Badge tone={p.source === 'user' ? 'primary' : 'neutral'}>{p.source === 'user' ? t('fb.sourceUser') : p.source === 'auto-outcome' ? t('fb.sourceAuto') : p.source}</Badge> },
    { id: 'resolved', header: t('fb.resolved'), priority: 2, align: 'end', cell: (p) => formatNumber(p.total, lang, 0) },
    { id: 'accurate', header: t('fb.accurate'), priority: 3, align: 'end', cell: (p) => formatNumber(p.accurate, lang, 0) },
    { id: 'accuracy', header: t('fb.accuracy'), align: 'end', cell: (p) => (p.accuracy === null ? '—' : formatPercent(p.accuracy, lang)) },
  ];
  useEffect(() => {
    void loadStats();
    void loadList();
  }, [loadStats, loadList]);
  return (
    <>
      <div className="row">
        <Segmented
          label={t('fb.period')}
          options={[
            { value: 30, label: t('common.days', { count: 30 }) },
            { value: 90, label: t('common.days', { count: 90 }) },
            { value: 365, label: t('common.days', { count: 365 }) },
            { value: 0, label: t('fb.allTime') },
          ]}
          value={periodDays ?? 0}
          onChange={(v) => setPeriod(v === 0 ? null : v)}
        />
        <span className="grow" />
        <ExportControls />
      </div>
      <Async state={stats} onRetry={() => void loadStats()} rows={4} framed>
        {(s) => (
          <>
            <div className="grid grid-4">
              <StatCard testId="fb-total" label={t('fb.total')} value={s.total} sub={s.byAgentType.map((a) => `${agentLabel(t, a.agentType)} ${formatNumber(a.count, lang, 0)}`).join(' · ') || '—'} />
              <StatCard testId="fb-rating" label={t('fb.avgRating')} value={s.averageRating === null ? '—' : `${formatNumber(s.averageRating, lang, 2)} / 5`} sub={t('fb.ratingHint')} />
              <StatCard testId="fb-thumbs" label={t('fb.thumbsUp')} value={s.thumbsUpRatio === null ? '—' : formatPercent(s.thumbsUpRatio, lang)} sub={t('fb.thumbsHint', { up: s.thumbsUp, down: s.thumbsDown })} />
              <StatCard testId="fb-corrections" label={t('fb.correctionRate')} value={s.correctionRate === null ? '—' : formatPercent(s.correctionRate, lang)} sub={t('fb.correctionsHint', { count: s.corrections })} />
            </div>
            <div className="grid grid-2">
              <section className="card" aria-labelledby="fb-trend-title">
                <div className="card-header">
                  <h2 id="fb-trend-title">{t('fb.trend')}</h2>
                </div>
                {s.weekly.length === 0 ? (
                  <EmptyState icon="feedback" title={t('fb.noTrend')} />
                ) : (
                  <div className="chart-box sm" data-testid="fb-trend" role="img" aria-label={t('fb.trend')}>
                    <ResponsiveContainer width="100%" height="100%">
                      <ComposedChart data={s.weekly} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                        <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
                        <XAxis dataKey="week" tickFormatter={(w: string) => (/^\d{4}-\d{2}-\d{2}$/.test(w) ? formatShortDate(w, lang) : w)} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" />
                        <YAxis yAxisId="n" allowDecimals={false} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={36} />
                        <YAxis yAxisId="r" orientation="right" domain={[0, 5]} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={28} />
                        <Tooltip contentStyle={{ background: 'var(--bg-elevated)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }} />
                        <Legend wrapperStyle={{ fontSize: 12 }} />
                        <Bar yAxisId="n" dataKey="thumbsUp" stackId="t" name={t('fb.up')} fill="var(--chart-3)" isAnimationActive={false} />
                        <Bar yAxisId="n" dataKey="thumbsDown" stackId="t" name={t('fb.down')} fill="var(--danger)" isAnimationActive={false} />
                        <Bar yAxisId="n" dataKey="corrections" name={t('fb.corrections')} fill="var(--chart-1)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
                        <Line yAxisId="r" dataKey="averageRating" name={t('fb.avgRating')} stroke="var(--chart-2)" strokeWidth={2} connectNulls isAnimationActive={false} />
                      </ComposedChart>
                    </ResponsiveContainer>
                  </div>
                )}
              </section>
              <section className="card" aria-labelledby="fb-issues">
                <div className="card-header">
                  <h2 id="fb-issues">{t('fb.issues')}</h2>
                </div>
                {s.topCorrectedQuestions.length === 0 && s.lowRated.length === 0 ? (
                  <EmptyState icon="check" title={t('fb.noIssues')} />
                ) : (
                  <div className="stack small">
                    {s.topCorrectedQuestions.length > 0 && <h3 className="muted small">{t('fb.topCorrected')}</h3>}
                    {s.topCorrectedQuestions.slice(0, 5).map((q) => (
                      <div key={q.question} className="row" style={{ alignItems: 'flex-start', flexWrap: 'nowrap' }}>
                        <Badge tone="info">{q.count}×</Badge>
                        <div>
                          <div>{q.question}</div>
                          <div className="muted xs clamp-2" title={q.lastAnswer}>
                            {t('fb.answered')} «{q.lastAnswer}»
                          </div>
                          {q.lastCorrection && <div className="xs clamp-2">→ {q.lastCorrection}</div>}
                        </div>
                      </div>
                    ))}
                    {s.lowRated.length > 0 && <h3 className="muted small">{t('fb.lowRated')}</h3>}
                    {s.lowRated.slice(0, 5).map((q) => (
                      <div key={q.question} className="row" style={{ flexWrap: 'nowrap' }}>
                        <Badge tone="warning">{q.averageRating === null ? '—' : formatNumber(q.averageRating, lang, 1)}★</Badge>
                        <span>{q.question}</span>
                      </div>
                    ))}
                  </div>
                )}
              </section>
            </div>
            {(s.predictionAccuracy.length > 0 || s.unprocessed.length > 0) && (
              <section className="card" aria-labelledby="fb-pred">
                <div className="card-header">
                  <h2 id="fb-pred">{t('fb.predictions')}</h2>
                  <span className="hint">
                    {s.unprocessed
                      .filter((u) => u.activeVersion)
                      .map((u) => t('fb.unprocessed', { model: modelLabel(t, u.model), count: u.count, version: u.activeVersion ?? '' }))
                      .join(' · ')}
                  </span>
                </div>
                {s.predictionAccuracy.length === 0 ? (
                  <EmptyState icon="forecast" title={t('fb.noPredictions')}>
                    {t('fb.noPredictionsHint')}
                  </EmptyState>
                ) : (
                  <DataTable label={t('fb.predictions')} columns={predictionColumns} rows={s.predictionAccuracy} rowKey={(p) => `${p.model}-${p.version}-${p.source}`} />
                )}
              </section>
            )}
          </>
        )}
      </Async>
      <FeedbackList />
      <CleanupCard />
    </>
  );
}

function ExportControls(): ReactElement {
  const { t } = useT();
  const exportAs = useFeedbackStore((s) => s.exportAs);
  const toast = useUiStore((s) => s.toast);
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const file = await exportAs(format);
      saveExport(file);
      toast('success', t('fb.exported', { count: file.count, file: file.filename }));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="row" style={{ gap: 8 }}>
      <label className="sr-only" htmlFor="fb-export-format">
        {t('fb.format')}
      </label>
      <select id="fb-export-format" className="input" style={{ width: 170 }} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        {EXPORT_FORMATS.map((f) => (
          <option key={f} value={f}>
            {t(`fb.format.${f}` as 'fb.format.json')}
          </option>
        ))}
      </select>
      <button type="button" className="btn" onClick={() => void run()} disabled={busy}>
        {busy ? <span className="spinner" /> : <Icon name="download" size={15} />} {t('fb.export')}
      </button>
    </div>
  );
}

function FeedbackList(): ReactElement {
  const { t, lang } = useT();
  const feedbackColumns: Column<FeedbackItem>[] = [
    {
      id: 'date',
      header: t('common.date'),
      priority: 2,
      className: 'small',
      cell: (f) => (
        <>
          <span className="nowrap">{formatTimestamp(f.createdAt, lang)}</span>
          <div>
            <Badge>{agentLabel(t, f.agentType)}</Badge>
          </div>
        </>
      ),
    },
    {
      id: 'exchange',
      header: t('fb.exchange'),
      cell: (f) => (
        <div style={{ maxWidth: 420 }}>
          <div>
            <strong>{f.userInput}</strong>
          </div>
          <div className="muted small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical' }}>
            {f.aiResponse}
          </div>
        </div>
      ),
    },
    {
      id: 'correction',
      header: t('fb.correction'),
      className: 'small',
      cell: (f) => (
        <div style={{ maxWidth: 300 }}>
          {f.userCorrection ?? <span className="faint">—</span>}
          {f.comment && <div className="faint xs">{f.comment}</div>}
        </div>
      ),
    },
    {
      id: 'rating',
      header: t('fb.rating'),
      nowrap: true,
      cell: (f) => (
        <>
          {f.thumb && (
            <Badge tone={f.thumb === 'up' ? 'success' : 'danger'}>
              <Icon name={f.thumb === 'up' ? 'thumbUp' : 'thumbDown'} size={12} /> {f.thumb === 'up' ? t('fb.up') : t('fb.down')}
            </Badge>
          )}{' '}
          {f.rating !== null && (
            <span title={t('fb.stars', { n: f.rating })}>
              {'★'.repeat(f.rating)}
              <span className="faint">{'★'.repeat(5 - f.rating)}</span>
            </span>
          )}
        </>
      ),
    },
  ];
  const { list, filter, offset, setFilter, setOffset, loadList } = useFeedbackStore();
  const byAgentType = useFeedbackStore((s) => s.stats.data?.byAgentType);
  const agentTypes = (byAgentType ?? []).map((a) => a.agentType);
  const [search, setSearch] = useState(filter.search);
  useEffect(() => {
    if (search === filter.search) return;
    const h = setTimeout(() => setFilter({ search }), 250);
    return () => clearTimeout(h);
  }, [search, filter.search, setFilter]);
  return (
    <section className="card" aria-labelledby="fb-list">
      <div className="card-header">
        <h2 id="fb-list">{t('fb.list')}</h2>
        {list.data && <span className="hint">{t('fb.listTotal', { count: list.data.total })}</span>}
      </div>
      <div className="toolbar">
        <label className="field grow">
          <span className="field-label">{t('fb.search')}</span>
          <input className="input" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label className="field" style={{ width: 150 }}>
          <span className="field-label">{t('fb.agentType')}</span>
          <select className="input" value={filter.agentType} onChange={(e) => setFilter({ agentType: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {[...new Set(['chat', ...agentTypes])].map((a) => (
              <option key={a} value={a}>
                {agentLabel(t, a)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" style={{ width: 130 }}>
          <span className="field-label">{t('fb.thumb')}</span>
          <select className="input" value={filter.thumb} onChange={(e) => setFilter({ thumb: e.target.value as '' | 'up' | 'down' })}>
            <option value="">{t('common.all')}</option>
            <option value="up">{t('fb.up')}</option>
            <option value="down">{t('fb.down')}</option>
          </select>
        </label>
        <label className="field" style={{ width: 150 }}>
          <span className="field-label">{t('fb.minRating')}</span>
          <select className="input" value={filter.minRating} onChange={(e) => setFilter({ minRating: e.target.value === '' ? '' : Number(e.target.value) })}>
            <option value="">{t('common.all')}</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                ≥ {n}★
              </option>
            ))}
          </select>
        </label>
        <label className="field" style={{ width: 140 }}>
          <span className="field-label">{t('fb.withCorrection')}</span>
          <select className="input" value={filter.hasCorrection} onChange={(e) => setFilter({ hasCorrection: e.target.value as '' | 'yes' | 'no' })}>
            <option value="">{t('common.all')}</option>
            <option value="yes">{t('common.yes')}</option>
            <option value="no">{t('common.no')}</option>
          </select>
        </label>
      </div>
      <Async state={list} onRetry={() => void loadList()} rows={5}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState icon="feedback" title={t('fb.empty')}>
              {t('fb.emptyHint')}
            </EmptyState>
          ) : (
            <>
              <DataTable label={t('fb.list')} columns={feedbackColumns} rows={data.items} rowKey={(f) => f.id} rowProps={() => ({ 'data-testid': 'feedback-row' })} />
              {data.total > LIST_PAGE && (
                <div className="row">
                  <span className="small muted grow">{t('common.pageOf', { from: offset + 1, to: Math.min(offset + LIST_PAGE, data.total), total: data.total })}</span>
                  <button type="button" className="btn btn-sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIST_PAGE))}>
                    {t('common.previous')}
                  </button>
                  <button type="button" className="btn btn-sm" disabled={offset + LIST_PAGE >= data.total} onClick={() => setOffset(offset + LIST_PAGE)}>
                    {t('common.next')}
                  </button>
                </div>
              )}
            </>
          )
        }
      </Async>
    </section>
  );
}

function CleanupCard(): ReactElement {
  const { t } = useT();
  const cleanup = useFeedbackStore((s) => s.cleanup);
  const toast = useUiStore((s) => s.toast);
  const [days, setDays] = useState('365');
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = () => {
    const n = Number(days.trim());
    if (!/^\d+$/.test(days.trim()) || n < 1 || n > 36500) {
      setError(t('fb.cleanupError'));
      return;
    }
    setError(null);
    setConfirm(n);
  };
  const run = async (n: number) => {
    setBusy(true);
    try {
      const res = await cleanup(n);
      toast('success', t('fb.cleaned', { deleted: res.deleted, kept: res.keptForAudit }));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };
  return (
    <section className="card" aria-labelledby="fb-cleanup">
      <div className="card-header">
        <h2 id="fb-cleanup">{t('fb.cleanup')}</h2>
        <span className="hint">{t('fb.cleanupHint')}</span>
      </div>
      <div className="toolbar">
        <div className="field" style={{ width: 220 }}>
          <label className="field-label" htmlFor="fb-older-than">
            {t('fb.olderThan')}
          </label>
          <input id="fb-older-than" className="input num" inputMode="numeric" value={days} aria-invalid={!!error} aria-describedby={error ? 'fb-cleanup-err' : undefined} onChange={(e) => setDays(e.target.value)} />
          {error && (
            <span className="field-error" id="fb-cleanup-err">
              {error}
            </span>
          )}
        </div>
        <button type="button" className="btn btn-danger" onClick={ask} style={{ marginBottom: error ? 22 : 0 }}>
          <Icon name="trash" size={15} /> {t('fb.cleanupButton')}
        </button>
      </div>
      {confirm !== null && <ConfirmDialog title={t('fb.cleanupTitle')} message={t('fb.cleanupMessage', { days: confirm })} confirmLabel={t('fb.cleanupButton')} danger busy={busy} onConfirm={() => void run(confirm)} onCancel={() => setConfirm(null)} />}
    </section>
  );
}
