// Settings page: a search box and the list of sections, the data folder and its Data section (backup
// and restore, settings-data-section.tsx), then every setting grouped (general, feedback, retraining,
// bank reconciliation, auto-update, RAG, assistant), each with what its current value does, its source, a lock when the
// environment fixes it, inline validation (a bad value shows its error and is not saved), live
// apply, secrets masked; ratios are read and typed as percentages.
// e2e handles: each setting is data-testid "setting-KEY" (e.g. "setting-RAG_AUTO_UPDATE_BATCH_SIZE");
// its control is labelled with the setting's title; errors are data-testid "setting-error-KEY";
// the source badge is data-testid "setting-source-KEY"; locked settings show data-testid
// "setting-lock-KEY"; the effect line is data-testid "setting-effect-KEY"; the search box is labelled
// "Cerca nelle impostazioni"/"Search the settings". Text/number fields save on Enter or on blur.
import { useEffect, useState, type ReactElement } from 'react';
import type { SettingInfo } from '../../src-preload/contract/settings-channels';
import { Icon } from '../components/icons';
import { Async, EmptyState } from '../components/states';
import { Badge, type Tone } from '../components/widgets';
import { MESSAGES, type Language, type MessageKey } from '../i18n/catalog';
import { formatCents, formatNumber, formatPercent } from '../format/money';
import { useT, type Translate } from '../i18n/translate';
import { checkSettingDraft, groupSettings, isPercentSetting, SETTING_GROUPS, settingBounds, settingInputText, settingMatches, useSettingsStore, type DraftCheck } from '../stores/settings-store';
import { SettingsDataSection } from './settings-data-section';

const SOURCE_TONE: Record<SettingInfo['source'], Tone> = { flag: 'warning', env: 'warning', 'env-file': 'warning', store: 'primary', default: 'neutral' };

function settingTitle(t: Translate, s: SettingInfo): string {
  const key = `setting.${s.key}` as MessageKey;
  return key in MESSAGES ? t(key) : s.key;
}
function settingHelp(t: Translate, s: SettingInfo): string {
  const key = `settingHelp.${s.key}` as MessageKey;
  return key in MESSAGES ? t(key) : s.description;
}

/** What the setting's current value does, in one line, for the thresholds that have one. */
function settingEffect(t: Translate, s: SettingInfo, lang: Language): string | null {
  const key = `settingEffect.${s.key}` as MessageKey;
  if (!(key in MESSAGES) || typeof s.value !== 'number') return null;
  // An amount in cents reads as euro ("10,00 €"), a ratio as a percentage.
  return t(key, { value: isPercentSetting(s) ? formatPercent(s.value, lang, 2) : s.key.endsWith('_CENTS') ? formatCents(s.value, lang) : s.value });
}

/** A value as the panel shows it: On/Off, a percentage, a list choice by its label, "empty". */
function displaySetting(t: Translate, s: SettingInfo, value: SettingInfo['value'], lang: Language): string {
  if (s.secret) return '••••';
  if (typeof value === 'boolean') return value ? t('settings.on') : t('settings.off');
  if (typeof value === 'number') return isPercentSetting(s) ? formatPercent(value, lang, 2) : formatNumber(value, lang, 3);
  if (s.kind === 'enum') return enumLabel(t, s.key, value);
  return value === '' ? t('settings.empty') : value;
}

function draftError(t: Translate, s: SettingInfo, check: DraftCheck): string | null {
  if (check.ok) return null;
  const bounds = settingBounds(s);
  const unit = isPercentSetting(s) ? '%' : '';
  switch (check.reason) {
    case 'number':
      return t('settings.err.number');
    case 'integer':
      return t('settings.err.integer');
    case 'min':
      return t('settings.err.min', { min: `${bounds.min ?? ''}${unit}` });
    case 'max':
      return t('settings.err.max', { max: `${bounds.max ?? ''}${unit}` });
    case 'enum':
      return t('settings.err.enum', { values: (s.values ?? []).join(', ') });
    case 'length':
      return t('settings.err.length');
    default:
      return t('settings.err.bool');
  }
}

export function SettingsPage(): ReactElement {
  const { t, lang } = useT();
  const { snapshot, loading, loadError, load } = useSettingsStore();
  const [query, setQuery] = useState('');
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Async state={{ data: snapshot, loading, error: loadError }} onRetry={() => void load()} rows={8} framed>
      {(snap) => {
        const shown = snap.settings.filter((s) => settingMatches(query, [settingTitle(t, s), settingHelp(t, s), settingEffect(t, s, lang) ?? '', s.variable, t(`settings.group.${s.group}` as MessageKey)]));
        const groups = groupSettings(shown);
        const dataMatches = settingMatches(query, [t('settings.group.data'), t('backup.title'), t('settings.dataDir')]);
        const sections = [...(dataMatches ? (['data'] as const) : []), ...SETTING_GROUPS.filter((g) => groups[g].length > 0)];
        return (
          <>
            <div className="card settings-search">
              <label className="field">
                <span className="field-label">{t('settings.search')}</span>
                <input className="input" type="search" value={query} placeholder={t('settings.searchHint')} onChange={(e) => setQuery(e.target.value)} data-testid="settings-search" />
              </label>
              <nav className="row section-links" aria-label={t('settings.sections')}>
                {sections.map((g) => (
                  <button key={g} type="button" className="chip" onClick={() => document.getElementById(`group-${g}`)?.closest('.card')?.scrollIntoView({ block: 'start' })}>
                    {t(`settings.group.${g}` as MessageKey)}
                  </button>
                ))}
                {query.trim() && <span className="small muted">{t('settings.matches', { count: shown.length })}</span>}
              </nav>
            </div>
            {dataMatches && (
              <>
                <div className="card">
                  <h2 id="group-data">{t('settings.group.data')}</h2>
                  <dl className="kv">
                    <dt>{t('settings.dataDir')}</dt>
                    <dd className="mono wrap-anywhere">{snap.dataDir}</dd>
                    <dt>{t('settings.envFile')}</dt>
                    <dd className="mono">{snap.envFile ?? t('common.none')}</dd>
                  </dl>
                  <p className="small muted">{t('settings.precedence')}</p>
                </div>
                <SettingsDataSection />
              </>
            )}
            {shown.length === 0 && !dataMatches && (
              <div className="card">
                <EmptyState icon="search" title={t('settings.noMatch', { query: query.trim() })} />
              </div>
            )}
            {SETTING_GROUPS.filter((g) => groups[g].length > 0).map((g) => (
              <section key={g} className="card" aria-labelledby={`group-${g}`}>
                <div className="card-header">
                  <h2 id={`group-${g}`}>{t(`settings.group.${g}` as MessageKey)}</h2>
                  <span className="hint">{t(`settings.groupHint.${g}` as MessageKey)}</span>
                </div>
                <div>
                  {groups[g].map((s) => (
                    <SettingRow key={s.key} s={s} />
                  ))}
                </div>
              </section>
            ))}
          </>
        );
      }}
    </Async>
  );
}

function SettingRow({ s }: { s: SettingInfo }): ReactElement {
  const { t, lang } = useT();
  const effect = settingEffect(t, s, lang);
  const error = useSettingsStore((st) => st.errors[s.key]);
  const saving = useSettingsStore((st) => !!st.saving[s.key]);
  const savedAt = useSettingsStore((st) => st.savedAt[s.key]);
  const { save, reset, setError } = useSettingsStore();
  const disabled = s.locked || s.bootstrap;
  const title = settingTitle(t, s);
  const inputId = `setting-input-${s.key}`;
  const commit = async (raw: string | boolean) => {
    const check = checkSettingDraft(s, raw);
    const msg = draftError(t, s, check);
    if (!check.ok) {
      setError(s.key, msg);
      return;
    }
    if (check.value === s.value) {
      setError(s.key, null);
      return;
    }
    await save(s.key, check.value);
  };
  const [recent, setRecent] = useState(false);
  useEffect(() => {
    if (!savedAt) return;
    setRecent(true);
    const h = setTimeout(() => setRecent(false), 2000);
    return () => clearTimeout(h);
  }, [savedAt]);
  return (
    <div className="setting" data-testid={`setting-${s.key}`}>
      <div>
        <label htmlFor={inputId} className="field-label">
          {title}
        </label>
        <p className="small muted">{settingHelp(t, s)}</p>
        {effect && (
          <p className="small setting-effect" data-testid={`setting-effect-${s.key}`}>
            {effect}
          </p>
        )}
        <div className="setting-meta">
          <span className="setting-name">{s.variable}</span>
          <Badge tone={SOURCE_TONE[s.source]} testId={`setting-source-${s.key}`}>
            {t(`settings.source.${s.source}` as MessageKey)}
          </Badge>
          {s.locked && (
            <span data-testid={`setting-lock-${s.key}`} title={t('settings.lockedHint', { variable: s.variable })}>
              <Badge tone="warning">
                <Icon name="lock" size={12} /> {t('settings.locked')}
              </Badge>
            </span>
          )}
          {s.bootstrap && !s.locked && <Badge>{t('settings.bootstrap')}</Badge>}
        </div>
      </div>
      <div className="field">
        <SettingControl s={s} id={inputId} title={title} disabled={disabled} invalid={!!error} onCommit={(v) => void commit(v)} onEdit={() => error && setError(s.key, null)} />
        {error && (
          <span className="field-error" id={`${inputId}-error`} role="alert" data-testid={`setting-error-${s.key}`}>
            {error}
          </span>
        )}
        <div className="row xs muted" style={{ minHeight: 18 }}>
          {saving && (
            <>
              <span className="spinner" style={{ width: 12, height: 12 }} /> {t('common.saving')}
            </>
          )}
          {!saving && recent && !error && (
            <span style={{ color: 'var(--success)' }} data-testid={`setting-saved-${s.key}`}>
              <Icon name="check" size={12} /> {t('settings.saved')}
            </span>
          )}
          {!disabled && s.source === 'store' && !saving && (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void reset(s.key)} aria-label={t('settings.resetOne', { title })}>
              {t('settings.resetDefault', { value: displaySetting(t, s, s.defaultValue, lang) })}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function SettingControl({ s, id, title, disabled, invalid, onCommit, onEdit }: { s: SettingInfo; id: string; title: string; disabled: boolean; invalid: boolean; onCommit: (v: string | boolean) => void; onEdit: () => void }): ReactElement {
  const { t } = useT();
  const [text, setText] = useState(settingInputText(s, s.value));
  const [reveal, setReveal] = useState(false);
  // Switches and lists show the new choice at once; a rejected value snaps back to the saved one.
  const [choice, setChoice] = useState(s.value);
  useEffect(() => {
    setText(settingInputText(s, s.value));
  }, [s]);
  useEffect(() => {
    setChoice(s.value);
  }, [s.value, invalid]);
  const describedBy = invalid ? `${id}-error` : undefined;
  if (s.kind === 'bool') {
    return (
      <label className="checkbox">
        <input
          id={id}
          type="checkbox"
          checked={choice === true}
          disabled={disabled}
          onChange={(e) => {
            setChoice(e.target.checked);
            onCommit(e.target.checked);
          }}
          aria-describedby={describedBy}
        />
        {choice === true ? t('settings.on') : t('settings.off')}
      </label>
    );
  }
  if (s.kind === 'enum') {
    return (
      <select
        id={id}
        className="input"
        value={String(choice)}
        disabled={disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => {
          setChoice(e.target.value);
          onCommit(e.target.value);
        }}
      >
        {(s.values ?? []).map((v) => (
          <option key={v} value={v}>
            {enumLabel(t, s.key, v)}
          </option>
        ))}
      </select>
    );
  }
  const numeric = s.kind === 'int' || s.kind === 'float';
  return (
    <div className="row" style={{ flexWrap: 'nowrap', gap: 6 }}>
      <input
        id={id}
        className={`input${numeric ? ' num' : ''}`}
        type={s.secret && !reveal ? 'password' : 'text'}
        inputMode={numeric ? 'decimal' : undefined}
        value={text}
        disabled={disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-label={title}
        autoComplete="off"
        onChange={(e) => {
          setText(e.target.value);
          onEdit();
        }}
        onBlur={() => text !== settingInputText(s, s.value) && onCommit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onCommit(text);
          if (e.key === 'Escape') setText(settingInputText(s, s.value));
        }}
      />
      {isPercentSetting(s) && <span className="muted" aria-hidden="true">%</span>}
      {s.secret && (
        <button type="button" className="btn btn-icon" onClick={() => setReveal(!reveal)} aria-pressed={reveal} aria-label={t('settings.reveal')} disabled={disabled}>
          <Icon name="search" size={15} />
        </button>
      )}
    </div>
  );
}

function enumLabel(t: Translate, key: string, value: string): string {
  const k = `settingValue.${key}.${value}` as MessageKey;
  return k in MESSAGES ? t(k) : value;
}
