// "Record payment", the one action for a payment that has arrived: from an invoice row of the Data
// page and from a row of the Forecast page alike. It records the payment (payments:record), which
// also resolves the prediction served for the invoice (the forecast's outcome), so there is no
// separate "record actual" that could disagree with the books. Dates after today are refused.
// e2e handles: dialog data-testid "payment-dialog"; fields "Importo"/"Amount", "Data pagamento"/
// "Payment date"; submit "Registra pagamento"/"Record payment".
import { useState, type ReactElement } from 'react';
import { Dialog } from '../components/dialog';
import { Alert } from '../components/states';
import { formatDate, localTodayIso } from '../format/dates';
import { centsToInput, formatCents } from '../format/money';
import type { MessageKey } from '../i18n/catalog';
import { useT } from '../i18n/translate';
import { errorText } from '../stores/call';
import { PAYMENT_METHODS, useDataStore, validatePaymentDraft, type DraftErrors, type PayableInvoice, type PaymentDraft } from '../stores/data-store';
import { useUiStore } from '../stores/ui-store';
import type { InvoiceSummary } from '../../src-preload/contract/data-channels';
import { newRequestKey } from '../stores/request-key';

export interface RecordedPayment {
  invoice: InvoiceSummary;
  paidDate: string;
  amountCents: number;
}

export function RecordPaymentDialog({ invoice, context, onClose, onRecorded }: { invoice: PayableInvoice; context?: string; onClose: () => void; onRecorded?: (r: RecordedPayment) => void }): ReactElement {
  const { t, lang } = useT();
  const recordPayment = useDataStore((s) => s.recordPayment);
  const toast = useUiStore((s) => s.toast);
  const today = localTodayIso();
  const [draft, setDraft] = useState<PaymentDraft>({ amount: centsToInput(invoice.outstandingCents), paidDate: today, method: '', reference: '' });
  const [errors, setErrors] = useState<DraftErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [requestKey] = useState(newRequestKey);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const { errors: errs, args } = validatePaymentDraft(invoice, draft, localTodayIso());
    setErrors(errs);
    if (!args) return;
    setBusy(true);
    setServerError(null);
    try {
      const inv = await recordPayment({ ...args, requestKey });
      toast('success', t('data.paid', { label: inv.label, amount: formatCents(args.amountCents, lang) }));
      onRecorded?.({ invoice: inv, paidDate: args.paidDate, amountCents: args.amountCents });
      onClose();
    } catch (err) {
      setServerError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (id: string, key: MessageKey | undefined) =>
    key ? (
      <span className="field-error" id={id}>
        {t(key, { date: formatDate(key === 'data.err.paidBeforeIssue' ? invoice.issueDate : today, lang) })}
      </span>
    ) : null;
  return (
    <Dialog title={t('data.recordPaymentFor', { label: invoice.label })} onClose={onClose} testId="payment-dialog">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <p className="small muted">
          {invoice.clientName} · {t('data.col.dueDate')} {formatDate(invoice.dueDate, lang)} · {t('data.col.outstanding')} {formatCents(invoice.outstandingCents, lang)}
        </p>
        {context && <Alert kind="info">{context}</Alert>}
        {serverError && <Alert kind="error">{serverError}</Alert>}
        <div className="grid grid-2">
          <div className="field">
            <label className="field-label" htmlFor="pay-amount">
              {t('data.paymentAmount')}
            </label>
            <input id="pay-amount" className="input num" inputMode="decimal" value={draft.amount} aria-invalid={!!errors.amount} aria-describedby={errors.amount ? 'err-amount' : undefined} onChange={(e) => setDraft({ ...draft, amount: e.target.value })} />
            {fieldError('err-amount', errors.amount)}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="pay-date">
              {t('data.paidDate')}
            </label>
            <input id="pay-date" className="input" type="date" max={today} min={invoice.issueDate} value={draft.paidDate} aria-invalid={!!errors.paidDate} aria-describedby={errors.paidDate ? 'err-paidDate' : undefined} onChange={(e) => setDraft({ ...draft, paidDate: e.target.value })} />
            {fieldError('err-paidDate', errors.paidDate)}
          </div>
          <label className="field">
            <span className="field-label">{t('data.method')}</span>
            <select className="input" value={draft.method} onChange={(e) => setDraft({ ...draft, method: e.target.value as PaymentDraft['method'] })}>
              <option value="">—</option>
              {PAYMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`data.method.${m}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('data.reference')}</span>
            <input className="input" value={draft.reference} onChange={(e) => setDraft({ ...draft, reference: e.target.value })} />
          </label>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-close>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy && <span className="spinner" />} {t('data.recordPayment')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
