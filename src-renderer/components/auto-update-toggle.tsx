// The switch for the assistant's automatic index updates (RAG_AUTO_UPDATE_ENABLED), where a page
// needs it: the first-run checklist and the Knowledge page's "auto-update is off" notice. It writes
// the setting like the Settings page does, so the service starts or stops live; when the environment
// fixes the value the switch is disabled and says where to change it.
// e2e handles: a switch (role "switch") named "Aggiornamento automatico"/"Automatic updates";
// the reason it is disabled is data-testid "auto-update-locked".
import type { ReactElement } from 'react';
import { useT } from '../i18n/translate';
import { useSettingsStore } from '../stores/settings-store';

const KEY = 'RAG_AUTO_UPDATE_ENABLED';

export function AutoUpdateToggle({ testId }: { testId?: string }): ReactElement {
  const { t } = useT();
  const info = useSettingsStore((s) => s.snapshot?.settings.find((x) => x.key === KEY));
  const saving = useSettingsStore((s) => !!s.saving[KEY]);
  const error = useSettingsStore((s) => s.errors[KEY]);
  const save = useSettingsStore((s) => s.save);
  const on = info?.value === true;
  const locked = info?.locked ?? false;
  return (
    <div className="toggle-row" data-testid={testId}>
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={on}
        aria-label={t('autoUpdate.switch')}
        disabled={!info || locked || saving}
        aria-describedby={locked ? `${testId ?? 'auto-update'}-locked` : undefined}
        onClick={() => void save(KEY, !on)}
      >
        <span className="switch-knob" />
      </button>
      <span className="small">
        {saving ? <span className="spinner" style={{ width: 12, height: 12 }} /> : null} {on ? t('autoUpdate.on') : t('autoUpdate.off')}
      </span>
      {locked && info && (
        <span className="xs muted" id={`${testId ?? 'auto-update'}-locked`} data-testid="auto-update-locked">
          {t('autoUpdate.locked', { variable: info.variable })}
        </span>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
