// Settings page: the data folder and its Data section (backup and restore, settings-data-section.tsx),
// then every setting grouped (general, feedback, retraining, auto-update, RAG, assistant), each with
// its source, a lock when the environment fixes it, inline validation (a bad value shows its error
// and is not saved), live apply, secrets masked.
// e2e handles: each setting is data-testid "setting-KEY" (e.g. "setting-RAG_AUTO_UPDATE_BATCH_SIZE");
// its control is labelled with the setting's title; errors are data-testid "setting-error-KEY";
// the source badge is data-testid "setting-source-KEY"; locked settings show data-testid
// "setting-lock-KEY". Text/number fields save on Enter or when they lose focus.
import { useEffect, useState, type ReactElement } from 'react';
import type { SettingInfo } from '../../src-preload/contract/settings-channels';
import { Icon } from '../components/icons';
import { Async } from '../components/states';
import { Badge, type Tone } from '../components/widgets';
import { MESSAGES, type MessageKey } from '../i18n/catalog';
import { useT, type Translate } from '../i18n/translate';
import { checkDraft, groupSettings, SETTING_GROUPS, useSettingsStore, type DraftCheck } from '../stores/settings-store';
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

function draftError(t: Translate, s: SettingInfo, check: DraftCheck): string | null {
  if (check.ok) return null;
  switch (check.reason) {
    case 'number':
      return t('settings.err.number');
    case 'integer':
      return t('settings.err.integer');
    case 'min':
      return t('settings.err.min', { min: s.min ?? '' });
    case 'max':
      return t('settings.err.max', { max: s.max ?? '' });
    case 'enum':
      return t('settings.err.enum', { values: (s.values ?? []).join(', ') });
    case 'length':
      return t('settings.err.length');
    default:
      return t('settings.err.bool');
  }
}

export function SettingsPage(): ReactElement {
  const { t } = useT();
  const { snapshot, loading, loadError, load } = useSettingsStore();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Async state={{ data: snapshot, loading, error: loadError }} onRetry={() => void load()} rows={8} framed>
      {(snap) => {
        const groups = groupSettings(snap.settings);
        return (
          <>
            <div className="card">
              <dl className="kv">
                <dt>{t('settings.dataDir')}</dt>
                <dd className="mono">{snap.dataDir}</dd>
                <dt>{t('settings.envFile')}</dt>
                <dd className="mono">{snap.envFile ?? t('common.none')}</dd>
              </dl>
              <p className="small muted">{t('settings.precedence')}</p>
            </div>
            <SettingsDataSection />
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
  const { t } = useT();
  const error = useSettingsStore((st) => st.errors[s.key]);
  const saving = useSettingsStore((st) => !!st.saving[s.key]);
  const savedAt = useSettingsStore((st) => st.savedAt[s.key]);
  const { save, reset, setError } = useSettingsStore();
  const disabled = s.locked || s.bootstrap;
  const title = settingTitle(t, s);
  const inputId = `setting-input-${s.key}`;
  const commit = async (raw: string | boolean) => {
    const check = checkDraft(s, raw);
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
              {t('settings.resetDefault', { value: s.secret ? '••••' : String(s.defaultValue) || '""' })}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function SettingControl({ s, id, title, disabled, invalid, onCommit, onEdit }: { s: SettingInfo; id: string; title: string; disabled: boolean; invalid: boolean; onCommit: (v: string | boolean) => void; onEdit: () => void }): ReactElement {
  const { t } = useT();
  const [text, setText] = useState(String(s.value));
  const [reveal, setReveal] = useState(false);
  // Switches and lists show the new choice at once; a rejected value snaps back to the saved one.
  const [choice, setChoice] = useState(s.value);
  useEffect(() => {
    setText(String(s.value));
  }, [s.value]);
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
        onBlur={() => text !== String(s.value) && onCommit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onCommit(text);
          if (e.key === 'Escape') setText(String(s.value));
        }}
      />
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
