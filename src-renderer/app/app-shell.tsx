// The window layout: navigation rail (icons + labels), header with the page title and the live
// status indicators, and the page content. Also applies the theme and language to <html>.
// e2e handles: navigation buttons are role "link"-less buttons named after the page inside
// navigation "Main navigation"/"Navigazione principale" with aria-current="page" on the active one;
// the header is a banner whose h1 is the page title; indicators carry data-testid
// "indicator-worker" / "indicator-index" / "indicator-model".
import { lazy, Suspense, useEffect, type ComponentType, type ReactElement } from 'react';
import { LoadingState } from '../components/states';
import { Icon, type IconName } from '../components/icons';
import { useT } from '../i18n/translate';
import type { MessageKey } from '../i18n/catalog';
import { PAGES, pageFromHash, resolveTheme, useUiStore, type PageId } from '../stores/ui-store';
import { useSettingsStore, watchSettings } from '../stores/settings-store';
import { modelIndicator, useSystemStore, watchSystem, workerStateFrom } from '../stores/system-store';
import { watchRestores } from '../stores/backup-store';
import { AssistantPage } from '../pages/assistant-page';
import { HomePage } from '../pages/home-page';
import { KnowledgePage } from '../pages/knowledge-page';
import { DataPage } from '../pages/data-page';
import { SettingsPage } from '../pages/settings-page';

const NAV: Record<PageId, { icon: IconName; label: MessageKey; subtitle: MessageKey }> = {
  home: { icon: 'home', label: 'nav.home', subtitle: 'page.home.subtitle' },
  assistant: { icon: 'assistant', label: 'nav.assistant', subtitle: 'page.assistant.subtitle' },
  forecast: { icon: 'forecast', label: 'nav.forecast', subtitle: 'page.forecast.subtitle' },
  models: { icon: 'models', label: 'nav.models', subtitle: 'page.models.subtitle' },
  knowledge: { icon: 'knowledge', label: 'nav.knowledge', subtitle: 'page.knowledge.subtitle' },
  feedback: { icon: 'feedback', label: 'nav.feedback', subtitle: 'page.feedback.subtitle' },
  data: { icon: 'data', label: 'nav.data', subtitle: 'page.data.subtitle' },
  settings: { icon: 'settings', label: 'nav.settings', subtitle: 'page.settings.subtitle' },
};

// Pages with charts load on first visit, so the charts library stays out of the first paint.
const ForecastPage = lazy(() => import('../pages/forecast-page').then((m) => ({ default: m.ForecastPage })));
const ModelsPage = lazy(() => import('../pages/models-page').then((m) => ({ default: m.ModelsPage })));
const FeedbackPage = lazy(() => import('../pages/feedback-page').then((m) => ({ default: m.FeedbackPage })));

const PAGE_COMPONENTS: Record<PageId, ComponentType> = {
  home: HomePage,
  assistant: AssistantPage,
  forecast: ForecastPage,
  models: ModelsPage,
  knowledge: KnowledgePage,
  feedback: FeedbackPage,
  data: DataPage,
  settings: SettingsPage,
};

function useThemeAndLanguage(): void {
  const theme = useUiStore((s) => s.theme);
  const language = useUiStore((s) => s.language);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => document.documentElement.setAttribute('data-theme', resolveTheme(theme, media.matches));
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
}

function Indicators(): ReactElement {
  const { t } = useT();
  const { status, index, models, retrainBusy, reindexBusy, offline } = useSystemStore();
  const worker = workerStateFrom(status, retrainBusy || reindexBusy);
  const model = modelIndicator(models);
  const workerText = worker === 'busy' ? t('ind.worker.busy') : worker === 'ready' ? t('ind.worker.ready') : t('ind.worker.down');
  let indexText = t('ind.index.off');
  let indexDot = '';
  if (index?.enabled) {
    if (index.paused) {
      indexText = t('ind.index.paused');
      indexDot = 'warn';
    } else if (!index.running) {
      indexText = t('ind.index.stopped');
      indexDot = 'bad';
    } else if (index.pending > 0) {
      indexText = t('ind.index.pending', { count: index.pending });
      indexDot = 'busy';
    } else {
      indexText = t('ind.index.on');
      indexDot = index.failing > 0 ? 'warn' : 'ok';
    }
  }
  return (
    <div className="indicators" role="status" aria-label={t('ind.label')}>
      {offline && (
        <span className="indicator" data-testid="indicator-offline">
          <span className="dot bad" /> {t('ind.offline')}
        </span>
      )}
      <span className="indicator" data-testid="indicator-worker">
        <span className={`dot ${worker === 'busy' ? 'busy' : worker === 'ready' ? 'ok' : ''}`} /> {workerText}
      </span>
      <span className="indicator" data-testid="indicator-index">
        <span className={`dot ${indexDot}`} /> {indexText}
      </span>
      <span className="indicator" data-testid="indicator-model">
        <span className={`dot ${model.dot}`} />
        {model.version ? t('ind.model.version', { version: model.version }) : t('ind.model.none')}
      </span>
    </div>
  );
}

export function AppShell(): ReactElement {
  const { t } = useT();
  const page = useUiStore((s) => s.page);
  const setPage = useUiStore((s) => s.setPage);
  useThemeAndLanguage();
  useEffect(() => {
    void useSettingsStore.getState().load();
    const stopSettings = watchSettings();
    const stopSystem = watchSystem();
    const stopRestores = watchRestores();
    const onHash = () => useUiStore.setState({ page: pageFromHash(location.hash) });
    window.addEventListener('hashchange', onHash);
    return () => {
      stopSettings();
      stopSystem();
      stopRestores();
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  useEffect(() => {
    document.title = `${t(NAV[page].label)} · OpenFatture`;
  }, [page, t]);
  // A page starts at its top, not at the scroll position of the page before. Braces: scroll methods
  // return a Promise in current Chromium, and an effect may only return its cleanup function.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [page]);
  const Page = PAGE_COMPONENTS[page];
  return (
    <div className="shell">
      <nav className="rail" aria-label={t('nav.label')}>
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            OF
          </div>
          <span>
            {t('app.name')}
            <small>{t('app.tagline')}</small>
          </span>
        </div>
        {PAGES.map((id) => (
          <button key={id} type="button" className="nav-item" aria-current={id === page ? 'page' : undefined} onClick={() => setPage(id)} data-testid={`nav-${id}`} title={t(NAV[id].label)}>
            <Icon name={NAV[id].icon} size={18} />
            <span>{t(NAV[id].label)}</span>
          </button>
        ))}
        <RailPreferences />
      </nav>
      <div className="main">
        <header className="header">
          <div className="grow">
            <h1>{t(NAV[page].label)}</h1>
            <div className="subtitle">{t(NAV[page].subtitle)}</div>
          </div>
          <Indicators />
        </header>
        <main className="content" id="content">
          <div className="content-inner">
            <Suspense fallback={<LoadingState rows={6} />}>
              <Page key={page} />
            </Suspense>
          </div>
        </main>
      </div>
      <Toasts />
    </div>
  );
}

/** Quick language/theme switches; they write UI_LANGUAGE / UI_THEME like the Settings page does. */
function RailPreferences(): ReactElement {
  const { t, lang } = useT();
  const theme = useUiStore((s) => s.theme);
  const save = useSettingsStore((s) => s.save);
  const languageLocked = useSettingsStore((s) => s.snapshot?.settings.find((x) => x.key === 'UI_LANGUAGE')?.locked ?? false);
  const themeLocked = useSettingsStore((s) => s.snapshot?.settings.find((x) => x.key === 'UI_THEME')?.locked ?? false);
  const setLanguage = (v: 'it' | 'en') => {
    useUiStore.getState().setLanguage(v);
    if (!languageLocked) void save('UI_LANGUAGE', v);
  };
  const setTheme = (v: 'system' | 'light' | 'dark') => {
    useUiStore.getState().setTheme(v);
    if (!themeLocked) void save('UI_THEME', v);
  };
  const themes = ['system', 'light', 'dark'] as const;
  const nextTheme = themes[(themes.indexOf(theme) + 1) % themes.length];
  const themeName = (v: (typeof themes)[number]) => t(`theme.${v}` as MessageKey);
  return (
    <div className="rail-footer">
      <button
        type="button"
        className="btn btn-ghost btn-sm rail-compact"
        onClick={() => setLanguage(lang === 'it' ? 'en' : 'it')}
        title={`${t('pref.language')}: ${t(`lang.${lang}` as MessageKey)} → ${t(lang === 'it' ? 'lang.en' : 'lang.it')}`}
        aria-label={`${t('pref.language')}: ${t(`lang.${lang}` as MessageKey)}. ${t('pref.switchTo', { value: t(lang === 'it' ? 'lang.en' : 'lang.it') })}`}
        data-testid="pref-language-compact"
      >
        {lang.toUpperCase()}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-sm rail-compact"
        onClick={() => setTheme(nextTheme)}
        title={`${t('pref.theme')}: ${themeName(theme)} → ${themeName(nextTheme)}`}
        aria-label={`${t('pref.theme')}: ${themeName(theme)}. ${t('pref.switchTo', { value: themeName(nextTheme) })}`}
        data-testid="pref-theme-compact"
      >
        <Icon name={theme === 'dark' ? 'moon' : theme === 'light' ? 'sun' : 'settings'} size={16} />
      </button>
      <label className="field rail-full">
        <span className="field-label xs muted">{t('pref.language')}</span>
        <select className="input" value={lang} onChange={(e) => setLanguage(e.target.value as 'it' | 'en')} data-testid="pref-language">
          <option value="it">{t('lang.it')}</option>
          <option value="en">{t('lang.en')}</option>
        </select>
      </label>
      <label className="field rail-full">
        <span className="field-label xs muted">{t('pref.theme')}</span>
        <select className="input" value={theme} onChange={(e) => setTheme(e.target.value as 'system' | 'light' | 'dark')} data-testid="pref-theme">
          <option value="system">{t('theme.system')}</option>
          <option value="light">{t('theme.light')}</option>
          <option value="dark">{t('theme.dark')}</option>
        </select>
      </label>
    </div>
  );
}

function Toasts(): ReactElement {
  const { t } = useT();
  const toasts = useUiStore((s) => s.toasts);
  const dismiss = useUiStore((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span className="grow">{toast.text}</span>
          <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-label={t('common.dismiss')} onClick={() => dismiss(toast.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
