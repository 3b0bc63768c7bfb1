// Data → Import: the one place files come in. Drop or pick files — FatturaPA (.xml/.p7m/.zip),
// CAMT.053 bank statements (told by their content, not their name), or a CSV of invoices or of bank
// entries — then: a CSV's kind and columns with its first rows in view; the firm confirmed once; the
// dry run of everything dropped (invoices: the summary, downloadable as CSV; a statement: account,
// period, entries, what is new, and what matching would do at the auto-accept threshold); the import
// with progress; the results, with a way to the "To reconcile" list.
// e2e handles: drop zone data-testid "import-drop" (also accepts a drop event), file input
// data-testid "import-file-input"; firm choices are radios in group "Qual è la tua azienda?"/"Which
// is your firm?" with button data-testid "import-firm-confirm"; the summary card data-testid
// "import-summary" shows counts data-testid "import-count-added|updated|skipped|rejected"; buttons
// data-testid "import-run", "import-download", "import-analyze", "import-reset"; the result
// data-testid "import-result". CSV kind radios in group "Cosa contiene il file?"/"What does the file
// hold?"; statement cards data-testid "statement-analysis" (dry run) and "statement-result", with
// counts data-testid "statement-count-<added|skipped|auto|wait|debits|payments>" (data-count holds
// the figure); a refused statement data-testid "statement-refused"; button data-testid
// "statement-open-reconcile".
import { useState, type DragEvent, type ReactElement } from 'react';
import { importSummaryCsv, type CsvKind, type ImportItem, type ImportSummary, type StatementImport } from '../../src-preload/contract/import-channels';
import { Icon } from '../components/icons';
import { Alert } from '../components/states';
import { DataTable, type Column } from '../components/data-table';
import { Badge, ProgressBar, type Tone } from '../components/widgets';
import type { Language, MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { importItemTexts, importMessageText } from '../format/import-messages';
import { formatDate } from '../format/dates';
import { formatPercent } from '../format/money';
import { useBankStore } from '../stores/bank-store';
import { CSV_FIELD_LIST, importCounts, STATEMENT_FIELD_LIST, useImportStore, type StatementOutcome } from '../stores/import-store';
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
        <h2 className="nowrap">{t('import.title')}</h2>
        <span className="hint">{t('import.hint')}</span>
        {s.step !== 'pick' && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void s.reset()} data-testid="import-reset" disabled={busy}>
            <Icon name="x" size={14} /> {t('import.reset')}
          </button>
        )}
      </div>
      {s.error && <Alert kind="error">{s.error}</Alert>}
      {s.step === 'done' && <Results />}
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
          <label className="btn">
            <Icon name="plus" size={16} /> {t('import.pick')}
            <input type="file" multiple className="visually-hidden" data-testid="import-file-input" onChange={(e) => void s.add([...(e.target.files ?? [])])} />
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
      {s.step === 'review' && <Review />}
    </section>
  );
}

function CsvMapping(): ReactElement {
  const { t, lang } = useT();
  const { preview, csvKind, setCsvKind, map, setMap, statementMap, setStatementMap, account, setAccount, dateFormat, setDateFormat, analyze, statements } = useImportStore();
  if (!preview) return <></>;
  const refused = statements.find((x) => !x.ok);
  const columnSelect = (value: string | undefined, onChange: (column: string) => void) => (
    <select className="input" value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('import.csv.none')}</option>
      {preview.header.map((h) => (
        <option key={h} value={h}>
          {h}
        </option>
      ))}
    </select>
  );
  const remembered = csvKind === 'statement' ? preview.statementRemembered : preview.remembered;
  return (
    <div className="stack" data-testid="import-mapping">
      <fieldset className="row csv-kind" role="radiogroup" aria-label={t('import.csv.kind')}>
        <legend className="field-label">{t('import.csv.kind')}</legend>
        {(['invoices', 'statement'] as CsvKind[]).map((k) => (
          <label key={k} className="row" style={{ gap: 6 }}>
            <input type="radio" name="csv-kind" value={k} checked={csvKind === k} onChange={() => setCsvKind(k)} />
            {t(`import.csv.kind.${k}` as MessageKey)}
          </label>
        ))}
        <span className="faint xs">{t('import.csv.kindGuessed', { kind: t(`import.csv.kind.${preview.kind}` as MessageKey) })}</span>
      </fieldset>
      <p className="sm">{remembered ? t('import.csv.remembered') : t('import.csv.guessed')}</p>
      <DataTable
        label={t('import.csv.preview')}
        columns={preview.header.map((h, k): Column<{ line: number; cells: string[] }> => ({ id: `${k}-${h}`, header: h, nowrap: true, cell: (r) => r.cells[k] ?? '' }))}
        rows={preview.rows.slice(0, 5).map((cells, line) => ({ line, cells }))}
        rowKey={(r) => r.line}
      />
      {refused && !refused.ok && (
        <Alert kind="error">
          <span data-testid="statement-refused">{t('import.statement.refused', { file: refused.file, reason: importMessageText(refused.reasonMessage, lang) ?? refused.reason })}</span>
        </Alert>
      )}
      <div className="grid grid-4">
        {csvKind === 'invoices'
          ? CSV_FIELD_LIST.map((f) => (
              <label key={f} className="field">
                <span className="field-label">{t(`import.field.${f}` as MessageKey)}</span>
                {columnSelect(map[f], (c) => setMap(f, c))}
              </label>
            ))
          : STATEMENT_FIELD_LIST.map((f) => (
              <label key={f} className="field">
                <span className="field-label">{t(`import.sfield.${f}` as MessageKey)}</span>
                {columnSelect(statementMap[f], (c) => setStatementMap(f, c))}
              </label>
            ))}
        {csvKind === 'statement' && (
          <label className="field">
            <span className="field-label">{t('import.statement.account')}</span>
            <input className="input" value={account} onChange={(e) => setAccount(e.target.value)} placeholder="IT60X0542811101000000123456" title={t('import.statement.accountHint')} />
          </label>
        )}
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

/** The dry runs of everything dropped, and the one button that imports it all. */
function Review(): ReactElement {
  const { t } = useT();
  const { summaries, statements, run, step } = useImportStore();
  const firm = summaries.find((x) => x.needsFirm);
  if (firm) return <FirmQuestion summary={firm} />;
  const counts = importCounts(summaries, statements);
  const okStatements = statements.filter((x) => x.ok).length;
  const label = okStatements === 0 ? t('import.run', { count: counts.invoices }) : summaries.length === 0 ? t('import.runStatements', { count: counts.entries }) : t('import.runMixed', counts);
  return (
    <>
      {/* Statements first: their cards are short, an invoice summary can run to hundreds of rows. */}
      {statements.map((x) => (
        <StatementCard key={x.file} outcome={x} />
      ))}
      {summaries.map((x, i) => (
        <SummaryView key={`s${i}`} summary={x} />
      ))}
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={step !== 'review' || counts.invoices + counts.entries === 0} onClick={() => void run()} data-testid="import-run">
          <Icon name="check" size={16} /> {label}
        </button>
      </div>
    </>
  );
}

function Results(): ReactElement {
  const { results, statementResults } = useImportStore();
  return (
    <>
      {statementResults.map((x) => (
        <StatementCard key={x.file} outcome={x} />
      ))}
      {results.map((x, i) => (
        <SummaryView key={`r${i}`} summary={x} />
      ))}
    </>
  );
}

/** An IBAN as banks print it, in groups of four ("IT60 X054 2811 …"); another account id as it is. */
export function groupIban(account: string): string {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(account) ? account.replace(/(.{4})(?=.)/g, '$1 ') : account;
}

function Count({ testId, count, tone, children }: { testId: string; count: number; tone: Tone; children: string }): ReactElement {
  return (
    <span data-count={count} className="nowrap">
      <Badge tone={tone} testId={testId}>
        {children}
      </Badge>
    </span>
  );
}

/** One statement: the dry run (what is in it, what is new, what matching would do) or what the import did; a refused file says why. */
function StatementCard({ outcome }: { outcome: StatementOutcome }): ReactElement {
  const { t, lang } = useT();
  const setDataTab = useUiStore((x) => x.setDataTab);
  const showBank = useBankStore((x) => x.setStatus);
  if (!outcome.ok) {
    return (
      <Alert kind="error">
        <span data-testid="statement-refused">
          {t('import.statement.refused', { file: outcome.file, reason: importMessageText(outcome.reasonMessage, lang) ?? outcome.reason })} {t('import.statement.nothingWritten')}
        </span>
      </Alert>
    );
  }
  const r: StatementImport = outcome;
  const m = r.reconcile;
  const pct = (x: number) => formatPercent(x, lang, 0);
  const version = !m ? '' : m.modelVersion === '0.0.0' ? t('import.statement.rules') : m.modelVersion;
  const format = r.format === 'csv' ? 'CSV' : r.format.replace(/^camt\.053\.001\.(\d+)$/, 'CAMT.053 001.$1');
  const rejects = r.rejects.slice(0, 8);
  const notes = r.notes.slice(0, 8);
  return (
    <div className="stack statement-card" data-testid={r.dryRun ? 'statement-analysis' : 'statement-result'} data-file={r.file}>
      <h3>
        {r.dryRun ? t('import.statement.dry') : t('import.statement.done')} <span className="muted sm">· {r.file}</span>
      </h3>
      <dl className="statement-facts">
        <div>
          <dt>{t('import.statement.account')}</dt>
          <dd>{groupIban(r.account)}</dd>
        </div>
        <div>
          <dt>{t('import.statement.period')}</dt>
          <dd>{r.period ? t('import.statement.periodValue', { from: formatDate(r.period.from, lang), to: formatDate(r.period.to, lang) }) : '—'}</dd>
        </div>
        <div>
          <dt>{t('import.statement.entries')}</dt>
          <dd data-testid="statement-entries">{t('import.statement.entriesValue', { count: r.entries, credits: r.credits, debits: r.debits })}</dd>
        </div>
        <div>
          <dt>{t('import.statement.format')}</dt>
          <dd>{format}</dd>
        </div>
      </dl>
      {r.dryRun ? (
        <div className="row">
          <Count testId="statement-count-added" count={r.added} tone="success">{t('import.statement.count.added', { count: r.added })}</Count>
          <Count testId="statement-count-skipped" count={r.skipped} tone="neutral">{t('import.statement.count.skipped', { count: r.skipped })}</Count>
          {m && <Count testId="statement-count-auto" count={m.added.autoAccepted} tone="info">{t('import.statement.count.auto', { count: m.added.autoAccepted })}</Count>}
          {m && <Count testId="statement-count-wait" count={m.added.suggested} tone="warning">{t('import.statement.count.wait', { count: m.added.suggested })}</Count>}
        </div>
      ) : (
        <div className="row">
          <Count testId="statement-count-added" count={r.added} tone="success">{t('import.statement.count.addedDone', { count: r.added })}</Count>
          <Count testId="statement-count-skipped" count={r.skipped} tone="neutral">{t('import.statement.count.skippedDone', { count: r.skipped })}</Count>
          <Count testId="statement-count-debits" count={r.newDebits} tone="neutral">{t('import.statement.count.debits', { count: r.newDebits })}</Count>
          {m && <Count testId="statement-count-payments" count={m.added.payments} tone="info">{t('import.statement.count.payments', { count: m.added.payments })}</Count>}
          {m && <Count testId="statement-count-wait" count={m.added.suggested} tone="warning">{t('import.statement.count.waitDone', { count: m.added.suggested })}</Count>}
        </div>
      )}
      {m && (
        <p className="sm muted">
          {r.dryRun && r.newCredits === 0
            ? t('import.statement.noNewCredits', { version, threshold: pct(m.threshold) })
            : r.dryRun
            ? t('import.statement.matchingDry', { credits: r.newCredits, threshold: pct(m.threshold), auto: m.added.autoAccepted, wait: m.added.suggested, version })
            : t('import.statement.matchingDone', { version, threshold: pct(m.threshold), open: r.openAfter ?? 0 })}
          {r.dryRun && m.autoAccepted > m.added.autoAccepted ? ` ${t('import.statement.olderToo', { count: m.autoAccepted - m.added.autoAccepted })}` : ''}
        </p>
      )}
      {rejects.length > 0 && (
        <div className="sm">
          <strong>{t('import.statement.rejects', { count: r.rejects.length })}</strong>
          <ul className="compact-list">
            {rejects.map((x, i) => (
              <li key={i}>{t('import.statement.rejectLine', { line: x.line, field: x.column ?? x.field, reason: x.reason })}</li>
            ))}
            {r.rejects.length > rejects.length && <li className="muted">{t('import.statement.more', { count: r.rejects.length - rejects.length })}</li>}
          </ul>
        </div>
      )}
      {notes.length > 0 && (
        <div className="sm muted">
          <strong>{t('import.statement.notes')}</strong>
          <ul className="compact-list">
            {notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
            {r.notes.length > notes.length && <li>{t('import.statement.more', { count: r.notes.length - notes.length })}</li>}
          </ul>
        </div>
      )}
      {!r.dryRun && (
        <div className="row">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="statement-open-reconcile"
            onClick={() => {
              setDataTab('bank');
              void showBank('open');
            }}
          >
            <Icon name="payment" size={16} /> {t('import.statement.openReconcile')}
          </button>
        </div>
      )}
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
