// Data → Import: drop or pick files (FatturaPA .xml/.p7m/.zip, or a CSV), map a CSV's columns with
// its first rows in view, confirm the firm once, read the dry-run summary (downloadable as CSV),
// then import with progress.
// e2e handles: drop zone data-testid "import-drop" (also accepts a drop event), file input
// data-testid "import-file-input"; firm choices are radios in group "Qual è la tua azienda?"/"Which
// is your firm?" with button data-testid "import-firm-confirm"; the summary card data-testid
// "import-summary" shows counts data-testid "import-count-added|updated|skipped|rejected"; buttons
// data-testid "import-run", "import-download", "import-analyze", "import-reset"; the result
// data-testid "import-result".
import { useState, type DragEvent, type ReactElement } from 'react';
import { importSummaryCsv, type ImportItem, type ImportSummary } from '../../src-preload/contract/import-channels';
import { Icon } from '../components/icons';
import { Alert } from '../components/states';
import { DataTable, type Column } from '../components/data-table';
import { Badge, ProgressBar, type Tone } from '../components/widgets';
import type { Language, MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { importItemTexts } from '../format/import-messages';
import { CSV_FIELD_LIST, useImportStore } from '../stores/import-store';
import { useUiStore } from '../stores/ui-store';

const OUTCOME_TONE: Record<ImportItem['outcome'], Tone> = { added: 'success', updated: 'info', skipped: 'neutral', rejected: 'danger', ignored: 'neutral' };
const ORDER: ImportItem['outcome'][] = ['rejected', 'updated', 'added', 'skipped', 'ignored'];

function download(summary: ImportSummary): void {
  const blob = new Blob([importSummaryCsv(summary)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `import-${summary.dryRun ? 'dry-run' : 'result'}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The file's own name (archive and folders are in the tooltip): "a.zip › 2024/IT01_1.xml (body 1 of 2)" → "IT01_1.xml (body 1 of 2)". */
export function shortName(source: string): string {
  const last = source.split(' › ').pop() ?? source;
  return last.slice(last.lastIndexOf('/') + 1);
}

export function ImportPanel(): ReactElement {
  const { t } = useT();
  const s = useImportStore();
  const setDataTab = useUiStore((x) => x.setDataTab);
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    void s.add([...e.dataTransfer.files]);
  };
  const busy = s.step === 'uploading' || s.step === 'analyzing' || s.step === 'importing';
  return (
    <section className="card" aria-label={t('import.title')} aria-busy={busy}>
      <div className="card-header">
        <h2>{t('import.title')}</h2>
        <span className="hint">{t('import.hint')}</span>
        {s.step !== 'pick' && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void s.reset()} data-testid="import-reset" disabled={busy}>
            <Icon name="x" size={14} /> {t('import.reset')}
          </button>
        )}
      </div>
      {s.error && <Alert kind="error">{s.error}</Alert>}
      {(s.step === 'pick' || s.step === 'done') && (
        <div
          className={`dropzone${over ? ' over' : ''}`}
          data-testid="import-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <Icon name="inbox" size={28} />
          <strong>{t('import.drop')}</strong>
          <span className="muted">{t('import.dropHint')}</span>
          <button type="button" className="btn btn-ghost btn-sm" data-testid="import-to-bank" onClick={() => setDataTab('bank')}>
            {t('import.bankStatement')}
          </button>
          <label className="btn">
            <Icon name="plus" size={16} /> {t('import.pick')}
            <input type="file" multiple accept=".xml,.p7m,.zip,.csv,.tsv,.txt" className="visually-hidden" data-testid="import-file-input" onChange={(e) => void s.add([...(e.target.files ?? [])])} />
          </label>
        </div>
      )}
      {s.progress && (
        <ProgressBar
          value={s.progress.current}
          max={Math.max(1, s.progress.total)}
          indeterminate={s.progress.total === 0}
          label={t(`import.step.${s.progress.step}` as MessageKey, { current: s.progress.current, total: s.progress.total })}
        />
      )}
      {s.files.length > 0 && s.step !== 'done' && (
        <p className="muted sm">{t('import.files', { count: s.files.length, names: s.files.slice(0, 4).map((f) => f.name).join(', ') + (s.files.length > 4 ? ', …' : '') })}</p>
      )}
      {s.step === 'mapping' && <CsvMapping />}
      {s.summary?.needsFirm && s.step === 'review' && <FirmQuestion summary={s.summary} />}
      {s.summary && !s.summary.needsFirm && s.step === 'review' && <SummaryView summary={s.summary} />}
      {s.step === 'done' && s.result && <SummaryView summary={s.result} />}
    </section>
  );
}

function CsvMapping(): ReactElement {
  const { t } = useT();
  const { preview, map, setMap, dateFormat, setDateFormat, analyze } = useImportStore();
  if (!preview) return <></>;
  return (
    <div className="stack" data-testid="import-mapping">
      <p className="sm">{preview.remembered ? t('import.csv.remembered') : t('import.csv.guessed')}</p>
      <DataTable
        label={t('import.csv.preview')}
        columns={preview.header.map((h, k): Column<{ line: number; cells: string[] }> => ({ id: `${k}-${h}`, header: h, nowrap: true, cell: (r) => r.cells[k] ?? '' }))}
        rows={preview.rows.slice(0, 5).map((cells, line) => ({ line, cells }))}
        rowKey={(r) => r.line}
      />
      <div className="grid grid-4">
        {CSV_FIELD_LIST.map((f) => (
          <label key={f} className="field">
            <span className="field-label">{t(`import.field.${f}` as MessageKey)}</span>
            <select className="input" value={map[f] ?? ''} onChange={(e) => setMap(f, e.target.value)}>
              <option value="">{t('import.csv.none')}</option>
              {preview.header.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label className="field">
          <span className="field-label">{t('import.csv.dateFormat')}</span>
          <select className="input" value={dateFormat} onChange={(e) => setDateFormat(e.target.value)}>
            <option value="">{t('import.csv.dateAuto')}</option>
            <option value="YYYY-MM-DD">YYYY-MM-DD</option>
            <option value="D/M/YYYY">D/M/YYYY</option>
            <option value="M/D/YYYY">M/D/YYYY</option>
          </select>
        </label>
      </div>
      <div className="row">
        <button type="button" className="btn btn-primary" onClick={() => void analyze()} data-testid="import-analyze">
          <Icon name="search" size={16} /> {t('import.analyze')}
        </button>
      </div>
    </div>
  );
}

function FirmQuestion({ summary }: { summary: ImportSummary }): ReactElement {
  const { t } = useT();
  const choose = useImportStore((s) => s.chooseFirm);
  const [pick, setPick] = useState(0);
  return (
    <fieldset className="stack" data-testid="import-firm">
      <legend>
        <strong>{t('import.firm.question')}</strong>
      </legend>
      <p className="sm muted">{t('import.firm.why')}</p>
      {summary.firmCandidates.map((c, i) => (
        <label key={`${c.name}-${i}`} className="row">
          <input type="radio" name="firm" checked={pick === i} onChange={() => setPick(i)} />
          <span>
            <strong>{c.name}</strong> <span className="muted">{c.partitaIva ?? c.codiceFiscale}</span>{' '}
            <span className="faint xs">{t('import.firm.counts', { issuer: c.asIssuer, customer: c.asCustomer })}</span>
          </span>
        </label>
      ))}
      <div className="row">
        <button type="button" className="btn btn-primary" data-testid="import-firm-confirm" onClick={() => void choose(summary.firmCandidates[pick]!)}>
          <Icon name="check" size={16} /> {t('import.firm.confirm')}
        </button>
      </div>
    </fieldset>
  );
}

function SummaryView({ summary }: { summary: ImportSummary }): ReactElement {
  const { t, lang } = useT();
  const run = useImportStore((s) => s.run);
  const step = useImportStore((s) => s.step);
  const items = [...summary.items].sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  const shown = items.slice(0, 200);
  const counts: { key: 'added' | 'updated' | 'skipped' | 'rejected'; tone: Tone }[] = [
    { key: 'added', tone: 'success' },
    { key: 'updated', tone: 'info' },
    { key: 'skipped', tone: 'neutral' },
    { key: 'rejected', tone: 'danger' },
  ];
  return (
    <div className="stack" data-testid={summary.dryRun ? 'import-summary' : 'import-result'}>
      <h3>{summary.dryRun ? t('import.summary.dry') : t('import.summary.done')}</h3>
      <div className="row">
        {counts.map((c) => (
          <Badge key={c.key} tone={c.tone} testId={`import-count-${c.key}`}>
            {t(`import.count.${c.key}` as MessageKey, { count: summary[c.key] })}
          </Badge>
        ))}
        {summary.received > 0 && <Badge tone="info">{t('import.count.received', { count: summary.received })}</Badge>}
        {summary.ignored > 0 && <Badge>{t('import.count.ignored', { count: summary.ignored })}</Badge>}
      </div>
      <p className="sm muted">
        {t('import.summary.detail', { files: summary.files, documents: summary.documents, clients: summary.clientsCreated })}
        {summary.firm ? ` ${t('import.summary.firm', { name: summary.firm.name })}` : ''}
        {summary.dateFormat ? ` ${t('import.summary.dates', { format: summary.dateFormat })}` : ''}
      </p>
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="import-items">
            <colgroup>
              <col className="import-col-file" />
              <col className="import-col-invoice" />
              <col className="import-col-outcome" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th>{t('import.col.file')}</th>
                <th>{t('import.col.invoice')}</th>
                <th>{t('import.col.outcome')}</th>
                <th>{t('import.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i, k) => (
                <tr key={k} data-testid="import-item">
                  <td className="wrap-anywhere" title={i.source}>
                    {shortName(i.source)}
                  </td>
                  <td className="nowrap">{i.ref ?? '—'}</td>
                  <td>
                    <Badge tone={OUTCOME_TONE[i.outcome]}>{t(`import.outcome.${i.outcome}` as MessageKey)}</Badge>
                    {i.direction === 'received' && <span className="faint xs"> {t('import.received')}</span>}
                  </td>
                  <ItemReason item={i} lang={lang} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length > shown.length && <p className="sm muted">{t('import.more', { count: items.length - shown.length })}</p>}
      <div className="row">
        <button type="button" className="btn" onClick={() => download(summary)} data-testid="import-download">
          <Icon name="download" size={16} /> {t('import.download')}
        </button>
        {summary.dryRun && (
          <button type="button" className="btn btn-primary" disabled={step !== 'review' || summary.added + summary.updated === 0} onClick={() => void run()} data-testid="import-run">
            <Icon name="check" size={16} /> {t('import.run', { count: summary.added + summary.updated })}
          </button>
        )}
      </div>
    </div>
  );
}

function ItemReason({ item, lang }: { item: ImportItem; lang: Language }): ReactElement {
  const { reason, notes } = importItemTexts(item, lang);
  return (
    <td className="sm wrap import-reason">
      {reason}
      {notes.length > 0 && <div className="faint xs">{notes.join(' · ')}</div>}
    </td>
  );
}
