// `openfatture ai backtest --model cash_flow --split-date D [--client X] [--trees N] [--json]`: in the
// worker, trains on what was known at D (settings chosen by time-series CV inside that data) and
// scores later invoices — every client's or one client's — against the three baselines, with the
// P10–P90 coverage and width, the calibration curve and the late-payment AUC and reliability.
import type { Command } from 'commander';
import { backtestInWorker } from '../../core/ml/registry/serialized-model-jobs';
import type { BacktestResult, PredictorName } from '../../core/ml/backtest';
import { InputError } from '../../core/errors';
import { parse, printJson, printTable, withApp } from '../context';
import { stderrProgress } from '../progress';

const LABELS: Record<PredictorName, string> = {
  model: 'cash_flow model',
  due_date: 'baseline: due date',
  client_mean: 'baseline: client mean',
  global_mean: 'baseline: global mean',
};

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function printResult(r: BacktestResult): void {
  const hp = r.hyperparameters;
  process.stdout.write(
    `Backtest of cash_flow at ${r.splitDate}: trained on ${r.trainRows} invoices paid before it (${(r.trainMs / 1000).toFixed(1)}s), ` +
      `scored on ${r.testRows} paid invoices issued on/after it${r.clientId !== null ? ` for client ${r.clientId}` : ''}.\n` +
      `Settings (${r.selection.method === 'rolling-origin-cv' ? `time-series CV on ${r.selection.folds.length} folds, CV MAE ${r.selection.cvMae?.toFixed(2)} days` : r.selection.reason ?? r.selection.method}): ` +
      `${hp.trees} trees, depth ${hp.maxDepth}, min leaf ${hp.minLeaf}, ${pct(hp.featuresPerSplit)} of features per split, ${hp.point} prediction.\n\n`,
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
    `\nP10–P90 interval: ${pct(r.intervals.coverage)} of actual payments inside (nominal 80%), mean width ${r.intervals.meanWidth.toFixed(1)} days.\n` +
      `Calibration (nominal → observed): ${r.intervals.calibration.map((c) => `${pct(c.nominal)} → ${pct(c.observed)}`).join(', ')}\n` +
      `Late payment: ${pct(r.late.shareLate)} of these invoices were paid late; AUC of the model's probability ${fmt(r.late.auc, 3)}, Brier ${r.late.brier.toFixed(3)}.\n`,
  );
  printTable(r.late.reliability, [
    { header: 'P(late) bin', value: (b) => `${pct(b.from)}–${pct(b.to)}` },
    { header: 'Invoices', value: (b) => b.n, align: 'right' },
    { header: 'Mean predicted', value: (b) => pct(b.meanPredicted), align: 'right' },
    { header: 'Observed late', value: (b) => pct(b.observedRate), align: 'right' },
  ]);
  process.stdout.write(r.beatsAllBaselines ? '\nThe model beats every baseline on MAE.\n' : '\nWARNING: the model does not beat every baseline on MAE.\n');
}

export function registerBacktestCommand(ai: Command): void {
  ai.command('backtest')
    .description('train on invoices paid before a date, score the ones issued from it (all clients or one), compare with baselines')
    .requiredOption('--model <name>', 'model to backtest (cash_flow)')
    .requiredOption('--split-date <date>', 'train on what was known before this date (YYYY-MM-DD)', parse.date('--split-date'))
    .option('--client <client>', 'score only this client\'s invoices (id, P.IVA or name); the model still learns from every client')
    .option('--trees <n>', 'number of trees (default: chosen by cross-validation)', parse.int('--trees', 1, 1000))
    .option('--json', 'print the result as JSON')
    .action(async (opts: { model: string; splitDate: string; client?: string; trees?: number; json?: boolean }, cmd: Command) => {
      if (opts.model !== 'cash_flow') throw new InputError(`--model: unknown model "${opts.model}" (available: cash_flow)`, '--model');
      await withApp(cmd, async (app) => {
        const clientId = opts.client !== undefined ? app.clients.find(opts.client, '--client').id : null;
        const progress = opts.json ? () => undefined : stderrProgress();
        const controller = new AbortController();
        const onSigint = () => controller.abort();
        process.once('SIGINT', onSigint);
        try {
          const result = await backtestInWorker(
            app.worker,
            app.database.path,
            { splitDate: opts.splitDate, toleranceDays: app.settings.ML_TOLERANCE_DAYS, clientId, train: opts.trees ? { trees: opts.trees } : {} },
            (p) => progress(p.step === 'select' ? 'choosing settings' : 'training', p.current, p.total),
            controller.signal,
          );
          if (opts.json) printJson(result);
          else printResult(result);
        } finally {
          process.off('SIGINT', onSigint);
        }
      });
    });
}
