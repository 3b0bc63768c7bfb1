// Knowledge index page: auto-update status, pending vs maximum, processed, success rate, average
// batch time, recent batches (added/updated/skipped/deleted), pending changes with their errors —
// all live, each pending record by its name — Pause/Resume, Reindex all with progress, and hybrid
// search with a relevance bar (exact matches of a number or a name first) and how each hit was found.
// e2e handles: stat tiles data-testid "index-pending" / "index-processed" / "index-success" /
// "index-avg-batch"; the pending number alone is data-testid "pending-count"; buttons "Pausa"/"Pause",
// "Riprendi"/"Resume", "Reindicizza tutto"/"Reindex all"; progress bar role progressbar named
// "Avanzamento reindicizzazione"/"Reindex progress"; search box labelled "Cerca nell’indice"/"Search
// the index"; hits are data-testid "search-hit" with a meter named "Pertinenza"/"Relevance"; batch
// rows data-testid "batch-row"; pending rows data-testid "pending-row".
import { useEffect, useState, type ReactElement } from 'react';
import { Icon } from '../components/icons';
import { AutoUpdateToggle } from '../components/auto-update-toggle';
import { Alert, Async, EmptyState } from '../components/states';
import { Badge, ProgressBar, StatCard } from '../components/widgets';
import { formatRelative, formatTimestamp } from '../format/dates';
import { formatNumber, formatPercent } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { progressStepLabel } from '../i18n/progress-steps';
import { errorText } from '../stores/call';
import { queueTone, useIndexStore, watchIndex } from '../stores/index-store';
import type { IndexBatch, PendingChange, SearchHit } from '../../src-preload/contract/index-channels';
import { DataTable, type Column } from '../components/data-table';
import { useUiStore } from '../stores/ui-store';

export function KnowledgePage(): ReactElement {
  const { t, lang } = useT();
  const { status, pending, batches, toggling, reindex, pause, resume, reindexAll, refresh } = useIndexStore();
  const toast = useUiStore((s) => s.toast);
  useEffect(() => {
    return watchIndex();
  }, []);
  const s = status.data;
  const batchColumns: Column<IndexBatch>[] = [
    {
      id: 'when',
      header: t('kb.when'),
      cell: (b) => (
        <>
          <span className="nowrap" title={formatTimestamp(b.finishedAt, lang)}>
            {formatRelative(b.finishedAt, lang)} <span className="faint xs">· {t('kb.entities', { count: b.entities })}</span>
          </span>
          {b.error && (
            <div className="field-error wrap" data-testid="batch-error">
              {b.error}
            </div>
          )}
        </>
      ),
    },
    { id: 'added', header: t('kb.added'), abbr: '+', align: 'end', cell: (b) => formatNumber(b.added, lang, 0) },
    { id: 'updated', header: t('kb.updated'), abbr: '~', align: 'end', cell: (b) => formatNumber(b.updated, lang, 0) },
    { id: 'skipped', header: t('kb.skipped'), abbr: '=', align: 'end', priority: 2, cell: (b) => formatNumber(b.skipped, lang, 0) },
    { id: 'deleted', header: t('kb.deleted'), abbr: '−', align: 'end', priority: 2, cell: (b) => formatNumber(b.deleted, lang, 0) },
    { id: 'failed', header: t('kb.failedCol'), align: 'end', cell: (b) => (b.failed > 0 ? <Badge tone="danger">{formatNumber(b.failed, lang, 0)}</Badge> : 0) },
    { id: 'duration', header: t('kb.duration'), align: 'end', priority: 3, nowrap: true, cell: (b) => `${formatNumber(b.durationMs / 1000, lang, 2)} s` },
  ];
  const pendingColumns: Column<PendingChange>[] = [
    {
      id: 'entity',
      header: t('kb.entity'),
      cell: (c) => (
        <>
          <div className="entity-name">
            <Icon name={c.entityType === 'client' ? 'client' : c.entityType === 'product' ? 'product' : 'invoice'} size={14} />
            <span className="wrap" title={`${t(`kb.kind.${c.entityType}` as MessageKey)} #${c.entityId}`}>
              {c.label ?? t('kb.unnamed', { kind: t(`kb.kind.${c.entityType}` as MessageKey), id: c.entityId })}
            </span>
          </div>
          <span className="xs faint">{t(`kb.kind.${c.entityType}` as MessageKey)}</span>
          {c.lastError && (
            <div className="field-error" data-testid="pending-error">
              {c.lastError}
              {c.nextAttemptAt && <span className="faint"> · {t('kb.nextAttempt', { when: formatRelative(c.nextAttemptAt, lang) })}</span>}
            </div>
          )}
        </>
      ),
    },
    { id: 'op', header: t('kb.op'), cell: (c) => <Badge tone={c.op === 'delete' ? 'danger' : 'primary'}>{c.op === 'delete' ? t('kb.opDelete') : t('kb.opUpsert')}</Badge> },
    { id: 'changed', header: t('kb.changed'), priority: 2, nowrap: true, cell: (c) => formatRelative(c.changedAt, lang) },
    { id: 'attempts', header: t('kb.attempts'), priority: 2, align: 'end', cell: (c) => (c.attempts > 0 ? <Badge tone="warning">{c.attempts}</Badge> : 0) },
  ];
  const toggle = async () => {
    try {
      if (s?.paused) await resume();
      else await pause();
    } catch (e) {
      toast('error', errorText(e));
    }
  };
  return (
    <>
      <Async state={status} onRetry={() => void refresh()} rows={2} framed>
        {(st) => (
          <>
            <div className="card">
              <div className="card-header">
                <h2>{t('kb.title')}</h2>
                <StatusBadge enabled={st.enabled} paused={st.paused} running={st.running} />
                <button type="button" className="btn" onClick={() => void toggle()} disabled={toggling || !st.enabled}>
                  <Icon name={st.paused ? 'play' : 'pause'} size={15} /> {st.paused ? t('kb.resume') : t('kb.pause')}
                </button>
                <button type="button" className="btn btn-primary" onClick={() => void reindexAll()} disabled={reindex.running}>
                  {reindex.running ? <span className="spinner" /> : <Icon name="refresh" size={15} />} {t('kb.reindexAll')}
                </button>
              </div>
              {!st.enabled && (
                <Alert kind="info">
                  <div className="stack" style={{ gap: 6 }}>
                    <span>{t('kb.disabled')}</span>
                    <AutoUpdateToggle testId="kb-auto-update" />
                  </div>
                </Alert>
              )}
              {!st.vectorSearch.available && <Alert kind="warning">{t('kb.vectorOff', { message: st.vectorSearch.message ?? '' })}</Alert>}
              {(reindex.running || reindex.report || reindex.error) && (
                <div className="meter">
                  <div className="meter-head">
                    <span>{reindex.running ? t('kb.reindexing', { step: reindex.step ? progressStepLabel(t, reindex.step) : '…' }) : reindex.error ? t('kb.reindexFailed') : t('kb.reindexDone')}</span>
                    {reindex.total > 0 && (
                      <span className="num">
                        {reindex.current}/{reindex.total}
                      </span>
                    )}
                  </div>
                  <ProgressBar label={t('kb.progress')} value={reindex.running ? reindex.current : 1} max={reindex.running ? reindex.total : 1} indeterminate={reindex.running && reindex.total === 0} tone={reindex.error ? 'bad' : undefined} />
                  {reindex.report && !reindex.running && (
                    <span className="small muted" data-testid="reindex-report">
                      {t('kb.report', { added: reindex.report.added, updated: reindex.report.updated, skipped: reindex.report.skipped, deleted: reindex.report.deleted, failed: reindex.report.failed, seconds: formatNumber(reindex.report.durationMs / 1000, lang, 1) })}
                    </span>
                  )}
                  {reindex.error && <Alert kind="error">{reindex.error}</Alert>}
                  {reindex.detached && <Alert kind="warning">{t('kb.detached')}</Alert>}
                </div>
              )}
              <div className="meter">
                <div className="meter-head">
                  <span>{t('kb.queue')}</span>
                  <span className="num">
                    <span data-testid="pending-count">{st.pending}</span> / {st.maxQueueSize}
                  </span>
                </div>
                <ProgressBar label={t('kb.queue')} value={st.pending} max={st.maxQueueSize} tone={queueTone(st.pending, st.maxQueueSize) === 'ok' ? undefined : queueTone(st.pending, st.maxQueueSize) === 'warn' ? 'warn' : 'bad'} />
                <span className="xs muted">
                  {t('kb.queueHint', { debounce: formatNumber(st.debounceSeconds, lang, 1), inFlight: formatNumber(st.inFlight, lang, 0) })} · {t('kb.lastBatch')} {formatRelative(st.lastBatchAt, lang)}
                </span>
              </div>
            </div>
            <div className="grid grid-4">
              <StatCard testId="index-pending" label={t('kb.pending')} value={st.pending} sub={st.failing > 0 ? t('kb.failing', { count: st.failing }) : t('kb.noneFailing')} />
              <StatCard testId="index-processed" label={t('kb.processed')} value={st.processed} sub={t('kb.failedTotal', { count: st.failed })} />
              <StatCard testId="index-success" label={t('kb.successRate')} value={st.successRate === null ? '—' : formatPercent(st.successRate, lang)} sub={t('kb.successHint')} />
              <StatCard testId="index-avg-batch" label={t('kb.avgBatch')} value={st.averageBatchMs === null ? '—' : `${formatNumber(st.averageBatchMs / 1000, lang, 2)} s`} sub={t('kb.avgBatchHint')} />
            </div>
            <div className="card">
              <div className="card-header">
                <h2>{t('kb.documents')}</h2>
                <span className="hint">{t('kb.model', { model: st.vectorSearch.model })}</span>
              </div>
              <div className="grid grid-3">
                {(['invoice', 'client', 'product'] as const).map((type) => (
                  <div key={type} className="stat">
                    <span className="stat-label">{t(`kb.type.${type}` as MessageKey)}</span>
                    <span className="stat-value">{st.documents[type]}</span>
                    <span className="stat-sub">
                      <Badge tone={st.tracking[type] ? 'success' : 'neutral'}>{st.tracking[type] ? t('kb.tracked') : t('kb.notTracked')}</Badge>
                    </span>
                  </div>
                ))}
              </div>
            </div>
          </>
        )}
      </Async>
      <div className="grid grid-2 kb-queue-grid">
        <section className="card" aria-labelledby="kb-batches">
          <div className="card-header">
            <h2 id="kb-batches">{t('kb.recentBatches')}</h2>
          </div>
          <Async state={batches} onRetry={() => void refresh()}>
            {(list) =>
              list.length === 0 ? (
                <EmptyState icon="knowledge" title={t('kb.noBatches')}>
                  {t('kb.noBatchesHint')}
                </EmptyState>
              ) : (
                <DataTable
                  label={t('kb.recentBatches')}
                  columns={batchColumns}
                  rows={list}
                  rowKey={(b) => b.id}
                  rowProps={(b) => ({ 'data-testid': 'batch-row', title: b.error ?? undefined })}
                />
              )
            }
          </Async>
          <p className="xs muted">{t('kb.legend')}</p>
        </section>
        <section className="card" aria-labelledby="kb-pending">
          <div className="card-header">
            <h2 id="kb-pending">{t('kb.pendingList')}</h2>
            {pending.data && <span className="hint">{t('kb.pendingTotal', { count: pending.data.total })}</span>}
          </div>
          <Async state={pending} onRetry={() => void refresh()}>
            {(p) =>
              p.items.length === 0 ? (
                <EmptyState icon="check" title={t('kb.noPending')}>
                  {t('kb.noPendingHint')}
                </EmptyState>
              ) : (
                <DataTable
                  label={t('kb.pendingList')}
                  maxHeight={360}
                  columns={pendingColumns}
                  rows={p.items}
                  rowKey={(c) => `${c.entityType}-${c.entityId}`}
                  rowProps={() => ({ 'data-testid': 'pending-row' })}
                />
              )
            }
          </Async>
        </section>
      </div>
      <SearchCard />
    </>
  );
}

function StatusBadge({ enabled, paused, running }: { enabled: boolean; paused: boolean; running: boolean }): ReactElement {
  const { t } = useT();
  if (!enabled) return <Badge testId="index-state">{t('kb.state.manual')}</Badge>;
  if (paused) return <Badge tone="warning" testId="index-state">{t('kb.state.paused')}</Badge>;
  if (running) return <Badge tone="success" testId="index-state">{t('kb.state.running')}</Badge>;
  return <Badge tone="danger" testId="index-state">{t('kb.state.stopped')}</Badge>;
}

function SearchCard(): ReactElement {
  const { t } = useT();
  const { search, runSearch } = useIndexStore();
  const [q, setQ] = useState(search.query);
  return (
    <section className="card" aria-labelledby="kb-search">
      <div className="card-header">
        <h2 id="kb-search">{t('kb.search')}</h2>
        <span className="hint">{t('kb.searchHint')}</span>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void runSearch(q);
        }}
      >
        <label className="sr-only" htmlFor="kb-search-input">
          {t('kb.searchLabel')}
        </label>
        <input id="kb-search-input" className="input grow" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('kb.searchPlaceholder')} />
        <button type="submit" className="btn btn-primary" disabled={search.running || !q.trim()}>
          {search.running ? <span className="spinner" /> : <Icon name="search" size={15} />} {t('common.search')}
        </button>
      </form>
      {search.error && <Alert kind="error">{search.error}</Alert>}
      {search.hits && !search.vectorAvailable && <Alert kind="warning">{t('kb.keywordOnly')}</Alert>}
      {search.hits && search.hits.length === 0 && <EmptyState icon="search" title={t('kb.noHits', { query: search.query })} />}
      {search.hits && search.hits.length > 0 && (
        <ol className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {search.hits.map((h, i) => (
            <li key={`${h.entityType}-${h.entityId}`} className="stat" data-testid="search-hit" style={{ gap: 6 }}>
              <div className="row">
                <span className="faint small num">{i + 1}.</span>
                <Icon name={h.entityType === 'client' ? 'client' : h.entityType === 'product' ? 'product' : 'invoice'} size={15} />
                <strong className="grow">{h.title}</strong>
                {h.foundBy.map((f) => (
                  <Badge key={f} tone={f === 'keyword' ? 'info' : 'primary'}>
                    {f === 'keyword' ? t('kb.foundKeyword') : t('kb.foundVector')}
                  </Badge>
                ))}
                <RelevanceBar hit={h} />
              </div>
              <p className="small muted">{h.snippet}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The relevance of a hit as a bar with a word (exact, high, medium, low); the tooltip says how it was found. */
function RelevanceBar({ hit }: { hit: SearchHit }): ReactElement {
  const { t, lang } = useT();
  const level = hit.exact ? 'exact' : hit.relevance >= 0.75 ? 'high' : hit.relevance >= 0.4 ? 'medium' : 'low';
  const why = [
    hit.exact ? t('kb.why.exact') : null,
    hit.keywordRank ? t('kb.why.keyword', { rank: hit.keywordRank }) : null,
    hit.vectorRank ? t('kb.why.vector', { rank: hit.vectorRank, similarity: hit.similarity === null ? '—' : formatNumber(hit.similarity, lang, 2) }) : null,
  ].filter(Boolean);
  const percent = Math.round(hit.relevance * 100);
  return (
    <span className={`relevance relevance-${level}`} title={why.join('\n')}>
      <span className="relevance-track" role="meter" aria-label={t('kb.relevance')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${t(`kb.relevance.${level}` as MessageKey)} (${percent}%)`}>
        <span style={{ width: `${Math.max(4, percent)}%` }} />
      </span>
      <span className="xs">{t(`kb.relevance.${level}` as MessageKey)}</span>
    </span>
  );
}
