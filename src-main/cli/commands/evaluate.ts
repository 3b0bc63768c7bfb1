// `openfatture ai evaluate --version V [--model cash_flow] [--client X] [--from D] [--json]`: scores a
// stored version on paid invoices issued on or after D (default: its training cutoff, so only
// invoices it never saw), for every client or one, next to the due-date baseline, with the P10–P90
// coverage and the late-payment AUC.
import type { Command } from 'commander';
import type { VersionEvaluation } from '../../core/ml/retraining/model-lifecycle';
import type { ModelMetrics } from '../../core/ml/model-spec';
import { parseSemver } from '../../core/ml/registry/semver';
import { parse, printJson, printTable, withApp } from '../context';

const DEFAULT_MODEL = 'cash_flow';
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

function printEvaluation(e: VersionEvaluation): void {
  process.stdout.write(
    `${e.model} ${e.version} on ${e.rows} paid invoice(s)${e.clientId !== null ? ` of client ${e.clientId}` : ''}${e.from ? ` issued on or after ${e.from}` : ''}.\n`,
  );
  if (e.seenInTraining > 0) process.stdout.write(`Note: ${e.seenInTraining} of them were in its training data (paid before its cutoff); their errors flatter it.\n`);
  process.stdout.write('\n');
  const rows: { name: string; m: ModelMetrics }[] = [
    { name: `${e.model} ${e.version}`, m: e.metrics },
    { name: e.baselineLabel, m: e.baseline },
  ];
  printTable(rows, [
    { header: 'Predictor', value: (r) => r.name },
    { header: 'MAE', value: (r) => num(r.m.mae), align: 'right' },
    { header: 'RMSE', value: (r) => num(r.m.rmse), align: 'right' },
    { header: 'Median AE', value: (r) => num(r.m.medianAe), align: 'right' },
    { header: 'Within tolerance', value: (r) => pct(r.m.accuracy), align: 'right' },
    { header: 'P10–P90 coverage', value: (r) => pct(r.m.coverage), align: 'right' },
    { header: 'Band width', value: (r) => num(r.m.meanWidth, 1), align: 'right' },
    { header: 'Late AUC', value: (r) => num(r.m.eventAuc, 3), align: 'right' },
  ]);
}

export function registerEvaluateCommand(ai: Command): void {
  ai.command('evaluate')
    .description('score a stored model version on paid invoices (those it never saw by default), for every client or one')
    .requiredOption('--version <semver>', 'version to score, e.g. 1.0.0')
    .option('--model <name>', `model (default ${DEFAULT_MODEL})`)
    .option('--client <client>', 'only this client\'s invoices (id, P.IVA or name)')
    .option('--from <date>', 'only invoices issued on or after this date (default: the version\'s training cutoff)', parse.date('--from'))
    .option('--json', 'print the result as JSON')
    .action(async (o: { version: string; model?: string; client?: string; from?: string; json?: boolean }, cmd: Command) => {
      parseSemver(o.version, '--version');
      await withApp(cmd, async (app) => {
        const model = o.model ?? DEFAULT_MODEL;
        app.models.spec(model);
        const clientId = o.client !== undefined ? app.clients.find(o.client, '--client').id : null;
        const result = await app.models.evaluateVersion(model, o.version, { clientId, from: o.from ?? null });
        if (o.json) printJson(result);
        else printEvaluation(result);
      });
    });
}
