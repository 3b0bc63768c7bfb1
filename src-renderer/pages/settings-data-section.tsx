// Settings → Data: Create backup (progress, resulting file and size), the backups in the data dir's
// backups/ folder (date, size, counts; unreadable files with the reason) each with Restore. Files
// elsewhere are named only through the desktop host's own dialogs ("Save backup as…", "Choose
// file…"): main refuses any other path from the page, so in the browser the section says to copy a
// backup into the folder and refresh the list. A restore asks first (current data kept as a safety
// copy, the app reloads), shows its steps, then — after the reload — the restored row counts.
// e2e handles: section data-testid "settings-data"; button "Crea backup"/"Create backup"; progress
// bars named "Avanzamento backup"/"Backup progress" and "Avanzamento ripristino"/"Restore progress";
// backup result data-testid "backup-result"; rows data-testid "backup-row" with data-name; row
// buttons named "Ripristina il backup del …"/"Restore the backup of …"; the other-file block
// data-testid "restore-elsewhere" (desktop: button "Scegli file…"/"Choose file…"; browser: the folder
// and "Aggiorna"/"Refresh"); confirm dialog data-testid "confirm-dialog"; restore result data-testid
// "restore-result"; errors data-testid "backup-error" / "restore-error".
import { useEffect, useState, type ReactElement } from 'react';
import type { BackupEntry } from '../../src-preload/contract/ops-channels';
import { ConfirmDialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Alert, Async, EmptyState } from '../components/states';
import { Badge, ProgressBar } from '../components/widgets';
import { formatTimestamp } from '../format/dates';
import { formatNumber } from '../format/money';
import { DataTable, type Column } from '../components/data-table';
import { MESSAGES, type MessageKey } from '../i18n/catalog';
import { useT, type Translate } from '../i18n/translate';
import { formatBytes, hostHasFileDialogs, useBackupStore, watchBackups, type OpsProgress } from '../stores/backup-store';

function stepLabel(t: Translate, operation: 'backup' | 'restore', step: string): string {
  const key = `backup.step.${operation}.${step}` as MessageKey;
  return key in MESSAGES ? t(key) : step;
}

function OpsMeter({ operation, progress, label }: { operation: 'backup' | 'restore'; progress: OpsProgress | null; label: string }): ReactElement {
  const { t } = useT();
  return (
    <div className="meter" aria-live="polite">
      <div className="meter-head">
        <span>
          <span className="spinner" style={{ width: 12, height: 12 }} /> {progress ? stepLabel(t, operation, progress.step) : t(operation === 'backup' ? 'backup.creating' : 'backup.restoring')}
        </span>
        {progress && progress.total > 1 && (
          <span className="num">
            {progress.current}/{progress.total}
          </span>
        )}
      </div>
      <ProgressBar label={label} value={progress?.current ?? 0} max={progress?.total ?? 0} indeterminate={!progress || progress.total === 0} />
    </div>
  );
}

type Pending = { file: string; name: string; entry: BackupEntry | null };

export function SettingsDataSection(): ReactElement {
  const { t, lang } = useT();
  const { list, creating, backupProgress, lastBackup, backupError, restoring, restoreProgress, restoreError, restored, load, createBackup, saveBackupAs, chooseRestoreFile, restore, clearRestored } =
    useBackupStore();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const dialogs = hostHasFileDialogs();
  useEffect(() => {
    return watchBackups();
  }, []);
  const busy = creating || restoring !== null;
  const folder = list.data?.folder;
  const startRestore = (p: Pending) => {
    setConfirm(null);
    void restore(p.file);
  };
  const backupColumns: Column<BackupEntry>[] = [
    { id: 'date', header: t('common.date'), nowrap: true, cell: (b) => formatTimestamp(b.createdAt, lang) },
    {
      id: 'file',
      header: t('backup.col.file'),
      priority: 3,
      className: 'small',
      cell: (b) => (
        <>
          <span className="mono wrap-anywhere">{b.name}</span>
          {b.unreadable && (
            <div className="field-error">
              <Badge tone="danger">{t('backup.unreadable')}</Badge> {b.unreadable}
            </div>
          )}
        </>
      ),
    },
    { id: 'size', header: t('backup.col.size'), priority: 2, align: 'end', nowrap: true, cell: (b) => formatBytes(b.bytes, lang) },
    { id: 'invoices', header: t('backup.col.invoices'), align: 'end', cell: (b) => (b.counts ? formatNumber(b.counts.invoices, lang, 0) : '—') },
    { id: 'clients', header: t('backup.col.clients'), priority: 2, align: 'end', cell: (b) => (b.counts ? formatNumber(b.counts.clients, lang, 0) : '—') },
    { id: 'feedback', header: t('backup.col.feedback'), priority: 2, align: 'end', cell: (b) => (b.counts ? formatNumber(b.counts.feedback, lang, 0) : '—') },
    { id: 'version', header: t('backup.col.version'), priority: 4, className: 'small', nowrap: true, cell: (b) => (b.appVersion ? `${b.appVersion} · ${t('backup.schema', { version: b.schemaVersion ?? '—' })}` : '—') },
    {
      id: 'actions',
      header: t('common.actions'),
      headerHidden: true,
      align: 'end',
      cell: (b) =>
        b.unreadable ? null : (
          <button type="button" className="btn btn-sm" disabled={busy} onClick={() => setConfirm({ file: b.file, name: b.name, entry: b })} aria-label={t('backup.restoreAria', { date: formatTimestamp(b.createdAt, lang) })}>
            <Icon name="rollback" size={14} /> {t('backup.restore')}
          </button>
        ),
    },
  ];
  const askFromDialog = async () => {
    const file = await chooseRestoreFile();
    if (file) setConfirm({ file, name: file.split(/[\\/]/).pop() ?? file, entry: null });
  };
  return (
    <section className="card" aria-labelledby="settings-data-title" data-testid="settings-data">
      <div className="card-header">
        <h2 id="settings-data-title">{t('backup.title')}</h2>
        <span className="hint">{t('backup.hint')}</span>
      </div>

      {restored && (
        <div data-testid="restore-result" style={{ position: 'relative' }}>
          <Alert kind={restored.mismatched.length ? 'warning' : 'success'}>
            <strong>{t('backup.restored', { invoices: restored.counts.invoices, clients: restored.counts.clients, feedback: restored.counts.feedback })}</strong>{' '}
            {t('backup.restoredFrom', { date: formatTimestamp(restored.backupCreatedAt, lang) })}
            <div className="xs">
              {t('backup.safetyCopy')} <span className="mono">{restored.safetyCopy}</span>
            </div>
            {restored.mismatched.length > 0 && <div>{t('backup.mismatch', { tables: restored.mismatched.join(', ') })}</div>}
          </Alert>
          <button type="button" className="btn btn-ghost btn-sm btn-icon" style={{ position: 'absolute', top: 6, right: 6 }} onClick={clearRestored} aria-label={t('common.dismiss')}>
            <Icon name="x" size={14} />
          </button>
        </div>
      )}

      <div className="stack">
        <div className="row">
          <button type="button" className="btn btn-primary" onClick={() => void createBackup()} disabled={busy}>
            {creating ? <span className="spinner" /> : <Icon name="download" size={15} />} {t('backup.create')}
          </button>
          {dialogs && (
            <button type="button" className="btn" onClick={() => void saveBackupAs()} disabled={busy}>
              <Icon name="download" size={15} /> {t('backup.saveAs')}
            </button>
          )}
          <span className="small muted grow">
            {folder ? (
              <>
                {t('backup.folder')} <span className="mono">{folder}</span>
              </>
            ) : null}
          </span>
        </div>
        {creating && <OpsMeter operation="backup" progress={backupProgress} label={t('backup.progress')} />}
        {lastBackup && !creating && (
          <div data-testid="backup-result">
            <Alert kind="success">
              <strong>{t('backup.created', { name: lastBackup.name, size: formatBytes(lastBackup.bytes, lang) })}</strong>
              <div className="xs mono">{lastBackup.file}</div>
            </Alert>
          </div>
        )}
        {backupError && (
          <div data-testid="backup-error">
            <Alert kind="error">{backupError}</Alert>
          </div>
        )}
      </div>

      <div className="stack">
        <h3 className="small muted">{t('backup.list')}</h3>
        {restoring && <OpsMeter operation="restore" progress={restoreProgress} label={t('backup.restoreProgress')} />}
        {restoreError && (
          <div data-testid="restore-error">
            <Alert kind="error">{restoreError.message}</Alert>
          </div>
        )}
        <Async state={list} onRetry={() => void load()} rows={3}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState icon="inbox" title={t('backup.none')}>
                {t('backup.noneHint')}
              </EmptyState>
            ) : (
              <DataTable label={t('backup.title')} columns={backupColumns} rows={data.items} rowKey={(b) => b.file} rowProps={(b) => ({ 'data-testid': 'backup-row', 'data-name': b.name })} />
            )
          }
        </Async>
      </div>

      <div className="field" data-testid="restore-elsewhere">
        <span className="field-label">{t('backup.fromFile')}</span>
        {dialogs ? (
          <div className="row">
            <button type="button" className="btn" onClick={() => void askFromDialog()} disabled={busy}>
              <Icon name="rollback" size={15} /> {t('backup.chooseFile')}
            </button>
            <span className="field-help grow">{t('backup.chooseFileHint')}</span>
          </div>
        ) : (
          <div className="row">
            <span className="field-help grow">
              {t('backup.onlyFolder')} <span className="mono">{folder ?? '…'}</span>
            </span>
            <button type="button" className="btn btn-sm" onClick={() => void load()} disabled={list.loading}>
              <Icon name="refresh" size={14} /> {t('common.refresh')}
            </button>
          </div>
        )}
      </div>

      {confirm && (
        <ConfirmDialog
          title={t('backup.confirmTitle')}
          message={
            <div className="stack">
              <p>{t('backup.confirmMessage', { name: confirm.name })}</p>
              {confirm.entry?.counts && (
                <dl className="kv">
                  <dt>{t('common.date')}</dt>
                  <dd>{formatTimestamp(confirm.entry.createdAt, lang)}</dd>
                  <dt>{t('backup.col.invoices')}</dt>
                  <dd>{confirm.entry.counts.invoices}</dd>
                  <dt>{t('backup.col.clients')}</dt>
                  <dd>{confirm.entry.counts.clients}</dd>
                  <dt>{t('backup.col.feedback')}</dt>
                  <dd>{confirm.entry.counts.feedback}</dd>
                </dl>
              )}
            </div>
          }
          confirmLabel={t('backup.confirm')}
          danger
          onConfirm={() => startRestore(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}
