// `ai forecast [--days N] [--client X] [--retrain] [--json]`: expected cash-in by week and by day,
// the total, and each open invoice's predicted payment date with its P10–P90 interval (the due date
// shown as the baseline). `--retrain` (or no model yet) trains first; fewer than 25 paid invoices
// is the seed's "Model retraining failed: insufficient data", exit 1.
import type { Command } from 'commander';
import { forecastCashFlow, MAX_FORECAST_DAYS, type CashFlowForecast, type ForecastInvoice } from '../../core/ml/forecast';
import { InputError } from '../../core/errors';
import { CASH_FLOW } from '../../core/ml/registry/cash-flow-spec';
import { formatEuro } from '../../core/money';
import { parse, printJson, printTable, withApp } from '../context';
import { printRetrainResult, runRetrain } from './retrain';

interface ForecastOpts {
  days: number;
  client?: string;
  retrain?: boolean;
  sort: 'date' | 'late';
  json?: boolean;
}

/** Open invoices most likely to be paid late first (then the larger amount). */
export function byLateProbability(a: ForecastInvoice, b: ForecastInvoice): number {
  return b.lateProbability - a.lateProbability || b.outstandingCents - a.outstandingCents || a.invoiceId - b.invoiceId;
}

function printForecast(f: CashFlowForecast): void {
  const out = process.stdout;
  out.write(`Cash-flow forecast for the next ${f.horizonDays} days from ${f.today} (model ${f.model} ${f.version})\n\n`);
  out.write('By week\n');
  printTable(f.weeks, [
    { header: 'Week of', value: (w) => w.weekStart },
    { header: 'Expected', value: (w) => formatEuro(w.expectedCents), align: 'right' },
    { header: 'If early (P10)', value: (w) => formatEuro(w.p10Cents), align: 'right' },
    { header: 'If late (P90)', value: (w) => formatEuro(w.p90Cents), align: 'right' },
    { header: 'Cumulative', value: (w) => formatEuro(w.cumulativeCents), align: 'right' },
  ]);
  out.write('\nBy day\n');
  printTable(f.days, [
    { header: 'Date', value: (d) => d.date },
    { header: 'Expected', value: (d) => formatEuro(d.expectedCents), align: 'right' },
  ], '(no payments expected in this period)');
  out.write(`\nTotal expected in ${f.horizonDays} days: ${formatEuro(f.totalCents)}  (by due dates alone: ${formatEuro(f.dueDateTotalCents)}; outstanding overall: ${formatEuro(f.outstandingCents)})\n\n`);
  out.write('Open invoices (! = likely paid late)\n');
  printTable(f.invoices, [
    { header: 'Invoice', value: (i) => i.label },
    { header: 'Client', value: (i) => (i.clientName.length > 28 ? i.clientName.slice(0, 27) + '…' : i.clientName) },
    { header: 'Outstanding', value: (i) => formatEuro(i.outstandingCents), align: 'right' },
    { header: 'Due (baseline)', value: (i) => i.dueDate },
    { header: 'Predicted', value: (i) => `${i.predictedDate}${i.overdue ? ' (overdue)' : ''}` },
    { header: 'P10–P90', value: (i) => `${i.p10Date ?? '?'} – ${i.p90Date ?? '?'}` },
    { header: 'Late days', value: (i) => i.predictedLateDays, align: 'right' },
    { header: 'P(late)', value: (i) => `${Math.round(i.lateProbability * 100)}%${i.likelyLate ? ' !' : ''}`, align: 'right' },
    { header: 'In period', value: (i) => (i.inHorizon ? 'yes' : 'no') },
  ], '(no open invoices)');
}

export function registerForecastCommand(ai: Command): void {
  ai.command('forecast')
    .description('cash-flow forecast: expected cash-in by week and day, and each open invoice with a P10–P90 interval')
    .option('--days <n>', `horizon in days (1–${MAX_FORECAST_DAYS})`, parse.int('--days', 1, MAX_FORECAST_DAYS), 30)
    .option('--client <client>', 'only this client (id, P.IVA or name)')
    .option('--retrain', 'retrain the cash-flow model first (deployed only if it improves)')
    .option('--sort <order>', 'open invoices by predicted date (date) or by probability of a late payment (late)', (v: string) => {
      if (v !== 'date' && v !== 'late') throw new InputError(`--sort: expected "date" or "late", got "${v}"`, '--sort');
      return v;
    }, 'date')
    .option('--json', 'print as JSON')
    .action(async (o: ForecastOpts, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const clientId = o.client !== undefined ? app.clients.find(o.client, '--client').id : undefined;
        let retrained = null;
        const noModel = app.models.versions.active(CASH_FLOW) === null;
        if (o.retrain || noModel) {
          if (noModel && !o.retrain && !o.json) process.stderr.write('No cash-flow model yet: training the first one.\n');
          retrained = await runRetrain(app, CASH_FLOW, { json: o.json, reasons: [o.retrain ? 'manual' : 'no_active_model'] });
          if (!o.json) {
            printRetrainResult(retrained, app.models.spec(retrained.model));
            process.stdout.write('\n');
          }
        }
        const forecast = await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: o.days, clientId });
        if (o.sort === 'late') forecast.invoices.sort(byLateProbability);
        if (o.json) printJson(retrained ? { ...forecast, retrain: retrained } : forecast);
        else printForecast(forecast);
      });
    });
}
