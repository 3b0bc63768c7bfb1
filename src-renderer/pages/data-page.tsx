// Data page: invoices (search, status filter, status badges, record payment), clients, products,
// and the new-invoice dialog (client picker, lines editor with live totals, inline validation).
// e2e handles: tabs role "tab" named Fatture/Invoices, Clienti/Clients, Prodotti/Products, Importa/Import, Banca/Bank;
// button "Nuova fattura"/"New invoice" (data-testid "new-invoice"); dialog data-testid
// "invoice-dialog" with select labelled Cliente/Client, line inputs labelled
// "Descrizione riga N"/"Line N description", "Quantità riga N", "Prezzo riga N"/"Line N price",
// "IVA riga N"/"Line N VAT", live total data-testid "draft-total", submit "Crea fattura"/"Create
// invoice"; invoice rows are data-testid "invoice-row" (data-status) with a "Registra pagamento"/
// "Record payment" button, only while something is open, opening dialog data-testid "payment-dialog".
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { ClientSummary, InvoiceSummary, ProductSummary } from '../../src-preload/contract/data-channels';
import { DataTable, type Column } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { Icon } from '../components/icons';
import { Alert, Async, EmptyState } from '../components/states';
import { Badge, type Tone } from '../components/widgets';
import { formatDate, localTodayIso } from '../format/dates';
import { centsToInput, formatCents, formatNumber, formatPercent } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { errorText } from '../stores/call';
import { draftTotals, emptyLine, PAGE_SIZE, useDataStore, validateInvoiceDraft, type DraftErrors, type InvoiceDraft } from '../stores/data-store';
import { useUiStore } from '../stores/ui-store';
import { ImportPanel } from './import-page';
import { BankPanel } from './bank-page';
import { RecordPaymentDialog } from './record-payment-dialog';
import { newRequestKey } from '../stores/request-key';

const STATUS_TONE: Record<InvoiceSummary['status'], Tone> = { draft: 'neutral', issued: 'primary', sent: 'info', partially_paid: 'warning', paid: 'success', cancelled: 'danger' };
const STATUSES: InvoiceSummary['status'][] = ['draft', 'issued', 'sent', 'partially_paid', 'paid', 'cancelled'];

export function InvoiceStatusBadge({ invoice }: { invoice: Pick<InvoiceSummary, 'status' | 'dueDate' | 'outstandingCents' | 'disputed'> }): ReactElement {
  const { t } = useT();
  const overdue = invoice.outstandingCents > 0 && invoice.status !== 'cancelled' && invoice.dueDate < localTodayIso();
  return (
    <span className="row" style={{ gap: 4, flexWrap: 'nowrap' }}>
      <Badge tone={STATUS_TONE[invoice.status]} testId="invoice-status">
        {t(`data.status.${invoice.status}` as MessageKey)}
      </Badge>
      {overdue && <Badge tone="danger">{t('data.overdue')}</Badge>}
      {invoice.disputed && <Badge tone="warning">{t('data.disputed')}</Badge>}
    </span>
  );
}

export function DataPage(): ReactElement {
  const { t } = useT();
  const tab = useUiStore((s) => s.dataTab);
  const setTab = useUiStore((s) => s.setDataTab);
  const [creating, setCreating] = useState(false);
  const tabs: { id: typeof tab; label: MessageKey }[] = [
    { id: 'invoices', label: 'data.tab.invoices' },
    { id: 'clients', label: 'data.tab.clients' },
    { id: 'products', label: 'data.tab.products' },
    { id: 'import', label: 'data.tab.import' },
    { id: 'bank', label: 'data.tab.bank' },
  ];
  return (
    <>
      <div className="row">
        <div className="tabs grow" role="tablist" aria-label={t('nav.data')}>
          {tabs.map((x) => (
            <button key={x.id} type="button" role="tab" className="tab" aria-selected={tab === x.id} aria-controls={`panel-${x.id}`} id={`tab-${x.id}`} onClick={() => setTab(x.id)}>
              {t(x.label)}
            </button>
          ))}
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-invoice">
          <Icon name="plus" size={16} /> {t('data.newInvoice')}
        </button>
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'invoices' && <InvoicesPanel />}
        {tab === 'clients' && <ClientsPanel />}
        {tab === 'products' && <ProductsPanel />}
        {tab === 'import' && <ImportPanel />}
        {tab === 'bank' && <BankPanel />}
      </div>
      {creating && <NewInvoiceDialog onClose={() => setCreating(false)} />}
    </>
  );
}

function InvoicesPanel(): ReactElement {
  const { t, lang } = useT();
  const { invoices, invoiceFilter, loadInvoices, setInvoiceFilter } = useDataStore();
  const [search, setSearch] = useState(invoiceFilter.search);
  const [paying, setPaying] = useState<InvoiceSummary | null>(null);
  useEffect(() => {
    void loadInvoices();
  }, [loadInvoices]);
  const invoiceColumns: Column<InvoiceSummary>[] = [
    {
      id: 'number',
      header: t('data.col.number'),
      nowrap: true,
      cell: (inv) => (
        <>
          <strong>{inv.label}</strong> <span className="faint xs">{inv.documentType}</span>
        </>
      ),
    },
    { id: 'client', header: t('data.col.client'), priority: 2, cell: (inv) => inv.clientName },
    { id: 'issueDate', header: t('data.col.issueDate'), priority: 4, nowrap: true, cell: (inv) => formatDate(inv.issueDate, lang) },
    { id: 'dueDate', header: t('data.col.dueDate'), priority: 3, nowrap: true, cell: (inv) => formatDate(inv.dueDate, lang) },
    { id: 'total', header: t('common.total'), priority: 3, align: 'end', nowrap: true, cell: (inv) => formatCents(inv.totalCents, lang) },
    { id: 'outstanding', header: t('data.col.outstanding'), priority: 2, align: 'end', nowrap: true, cell: (inv) => formatCents(inv.outstandingCents, lang) },
    { id: 'status', header: t('common.status'), cell: (inv) => <InvoiceStatusBadge invoice={inv} /> },
    {
      id: 'actions',
      header: t('common.actions'),
      headerHidden: true,
      align: 'end',
      nowrap: true,
      // Only what can be done: a paid or cancelled invoice has no payment button at all.
      cell: (inv) =>
        inv.outstandingCents > 0 && inv.status !== 'cancelled' && inv.status !== 'draft' ? (
          <button type="button" className="btn btn-sm" onClick={() => setPaying(inv)} aria-label={t('data.recordPaymentFor', { label: inv.label })}>
            <Icon name="payment" size={14} /> {t('data.recordPayment')}
          </button>
        ) : null,
    },
  ];
  useEffect(() => {
    if (search === invoiceFilter.search) return;
    const h = setTimeout(() => setInvoiceFilter({ search }), 250);
    return () => clearTimeout(h);
  }, [search, invoiceFilter.search, setInvoiceFilter]);
  return (
    <section className="card" aria-label={t('data.tab.invoices')}>
      <div className="toolbar">
        <label className="field grow">
          <span className="field-label">{t('data.searchInvoices')}</span>
          <input className="input" type="search" value={search} placeholder={t('data.searchInvoicesHint')} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label className="field" style={{ width: 200 }}>
          <span className="field-label">{t('common.status')}</span>
          <select className="input" value={invoiceFilter.status} onChange={(e) => setInvoiceFilter({ status: e.target.value as InvoiceSummary['status'] | '' })}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`data.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => void loadInvoices()} aria-label={t('common.refresh')}>
          {invoices.loading ? <span className="spinner" /> : <Icon name="refresh" size={16} />}
        </button>
      </div>
      <Async state={invoices} onRetry={() => void loadInvoices()} rows={6}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState icon="invoice" title={invoiceFilter.search || invoiceFilter.status ? t('data.noMatches') : t('data.noInvoices')}>
              {t('data.noInvoicesHint')}
            </EmptyState>
          ) : (
            <>
              <DataTable
                label={t('data.tab.invoices')}
                columns={invoiceColumns}
                rows={data.items}
                rowKey={(inv) => inv.id}
                rowProps={(inv) => ({ 'data-testid': 'invoice-row', 'data-status': inv.status })}
              />
              <Pager total={data.total} offset={invoiceFilter.offset} onOffset={(offset) => setInvoiceFilter({ offset })} />
            </>
          )
        }
      </Async>
      {paying && <RecordPaymentDialog invoice={paying} onClose={() => setPaying(null)} />}
    </section>
  );
}

function Pager({ total, offset, onOffset }: { total: number; offset: number; onOffset: (o: number) => void }): ReactElement | null {
  const { t } = useT();
  if (total <= PAGE_SIZE) return <p className="small muted">{t('common.pageOf', { from: total ? 1 : 0, to: total, total })}</p>;
  return (
    <div className="row">
      <span className="small muted grow">{t('common.pageOf', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}</span>
      <button type="button" className="btn btn-sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}>
        {t('common.previous')}
      </button>
      <button type="button" className="btn btn-sm" disabled={offset + PAGE_SIZE >= total} onClick={() => onOffset(offset + PAGE_SIZE)}>
        {t('common.next')}
      </button>
    </div>
  );
}

function ClientsPanel(): ReactElement {
  const { t, lang } = useT();
  const { clients, clientSearch, loadClients, setClientSearch } = useDataStore();
  const [search, setSearch] = useState(clientSearch);
  const clientColumns: Column<ClientSummary>[] = [
    {
      id: 'name',
      header: t('data.col.name'),
      cell: (c) => (
        <>
          <strong>{c.denominazione}</strong>
          {c.email && <div className="xs faint">{c.email}</div>}
        </>
      ),
    },
    { id: 'vat', header: t('data.col.vat'), priority: 3, className: 'mono', cell: (c) => c.partitaIva ?? c.codiceFiscale ?? '—' },
    { id: 'city', header: t('data.col.city'), priority: 2, cell: (c) => [c.city, c.province && `(${c.province})`].filter(Boolean).join(' ') || '—' },
    { id: 'terms', header: t('data.col.terms'), priority: 3, nowrap: true, cell: (c) => `${t('common.daysShort', { count: c.paymentTermsDays })}${c.paymentTermsEom ? ` ${t('data.eom')}` : ''}` },
    { id: 'invoices', header: t('data.col.invoices'), align: 'end', cell: (c) => formatNumber(c.invoiceCount, lang, 0) },
    { id: 'outstanding', header: t('data.col.outstanding'), align: 'end', nowrap: true, cell: (c) => formatCents(c.outstandingCents, lang) },
  ];
  useEffect(() => {
    void loadClients();
  }, [loadClients]);
  useEffect(() => {
    if (search === clientSearch) return;
    const h = setTimeout(() => setClientSearch(search), 250);
    return () => clearTimeout(h);
  }, [search, clientSearch, setClientSearch]);
  return (
    <section className="card" aria-label={t('data.tab.clients')}>
      <label className="field">
        <span className="field-label">{t('data.searchClients')}</span>
        <input className="input" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('data.searchClientsHint')} />
      </label>
      <Async state={clients} onRetry={() => void loadClients()} rows={6}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState icon="client" title={t('data.noClients')}>
              {t('data.noClientsHint')}
            </EmptyState>
          ) : (
            <DataTable label={t('data.tab.clients')} columns={clientColumns} rows={data.items} rowKey={(c) => c.id} rowProps={() => ({ 'data-testid': 'client-row' })} />
          )
        }
      </Async>
    </section>
  );
}

function ProductsPanel(): ReactElement {
  const { t, lang } = useT();
  const { products, productSearch, loadProducts, setProductSearch } = useDataStore();
  const [search, setSearch] = useState(productSearch);
  const productColumns: Column<ProductSummary>[] = [
    { id: 'code', header: t('data.col.code'), className: 'mono', nowrap: true, cell: (p) => p.code },
    { id: 'description', header: t('data.col.description'), cell: (p) => p.description },
    { id: 'category', header: t('data.col.category'), priority: 3, cell: (p) => p.category ?? '—' },
    {
      id: 'unitPrice',
      header: t('data.col.unitPrice'),
      align: 'end',
      nowrap: true,
      cell: (p) => (
        <>
          {formatCents(p.unitPriceCents, lang)} <span className="faint xs">/ {p.unit}</span>
        </>
      ),
    },
    { id: 'vatRate', header: t('data.col.vatRate'), priority: 2, align: 'end', cell: (p) => formatPercent(p.vatRate / 100, lang) },
    { id: 'kind', header: t('data.col.kind'), priority: 2, cell: (p) => <Badge tone={p.isService ? 'info' : 'neutral'}>{p.isService ? t('data.service') : t('data.goods')}</Badge> },
  ];
  useEffect(() => {
    void loadProducts();
  }, [loadProducts]);
  useEffect(() => {
    if (search === productSearch) return;
    const h = setTimeout(() => setProductSearch(search), 250);
    return () => clearTimeout(h);
  }, [search, productSearch, setProductSearch]);
  return (
    <section className="card" aria-label={t('data.tab.products')}>
      <label className="field">
        <span className="field-label">{t('data.searchProducts')}</span>
        <input className="input" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      <Async state={products} onRetry={() => void loadProducts()} rows={6}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState icon="product" title={t('data.noProducts')}>
              {t('data.noProductsHint')}
            </EmptyState>
          ) : (
            <DataTable label={t('data.tab.products')} columns={productColumns} rows={data.items} rowKey={(p) => p.id} rowProps={() => ({ 'data-testid': 'product-row' })} />
          )
        }
      </Async>
    </section>
  );
}

function FieldError({ id, error }: { id: string; error?: MessageKey }): ReactElement | null {
  const { t } = useT();
  if (!error) return null;
  return (
    <span className="field-error" id={id}>
      {t(error)}
    </span>
  );
}

function NewInvoiceDialog({ onClose }: { onClose: () => void }): ReactElement {
  const { t, lang } = useT();
  const { clients, products, loadClients, loadProducts, createInvoice } = useDataStore();
  const toast = useUiStore((s) => s.toast);
  const [draft, setDraft] = useState<InvoiceDraft>({ clientId: '', issueDate: localTodayIso(), dueDate: '', documentType: 'TD01', notes: '', lines: [emptyLine()] });
  const [errors, setErrors] = useState<DraftErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [requestKey] = useState(newRequestKey);
  useEffect(() => {
    if (!clients.data) void loadClients();
    if (!products.data) void loadProducts();
  }, [clients.data, products.data, loadClients, loadProducts]);
  const totals = useMemo(() => draftTotals(draft.lines), [draft.lines]);
  const update = (next: InvoiceDraft) => {
    setDraft(next);
    if (submitted) setErrors(validateInvoiceDraft(next).errors);
  };
  const setLine = (i: number, patch: Partial<InvoiceDraft['lines'][number]>) => update({ ...draft, lines: draft.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const pickProduct = (i: number, id: string) => {
    const p = products.data?.items.find((x) => x.id === Number(id));
    if (!p) return setLine(i, { productId: undefined });
    setLine(i, { productId: p.id, description: p.description, unitPrice: centsToInput(p.unitPriceCents), vatRate: String(p.vatRate) });
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const { errors: errs, args } = validateInvoiceDraft(draft);
    setErrors(errs);
    if (!args) return;
    setBusy(true);
    setServerError(null);
    try {
      const inv = await createInvoice({ ...args, requestKey });
      toast('success', t('data.created', { label: inv.label, total: formatCents(inv.totalCents, lang) }));
      onClose();
    } catch (err) {
      setServerError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const errId = (k: string) => (errors[k] ? `err-${k.replace(/\./g, '-')}` : undefined);
  return (
    <Dialog title={t('data.newInvoice')} onClose={onClose} wide testId="invoice-dialog">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {serverError && <Alert kind="error">{serverError}</Alert>}
        <div className="grid grid-3">
          <div className="field">
            <label className="field-label" htmlFor="inv-client">
              {t('data.col.client')}
            </label>
            <select id="inv-client" className="input" value={draft.clientId} aria-invalid={!!errors.clientId} aria-describedby={errId('clientId')} onChange={(e) => update({ ...draft, clientId: e.target.value })}>
              <option value="">{clients.data ? t('data.pickClient') : t('common.loading')}</option>
              {clients.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.denominazione}
                </option>
              ))}
            </select>
            <FieldError id="err-clientId" error={errors.clientId} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="inv-issue">
              {t('data.col.issueDate')}
            </label>
            <input id="inv-issue" className="input" type="date" value={draft.issueDate} aria-invalid={!!errors.issueDate} aria-describedby={errId('issueDate')} onChange={(e) => update({ ...draft, issueDate: e.target.value })} />
            <FieldError id="err-issueDate" error={errors.issueDate} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="inv-due">
              {t('data.col.dueDate')}
            </label>
            <input id="inv-due" className="input" type="date" value={draft.dueDate} aria-invalid={!!errors.dueDate} aria-describedby={errId('dueDate') ?? 'due-help'} onChange={(e) => update({ ...draft, dueDate: e.target.value })} />
            {errors.dueDate ? <FieldError id="err-dueDate" error={errors.dueDate} /> : <span className="field-help" id="due-help">{t('data.dueHelp')}</span>}
          </div>
        </div>
        <div className="stack">
          <div className="row">
            <h3 className="grow">{t('data.lines')}</h3>
            <button type="button" className="btn btn-sm" onClick={() => update({ ...draft, lines: [...draft.lines, emptyLine()] })}>
              <Icon name="plus" size={14} /> {t('data.addLine')}
            </button>
          </div>
          <FieldError id="err-lines" error={errors.lines} />
          {draft.lines.map((l, i) => {
            const n = i + 1;
            return (
              <div key={i} className="grid" style={{ gridTemplateColumns: '130px minmax(0,1fr) 76px 116px 70px 110px 34px', alignItems: 'start' }} data-testid="line-row">
                <label className="field">
                  <select className="input" value={l.productId ?? ''} onChange={(e) => pickProduct(i, e.target.value)} aria-label={t('data.lineProduct', { n })}>
                    <option value="">{t('data.freeLine')}</option>
                    {products.data?.items.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.code}
                      </option>
                    ))}
                  </select>
                </label>
                <div className="field">
                  <input className="input" aria-label={t('data.lineDescription', { n })} placeholder={t('data.col.description')} value={l.description} aria-invalid={!!errors[`lines.${i}.description`]} onChange={(e) => setLine(i, { description: e.target.value })} />
                  <FieldError id={`err-lines-${i}-description`} error={errors[`lines.${i}.description`]} />
                </div>
                <div className="field">
                  <input className="input num" inputMode="decimal" aria-label={t('data.lineQuantity', { n })} value={l.quantity} aria-invalid={!!errors[`lines.${i}.quantity`]} onChange={(e) => setLine(i, { quantity: e.target.value })} />
                  <FieldError id={`err-lines-${i}-quantity`} error={errors[`lines.${i}.quantity`]} />
                </div>
                <div className="field">
                  <input className="input num" inputMode="decimal" aria-label={t('data.linePrice', { n })} placeholder="0,00 €" value={l.unitPrice} aria-invalid={!!errors[`lines.${i}.unitPrice`]} onChange={(e) => setLine(i, { unitPrice: e.target.value })} />
                  <FieldError id={`err-lines-${i}-unitPrice`} error={errors[`lines.${i}.unitPrice`]} />
                </div>
                <div className="field">
                  <input className="input num" inputMode="decimal" aria-label={t('data.lineVat', { n })} value={l.vatRate} aria-invalid={!!errors[`lines.${i}.vatRate`]} onChange={(e) => setLine(i, { vatRate: e.target.value })} />
                  <FieldError id={`err-lines-${i}-vatRate`} error={errors[`lines.${i}.vatRate`]} />
                </div>
                <div className="num small" style={{ paddingTop: 8 }}>
                  {formatCents(totals.perLine[i]?.total ?? 0, lang)}
                </div>
                <button type="button" className="btn btn-ghost btn-icon" aria-label={t('data.removeLine', { n })} disabled={draft.lines.length === 1} onClick={() => update({ ...draft, lines: draft.lines.filter((_, j) => j !== i) })}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
            );
          })}
          <div className="row" style={{ justifyContent: 'flex-end', gap: 24 }}>
            <span className="small muted">
              {t('data.net')} <strong className="num">{formatCents(totals.net, lang)}</strong>
            </span>
            <span className="small muted">
              {t('data.vat')} <strong className="num">{formatCents(totals.vat, lang)}</strong>
            </span>
            <span>
              {t('common.total')}{' '}
              <strong className="num" data-testid="draft-total" style={{ fontSize: 18 }}>
                {formatCents(totals.total, lang)}
              </strong>
            </span>
          </div>
        </div>
        <label className="field">
          <span className="field-label">{t('data.notes')}</span>
          <textarea className="input" value={draft.notes} aria-invalid={!!errors.notes} aria-describedby={errId('notes')} onChange={(e) => update({ ...draft, notes: e.target.value })} rows={2} />
          <FieldError id="err-notes" error={errors.notes} />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-close>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy && <span className="spinner" />} {t('data.createInvoice')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
