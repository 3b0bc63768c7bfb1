// Models page: one card per model (active version, metrics, last training, each trigger's current
// value against its threshold, next check), Retrain now / Dry run with live progress, the versions
// table with a Rollback button on each non-active version behind a confirm dialog, the chart of the
// primary metric across versions, the calibration plot of the active version's intervals (nominal
// vs observed coverage) with the settings time-series CV chose, the pin a rollback sets (automatic
// deploys wait; an Unpin button), a Cancel button while a retrain runs, and the run history.
// e2e handles: card data-testid "model-card-NAME" (e.g. "model-card-cash_flow"); active version in
// data-testid "active-version"; triggers data-testid "trigger-ID"; buttons "Riaddestra ora"/"Retrain
// now" and "Prova a secco"/"Dry run"; progress bar named "Avanzamento addestramento"/"Training
// progress"; result data-testid "retrain-result"; version rows data-testid "version-row" with
// data-version and data-status attributes and a "Rollback" button (named "Rollback a X"/"Roll back
// to X"); the confirm dialog is data-testid "confirm-dialog"; run rows data-testid "run-row"; the
// pin notice data-testid "model-pinned" with button "Sblocca"/"Unpin"; the calibration plot
// data-testid "calibration-plot"; "Annulla"/"Cancel" while training. A model serving its untrained
// version 0 (the payment matcher's rules) shows data-testid "untrained-version" instead of the active
// version, the line "model-untrained" (what serves, examples needed and so far) and the trigger row
// "trigger-first_training" instead of "no active model".
import { useEffect, useState, type ReactElement } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ModelCard, ModelVersion, RetrainingRun } from '../../src-preload/contract/models-channels';
import { DataTable, type Column } from '../components/data-table';
import { progressStepLabel } from '../i18n/progress-steps';
import { ConfirmDialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Alert, Async, EmptyState } from '../components/states';
import { Badge, ProgressBar, type Tone } from '../components/widgets';
import { formatRelative, formatTimestamp } from '../format/dates';
import { formatNumber, formatPercent } from '../format/money';
import { formatRetrainingMessage, formatRetrainingMessages } from '../format/retraining-messages';
import { formatMetric, metricOf, PRIMARY_ERROR_KEY, primaryMetricName } from '../format/metrics';
import { MESSAGES, type MessageKey } from '../i18n/catalog';
import { useT, type Translate } from '../i18n/translate';
import { errorText } from '../stores/call';
import { calibrationSeries, metricSeries, triggerFigures, untrainedText, useModelsStore, watchModels } from '../stores/models-store';
import { useUiStore } from '../stores/ui-store';

const STATUS_TONE: Record<ModelVersion['status'], Tone> = { active: 'success', candidate: 'info', retired: 'neutral', rejected: 'danger' };
const OUTCOME_TONE: Record<string, Tone> = { deployed: 'success', 'kept-current': 'neutral', rejected: 'warning', failed: 'danger', 'dry-run': 'info', 'not-triggered': 'neutral', 'rolled-back': 'primary', running: 'primary' };

function tr(t: Translate, prefix: string, id: string, fallback: string): string {
  const key = `${prefix}.${id}` as MessageKey;
  return key in MESSAGES ? t(key) : fallback;
}

export function ModelsPage(): ReactElement {
  const { t } = useT();
  const { cards, runs, load } = useModelsStore();
  useEffect(() => {
    return watchModels();
  }, []);
  return (
    <>
      <Async state={cards} onRetry={() => void load()} rows={5} framed>
        {(list) =>
          list.length === 0 ? (
            <div className="card">
              <EmptyState icon="models" title={t('models.none')}>
                {t('models.noneHint')}
              </EmptyState>
            </div>
          ) : (
            <>
              {list.map((card) => (
                <ModelSection key={card.name} card={card} />
              ))}
            </>
          )
        }
      </Async>
      <section className="card" aria-labelledby="runs-title">
        <div className="card-header">
          <h2 id="runs-title">{t('models.runs')}</h2>
          <span className="hint">{t('models.runsHint')}</span>
        </div>
        <Async state={runs} onRetry={() => void load()}>
          {(items) => (items.length === 0 ? <EmptyState icon="models" title={t('models.noRuns')} /> : <RunsTable />)}
        </Async>
      </section>
    </>
  );
}

function ModelSection({ card }: { card: ModelCard }): ReactElement {
  const { t, lang } = useT();
  const { retraining, lastResult, retrain, unpin, cancelRetrain } = useModelsStore();
  const toast = useUiStore((s) => s.toast);
  const run = retraining[card.name];
  const result = lastResult[card.name];
  const fmt = (n: number, d: number) => formatNumber(n, lang, d);
  return (
    <>
      <section className="card" data-testid={`model-card-${card.name}`} aria-labelledby={`model-${card.name}`}>
        <div className="card-header">
          <h2 id={`model-${card.name}`}>{tr(t, 'models.name', card.name, card.name)}</h2>
          {card.activeVersion ? (
            <Badge tone="success">
              {t('models.active')} <span data-testid="active-version">{card.activeVersion}</span>
            </Badge>
          ) : card.servesUntrained ? (
            <Badge tone="neutral" testId="untrained-version">
              {t('models.rulesInUse')}
            </Badge>
          ) : (
            <Badge tone="warning">{t('models.noActive')}</Badge>
          )}
          {card.dryRunSetting && <Badge tone="info">{t('models.dryRunOn')}</Badge>}
          <button type="button" className="btn" disabled={!!run || card.retraining} onClick={() => void retrain(card.name, true)}>
            <Icon name="beaker" size={15} /> {t('models.dryRun')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!!run || card.retraining} onClick={() => void retrain(card.name, false)}>
            {run && !run.dryRun ? <span className="spinner" /> : <Icon name="refresh" size={15} />} {t('models.retrainNow')}
          </button>
        </div>
        {card.pinned && (
          <Alert kind="info">
            <div className="row" data-testid="model-pinned">
              <span className="grow">{t('models.pinned', { version: card.pinned.version, date: formatTimestamp(card.pinned.at, lang) })}</span>
              <button type="button" className="btn btn-sm" onClick={() => void unpin(card.name).then(() => toast('success', t('models.unpinned', { version: card.pinned!.version })), (e: unknown) => toast('error', errorText(e)))}>
                {t('models.unpin')}
              </button>
            </div>
          </Alert>
        )}
        {!card.activeVersion && card.servesUntrained && (
          <p className="small" data-testid="model-untrained">
            {untrainedText(t, card.name, card.servesUntrained)}
          </p>
        )}
        {card.held && !card.pinned && <p className="small muted" data-testid="model-held">{formatRetrainingMessage(card.held, '', lang)}</p>}
        {card.fallback ? (
          <Alert kind="warning">
            <div data-testid="model-fallback">{t('models.fellBack', { from: card.fallback.from ?? '—', to: card.fallback.to ?? '—' })}</div>
            {card.fallback.error && <div className="xs muted">{card.fallback.error}</div>}
          </Alert>
        ) : (
          card.health && card.health !== 'ok' && <Alert kind="warning">{tr(t, 'models.health', card.health, card.health)}</Alert>
        )}
        {(run || card.retraining) && (
          <div className="meter" aria-live="polite">
            <div className="meter-head">
              <span>
                {run?.dryRun ? t('models.dryRunning') : t('models.training')}
                {run?.progress ? ` · ${progressStepLabel(t, run.progress.step)}` : ''}
              </span>
              {run?.progress && run.progress.total > 0 && (
                <span className="num">
                  {formatNumber(run.progress.current, lang, 0)}/{formatNumber(run.progress.total, lang, 0)}
                </span>
              )}
            </div>
            <ProgressBar label={t('models.progress')} value={run?.progress?.current ?? 0} max={run?.progress?.total ?? 0} indeterminate={!run?.progress || run.progress.total === 0} />
            <div className="row">
              <span className="grow" />
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => void cancelRetrain(card.name).then((done) => toast(done ? 'success' : 'info', t(done ? 'models.cancelled' : 'models.cancelElsewhere')), (e: unknown) => toast('error', errorText(e)))}
              >
                {t('common.cancel')}
              </button>
            </div>
          </div>
        )}
        {result && (
          <div data-testid="retrain-result">
            {'error' in result ? (
              <Alert kind="error">{formatRetrainingMessages(result.errorMessages, result.error, lang)}</Alert>
            ) : (
              <Alert kind={result.outcome === 'deployed' ? 'success' : result.outcome === 'failed' ? 'error' : 'info'}>
                <strong>{tr(t, 'models.outcome', result.outcome, result.outcome)}</strong>
                {result.version && ` · ${result.version}`}
                {result.improvement !== null && ` · ${t('models.improvement', { value: `${formatNumber(result.improvement * 100, lang, 1)}%` })}`} — {formatRetrainingMessages(result.messages, result.message, lang)}
              </Alert>
            )}
          </div>
        )}
        <div className="grid grid-3">
          <div className="stack">
            <h3 className="muted small">{t('models.metrics')}</h3>
            {Object.keys(card.metrics).length === 0 ? (
              <p className="small muted">{t('models.noMetrics')}</p>
            ) : (
              <dl className="kv">
                {Object.entries(card.metrics).map(([k, v]) => {
                  const name = metricOf(card.primaryMetric, k);
                  return name === null ? null : <MetricRow key={k} name={name} value={v} primary={k === PRIMARY_ERROR_KEY} />;
                })}
              </dl>
            )}
          </div>
          <div className="stack">
            <h3 className="muted small">{t('models.training')}</h3>
            <dl className="kv">
              <dt>{t('models.lastTraining')}</dt>
              <dd title={formatTimestamp(card.trainedAt, lang)}>{card.trainedAt ? formatRelative(card.trainedAt, lang) : t('common.never')}</dd>
              <dt>{t('models.rows')}</dt>
              <dd>{card.trainingRows === null ? '—' : formatNumber(card.trainingRows, lang, 0)}</dd>
              <dt>{t('models.scheduler')}</dt>
              <dd>{card.schedulerEnabled ? t('settings.on') : t('settings.off')}</dd>
              <dt>{t('models.lastCheck')}</dt>
              <dd title={formatTimestamp(card.lastCheckAt, lang)}>{card.lastCheckAt ? formatRelative(card.lastCheckAt, lang) : t('common.never')}</dd>
              <dt>{t('models.nextCheck')}</dt>
              <dd title={formatTimestamp(card.nextCheckAt, lang)} data-testid="next-check">
                {card.nextCheckAt ? formatRelative(card.nextCheckAt, lang) : card.schedulerEnabled ? '—' : t('models.manualOnly')}
              </dd>
            </dl>
          </div>
          <div className="stack">
            <h3 className="muted small">{t('models.triggers')}</h3>
            {card.triggers.map((trg) => {
              // A model that serves untrained is not "without a model": its row shows the way to a first training.
              if (trg.id === 'no_active_model' && card.servesUntrained) return <FirstTrainingRow key={trg.id} progress={card.servesUntrained} />;
              const f = triggerFigures(trg, fmt);
              // A model may name a trigger in its own terms (the matcher counts answers, not outcomes).
              const name = tr(t, 'models.trigger', `${trg.id}.${card.name}`, tr(t, 'models.trigger', trg.id, trg.label));
              return (
                <div key={trg.id} className="trigger" data-testid={`trigger-${trg.id}`} title={formatRetrainingMessage(trg.message, trg.label, lang)}>
                  <div className="meter-head small">
                    <span>
                      {name} {trg.fired && <Badge tone="warning">{t('models.fired')}</Badge>}
                    </span>
                    <span className="num">
                      <strong>{f.current}</strong>/{f.threshold}
                      {trg.unit === 'days' ? ` ${t('models.daysUnit')}` : ''}
                    </span>
                  </div>
                  <ProgressBar label={name} value={f.ratio} max={1} tone={trg.fired ? 'warn' : undefined} />
                </div>
              );
            })}
          </div>
        </div>
      </section>
      <div className="grid grid-2">
        <VersionsCard card={card} />
        <MetricChart card={card} />
      </div>
      {card.activeVersion && <CalibrationCard card={card} />}
    </>
  );
}

function FirstTrainingRow({ progress }: { progress: NonNullable<ModelCard['servesUntrained']> }): ReactElement {
  const { t, lang } = useT();
  return (
    <div className="trigger" data-testid="trigger-first_training">
      <div className="meter-head small">
        <span>{t('models.trigger.first_training')}</span>
        <span className="num">
          <strong>{formatNumber(progress.examples, lang, 0)}</strong>/{formatNumber(progress.needed, lang, 0)}
        </span>
      </div>
      <ProgressBar label={t('models.trigger.first_training')} value={Math.min(progress.examples, progress.needed)} max={Math.max(1, progress.needed)} />
    </div>
  );
}

/** Nominal vs observed coverage of the active version's prediction intervals on its holdout, and the settings CV chose. */
function CalibrationCard({ card }: { card: ModelCard }): ReactElement {
  const { t, lang } = useT();
  const series = calibrationSeries(card.calibration);
  const band = card.calibration.find((p) => p.nominal === 0.8);
  return (
    <section className="card" aria-labelledby={`calibration-${card.name}`}>
      <div className="card-header">
        <h2 id={`calibration-${card.name}`}>{t('models.calibrationTitle', { version: card.activeVersion ?? '—' })}</h2>
        <span className="hint">{t('models.calibrationHint')}</span>
      </div>
      <div className="grid grid-2">
        {series.length === 0 ? (
          <EmptyState icon="forecast" title={t('models.noCalibration')} />
        ) : (
          <div className="stack">
            <div className="chart-box sm" role="img" aria-label={t('models.calibrationTitle', { version: card.activeVersion ?? '—' })} data-testid="calibration-plot">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={series} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                  <CartesianGrid stroke="var(--chart-grid)" />
                  <XAxis dataKey="nominal" type="number" domain={[0, 100]} ticks={[0, 20, 40, 60, 80, 100]} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" tickFormatter={(v: number) => `${v}%`} />
                  <YAxis type="number" domain={[0, 100]} ticks={[0, 20, 40, 60, 80, 100]} tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={44} tickFormatter={(v: number) => `${v}%`} />
                  <Tooltip
                    contentStyle={{ background: 'var(--bg-elevated)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
                    labelFormatter={(v) => t('models.nominal', { value: `${formatNumber(Number(v), lang, 0)}%` })}
                    formatter={(v, name) => [`${formatNumber(Number(v), lang, 1)}%`, name === 'observed' ? t('models.observed') : t('models.ideal')]}
                  />
                  <Legend formatter={(name) => (name === 'observed' ? t('models.observed') : t('models.ideal'))} />
                  <Line dataKey="ideal" stroke="var(--text-muted)" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
                  <Line dataKey="observed" stroke="var(--chart-1)" strokeWidth={2} isAnimationActive={false} connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </div>
            {band && (
              <p className="small" data-testid="calibration-summary">
                {t('models.calibrationSummary', {
                  observed: band.observed === null ? '—' : `${formatNumber(band.observed * 100, lang, 1)}%`,
                  width: band.meanWidth === null ? '—' : formatNumber(band.meanWidth, lang, 1),
                  rows: card.calibrationRows ?? '—',
                })}
              </p>
            )}
          </div>
        )}
        <div className="stack">
          <h3 className="muted small">{t('models.settingsTitle')}</h3>
          {card.settings ? (
            <dl className="kv" data-testid="model-settings">
              {Object.entries(card.settings).map(([k, v]) => (
                <MetricLike key={k} name={k} value={v} />
              ))}
            </dl>
          ) : (
            <p className="small muted">{t('models.noSettings')}</p>
          )}
          {card.settingsChosenBy && <p className="xs muted">{tr(t, 'models.chosenBy', card.settingsChosenBy, card.settingsChosenBy)}</p>}
        </div>
      </div>
    </section>
  );
}

function MetricLike({ name, value }: { name: string; value: number | string }): ReactElement {
  const { t, lang } = useT();
  const shown = typeof value === 'number' ? (name === 'featuresPerSplit' ? `${formatNumber(value * 100, lang, 0)}%` : formatNumber(value, lang, 0)) : tr(t, 'models.point', value, value);
  return (
    <>
      <dt>{tr(t, 'models.setting', name, name)}</dt>
      <dd>{shown}</dd>
    </>
  );
}

function MetricRow({ name, value, primary }: { name: string; value: number | null; primary: boolean }): ReactElement {
  const { t, lang } = useT();
  return (
    <>
      <dt>
        {tr(t, 'metric', name, name)} {primary && <Badge tone="primary">{t('models.primary')}</Badge>}
      </dt>
      <dd>{formatMetric(name, value, lang)}</dd>
    </>
  );
}

function VersionsCard({ card }: { card: ModelCard }): ReactElement {
  const { t, lang } = useT();
  const versions = useModelsStore((s) => s.versions[card.name]);
  const { rollback, rollingBack, loadVersions } = useModelsStore();
  const toast = useUiStore((s) => s.toast);
  const [confirm, setConfirm] = useState<ModelVersion | null>(null);
  const primaryName = primaryMetricName(card.primaryMetric);
  const active = versions?.data?.find((v) => v.status === 'active') ?? null;
  const versionColumns: Column<ModelVersion>[] = [
    {
      id: 'version',
      header: t('models.version'),
      nowrap: true,
      className: 'mono',
      cell: (v) => (
        <>
          {v.version} {v.dryRun && <Badge tone="info">{t('models.dryRunShort')}</Badge>} {v.pinnedAt && <Badge tone="primary">{t('models.pinnedShort')}</Badge>}
        </>
      ),
    },
    { id: 'status', header: t('common.status'), cell: (v) => <Badge tone={STATUS_TONE[v.status]}>{t(`models.status.${v.status}` as MessageKey)}</Badge> },
    { id: 'metric', header: tr(t, 'metric', primaryName, primaryName), priority: 2, align: 'end', nowrap: true, cell: (v) => formatMetric(primaryName, v.metrics[PRIMARY_ERROR_KEY] ?? null, lang) },
    { id: 'rows', header: t('models.rows'), priority: 3, align: 'end', cell: (v) => formatNumber(v.trainingRows, lang, 0) },
    { id: 'created', header: t('models.created'), priority: 2, nowrap: true, cell: (v) => <span title={formatTimestamp(v.createdAt, lang)}>{formatRelative(v.createdAt, lang)}</span> },
    {
      id: 'actions',
      header: t('common.actions'),
      headerHidden: true,
      align: 'end',
      nowrap: true,
      // Only versions that can serve again: never the active one, a dry run or a rejected candidate.
      cell: (v) =>
        v.status !== 'active' && !v.dryRun && v.status !== 'rejected' ? (
          <button type="button" className="btn btn-sm" onClick={() => setConfirm(v)} aria-label={t('models.rollbackTo', { version: v.version })} disabled={rollingBack !== null}>
            <Icon name="rollback" size={14} /> {t('models.rollback')}
          </button>
        ) : null,
    },
  ];
  const doRollback = async (v: ModelVersion) => {
    try {
      await rollback(card.name, v.version);
      toast('success', t('models.rolledBack', { version: v.version }));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      setConfirm(null);
    }
  };
  return (
    <section className="card" aria-labelledby={`versions-${card.name}`}>
      <div className="card-header">
        <h2 id={`versions-${card.name}`}>{t('models.versions')}</h2>
      </div>
      <Async state={versions ?? { data: null, loading: true, error: null }} onRetry={() => void loadVersions(card.name)}>
        {(items) =>
          items.length === 0 ? (
            <EmptyState icon="models" title={t('models.noVersions')}>
              {t('models.noVersionsHint')}
            </EmptyState>
          ) : (
            <DataTable
              label={t('models.versions')}
              columns={versionColumns}
              rows={items}
              rowKey={(v) => v.version}
              rowProps={(v) => ({
                'data-testid': 'version-row',
                'data-version': v.version,
                'data-status': v.status,
                title: [v.triggerReasons.map((x) => tr(t, 'models.reason', x, x)).join(', '), formatRetrainingMessages(v.notesMessages, v.notes, lang)].filter(Boolean).join(' — ') || undefined,
              })}
            />
          )
        }
      </Async>
      {confirm && (
        <ConfirmDialog
          title={t('models.rollbackTitle', { version: confirm.version })}
          message={<RollbackChange card={card} from={active} to={confirm} />}
          confirmLabel={t('models.rollbackConfirm', { version: confirm.version })}
          danger
          busy={rollingBack !== null}
          onConfirm={() => void doRollback(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}

function MetricChart({ card }: { card: ModelCard }): ReactElement {
  const { t, lang } = useT();
  const versions = useModelsStore((s) => s.versions[card.name]?.data);
  const series = metricSeries(versions ?? [], PRIMARY_ERROR_KEY).filter((p) => p.value !== null);
  const metric = primaryMetricName(card.primaryMetric);
  const name = tr(t, 'metric', metric, metric);
  return (
    <section className="card" aria-labelledby={`chart-${card.name}`}>
      <div className="card-header">
        <h2 id={`chart-${card.name}`}>{t('models.chartTitle', { metric: name })}</h2>
        <span className="hint">{t('models.chartHint')}</span>
      </div>
      {series.length === 0 ? (
        <EmptyState icon="forecast" title={t('models.noChart')} />
      ) : (
        <div className="chart-box sm" role="img" aria-label={t('models.chartTitle', { metric: name })}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
              <XAxis dataKey="version" tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" />
              <YAxis tick={{ fill: 'var(--text-muted)', fontSize: 12 }} stroke="var(--border)" width={48} tickFormatter={(v: number) => formatNumber(v, lang, 1)} />
              <Tooltip
                contentStyle={{ background: 'var(--bg-elevated)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
                formatter={(v) => [formatMetric(metric, Number(v), lang), name]}
              />
              <Line
                type="monotone"
                dataKey="value"
                stroke="var(--chart-1)"
                strokeWidth={2}
                isAnimationActive={false}
                dot={(props: { cx?: number; cy?: number; payload?: { active: boolean; version: string } }) => (
                  <circle key={props.payload?.version} cx={props.cx} cy={props.cy} r={props.payload?.active ? 6 : 4} fill={props.payload?.active ? 'var(--success)' : 'var(--chart-1)'} stroke="var(--bg-elevated)" strokeWidth={2} />
                )}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="xs muted">{t('models.chartLegend')}</p>
    </section>
  );
}

function RunsTable(): ReactElement {
  const { t, lang } = useT();
  const runs = useModelsStore((s) => s.runs.data) ?? [];
  const columns: Column<RetrainingRun>[] = [
    { id: 'when', header: t('models.when'), nowrap: true, cell: (r) => <span title={formatTimestamp(r.startedAt, lang)}>{formatRelative(r.startedAt, lang)}</span> },
    { id: 'kind', header: t('models.kind'), priority: 3, cell: (r) => tr(t, 'models.kindName', r.kind, r.kind) },
    { id: 'outcome', header: t('models.outcomeCol'), cell: (r) => <Badge tone={OUTCOME_TONE[r.outcome ?? ''] ?? 'neutral'}>{r.outcome ? tr(t, 'models.outcome', r.outcome, r.outcome) : '—'}</Badge> },
    {
      id: 'versions',
      header: t('models.versionsCol'),
      priority: 2,
      nowrap: true,
      className: 'mono small',
      cell: (r) => (
        <>
          {r.activeVersion ?? '—'}
          {r.candidateVersion ? ` → ${r.candidateVersion}` : ''}
        </>
      ),
    },
    { id: 'improvement', header: t('models.improvementCol'), priority: 3, align: 'end', cell: (r) => (r.improvement === null ? '—' : formatPercent(r.improvement, lang)) },
    {
      id: 'reasons',
      header: t('models.reasons'),
      className: 'small',
      cell: (r) => (
        <>
          {r.reasons.length > 0 ? r.reasons.map((x) => tr(t, 'models.reason', x, x)).join(', ') : <span className="faint">{t('models.noReason')}</span>}
          {r.error && <div className="field-error">{formatRetrainingMessages(r.errorMessages, r.error, lang)}</div>}
          {r.notes && <div className="faint xs">{formatRetrainingMessages(r.notesMessages, r.notes, lang)}</div>}
        </>
      ),
    },
  ];
  return (
    <DataTable label={t('models.runs')} maxHeight={420} columns={columns} rows={runs} rowKey={(r) => r.id} rowProps={(r) => ({ 'data-testid': 'run-row', 'data-outcome': r.outcome ?? '' })} />
  );
}

/** What a rollback changes: the version, its error and its training date, now and after. */
function RollbackChange({ card, from, to }: { card: ModelCard; from: ModelVersion | null; to: ModelVersion }): ReactElement {
  const { t, lang } = useT();
  const primaryName = primaryMetricName(card.primaryMetric);
  const cells = (v: ModelVersion | null) => ({
    version: v?.version ?? card.activeVersion ?? '—',
    metric: v ? formatMetric(primaryName, v.metrics[PRIMARY_ERROR_KEY] ?? null, lang) : '—',
    trained: v ? formatTimestamp(v.createdAt, lang) : '—',
    rows: v ? formatNumber(v.trainingRows, lang, 0) : '—',
  });
  const now = cells(from);
  const after = cells(to);
  return (
    <div className="stack" data-testid="rollback-change">
      <p>{t('models.rollbackMessage', { version: to.version, active: now.version })}</p>
      <table className="compare">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('models.rollbackWhat')}</span>
            </th>
            <th scope="col">{t('models.rollbackNow')}</th>
            <th scope="col">{t('models.rollbackAfter')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('models.version')}</th>
            <td className="mono">{now.version}</td>
            <td className="mono">
              <strong>{after.version}</strong>
            </td>
          </tr>
          <tr>
            <th scope="row">{tr(t, 'metric', primaryName, primaryName)}</th>
            <td className="num">{now.metric}</td>
            <td className="num">
              <strong>{after.metric}</strong>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('models.trainedOn')}</th>
            <td>{now.trained}</td>
            <td>
              <strong>{after.trained}</strong>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('models.rows')}</th>
            <td className="num">{now.rows}</td>
            <td className="num">{after.rows}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
