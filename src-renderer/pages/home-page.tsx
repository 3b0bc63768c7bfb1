// Home page: the first-run checklist (have data — import it or load the demo set —, turn on
// automatic index updates, build the index, train the first model), each step one button with its
// progress and, when it cannot start yet, the reason; then an overview of what the app holds.
// e2e handles: the checklist is data-testid "first-run" with steps data-testid "step-ID" (data-done
// "true"/"false"); buttons "Carica dati demo"/"Load demo data", "Importa lo storico"/"Import your
// history", "Costruisci l’indice"/"Build the index", "Addestra il primo modello"/"Train the first
// model"; a blocked step's reason is data-testid "step-blocked"; progress bars are role progressbar.
import { useEffect, type ReactElement, type ReactNode } from 'react';
import { AutoUpdateToggle } from '../components/auto-update-toggle';
import { Icon } from '../components/icons';
import { Alert, Async } from '../components/states';
import { ProgressBar, StatCard } from '../components/widgets';
import { formatDate } from '../format/dates';
import { formatNumber } from '../format/money';
import { formatRetrainingMessages } from '../format/retraining-messages';
import type { MessageKey } from '../i18n/catalog';
import { progressStepLabel } from '../i18n/progress-steps';
import { useT } from '../i18n/translate';
import { useIndexStore, watchIndex } from '../stores/index-store';
import { useModelsStore, watchModels } from '../stores/models-store';
import { useSettingsStore } from '../stores/settings-store';
import { firstRunSteps, useSetupStore, watchSetup, type StepId, type StepState } from '../stores/setup-store';
import { useUiStore } from '../stores/ui-store';

const MODEL = 'cash_flow';

export function HomePage(): ReactElement {
  const { t, lang } = useT();
  const { status, load } = useSetupStore();
  const index = useIndexStore((s) => s.status.data);
  const cards = useModelsStore((s) => s.cards.data);
  const autoUpdate = useSettingsStore((s) => s.snapshot?.settings.find((x) => x.key === 'RAG_AUTO_UPDATE_ENABLED'));
  useEffect(() => {
    const stops = [watchSetup(), watchIndex(), watchModels()];
    return () => stops.forEach((stop) => stop());
  }, []);
  const model = cards?.find((c) => c.name === MODEL) ?? null;
  return (
    <Async state={status} onRetry={() => void load()} rows={6} framed>
      {(setup) => {
        const steps = firstRunSteps({
          setup,
          autoUpdateOn: autoUpdate?.value === true,
          autoUpdateLocked: autoUpdate?.locked ?? false,
          index: index ?? { documents: { invoice: 0, client: 0, product: 0 }, pending: 0 },
          activeModelVersion: model?.activeVersion ?? null,
        });
        const done = steps.filter((s) => s.done).length;
        const documents = index ? index.documents.invoice + index.documents.client + index.documents.product : null;
        return (
          <>
            <section className="card" data-testid="first-run" aria-labelledby="first-run-title">
              <div className="card-header">
                <h2 id="first-run-title">{done === steps.length ? t('firstRun.allDone') : t('firstRun.title')}</h2>
                <span className="hint">{t('firstRun.progress', { done, total: steps.length })}</span>
              </div>
              <ProgressBar value={done} max={steps.length} label={t('firstRun.title')} />
              <ol className="checklist">
                {steps.map((step, i) => (
                  <Step key={step.id} n={i + 1} step={step} />
                ))}
              </ol>
            </section>
            <div className="grid grid-4">
              <StatCard testId="home-invoices" label={t('home.invoices')} value={formatNumber(setup.invoices, lang, 0)} sub={t('home.paid', { count: setup.paidInvoices })} />
              <StatCard testId="home-documents" label={t('home.documents')} value={documents === null ? '—' : formatNumber(documents, lang, 0)} sub={index ? (index.pending > 0 ? t('home.pending', { count: index.pending }) : t('home.upToDate')) : '—'} />
              <StatCard testId="home-model" label={t('home.model')} value={model?.activeVersion ?? '—'} sub={model?.trainedAt ? t('home.trainedOn', { date: formatDate(model.trainedAt, lang) }) : t('home.noModel')} />
              <StatCard testId="home-updates" label={t('autoUpdate.switch')} value={autoUpdate?.value === true ? t('settings.on') : t('settings.off')} sub={t('home.updatesHint')} />
            </div>
          </>
        );
      }}
    </Async>
  );
}

function Step({ n, step }: { n: number; step: StepState }): ReactElement {
  const { t } = useT();
  const title: Record<StepId, MessageKey> = { data: 'firstRun.data', autoUpdate: 'firstRun.autoUpdate', index: 'firstRun.index', model: 'firstRun.model' };
  const what: Record<StepId, MessageKey> = { data: 'firstRun.dataHint', autoUpdate: 'firstRun.autoUpdateHint', index: 'firstRun.indexHint', model: 'firstRun.modelHint' };
  return (
    <li className={`step${step.done ? ' done' : ''}`} data-testid={`step-${step.id}`} data-done={String(step.done)}>
      <span className="step-mark" aria-hidden="true">
        {step.done ? <Icon name="check" size={16} /> : n}
      </span>
      <div className="step-body">
        <h3>
          {t(title[step.id])}
          <span className="sr-only"> — {step.done ? t('firstRun.stepDone') : t('firstRun.stepTodo')}</span>
        </h3>
        <p className="small muted">{t(what[step.id])}</p>
        <StepDetail step={step} />
      </div>
    </li>
  );
}

function Blocked({ step }: { step: StepState }): ReactNode {
  const { t } = useT();
  if (!step.blocked) return null;
  return (
    <span className="xs muted step-blocked" id={`blocked-${step.id}`} data-testid="step-blocked">
      <Icon name="lock" size={12} /> {t(step.blocked.reason, step.blocked.vars)}
    </span>
  );
}

function StepDetail({ step }: { step: StepState }): ReactElement {
  const { t, lang } = useT();
  const setPage = useUiStore((s) => s.setPage);
  const setDataTab = useUiStore((s) => s.setDataTab);
  const { demo, loadDemo, status } = useSetupStore();
  const { reindex, reindexAll } = useIndexStore();
  const index = useIndexStore((s) => s.status.data);
  const { retraining, lastResult, retrain } = useModelsStore();
  const activeVersion = useModelsStore((s) => s.cards.data?.find((c) => c.name === MODEL)?.activeVersion ?? null);
  const describedBy = step.blocked ? `blocked-${step.id}` : undefined;
  switch (step.id) {
    case 'data': {
      const setup = status.data;
      return (
        <div className="step-action">
          {step.done ? (
            <span className="small" data-testid="step-status">
              {t('firstRun.dataDone', { count: setup?.invoices ?? 0 })}
              {demo.result && ` · ${t('firstRun.demoRange', { from: formatDate(demo.result.firstIssueDate, lang), to: formatDate(demo.result.lastIssueDate, lang) })}`}
            </span>
          ) : (
            <>
              <button type="button" className="btn btn-primary" onClick={() => void loadDemo()} disabled={demo.running}>
                {demo.running ? <span className="spinner" /> : <Icon name="sparkles" size={15} />} {t('firstRun.loadDemo')}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setDataTab('import');
                  setPage('data');
                }}
              >
                <Icon name="download" size={15} /> {t('firstRun.import')}
              </button>
            </>
          )}
          {demo.running && <ProgressBar label={t('firstRun.loadDemo')} value={0} max={0} indeterminate />}
          {demo.error && <Alert kind="error">{demo.error}</Alert>}
        </div>
      );
    }
    case 'autoUpdate':
      return (
        <div className="step-action">
          <AutoUpdateToggle testId="first-run-auto-update" />
          <Blocked step={step} />
        </div>
      );
    case 'index': {
      const total = reindex.total;
      return (
        <div className="step-action">
          {!step.done && (
            <button type="button" className="btn btn-primary" onClick={() => void reindexAll()} disabled={!!step.blocked || reindex.running} aria-describedby={describedBy}>
              {reindex.running ? <span className="spinner" /> : <Icon name="knowledge" size={15} />} {t('firstRun.buildIndex')}
            </button>
          )}
          <Blocked step={step} />
          {index && (index.documents.invoice > 0 || index.pending > 0) && (
            <span className="small" data-testid="step-status">
              {t('firstRun.indexState', { documents: formatNumber(index.documents.invoice + index.documents.client + index.documents.product, lang, 0) })}
              {index.pending > 0 && ` · ${t('home.pending', { count: index.pending })}`}
            </span>
          )}
          {reindex.running && (
            <div className="meter" aria-live="polite">
              <div className="meter-head small">
                <span>{progressStepLabel(t, reindex.step || 'reindex')}</span>
                {total > 0 && (
                  <span className="num">
                    {formatNumber(reindex.current, lang, 0)}/{formatNumber(total, lang, 0)}
                  </span>
                )}
              </div>
              <ProgressBar label={t('firstRun.buildIndex')} value={reindex.current} max={total} indeterminate={total === 0} />
            </div>
          )}
          {reindex.error && <Alert kind="error">{reindex.error}</Alert>}
        </div>
      );
    }
    case 'model': {
      const run = retraining[MODEL];
      const result = lastResult[MODEL];
      return (
        <div className="step-action">
          {!step.done && (
            <button type="button" className="btn btn-primary" onClick={() => void retrain(MODEL, false)} disabled={!!step.blocked || !!run} aria-describedby={describedBy}>
              {run ? <span className="spinner" /> : <Icon name="models" size={15} />} {t('firstRun.train')}
            </button>
          )}
          <Blocked step={step} />
          {run && (
            <div className="meter" aria-live="polite">
              <div className="meter-head small">
                <span>{progressStepLabel(t, run.progress?.step ?? 'collect')}</span>
                {run.progress && run.progress.total > 0 && (
                  <span className="num">
                    {formatNumber(run.progress.current, lang, 0)}/{formatNumber(run.progress.total, lang, 0)}
                  </span>
                )}
              </div>
              <ProgressBar label={t('firstRun.train')} value={run.progress?.current ?? 0} max={run.progress?.total ?? 0} indeterminate={!run.progress || run.progress.total === 0} />
            </div>
          )}
          {result && 'error' in result && <Alert kind="error">{formatRetrainingMessages(result.errorMessages, result.error, lang)}</Alert>}
          {result && !('error' in result) && result.outcome !== 'deployed' && <Alert kind="warning">{formatRetrainingMessages(result.messages, result.message, lang)}</Alert>}
          {step.done && (
            <span className="small" data-testid="step-status">
              {t('firstRun.modelDone', { version: activeVersion ?? '—' })}
            </span>
          )}
        </div>
      );
    }
  }
}
