// setup:* channels → the first-run checklist: counts from the invoice service, and the demo data
// generator (core/demo) for a data folder that has no invoices yet. The demo set is smaller than the
// CLI's default so it loads in about a second on the main process, and large enough to train the
// first cash-flow model.
import type { App } from '../../core/app';
import { generateDemo } from '../../core/demo/generate-demo';
import { AppError } from '../../core/errors';
import { CASH_FLOW_MIN_TRAINING_ROWS } from '../../core/ml/registry/cash-flow-spec';
import type { DomainHandlers } from '../ipc-router';

/** The demo data of the first-run checklist: three years, 24 clients, 600 invoices. */
export const FIRST_RUN_DEMO = { clients: 24, invoices: 600, years: 3 } as const;

export function setupHandlers(app: App): DomainHandlers<'setup'> {
  return {
    'setup:status': () => ({
      invoices: app.invoices.count(),
      // Counted in SQL (one row read), not by listing every paid invoice.
      paidInvoices: app.invoices.search({ status: 'paid', limit: 1, offset: 0 }).total,
      minPaidToTrain: CASH_FLOW_MIN_TRAINING_ROWS,
    }),
    'setup:loadDemo': () => {
      const existing = app.invoices.count();
      // Demo invoices next to real ones would train the model and answer questions on made-up data.
      if (existing > 0) throw new AppError('NOT_EMPTY', `the demo data goes into an empty data folder; this one already has ${existing} invoices`);
      const started = performance.now();
      const s = generateDemo(app.database.sqlite, FIRST_RUN_DEMO);
      app.logger.info(`Demo data generated: ${s.invoices} invoices for ${s.clients} clients in ${((performance.now() - started) / 1000).toFixed(1)}s (seed ${s.seed})`);
      return { clients: s.clients, invoices: s.invoices, paid: s.paid, open: s.open, firstIssueDate: s.firstIssueDate, lastIssueDate: s.lastIssueDate };
    },
  };
}
