// `ai retrain` as the seed writes it: `ai retrain --model cash_flow [--dry-run]`, `ai retrain status`,
// `ai retrain list-versions --model cash_flow`, `ai retrain rollback --model cash_flow --version 1.1.0`,
// each with --json.
import type { Command } from 'commander';
import type { App } from '../../core/app';
import { errorMessage } from '../../core/errors';
import { parseSemver } from '../../core/ml/registry/semver';
import { InsufficientDataError, describeImprovement, type RetrainResult } from '../../core/ml/retraining/model-retrainer';
import type { RetrainingStatus } from '../../core/ml/retraining/model-lifecycle';
import { pct } from '../../core/ml/retraining/trigger-evaluator';
import { englishText, errorFigure } from '../../core/ml/retraining/retraining-message';
import type { ModelSpec } from '../../core/ml/model-spec';
import { ExitError, EXIT_FAILURE, printJson, printTable, withApp } from '../context';
import cliProgress from 'cli-progress';
import type { Progress } from '../../core/worker/protocol';

interface RetrainOpts {
  model?: string;
  dryRun?: boolean;
  json?: boolean;
  version?: string;
}

const DEFAULT_MODEL = 'cash_flow';

/** A progress bar on stderr for training and evaluation when stderr is a terminal; silent in pipes and --json. */
export interface ProgressReporter {
  update(p: Progress): void;
  stop(): void;
}

export function progressReporter(enabled: boolean): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: '{step} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let step = '';
  let started = false;
  return {
    update(p) {
      if (!started || p.step !== step) {
        if (started) bar.stop();
        bar.start(p.total, p.current, { step: p.step });
        step = p.step;
        started = true;
        return;
      }
      bar.update(p.current, { step: p.step });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}



/** Options of the parent `retrain` are parsed before its subcommand's, so read both. */
function opts(cmd: Command): RetrainOpts {
  return cmd.optsWithGlobals() as RetrainOpts;
}

function fmt(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** Runs a retrain and prints it; shared with `ai forecast --retrain`. Exit 1 on failure. */
export async function runRetrain(app: App, model: string, o: { dryRun?: boolean; json?: boolean; reasons?: string[] }): Promise<RetrainResult> {
  const progress = progressReporter(!o.json);
  // Ctrl-C cancels the retrain cleanly (the run is recorded as cancelled); a second one exits at once.
  const onSigint = () => {
    process.stderr.write('\nCancelling the retrain…\n');
    app.models.cancelRetrain(model);
  };
  process.once('SIGINT', onSigint);
  try {
    const result = await app.models.retrain(model, { reasons: o.reasons ?? ['manual'], dryRun: o.dryRun, onProgress: progress.update });
    progress.stop();
    return result;
  } catch (e) {
    progress.stop();
    if (e instanceof InsufficientDataError) throw new ExitError(EXIT_FAILURE, `Model retraining failed: ${e.message}`);
    throw new ExitError(EXIT_FAILURE, `Retraining failed: ${errorMessage(e)}`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The figures in the model's own terms (the spec's primary metric, examples and baseline). */
type SpecWords = Pick<ModelSpec, 'primaryMetric' | 'examplesLabel' | 'baselineLabel'>;

export function printRetrainResult(r: RetrainResult, spec: SpecWords): void {
  const e = errorFigure(spec.primaryMetric);
  const lines = [
    `Outcome: ${r.outcome}${r.candidateVersion ? ` (candidate ${r.candidateVersion})` : ''}`,
    `Reason: ${r.reason}`,
    `Active version: ${r.activeVersion ?? '(none)'}${r.previousVersion && r.previousVersion !== r.activeVersion ? ` (was ${r.previousVersion})` : ''}`,
  ];
  if (r.holdout) {
    lines.push(`Holdout: the latest ${r.holdout.rows} ${spec.examplesLabel} (from ${r.holdout.from}); the candidate was trained on the ${r.trainingRows} known before them`);
    if (r.comparison) {
      lines.push(
        r.comparison.on === 'unseen-by-active'
          ? `Compared with ${r.previousVersion} on the ${r.comparison.rows} holdout rows it never saw`
          : r.comparison.on === 'active-settings-refit'
            ? `Compared with ${r.previousVersion}'s settings retrained on the candidate's data (it had seen the holdout), on ${r.comparison.rows} rows`
            : `Compared with the ${spec.baselineLabel} on ${r.comparison.rows} rows`,
      );
    }
    lines.push(`New outcomes since the previous evaluation: ${r.newOutcomes}`);
    lines.push(`${e.heading}: candidate ${e.show(r.candidate?.mae ?? null)}, active ${e.show(r.active?.mae ?? null)}, ${spec.baselineLabel} ${e.show(r.baseline?.mae ?? null)}`);
    lines.push(`${e.accuracy}: candidate ${r.candidate ? pct(r.candidate.accuracy) : '—'}, active ${r.active ? pct(r.active.accuracy) : '—'}, baseline ${r.baseline ? pct(r.baseline.accuracy) : '—'}`);
    lines.push(`Improvement: ${describeImprovement(r.improvement)}`);
    if (r.candidate?.coverage !== undefined) lines.push(`P10–P90 coverage on the holdout: ${pct(r.candidate.coverage)} (nominal 80%), mean width ${fmt(r.candidate.meanWidth, 1)} days; late AUC ${fmt(r.candidate.eventAuc ?? null, 3)}`);
  }
  lines.push(`Duration: ${(r.durationMs / 1000).toFixed(1)} s`);
  process.stdout.write(lines.join('\n') + '\n');
}

function printStatus(s: RetrainingStatus, spec: SpecWords): void {
  const e = errorFigure(spec.primaryMetric);
  const rows: { label: string; value: string }[] = [
    { label: 'Model', value: s.model },
    { label: 'Automatic retraining', value: s.enabled ? 'enabled' : 'disabled (OPENFATTURE_ML_RETRAINING_ENABLED=false)' },
    { label: 'Dry run', value: s.dryRun ? 'yes (never deploys)' : 'no' },
    { label: 'Active version', value: s.activeVersion ? `${s.activeVersion}${s.activeHealth && s.activeHealth !== 'ok' ? ` (artifact ${s.activeHealth}!)` : ''}` : '(none — run `openfatture ai forecast --retrain`)' },
    { label: 'Last training', value: s.trainedAt ? `${s.trainedAt} (${s.trainingRows} rows)` : 'never' },
    { label: 'Training trigger', value: s.trainingTrigger.length ? s.trainingTrigger.join(', ') : '—' },
    { label: 'Improvement', value: describeImprovement(s.improvement) },
    { label: `Holdout ${e.heading.charAt(0).toLowerCase()}${e.heading.slice(1)}`, value: s.activeMetrics && typeof s.activeMetrics.mae === 'number' ? e.show(s.activeMetrics.mae) : '—' },
    { label: 'Pinned', value: s.pinned ? `${s.pinned.version} since ${s.pinned.at} (a rollback; automatic deploys wait — \`openfatture ai retrain unpin\`)` : 'no' },
    { label: 'New outcomes', value: `${s.feedbackSinceTraining} since ${s.lastEvaluationAt ? `the last evaluation (${s.lastEvaluationAt})` : 'the start'}` },
    ...(s.held ? [{ label: 'Retrain held', value: englishText(s.held) }] : []),
    { label: 'Live accuracy', value: s.liveAccuracy === null ? '—' : `${pct(s.liveAccuracy)} (baseline ${s.baselineAccuracy === null ? '—' : pct(s.baselineAccuracy)})` },
    { label: 'Last run', value: s.lastRun ? `${s.lastRun.kind} ${s.lastRun.outcome ?? ''} at ${s.lastRun.at}${s.lastRun.version ? ` (${s.lastRun.version})` : ''}${s.lastRun.error ? `: ${s.lastRun.error}` : ''}` : '—' },
    { label: 'Retrain running', value: s.retrainRunning ? `yes (pid ${s.retrainRunning.pid}, since ${s.retrainRunning.since})` : 'no' },
    { label: 'Check interval', value: `${s.intervalHours} h` },
    { label: 'Last check', value: s.lastCheckAt ?? 'never' },
    { label: 'Next check', value: s.nextCheckAt ? `${s.nextCheckAt}${s.schedulerRunning ? '' : ' (when the app runs)'}` : 'scheduler disabled' },
    { label: 'Versions stored', value: String(s.versions) },
  ];
  if (s.lastFallback) rows.push({ label: 'Last fall-back', value: `${s.lastFallback.at}: ${s.lastFallback.from} → ${s.lastFallback.to ?? '(none)'} (${s.lastFallback.error ?? ''})` });
  printTable(rows, [
    { header: 'Metric', value: (r) => r.label },
    { header: 'Value', value: (r) => r.value },
  ]);
  process.stdout.write('\nTriggers\n');
  printTable(s.triggers, [
    { header: 'Trigger', value: (t) => t.name },
    { header: 'Current', value: (t) => (t.value === null ? '—' : t.name === 'performance_degradation' ? pct(t.value) : String(t.value)), align: 'right' },
    { header: 'Threshold', value: (t) => (t.name === 'performance_degradation' ? `> ${pct(t.threshold)}` : t.name === 'no_active_model' ? '—' : `≥ ${t.threshold}`), align: 'right' },
    { header: 'Fires', value: (t) => (t.fired ? 'YES' : 'no') },
    { header: 'Detail', value: (t) => t.detail },
  ]);
}

export function registerRetrainCommands(ai: Command): void {
  const retrain = ai
    .command('retrain')
    .description('retrain a model now (champion/challenger: deployed only if MAE improves enough); subcommands: status, list-versions, rollback')
    .option('--model <name>', `model to retrain (default ${DEFAULT_MODEL})`)
    .option('--dry-run', 'train and evaluate, record the run, never deploy')
    .option('--json', 'print the result as JSON')
    .action(async (_o: RetrainOpts, cmd: Command) => {
      const o = opts(cmd);
      await withApp(cmd, async (app) => {
        const model = o.model ?? DEFAULT_MODEL;
        app.models.spec(model);
        const result = await runRetrain(app, model, { dryRun: o.dryRun ? true : undefined, json: o.json });
        if (o.json) printJson(result);
        else printRetrainResult(result, app.models.spec(model));
      });
    });

  retrain
    .command('status')
    .description('last training, active version, each trigger against its threshold, next check')
    .option('--model <name>', `model (default ${DEFAULT_MODEL})`)
    .option('--json', 'print as JSON')
    .action(async (_o: RetrainOpts, cmd: Command) => {
      const o = opts(cmd);
      await withApp(cmd, async (app) => {
        const status = app.models.status(o.model ?? DEFAULT_MODEL);
        if (o.json) printJson(status);
        else printStatus(status, app.models.spec(status.model));
      });
    });

  retrain
    .command('list-versions')
    .description('every stored version with its metrics; the active one is marked')
    .option('--model <name>', `model (default ${DEFAULT_MODEL})`)
    .option('--json', 'print as JSON')
    .action(async (_o: RetrainOpts, cmd: Command) => {
      const o = opts(cmd);
      await withApp(cmd, async (app) => {
        const model = o.model ?? DEFAULT_MODEL;
        app.models.spec(model);
        app.models.versions.ensureHealthyActive(model);
        const items = app.models.versions.list(model).map((v) => ({ ...v, artifactHealth: app.models.versions.health(v) }));
        if (o.json) {
          printJson({ model, items });
          return;
        }
        const holdout = (m: Record<string, unknown>) => (m.holdout ?? {}) as { mae?: number; accuracy?: number; n?: number };
        printTable(
          items,
          [
            { header: '', value: (v) => (v.status === 'active' ? '*' : '') },
            { header: 'Version', value: (v) => v.version },
            { header: 'Status', value: (v) => `${v.status}${v.dryRun ? ' (dry run)' : ''}${v.pinnedAt ? ' (pinned)' : ''}` },
            { header: 'Trained', value: (v) => v.createdAt.slice(0, 19).replace('T', ' ') },
            { header: 'Rows', value: (v) => v.trainingRows, align: 'right' },
            { header: 'Cutoff', value: (v) => v.trainingCutoff ?? '' },
            { header: errorFigure(app.models.spec(model).primaryMetric).heading, value: (v) => errorFigure(app.models.spec(model).primaryMetric).show(holdout(v.metrics).mae ?? null), align: 'right' },
            { header: 'Accuracy', value: (v) => (typeof holdout(v.metrics).accuracy === 'number' ? pct(holdout(v.metrics).accuracy!) : '—'), align: 'right' },
            { header: 'Improvement', value: (v) => describeImprovement(typeof v.metrics.improvement === 'number' ? v.metrics.improvement : null), align: 'right' },
            { header: 'Trigger', value: (v) => v.triggerReasons.join(', ') },
            { header: 'Artifact', value: (v) => v.artifactHealth },
            { header: 'Notes', value: (v) => v.notes ?? '' },
          ],
          `No ${model} versions yet: run \`openfatture ai forecast --retrain\` to train the first one.`,
        );
      });
    });

  retrain
    .command('unpin')
    .description('lift the pin a rollback put on the active version: automatic retrains may deploy again')
    .option('--model <name>', `model (default ${DEFAULT_MODEL})`)
    .option('--json', 'print the result as JSON')
    .action(async (_o: RetrainOpts, cmd: Command) => {
      const o = opts(cmd);
      await withApp(cmd, async (app) => {
        const model = o.model ?? DEFAULT_MODEL;
        const was = app.models.unpin(model);
        if (o.json) printJson({ model, unpinned: was });
        else process.stdout.write(was ? `Unpinned ${model} ${was}: automatic retrains may deploy again.\n` : `${model} is not pinned.\n`);
      });
    });

  retrain
    .command('rollback')
    .description('re-activate an earlier version (no new version is created); logged in the retraining history')
    .option('--model <name>', `model (default ${DEFAULT_MODEL})`)
    .requiredOption('--version <semver>', 'version to re-activate, e.g. 1.1.0')
    .option('--json', 'print the result as JSON')
    .action(async (_o: RetrainOpts, cmd: Command) => {
      const o = opts(cmd);
      const version = o.version!;
      parseSemver(version, '--version');
      await withApp(cmd, async (app) => {
        const model = o.model ?? DEFAULT_MODEL;
        const r = app.models.rollback(model, version);
        if (o.json) printJson({ model, previousVersion: r.from, activeVersion: r.to.version });
        else process.stdout.write(`Rolled back ${model}: active version is now ${r.to.version} (was ${r.from ?? 'none'}); pinned — automatic deploys wait until \`openfatture ai retrain unpin\`.\n`);
      });
    });
}
