// bank:* channels → BankService (Data → Bank). Statement files come through the import domain's
// upload sessions (the same chunked upload, budgets and expiry); the rest is glue.
import type { App } from '../../core/app';
import { AppError, InputError } from '../../core/errors';
import type { DomainHandlers } from '../ipc-router';
import type { ImportUploads } from './import-handlers';

export function bankHandlers(app: App, uploads: ImportUploads): DomainHandlers<'bank'> {
  return {
    'bank:import': async (args) => {
      const s = uploads.get(args.sessionId);
      if (!s.files.has(args.file)) throw new InputError(`file: no file ${args.file} in this upload`, 'file');
      if (s.busy) throw new AppError('BUSY', 'An import of these files is already running');
      s.busy = true;
      try {
        return await app.bank.importStatement({ name: args.file, bytes: new Uint8Array(uploads.bytesOf(s, args.file)), account: args.account, dateFormat: args.dateFormat });
      } finally {
        s.busy = false;
      }
    },
    'bank:list': (args) => app.bank.list(args.status, args.limit, args.offset),
    'bank:confirm': (args) => app.bank.confirm({ entryId: args.entryId, invoiceIds: args.invoiceIds }),
    'bank:reject': (args) => app.bank.reject(args.entryId),
    'bank:undo': (args) => app.bank.undo(args.entryId),
    'bank:openInvoices': (args) => ({ items: app.bank.openInvoiceChoices(args.search) }),
  };
}
