// `ai feedback submit|submit-prediction|stats|export|import|cleanup` (DESIGN §8), with the seed's
// command lines working verbatim. Bad input exits 2 with a message naming the flag; nothing is written.
import { MODEL_NAMES } from '../../core/ml/registry/model-names';
import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { FeedbackAnalyzer, type FeedbackStats, type QuestionPattern } from '../../core/feedback/feedback-analyzer';
import { EXPORT_FORMATS, exportFeedback, importFeedback, type ExportFormat } from '../../core/feedback/feedback-export';
import { cleanupFeedback } from '../../core/feedback/feedback-retention';
import { InputError } from '../../core/errors';
import { stderrProgress } from '../progress';
import { parse, printJson, printTable, withApp } from '../context';

/** Service field names → the flags that carry them, so messages name what the user typed. */
const FLAG_OF: Record<string, string> = {
  agentType: '--agent-type',
  input: '--input',
  response: '--response',
  correction: '--correction',
  rating: '--rating',
  thumb: '--thumb',
  comment: '--comment',
  context: '--context',
  sessionId: '--session-id',
  messageId: '--message-id',
  model: '--model',
  version: '--version',
  prediction: '--prediction',
  actual: '--actual',
  accurate: '--accurate',
  entityId: '--invoice',
  days: '--days',
  since: '--since',
  until: '--until',
  output: '--output',
  format: '--format',
  'older-than': '--older-than',
};

function asFlags(e: unknown): never {
  if (e instanceof InputError) {
    const message = e.message.replace(/(^|; )([A-Za-z-]+): /g, (m, sep: string, field: string) => (FLAG_OF[field] ? `${sep}${FLAG_OF[field]}: ` : m));
    const err = new InputError(message, e.field ? (FLAG_OF[e.field] ?? e.field) : undefined);
    throw err;
  }
  throw e;
}

const disabledNote = 'Note: feedback collection is disabled (OPENFATTURE_AI_FEEDBACK_ENABLED=false); this explicit submission was stored anyway.\n';

const pct = (r: number | null) => (r == null ? '–' : `${(r * 100).toFixed(1)}%`);
const num = (n: number | null) => (n == null ? '–' : String(n));
const cut = (s: string, n = 48) => (s.length > n ? s.slice(0, n - 1) + '…' : s).replace(/\s+/g, ' ');

function printStats(s: FeedbackStats, collectionEnabled: boolean): void {
  const out = process.stdout;
  const period = s.period.since ? `from ${s.period.since}${s.period.until ? ` to ${s.period.until}` : ''}` : s.period.until ? `up to ${s.period.until}` : 'all time';
  out.write(`Feedback statistics (${period}) — collection ${collectionEnabled ? 'enabled' : 'disabled'}\n\n`);
  const c = s.chat;
  printTable(
    [
      { k: 'Total feedback', v: String(c.total) },
      { k: 'Average rating', v: c.avgRating == null ? '–' : `${c.avgRating} / 5 (${c.ratings} ratings)` },
      { k: 'Thumbs up / down', v: `${c.thumbsUp} / ${c.thumbsDown} (${pct(c.thumbsUpRatio)} up)` },
      { k: 'Corrections', v: `${c.corrections} (${pct(c.correctionRate)} of answers corrected)` },
      { k: 'Prediction feedback', v: String(s.predictions.total) },
    ],
    [
      { header: 'Metric', value: (r) => r.k },
      { header: 'Value', value: (r) => r.v },
    ],
  );
  out.write('\nBy agent type\n');
  printTable(c.byAgentType, [
    { header: 'Agent type', value: (a) => a.agentType },
    { header: 'Feedback', value: (a) => a.total, align: 'right' },
    { header: 'Avg rating', value: (a) => num(a.avgRating), align: 'right' },
    { header: 'Up', value: (a) => a.thumbsUp, align: 'right' },
    { header: 'Down', value: (a) => a.thumbsDown, align: 'right' },
    { header: 'Corrected', value: (a) => pct(a.correctionRate), align: 'right' },
  ]);
  out.write('\nRating trend by week (last 12)\n');
  printTable(s.weeklyTrend.slice(-12), [
    { header: 'Week of', value: (w) => w.weekStart },
    { header: 'Feedback', value: (w) => w.total, align: 'right' },
    { header: 'Avg rating', value: (w) => num(w.avgRating), align: 'right' },
    { header: 'Corrections', value: (w) => w.corrections, align: 'right' },
  ]);
  const patterns = (title: string, rows: QuestionPattern[], label: string) => {
    out.write(`\n${title}\n`);
    printTable(rows, [
      { header: label, value: (p) => cut(p.example) },
      { header: 'Times', value: (p) => p.count, align: 'right' },
      { header: 'Avg rating', value: (p) => num(p.avgRating), align: 'right' },
      { header: 'Latest correction', value: (p) => cut(p.latestCorrection ?? '–', 40) },
    ]);
  };
  patterns('Most corrected questions', s.topCorrectedQuestions, 'Question');
  patterns('Low-rated patterns (rating ≤ 2)', s.lowRatedPatterns, 'Question');
  patterns('Common issues (most frequently corrected responses)', s.commonIssues, 'Response');
  out.write('\nPrediction accuracy by model version\n');
  printTable(s.predictions.byVersion, [
    { header: 'Model', value: (v) => v.model },
    { header: 'Version', value: (v) => v.version ?? '–' },
    { header: 'Source', value: (v) => v.source },
    { header: 'Feedback', value: (v) => v.total, align: 'right' },
    { header: 'Accurate', value: (v) => `${v.accurate}/${v.evaluated}`, align: 'right' },
    { header: 'Accuracy', value: (v) => pct(v.accuracy), align: 'right' },
    { header: 'MAE days', value: (v) => num(v.meanAbsErrorDays), align: 'right' },
  ]);
  out.write('\nUnprocessed prediction feedback since the active version\n');
  printTable(s.unprocessedSinceActive, [
    { header: 'Model', value: (u) => u.model },
    { header: 'Active version', value: (u) => u.activeVersion ?? '(none)' },
    { header: 'Unprocessed', value: (u) => u.unprocessed, align: 'right' },
  ]);
}

interface SubmitOpts {
  agentType?: string;
  input?: string;
  response?: string;
  correction?: string;
  rating?: number;
  thumb?: string;
  comment?: string;
  context?: string;
  sessionId?: string;
  messageId?: string;
  json?: boolean;
}

interface SubmitPredictionOpts {
  model?: string;
  version?: string;
  prediction?: string;
  actual?: string;
  accurate?: boolean;
  invoice?: number;
  json?: boolean;
}

export function registerFeedbackCommands(ai: Command): void {
  const fb = ai.command('feedback').description('feedback on assistant answers and predictions: submit, stats, export, import, cleanup');

  fb.command('submit')
    .description('store feedback on an assistant answer (rating, thumb, correction, comment)')
    .option('--agent-type <type>', 'which assistant answered (chat, cash_flow_predictor, …)', 'chat')
    .option('--input <text>', 'the question asked')
    .option('--response <text>', 'the answer given')
    .option('--correction <text>', 'what the answer should have been')
    .option('--rating <1-5>', 'rating from 1 to 5', parse.int('--rating', 1, 5))
    .option('--thumb <up|down>', 'thumbs up or down')
    .option('--comment <text>', 'free comment')
    .option('--context <json>', 'JSON object: sources, provider, model of the answer')
    .option('--session-id <id>', 'chat session id')
    .option('--message-id <id>', 'chat message id')
    .option('--json', 'print the result as JSON')
    .action(async (o: SubmitOpts, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const svc = app.feedback;
        let r;
        try {
          r = svc.recordChat({
            agentType: o.agentType,
            input: o.input,
            response: o.response,
            correction: o.correction,
            rating: o.rating,
            thumb: o.thumb,
            comment: o.comment,
            context: o.context,
            sessionId: o.sessionId,
            messageId: o.messageId,
          });
        } catch (e) {
          asFlags(e);
        }
        if (o.json) printJson({ ...r, stored: true });
        else process.stdout.write(`Feedback stored (#${r.id}).\n${r.collectionEnabled ? '' : disabledNote}`);
      });
    });

  fb.command('submit-prediction')
    .description('store feedback on a model prediction: what was predicted, what happened, whether it was accurate')
    .option('--model <name>', `model name (${MODEL_NAMES.join(', ')})`)
    .option('--version <semver>', 'model version (default: the active one)')
    .option('--prediction <json>', 'the prediction as a JSON object')
    .option('--actual <json>', 'the actual outcome as a JSON object')
    .option('--accurate <bool>', 'true or false (when omitted, judged from "date" fields with ML_TOLERANCE_DAYS)', parse.bool('--accurate'))
    .option('--invoice <id>', 'the invoice the prediction was about', parse.int('--invoice', 1))
    .option('--json', 'print the result as JSON')
    .action(async (o: SubmitPredictionOpts, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const svc = app.feedback;
        let r;
        try {
          r = svc.recordPrediction({
            model: o.model,
            version: o.version,
            prediction: o.prediction,
            actual: o.actual,
            accurate: o.accurate,
            entityType: o.invoice === undefined ? undefined : 'invoice',
            entityId: o.invoice,
          });
        } catch (e) {
          asFlags(e);
        }
        if (o.json) printJson({ ...r, stored: true });
        else
          process.stdout.write(
            `Prediction feedback stored (#${r.id}): ${r.model}${r.version ? ` ${r.version}` : ''}, ${r.wasAccurate ? 'accurate' : 'not accurate'}` +
              `${r.errorDays == null ? '' : `, error ${r.errorDays > 0 ? '+' : ''}${r.errorDays} days`}.\n${r.collectionEnabled ? '' : disabledNote}`,
          );
      });
    });

  fb.command('stats')
    .description('feedback statistics: counts, ratings, corrections, trends, patterns, prediction accuracy')
    .option('--days <n>', 'only the last N days', parse.int('--days', 1, 36500))
    .option('--since <date>', 'from this day (YYYY-MM-DD)', parse.date('--since'))
    .option('--until <date>', 'up to this day (YYYY-MM-DD)', parse.date('--until'))
    .option('--top <n>', 'rows in each list', parse.int('--top', 1, 100), 10)
    .option('--json', 'print as JSON')
    .action(async (o: { days?: number; since?: string; until?: string; top: number; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        let s: FeedbackStats;
        try {
          s = new FeedbackAnalyzer(app.database.sqlite).stats({ days: o.days, since: o.since, until: o.until, top: o.top });
        } catch (e) {
          asFlags(e);
        }
        if (o.json) printJson({ collectionEnabled: app.settings.AI_FEEDBACK_ENABLED, ...s });
        else printStats(s, app.settings.AI_FEEDBACK_ENABLED);
      });
    });

  fb.command('export')
    .description(
      'export feedback: format from the extension (.json array, .jsonl, .csv) or --format, and the extension must match it; ' +
        'openai-chat writes corrections as fine-tuning JSONL. CSV cells that a spreadsheet would run as a formula start with an apostrophe',
    )
    .option('--output <file>', 'new file to write (never one of the data folder’s own files)')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .option('--since <date>', 'only feedback from this day on (YYYY-MM-DD)', parse.date('--since'))
    .option('--force', 'replace the output file if it exists')
    .option('--json', 'print the result as JSON')
    .action(async (o: { output?: string; format?: string; since?: string; force?: boolean; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const progress = stderrProgress();
        let r;
        try {
          r = exportFeedback(app.database.sqlite, {
            output: o.output ?? '',
            format: o.format as ExportFormat | undefined,
            since: o.since,
            force: o.force,
            paths: app.paths,
            forceHint: 'add --force to replace it',
            onProgress: (done, total) => progress('Exporting', done, total),
          });
        } catch (e) {
          asFlags(e);
        }
        if (o.json) printJson(r);
        else
          process.stdout.write(
            r.format === 'openai-chat'
              ? `Exported ${r.written} corrected answers as chat fine-tuning examples to ${r.file}\n`
              : `Exported ${r.chat} chat feedback and ${r.predictions} prediction feedback rows (${r.format}) to ${r.file}\n`,
          );
      });
    });

  fb.command('import')
    .description('import a feedback export (.json, .jsonl or .csv); rows already present are skipped')
    .argument('<file>', 'the exported file')
    .option('--format <format>', 'json, jsonl or csv (default: from the extension)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { format?: string; json?: boolean }, cmd: Command) => {
      if (o.format !== undefined && !['json', 'jsonl', 'csv'].includes(o.format)) {
        throw new InputError(`--format: expected json, jsonl or csv, got "${o.format}"`, '--format');
      }
      await withApp(cmd, async (app) => {
        const r = importFeedback(app.database.sqlite, file, o.format as 'json' | 'jsonl' | 'csv' | undefined);
        if (o.json) printJson(r);
        else
          process.stdout.write(
            `Imported ${r.chat} chat feedback and ${r.predictions} prediction feedback rows from ${r.file}` +
              `${r.skipped ? `; ${r.skipped} already present` : ''}${r.renumbered ? `; ${r.renumbered} stored under new ids` : ''}` +
              `${r.unlinked ? `; ${r.unlinked} links to forecasts not in this database dropped` : ''}\n`,
          );
      });
    });

  fb.command('cleanup')
    .description('delete feedback older than N days (asks first; feedback a deployed model was trained on is kept unless --force)')
    .option('--older-than <days>', 'delete feedback created more than this many days ago', parse.int('--older-than', 1, 36500))
    .option('--yes', 'do not ask for confirmation')
    .option('--force', 'also delete feedback that deployed model versions were trained on (their audit trail)')
    .option('--dry-run', 'only count what would be deleted')
    .option('--json', 'print the result as JSON')
    .action(async (o: { olderThan?: number; yes?: boolean; force?: boolean; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      if (o.olderThan === undefined) throw new InputError('--older-than: required (number of days)', '--older-than');
      const days = o.olderThan;
      await withApp(cmd, async (app) => {
        const sqlite = app.database.sqlite;
        const preview = cleanupFeedback(sqlite, { olderThanDays: days, force: o.force, dryRun: true });
        const n = preview.chatDeleted + preview.predictionsDeleted;
        const kept = preview.keptForAudit ? ` (${preview.keptForAudit} rows used to train deployed model versions are kept; --force deletes them too)` : '';
        if (o.dryRun || n === 0) {
          if (o.json) printJson(preview);
          else process.stdout.write(`${n === 0 ? 'Nothing to delete' : `Would delete ${n} rows`}: ${preview.chatDeleted} chat and ${preview.predictionsDeleted} prediction feedback created before ${preview.cutoff}${kept}.\n`);
          return;
        }
        if (!o.yes) {
          if (!process.stdin.isTTY) throw new InputError('--yes: stdin is not a terminal, so nothing was deleted; add --yes to confirm', '--yes');
          const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(`Delete ${n} feedback rows (${preview.chatDeleted} chat, ${preview.predictionsDeleted} prediction) created before ${preview.cutoff}? [y/N] `);
          rl.close();
          if (!/^(y|yes|s|si|sì)$/i.test(answer.trim())) {
            process.stdout.write('Cancelled: nothing deleted.\n');
            return;
          }
        }
        const r = cleanupFeedback(sqlite, { olderThanDays: days, force: o.force });
        app.logger.info(`Feedback cleanup: deleted ${r.chatDeleted + r.predictionsDeleted} rows older than ${days} days`);
        if (o.json) printJson(r);
        else process.stdout.write(`Deleted ${r.chatDeleted} chat feedback and ${r.predictionsDeleted} prediction feedback rows created before ${r.cutoff}${r.keptForAudit ? ` (${r.keptForAudit} rows used to train deployed model versions kept; --force deletes them too)` : ''}.\n`);
      });
    });
}
