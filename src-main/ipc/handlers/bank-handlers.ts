// bank:* channels → BankService (Data → Bank): the "To reconcile" list and the actions on a credit.
// Statement files come in through the Import page (import:statement, in import-handlers).
import type { App } from '../../core/app';
import type { DomainHandlers } from '../ipc-router';

export function bankHandlers(app: App): DomainHandlers<'bank'> {
  return {
    'bank:list': (args) => app.bank.list(args.status, args.limit, args.offset),
    'bank:confirm': (args) => app.bank.confirm({ entryId: args.entryId, invoiceIds: args.invoiceIds }),
    'bank:reject': (args) => app.bank.reject(args.entryId),
    'bank:undo': (args) => app.bank.undo(args.entryId),
    'bank:openInvoices': (args) => ({ items: app.bank.openInvoiceChoices(args.search) }),
  };
}
