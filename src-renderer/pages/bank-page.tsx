// Data → Bank: reconcile the credits of the bank statements imported on the Import tab (a button here
// opens it: one way in for every file). "To reconcile" lists each credit with the matcher's suggestion and its confidence: one click confirms it, "Correct"
// opens a picker (the other suggestions, or any open invoices searched by number or client), "No
// invoice" marks a credit that pays none. "Automatic" lists what auto-accept recorded, each undoable.
// e2e handles: tab "Banca"/"Bank" (Data page); button data-testid "bank-import" (opens the Import
// tab); status tabs
// data-testid "bank-status-<status>"; rows data-testid "bank-row" (data-status, data-entry); buttons
// data-testid "bank-confirm", "bank-correct", "bank-reject", "bank-undo"; rows carry data-amount (cents)
// and data-top (the first suggestion's invoice ids); picker dialog data-testid "bank-picker" with
// choices data-testid "bank-choice" (open invoices: data-invoice, data-outstanding) and "bank-picker-confirm".
import { useEffect, useState, type ReactElement } from 'react';
import type { BankEntryView, BankStatus } from '../../src-preload/contract/bank-channels';
import { DataTable, type Column } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { Alert, EmptyState } from '../components/states';
import { Badge } from '../components/widgets';
import { formatDate } from '../format/dates';
import { formatCents, formatPercent } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { useBankStore, type OpenInvoiceChoice } from '../stores/bank-store';
import { useUiStore } from '../stores/ui-store';
import { Icon } from '../components/icons';

const STATUSES: BankStatus[] = ['open', 'auto', 'matched', 'ignored', 'debit'];

function SuggestionText({ entry }: { entry: BankEntryView }): ReactElement {
  const { t, lang } = useT();
  const s = entry.suggestions[0];
  if (entry.matches.length) {
    return (
      <span>
        {entry.matches.map((m) => `${m.label} · ${m.clientName} (${formatCents(m.amountCents, lang)})`).join(', ')}
        {entry.matches.some((m) => m.feeCents > 0) && <span className="xs faint"> · {t('bank.fee', { amount: formatCents(entry.matches.reduce((x, m) => x + m.feeCents, 0), lang) })}</span>}
      </span>
    );
  }
  if (!s) return <span className="muted">{t('bank.noSuggestion')}</span>;
  return (
    <span>
      <strong>{s.invoices.map((i) => i.label).join(' + ')}</strong> · {s.clientName}
      <div className="xs faint">{t(`bank.kind.${s.kind}` as MessageKey)}</div>
    </span>
  );
}

function Picker({ entry, onClose }: { entry: BankEntryView; onClose: () => void }): ReactElement {
  const { t, lang } = useT();
  const { confirm, searchInvoices, busyId } = useBankStore();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<OpenInvoiceChoice[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  useEffect(() => {
    const h = setTimeout(() => {
      void searchInvoices(search).then(setFound);
    }, 200);
    return () => clearTimeout(h);
  }, [search, searchInvoices]);
  const toggle = (id: number) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return (
    <Dialog title={t('bank.pickerTitle', { amount: formatCents(entry.amountCents, lang) })} onClose={onClose} wide testId="bank-picker">
      <p className="small muted">{[entry.counterpartyName, entry.remittance].filter(Boolean).join(' · ')}</p>
      {entry.suggestions.length > 1 && (
        <>
          <h3 className="small">{t('bank.otherSuggestions')}</h3>
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {entry.suggestions.slice(1, 6).map((s, i) => (
              <li key={i}>
                <button type="button" className="btn btn-sm" data-testid="bank-choice" onClick={() => setChosen(s.invoices.map((x) => x.id))}>
                  {s.invoices.map((x) => x.label).join(' + ')} · {s.clientName} · {formatPercent(s.score, lang, 0)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <label className="field">
        <span className="field-label">{t('bank.searchInvoices')}</span>
        <input className="input" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('bank.searchHint')} />
      </label>
      <div style={{ maxHeight: 260, overflow: 'auto' }}>
        {found.map((inv) => (
          <label key={inv.id} className="row small" style={{ gap: 8 }}>
            <input type="checkbox" data-testid="bank-choice" data-invoice={inv.id} data-outstanding={inv.outstandingCents} checked={chosen.includes(inv.id)} onChange={() => toggle(inv.id)} aria-label={`${inv.label} ${inv.clientName}`} />
            <span className="grow">
              {inv.label} · {inv.clientName}
            </span>
            <span className="muted">{formatDate(inv.dueDate, lang)}</span>
            <span>{formatCents(inv.outstandingCents, lang)}</span>
          </label>
        ))}
      </div>
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="bank-picker-confirm"
          disabled={!chosen.length || busyId === entry.id}
          onClick={() => void confirm(entry.id, chosen).then((ok) => ok && onClose())}
        >
          {t('bank.recordPayment')}
        </button>
      </div>
    </Dialog>
  );
}

export function BankPanel(): ReactElement {
  const { t, lang } = useT();
  const { status, items, counts, load, setStatus, error, confirm, reject, undo, busyId } = useBankStore();
  const setDataTab = useUiStore((x) => x.setDataTab);
  const [picking, setPicking] = useState<BankEntryView | null>(null);
  useEffect(() => {
    void load();
  }, [load]);
  const columns: Column<BankEntryView>[] = [
    { id: 'date', header: t('bank.col.date'), cell: (e) => formatDate(e.bookingDate, lang), nowrap: true, priority: 2 },
    { id: 'amount', header: t('bank.col.amount'), cell: (e) => <strong>{formatCents(e.amountCents, lang)}</strong>, align: 'end', nowrap: true, priority: 1 },
    {
      id: 'payer',
      header: t('bank.col.payer'),
      cell: (e) => (
        <>
          <div>{e.counterpartyName ?? '—'}</div>
          <div className="xs faint">{e.remittance}</div>
        </>
      ),
      priority: 1,
    },
    { id: 'suggestion', header: status === 'open' ? t('bank.col.suggestion') : t('bank.col.invoices'), cell: (e) => <SuggestionText entry={e} />, priority: 1 },
    {
      id: 'confidence',
      header: t('bank.col.confidence'),
      cell: (e) => (e.confidence === null ? '—' : <Badge tone={e.confidence >= 0.9 ? 'success' : e.confidence >= 0.5 ? 'warning' : 'neutral'}>{formatPercent(e.confidence, lang, 0)}</Badge>),
      align: 'end',
      priority: 3,
    },
    {
      id: 'actions',
      header: t('common.actions'),
      headerHidden: true,
      priority: 1,
      nowrap: true,
      cell: (e) =>
        e.status === 'open' ? (
          <span className="row" style={{ gap: 4, flexWrap: 'nowrap' }}>
            <button type="button" className="btn btn-sm btn-primary" data-testid="bank-confirm" disabled={!e.suggestions.length || busyId === e.id} onClick={() => void confirm(e.id)}>
              {t('bank.confirm')}
            </button>
            <button type="button" className="btn btn-sm" data-testid="bank-correct" disabled={busyId === e.id} onClick={() => setPicking(e)}>
              {t('bank.correct')}
            </button>
            <button type="button" className="btn btn-sm" data-testid="bank-reject" disabled={busyId === e.id} onClick={() => void reject(e.id)}>
              {t('bank.reject')}
            </button>
          </span>
        ) : e.status === 'auto' ? (
          <button type="button" className="btn btn-sm" data-testid="bank-undo" disabled={busyId === e.id} onClick={() => void undo(e.id)}>
            {t('bank.undo')}
          </button>
        ) : null,
    },
  ];
  return (
    <section className="card" aria-label={t('data.tab.bank')}>
      <div className="toolbar" style={{ alignItems: 'center' }}>
        <span className="xs faint grow">{t('bank.importStatementHint')}</span>
        <button type="button" className="btn" data-testid="bank-import" onClick={() => setDataTab('import')}>
          <Icon name="inbox" size={16} /> {t('bank.importStatement')}
        </button>
      </div>
      {error && <Alert kind="error">{error}</Alert>}
      <div className="tabs" role="tablist" aria-label={t('data.tab.bank')}>
        {STATUSES.map((s) => (
          <button key={s} type="button" role="tab" className="tab" aria-selected={status === s} data-testid={`bank-status-${s}`} onClick={() => void setStatus(s)}>
            {t(`bank.status.${s}` as MessageKey)} {counts ? `(${counts[s]})` : ''}
          </button>
        ))}
      </div>
      {items.length === 0 ? (
        <EmptyState icon="inbox" title={status === 'open' ? t('bank.nothingToReconcile') : t('bank.empty')}>
          {status === 'open' ? t('bank.nothingHint') : null}
        </EmptyState>
      ) : (
        <DataTable label={t('data.tab.bank')} columns={columns} rows={items} rowKey={(e) => e.id} rowProps={(e) => ({ 'data-testid': 'bank-row', 'data-status': e.status, 'data-entry': String(e.id), 'data-amount': String(e.amountCents), 'data-top': (e.suggestions[0]?.invoices ?? []).map((i) => i.id).join(',') })} maxHeight={560} />
      )}
      {picking && <Picker entry={picking} onClose={() => setPicking(null)} />}
    </section>
  );
}
