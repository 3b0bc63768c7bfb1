// `openfatture ai backtest --model cash_flow --split-date D [--trees N] [--json]`: trains in the
// worker on what was known at D and scores later invoices against the three baselines.
import type { Command } from 'commander';
import { CashFlowModel } from '../../core/ml/cash-flow/cash-flow-model';
import { trainCashFlowInWorker } from '../../core/ml/cash-flow/cash-flow-jobs';
import { runCashFlowBacktest, type BacktestResult, type PredictorName } from '../../core/ml/backtest';
import { InputError } from '../../core/errors';
import { parse, printJson, printTable, withApp } from '../context';
import { stderrProgress } from '../progress';

const LABELS: Record<PredictorName, string> = {
  model: 'cash_flow model',
  due_date: 'baseline: due date',
  client_mean: 'baseline: client mean',
  global_mean: 'baseline: global mean',
};

function printResult(r: BacktestResult): void {
  process.stdout.write(
    `Backtest of cash_flow at ${r.splitDate}: trained on ${r.trainRows} invoices paid before it (${(r.trainMs / 1000).toFixed(1)}s), ` +
      `scored on ${r.testRows} paid invoices issued on/after it.\n\n`,
  );
  const fmt = (v: number | null, digits = 1) => (v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
  printTable(
    (Object.keys(LABELS) as PredictorName[]).map((k) => ({ name: LABELS[k], m: r.metrics[k] })),
    [
      { header: 'Predictor', value: (x) => x.name },
      { header: 'MAE (d)', value: (x) => fmt(x.m.mae), align: 'right' },
      { header: 'RMSE (d)', value: (x) => fmt(x.m.rmse), align: 'right' },
      { header: 'Median AE (d)', value: (x) => fmt(x.m.medianAe), align: 'right' },
      { header: `Within ±${r.toleranceDays}d`, value: (x) => `${fmt(x.m.withinTolerance * 100)}%`, align: 'right' },
      { header: 'Late AUC', value: (x) => fmt(x.m.lateAuc, 3), align: 'right' },
      { header: 'Late F1', value: (x) => fmt(x.m.lateF1, 3), align: 'right' },
    ],
  );
  process.stdout.write(
    r.beatsAllBaselines ? '\nThe model beats every baseline on MAE.\n' : '\nWARNING: the model does not beat every baseline on MAE.\n',
  );
}

export function registerBacktestCommand(ai: Command): void {
  ai.command('backtest')
    .description('train on invoices paid before a date, score the ones issued from it, compare with baselines')
    .requiredOption('--model <name>', 'model to backtest (cash_flow)')
    .requiredOption('--split-date <date>', 'train on what was known before this date (YYYY-MM-DD)', parse.date('--split-date'))
    .option('--trees <n>', 'number of trees (default: 50)', parse.int('--trees', 1, 1000))
    .option('--json', 'print the result as JSON')
    .action(async (opts: { model: string; splitDate: string; trees?: number; json?: boolean }, cmd: Command) => {
      if (opts.model !== 'cash_flow') throw new InputError(`--model: unknown model "${opts.model}" (available: cash_flow)`, '--model');
      await withApp(cmd, async (app) => {
        const progress = opts.json ? () => undefined : stderrProgress();
        const result = await runCashFlowBacktest(
          app.database.sqlite,
          { splitDate: opts.splitDate, toleranceDays: app.settings.ML_TOLERANCE_DAYS, train: opts.trees ? { nEstimators: opts.trees } : {} },
          async (rows, options) => {
            const { artifact } = await trainCashFlowInWorker(app.worker, rows, options, (p) => progress('training', p.current, p.total));
            return CashFlowModel.fromJSON(artifact);
          },
        );
        if (opts.json) printJson(result);
        else printResult(result);
      });
    });
}
